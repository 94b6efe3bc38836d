"""`python -m core tables [--workspace W] [--history TABLE | --restore TABLE VERSION]`.

Without options: JSON list of {table, rows, sha256, source, version, created_at, skipped} (current
versions). `--history TABLE`: every recorded version, with `action` and `kept` (restorable).
`--restore TABLE VERSION`: make a kept version current again, as a new version (undoable too).
"""

from __future__ import annotations

import json

from core.data.workspace import open_workspace
from core.errors import ConfigError


def register(sub) -> None:
    p = sub.add_parser("tables", help="list the workspace's tables (current versions) as JSON; history; restore")
    p.add_argument(
        "--workspace",
        default="default",
        help="workspace name (letters, digits, -, _) or a folder path (default: 'default')",
    )
    g = p.add_mutually_exclusive_group()
    g.add_argument("--history", metavar="TABLE", help="list every version of TABLE")
    g.add_argument(
        "--restore",
        nargs=2,
        metavar=("TABLE", "VERSION"),
        help="make an earlier kept version of TABLE current again (as a new version)",
    )
    p.set_defaults(func=run)


def _row(t) -> dict:
    return {
        "table": t.table,
        "rows": t.rows,
        "sha256": t.sha256,
        "source": t.source,
        "version": t.version,
        "created_at": t.created_at,
        "skipped": t.skipped,
    }


def run(args) -> int:

    ws = open_workspace(args.workspace)
    if args.history:
        history = ws.history(args.history)
        if not history:
            raise ConfigError(f"workspace '{ws.name}' has no '{args.history}' table")
        current = ws.info(args.history).version
        print(
            json.dumps(
                [{**_row(t), "action": t.action, "kept": t.kept, "current": t.version == current} for t in history],
                ensure_ascii=False,
            )
        )
        return 0
    if args.restore:
        table, version = args.restore
        try:
            number = int(version)
        except ValueError:
            raise ConfigError(f"--restore: VERSION must be a number, not '{version[:40]}'") from None
        new = ws.restore(table, number)
        print(json.dumps({**_row(ws.info(table)), "restored": number, "version": new}, ensure_ascii=False))
        return 0
    print(json.dumps([_row(t) for t in ws.tables()], ensure_ascii=False))
    return 0
