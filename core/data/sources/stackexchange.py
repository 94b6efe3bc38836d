"""Stack Exchange data dumps: Posts.xml, Users.xml, Comments.xml (one `<row .../>` per record).

Read with iterparse (each row cleared once written), so a large site's dump streams in bounded memory
into a Parquet file of text columns, in batches:
- Posts.xml -> posts: questions and answers (other post types are left out), post_id, user_id, ts,
  text (title and body, HTML as plain text), parent_id (an answer's question), reply_to_user (the
  question's author, joined by DuckDB), post_type, title, tags ('a|b', an answer carries its
  question's), score. Map `tags` to `community` to use them as communities.
- Users.xml -> users: user_id, signup_at, display_name, reputation, location.
- Comments.xml -> posts as replies: post_id 'c<Id>', parent_id the post commented on, user_id, ts, text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from core.errors import InputError

BATCH = 20_000
KINDS = {"1": "question", "2": "answer"}
COLUMNS = {
    "posts": ["post_id", "user_id", "ts", "text", "parent_id", "post_type", "title", "tags", "score"],
    "users": ["user_id", "signup_at", "display_name", "reputation", "location"],
    "comments": ["post_id", "user_id", "ts", "text", "parent_id", "score"],
}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("p", "br", "li", "pre", "blockquote", "h1", "h2", "h3"):
            self.parts.append("\n")


def plain_text(html: str) -> str:
    """HTML as the text a reader sees (tags dropped, entities decoded, blank runs collapsed)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n\s*\n+", "\n", text).strip()


def _tags(raw: str | None) -> str | None:
    if not raw:
        return None
    tags = re.findall(r"<([^>]+)>", raw) or [t for t in raw.split("|") if t]
    return "|".join(tags) or None


def _row(kind: str, a: dict) -> list[str | None] | None:
    if kind == "posts":
        post_type = KINDS.get(a.get("PostTypeId", ""))
        if post_type is None:
            return None
        title = a.get("Title")
        body = plain_text(a.get("Body", ""))
        text = f"{title}\n{body}" if title else body
        return [
            a.get("Id"),
            a.get("OwnerUserId"),
            a.get("CreationDate"),
            text or None,
            a.get("ParentId"),
            post_type,
            title,
            _tags(a.get("Tags")),
            a.get("Score"),
        ]
    if kind == "users":
        return [a.get("Id"), a.get("CreationDate"), a.get("DisplayName"), a.get("Reputation"), a.get("Location")]
    return [
        "c" + a.get("Id", ""),
        a.get("UserId"),
        a.get("CreationDate"),
        a.get("Text") or None,
        a.get("PostId"),
        a.get("Score"),
    ]


def stage(path: Path, name: str, table: str | None, scratch: Path) -> Path:
    """Convert the dump file to `scratch/dump.parquet`; returns the file the ingest reads (for posts,
    with reply_to_user joined in)."""

    out = scratch / "dump.parquet"
    kind = None
    writer = None
    batch: list[list[str | None]] = []
    n = 0
    try:
        for event, elem in ET.iterparse(path, events=("start", "end")):
            if kind is None:
                root = elem.tag.lower()
                if root not in COLUMNS:
                    raise InputError.keyed("err.src.not_dump", file=name, root=elem.tag)
                kind = root
                schema = pa.schema([(c, pa.string()) for c in COLUMNS[kind]])
                writer = pq.ParquetWriter(out, schema)
                continue
            if event != "end" or elem.tag != "row":
                continue
            row = _row(kind, elem.attrib)
            elem.clear()
            if row is None:
                continue
            batch.append(row)
            if len(batch) >= BATCH:
                writer.write_table(_table(batch, schema))  # type: ignore[union-attr]
                n += len(batch)
                batch = []
        if writer is None:
            raise InputError.keyed("err.csv.empty", file=name)
        if batch:
            writer.write_table(_table(batch, schema))
            n += len(batch)
    except ET.ParseError as exc:
        raise InputError.keyed("err.src.bad_xml", file=name, reason=str(exc)) from None
    finally:
        if writer is not None:
            writer.close()
    if n == 0:
        raise InputError.keyed("err.csv.no_rows", file=name)
    if kind != "posts":
        return out

    joined = scratch / "posts.parquet"
    src = "'" + str(out).replace("'", "''") + "'"
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        con.execute(
            f"COPY (SELECT p.post_id, p.user_id, p.ts, p.text, p.parent_id, q.user_id AS reply_to_user, "
            f"p.post_type, p.title, COALESCE(p.tags, q.tags) AS tags, p.score "
            f"FROM read_parquet({src}, file_row_number = true) p "
            f"LEFT JOIN read_parquet({src}) q ON p.parent_id = q.post_id ORDER BY p.file_row_number) "
            f"TO '{str(joined).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)"
        )
    finally:
        con.close()
    return joined


def _table(batch, schema):

    cols = list(zip(*batch))
    return pa.Table.from_arrays([pa.array(c, pa.string()) for c in cols], schema=schema)
