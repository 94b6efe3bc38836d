"""Sign-in and who the session is: Streamlit's own `st.login`/`st.user`/`st.logout` over OpenID Connect.

With an `[auth]` table in `.streamlit/secrets.toml` (README, "Deploying for a team") every page shows
only the sign-in screen until the user has signed in, and the access file (core.access) decides
which workspaces they see and change. Without it the app is in local mode: no sign-in, every
workspace, as on one person's machine. Streamlit keeps the identity in a signed cookie: one that
was tampered with, or has expired, reads as signed out.

This module sits below ui.state and ui.common (it imports neither): callers pass the language.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from core import access
from core.config import default_language
from core.data import audit
from core.errors import ConfigError
from core.i18n import LANGUAGES, t


def configured() -> bool:
    """True when `.streamlit/secrets.toml` (or `--secrets.files`) has an `[auth]` table."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except FileNotFoundError:  # StreamlitSecretNotFoundError: no or unreadable secrets file
        return False


PLACEHOLDER = "REPLACE-ME"  # how the README's example cookie_secret begins


def placeholder_secret() -> bool:
    """True while `cookie_secret` is still the README's example text: a public secret signs anyone in."""
    return str(st.secrets["auth"].get("cookie_secret", "")).startswith(PLACEHOLDER)


def signed_in() -> bool:
    return bool(configured() and not placeholder_secret() and st.user.get("is_logged_in"))


def current_actor() -> access.Actor:
    """The signed-in user (checked against the access file), or local mode's unchecked actor."""
    if not configured():
        return access.LOCAL
    email = str(st.user.get("email") or "") if signed_in() else ""
    return access.Actor(email, enforced=True)


def visible_workspaces(names: list[str]) -> list[str]:
    """The workspaces among `names` this session may see (all of them in local mode)."""
    return access.visible(current_actor(), names)


def may_change(workspace: str) -> bool:
    """May this session upload to, replace, append to and restore `workspace`?"""
    return access.can(current_actor(), workspace, "write")


def record(ws, action: str, detail: str = "") -> None:
    """One event (e.g. 'training') in the workspace's audit trail, by this session's user."""

    if ws.db_path.exists():
        audit.log(ws, current_actor().who, action, detail=detail)


def url_language() -> str:
    """The language before any page has run: `?lang=`, else $CE_LANG, else English."""
    lang = st.query_params.get("lang") or default_language()
    return lang if lang in LANGUAGES else "en"


def _providers() -> list[str | None]:
    """Named providers (`[auth.google]`, ...) when the [auth] table has them, else the default one."""
    section = st.secrets["auth"]
    named = [k for k, v in section.items() if isinstance(v, Mapping)]
    return named or [None]


def sign_in_screen(lang: str) -> None:
    """The only thing drawn before sign-in: a title, one line and a button per provider; stops."""
    st.title(t("auth.sign_in_title", lang))
    st.write(t("auth.sign_in_text", lang))
    if placeholder_secret():
        st.error(t("auth.placeholder_secret", lang))
        st.stop()
    for provider in _providers():
        label = t("auth.sign_in", lang) if provider is None else t("auth.sign_in_with", lang, provider=provider)
        st.button(label, type="primary", key=f"sign_in_{provider}", on_click=st.login, args=(provider,))
    st.stop()


def require_readable_access_file(lang: str) -> None:
    """Signed in: a malformed access file stops every page with its one-line error (nobody sees
    anything until an admin fixes it), never a traceback and never a guess."""

    try:
        access.load_policy()
    except ConfigError as exc:
        st.error(exc.text(lang))
        st.stop()


def sidebar_account(lang: str) -> None:
    """The signed-in user's name and a sign-out button, in the sidebar."""
    name = st.user.get("name") or st.user.get("email") or ""
    with st.sidebar:
        st.caption(t("auth.signed_in_as", lang, name=name))
        st.button(t("auth.sign_out", lang), key="sign_out", on_click=st.logout)


def who_text(who: str, lang: str) -> str:
    """An audit trail's 'who' as shown: the e-mail, or the command line / local mode in words."""
    return t(f"auth.who.{who}", lang) if who in ("cli", "local") else who


def missing_workspace_screen(name: str, names: list[str], lang: str, on_pick, key: str) -> None:
    """In place of a page whose `?ws=` names no workspace this session may see (missing or
    forbidden: the same words): say so and offer the workspaces it may see; stops."""
    st.warning(t("auth.ws_missing", lang, workspace=name))
    st.selectbox(
        t("auth.pick", lang),
        visible_workspaces(names),
        index=None,
        placeholder=t("auth.pick_placeholder", lang),
        key=key,
        on_change=on_pick,
        args=(key,),
    )
    st.stop()
