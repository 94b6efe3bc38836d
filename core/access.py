"""Who may see and change which workspace: the access file and the checks every writer makes.

The access file (`data/access.toml`, or `$CE_ACCESS_FILE`)::

    admins = ["lead@example.com"]              # every workspace, every right
    [workspaces.marketing]
    owners = ["alice@example.com"]             # view, train, replace, append, restore, delete
    members = ["@example.org"]                 # view and train; "@domain" is everyone at that domain

An `Actor` is who asks: a signed-in user (`enforced`, checked against the file) or the command line /
the app in local mode (not enforced: whoever can run them can read the data folder anyway). The
sample workspace is visible to everyone and writable by admins only. A workspace the actor may not
see is refused with the same words as one that does not exist, so names do not leak.

Only new workspaces change the file: `claim_workspace` appends the creator as owner (under a lock,
written to a temporary file and renamed over the old one, so a reader never sees half a file and the
administrator's comments and layout stay as they were).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.config import access_file as _access_file
from core.errors import ConfigError

SAMPLE = "sample"  # core.data.workspace.SAMPLE_NAME (core.access sits below core.data)
ROLES = ("admin", "owner", "member")
# what each action needs: viewing and training are a member's; changing data is an owner's
ACTIONS = {"view": ROLES, "train": ROLES, "write": ("admin", "owner"), "delete": ("admin", "owner")}


@dataclass(frozen=True)
class Actor:
    """Who makes a request: `who` is recorded in the audit trail (an e-mail, 'cli' or 'local')."""

    who: str
    enforced: bool = False  # True for a signed-in user: the access file decides

    @property
    def email(self) -> str:
        return self.who.strip().lower()


CLI = Actor("cli")
LOCAL = Actor("local")


@dataclass(frozen=True)
class AccessPolicy:
    admins: tuple[str, ...] = ()
    owners: dict[str, tuple[str, ...]] = field(default_factory=dict)
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def role(self, email: str, workspace: str) -> str | None:
        """'admin', 'owner', 'member' or None (may not see it)."""
        email = email.strip().lower()
        if _matches(email, self.admins):
            return "admin"
        if _matches(email, self.owners.get(workspace, ())):
            return "owner"
        if _matches(email, self.members.get(workspace, ())):
            return "member"
        return "member" if workspace == SAMPLE else None

    def listed(self, workspace: str) -> bool:
        return workspace in self.owners or workspace in self.members


def _matches(email: str, entries: tuple[str, ...]) -> bool:
    if not email or "@" not in email:
        return False
    domain = email[email.rindex("@") :]
    return any(e == email or (e.startswith("@") and e == domain) for e in entries)


def access_file() -> Path:
    """$CE_ACCESS_FILE, else <data folder>/access.toml."""
    return _access_file()


def _entries(value, where: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{path}: {where} must be a list of e-mails or "@domain" strings')
    bad = [v for v in value if "@" not in v]
    if bad:
        raise ConfigError(f"{path}: {where}: '{bad[0][:60]}' is neither an e-mail nor an \"@domain\"")
    return tuple(v.strip().lower() for v in value)


def load_policy(path: Path | None = None) -> AccessPolicy:
    """The access file as a policy; a missing file is an empty one (a signed-in user then sees the
    sample and the workspaces they create). ConfigError naming the file when it is malformed."""
    path = path or access_file()
    if not path.exists():
        return AccessPolicy()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a valid TOML file ({exc})") from None
    unknown = set(doc) - {"admins", "workspaces"}
    if unknown:
        raise ConfigError(f"{path}: unknown key '{sorted(unknown)[0]}' (expected admins and [workspaces.NAME])")
    workspaces = doc.get("workspaces", {})
    if not isinstance(workspaces, dict):
        raise ConfigError(f"{path}: workspaces must be tables: [workspaces.NAME]")
    owners, members = {}, {}
    for name, spec in workspaces.items():
        if not isinstance(spec, dict) or set(spec) - {"owners", "members"}:
            raise ConfigError(f"{path}: [workspaces.{name}] takes owners = [...] and members = [...] only")
        owners[name] = _entries(spec.get("owners", []), f"workspaces.{name}.owners", path)
        members[name] = _entries(spec.get("members", []), f"workspaces.{name}.members", path)
    return AccessPolicy(_entries(doc.get("admins", []), "admins", path), owners, members)


def role(actor: Actor, workspace: str, policy: AccessPolicy | None = None) -> str | None:
    """The actor's role in `workspace` ('admin' for an unenforced actor)."""
    if not actor.enforced:
        return "admin"
    return (policy or load_policy()).role(actor.email, workspace)


def can(actor: Actor, workspace: str, action: str, policy: AccessPolicy | None = None) -> bool:
    """May `actor` do `action` ('view', 'train', 'write', 'delete') in `workspace`?"""
    r = role(actor, workspace, policy)
    if workspace == SAMPLE and action in ("write", "delete"):
        return r == "admin"  # the bundled sample stays as generated
    return r in ACTIONS[action]


def visible(actor: Actor, names: list[str], policy: AccessPolicy | None = None) -> list[str]:
    """The workspaces among `names` the actor may see (all of them when not enforced)."""
    if not actor.enforced:
        return list(names)
    policy = policy or load_policy()
    return [n for n in names if can(actor, n, "view", policy)]


class AccessDenied(ConfigError):
    """A signed-in user asked for something the access file does not give them."""


def require(actor: Actor, workspace: str, action: str, *, exists: bool = True) -> None:
    """Raise AccessDenied unless `actor` may `action` in `workspace`.

    A workspace the actor may not see reads exactly as one that does not exist; a new workspace
    (`exists=False`) may be created by any signed-in user unless the access file already names it
    and not them (then it is someone else's, and reads as taken).
    """
    if not actor.enforced:
        return
    policy = load_policy()
    if not exists:
        if policy.listed(workspace) and not can(actor, workspace, "write", policy):
            raise AccessDenied.keyed("auth.err.taken", workspace=workspace)
        if workspace == SAMPLE:
            raise AccessDenied.keyed("auth.err.read_only", workspace=workspace)
        return
    if not can(actor, workspace, "view", policy):
        raise AccessDenied.keyed("auth.err.no_workspace", workspace=workspace)
    if not can(actor, workspace, action, policy):
        raise AccessDenied.keyed("auth.err.read_only", workspace=workspace)


def claim_workspace(actor: Actor, workspace: str, path: Path | None = None) -> bool:
    """Make a signed-in creator the owner of a new `workspace` in the access file; True if the file
    changed (False when not enforced, or when the file already gives them write access)."""
    if not actor.enforced:
        return False
    from filelock import FileLock

    path = path or access_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock", timeout=30):
        policy = load_policy(path)
        if can(actor, workspace, "write", policy):
            return False
        if policy.listed(workspace):
            raise AccessDenied.keyed("auth.err.taken", workspace=workspace)
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        sep = "" if not old or old.endswith("\n") else "\n"
        new = f"{old}{sep}\n[workspaces.{json.dumps(workspace, ensure_ascii=False)}]\n"
        new += f"owners = [{json.dumps(actor.email, ensure_ascii=False)}]\n"
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(new, encoding="utf-8")
        try:
            load_policy(tmp)  # never replace a good file with one that does not parse
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return True
