"""PostgreSQL as a source: a query's rows as Arrow record batches (adbc-driver-postgresql), never pandas.

`open_query(url, query, password=..., row_limit=...)` runs the query in a read-only transaction and
streams its batches into a Parquet file in a private scratch folder; the ingest then maps, checks
and stores it like any file. More rows than `row_limit` are refused (never silently cut). The
password (in the URL or given apart) is used for the connection only: the name the ingest records
is the URL without it (`redact`), and every message has it scrubbed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pyarrow as pa
import pyarrow.parquet as pq

from core.data.sources.base import Opened, from_relation, lit, scratch_dir
from core.errors import ConfigError, InputError

DEFAULT_ROW_LIMIT = 10_000_000
SCHEMES = ("postgresql", "postgres")


def _parts(url: str):
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        raise ConfigError.keyed("err.src.sql_url") from None
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ConfigError.keyed("err.src.sql_url")
    return parts


def redact(url: str) -> str:
    """The URL without its password (in the user part or a `password=` parameter): what is recorded."""
    parts = _parts(url)
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = (f"{user}@" if user else "") + host + (f":{parts.port}" if parts.port else "")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "password"])
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _connect_uri(url: str, password: str | None) -> tuple[str, str | None]:
    """The URI to connect with (password in it, read-only sessions, a connect timeout), and the password."""
    parts = _parts(url)
    pw = password if password else parts.password
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    cred = quote(user, safe="") + (":" + quote(pw, safe="") if pw else "")
    netloc = (cred + "@" if cred else "") + host + (f":{parts.port}" if parts.port else "")
    params = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in ("password", "options")]
    params += [("connect_timeout", "10"), ("options", "-c default_transaction_read_only=on")]
    return urlunsplit(("postgresql", netloc, parts.path, urlencode(params, quote_via=quote), "")), pw


def _scrub(text: str, secret: str | None) -> str:
    text = " ".join(text.split())
    if secret:
        text = text.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return text[:300]


def stage_query(url: str, query: str, scratch: Path, password: str | None, row_limit: int) -> tuple[Path, int]:
    """Run `query` and write its rows to `scratch/query.parquet`; returns the file and the row count."""
    import adbc_driver_manager
    import adbc_driver_postgresql.dbapi as pg

    uri, secret = _connect_uri(url, password)
    name = redact(url)
    sql = query.strip().rstrip(";").strip()
    if not sql:
        raise ConfigError.keyed("err.src.sql_query", file=name, reason="the query is empty")
    out = scratch / "query.parquet"
    try:
        conn = pg.connect(uri)
    except adbc_driver_manager.Error as exc:
        msg = _scrub(str(exc), secret)
        key = "err.src.sql_auth" if "password authentication failed" in msg or "no password" in msg else None
        if key:
            raise InputError.keyed(key, file=name) from None
        raise InputError.keyed("err.src.sql_connect", file=name, reason=msg) from None
    rows = 0
    try:
        with conn.cursor() as cur:
            try:
                cur.execute(f"SELECT * FROM ({sql}) AS source_query LIMIT {int(row_limit) + 1}")
                reader = cur.fetch_record_batch()
                with pq.ParquetWriter(out, reader.schema) as writer:
                    for batch in reader:
                        rows += batch.num_rows
                        if rows > row_limit:
                            raise InputError.keyed("err.src.sql_limit", file=name, limit=f"{row_limit:,}")
                        writer.write_batch(batch)
            except (adbc_driver_manager.Error, pa.ArrowException) as exc:
                raise InputError.keyed("err.src.sql_query", file=name, reason=_scrub(str(exc), secret)) from None
        conn.rollback()  # read only: nothing to keep
    finally:
        conn.close()
    if rows == 0:
        raise InputError.keyed("err.src.sql_no_rows", file=name)
    return out, rows


@contextmanager
def open_query(
    url: str, query: str, password: str | None = None, row_limit: int = DEFAULT_ROW_LIMIT
) -> Iterator[Opened]:
    """The query's rows as an Opened source for `core.data.ingest.ingest_opened`; `opened.detail` is
    the redacted URL, the name to record."""
    name = redact(url)
    with scratch_dir() as scratch:
        staged, _rows = stage_query(url, query, scratch, password, row_limit)
        opened = from_relation(f"read_parquet({lit(str(staged))})", staged, staged, name, "sql", name)
        yield opened
