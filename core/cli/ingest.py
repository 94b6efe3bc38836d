"""`python -m core ingest FILE.csv --table T [--map COL=FIELD ...] [--workspace W] [--skip-bad-rows] [--append]`."""

from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("ingest", help="load a CSV as a new version of a canonical table (all or nothing)")
    p.add_argument("file")
    p.add_argument("--table", required=True, help="users, interactions, posts, edges or ad_events")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="CSV_COLUMN=FIELD",
        help="map a CSV column to a canonical field (repeatable); unmapped columns are suggested",
    )
    p.add_argument(
        "--workspace",
        default="default",
        help="workspace name (letters, digits, -, _) or a folder path (default: 'default')",
    )
    p.add_argument("--skip-bad-rows", action="store_true", help="skip rows that do not parse instead of failing")
    p.add_argument(
        "--append",
        action="store_true",
        help="add the rows to the table's current ones (same columns) instead of replacing them",
    )
    p.add_argument(
        "--allow-duplicate",
        action="store_true",
        help="with --append: append even a file already loaded, or rows whose key the table already has",
    )
    p.add_argument("--encoding", default=None, help="force a file encoding (default: detect)")
    p.set_defaults(func=run)


def run(args) -> int:
    from core.data.ingest import ingest_file, parse_map_args
    from core.data.workspace import open_workspace
    from core.i18n import encoding_name

    ws = open_workspace(args.workspace)
    report = ingest_file(
        ws,
        args.file,
        args.table,
        mapping=parse_map_args(args.map) or None,
        skip_bad_rows=args.skip_bad_rows,
        encoding=args.encoding,
        mode="append" if args.append else "replace",
        allow_duplicate=args.allow_duplicate,
    )
    print(
        json.dumps(
            {
                "workspace": str(ws.path),
                "table": report.table,
                "version": report.version,
                "mode": report.mode,
                "rows_before": report.rows_before,
                "rows": report.rows,
                "skipped": report.skipped,
                "skipped_examples": report.skipped_examples,
                "overlapping_rows": report.overlap,
                "sha256": report.sha256,
                "encoding": report.encoding,
                "encoding_name": encoding_name(report.encoding),
                "delimiter": report.delimiter,
                "mapping": report.mapping,
            },
            ensure_ascii=False,
        )
    )
    return 0
