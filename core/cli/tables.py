"""`python -m core tables [--workspace W]`: JSON list of {table, rows, sha256, source, version, created_at}."""

from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("tables", help="list the workspace's tables (current versions) as JSON")
    p.add_argument("--workspace", default="default", help="workspace name or folder (default: 'default')")
    p.set_defaults(func=run)


def run(args) -> int:
    from core.data.workspace import open_workspace

    ws = open_workspace(args.workspace)
    print(json.dumps([{"table": t.table, "rows": t.rows, "sha256": t.sha256, "source": t.source,
                       "version": t.version, "created_at": t.created_at, "skipped": t.skipped}
                      for t in ws.tables()], ensure_ascii=False))
    return 0
