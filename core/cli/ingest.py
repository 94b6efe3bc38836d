"""`python -m core ingest FILE --table T [--map COL=FIELD ...] [--workspace W] [--skip-bad-rows] [--append]`.

FILE: .csv/.tsv/.txt, Excel (.xlsx/.xlsm/.xls: `--sheet NAME|INDEX`, `--header-row N`), Parquet, JSON
Lines or a JSON array, .gz/.zst/.zip (`--member NAME`), a Stack Exchange dump's Posts/Users/Comments.xml.
`python -m core ingest --from-sql postgresql://user@host/db --query "SELECT ..." --table T`: the
password from the URL or the PGPASSWORD environment variable; never recorded.
"""

from __future__ import annotations

import json

from core.cli import check_range
from core.config import postgres_password
from core.data.ingest import ingest_file, ingest_opened, parse_map_args
from core.data.sources import ReadOptions
from core.data.sources.sql import DEFAULT_ROW_LIMIT, open_query
from core.data.workspace import open_workspace
from core.errors import ConfigError
from core.i18n import encoding_name


def register(sub) -> None:
    p = sub.add_parser("ingest", help="load a CSV as a new version of a canonical table (all or nothing)")
    p.add_argument("file", nargs="?", help="the file (omit with --from-sql)")
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
    p.add_argument(
        "--sheet", default=None, help="Excel: the sheet's name or 0-based index (default: the first that fits)"
    )
    p.add_argument("--header-row", type=int, default=None, help="Excel: the header's row number (1-based)")
    p.add_argument("--member", default=None, help="zip: the file in the archive to read")
    p.add_argument("--from-sql", default=None, metavar="URL", help="read a PostgreSQL query instead of a file")
    p.add_argument("--query", default=None, help="with --from-sql: the SELECT to read")
    p.add_argument("--row-limit", type=int, default=None, help="with --from-sql: refuse more rows (default 10,000,000)")
    p.set_defaults(func=run)


def run(args) -> int:
    if (args.file is None) == (args.from_sql is None):
        raise ConfigError("give a FILE or --from-sql URL (one of them)")
    if (args.query is None) != (args.from_sql is None):
        raise ConfigError("--from-sql and --query go together")
    check_range(args.header_row, "--header-row", 1)
    check_range(args.row_limit, "--row-limit", 1)
    ws = open_workspace(args.workspace)
    mode = "append" if args.append else "replace"
    if args.from_sql:
        report = _from_sql(ws, args, mode)
    else:
        report = ingest_file(
            ws,
            args.file,
            args.table,
            mapping=parse_map_args(args.map) or None,
            skip_bad_rows=args.skip_bad_rows,
            encoding=args.encoding,
            mode=mode,
            allow_duplicate=args.allow_duplicate,
            read=ReadOptions(sheet=args.sheet, header_row=args.header_row, member=args.member),
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


def _from_sql(ws, args, mode: str):
    limit = args.row_limit or DEFAULT_ROW_LIMIT
    with open_query(args.from_sql, args.query, postgres_password(), limit) as src:
        return ingest_opened(
            ws,
            src,
            args.table,
            parse_map_args(args.map) or None,
            args.skip_bad_rows,
            src.detail,
            mode=mode,
            allow_duplicate=args.allow_duplicate,
        )
