"""An append to a table: how many of the new rows repeat the table's key, and the new version's
file as the current rows followed by the new ones (same columns; same types, or both numeric)."""

from __future__ import annotations

from pathlib import Path

from core.data.convert import one_row, quote_name, sql_text
from core.data.csvfile import name_list
from core.errors import InputError

_NUMERIC = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL"}


def repeated_key_rows(con, old: Path, new: Path, key: tuple[str, ...]) -> int:
    """Rows of `new` whose key (every field non-null) is among `old`'s rows; 0 when a key column is
    missing from either file (nothing to compare)."""
    for p in (old, new):
        have = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({sql_text(str(p))})").fetchall()}
        if not set(key) <= have:
            return 0
    cols = ", ".join(quote_name(k) for k in key)
    as_text = ", ".join(
        f"CAST({quote_name(k)} AS VARCHAR) AS {quote_name(k)}" for k in key
    )  # old and new types may differ
    return one_row(
        con,
        f"SELECT count(*) FROM (SELECT {as_text} FROM read_parquet({sql_text(str(new))})) n "
        f"SEMI JOIN (SELECT DISTINCT {as_text} FROM read_parquet({sql_text(str(old))})) o USING ({cols})",
    )[0]


def append_onto(
    con, previous: tuple[int, Path, list[str], int], new: Path, out: Path, new_hidden: list[str], table: str, name: str
) -> None:
    """Write the current version's rows followed by `new`'s into `out`; InputError unless the columns
    match (same names; same types, or both numeric)."""
    version, old_path, old_hidden, _rows = previous

    def columns(p: Path, hidden: list[str]) -> dict[str, str]:
        hide = f" EXCLUDE ({', '.join(quote_name(h) for h in hidden)})" if hidden else ""
        return {
            r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT *{hide} FROM read_parquet({sql_text(str(p))})").fetchall()
        }

    old, new_cols = columns(old_path, old_hidden), columns(new, new_hidden)
    missing, extra = [c for c in old if c not in new_cols], [c for c in new_cols if c not in old]
    if missing or extra:
        parts = ([f"missing {name_list(missing)}"] if missing else []) + ([f"new {name_list(extra)}"] if extra else [])
        raise InputError(
            f"cannot append to '{table}' (version {version}): the columns differ ({'; '.join(parts)}). "
            "Map the same columns, or replace the table instead",
            file=name,
        )
    select_old, select_new = [], []
    for c, t in old.items():
        u = new_cols[c]
        base_t, base_u = t.split("(")[0], u.split("(")[0]
        if t == u:
            select_old.append(quote_name(c))
            select_new.append(quote_name(c))
        elif base_t in _NUMERIC and base_u in _NUMERIC:
            select_old.append(f"CAST({quote_name(c)} AS DOUBLE) AS {quote_name(c)}")
            select_new.append(f"CAST({quote_name(c)} AS DOUBLE) AS {quote_name(c)}")
        elif t == "VARCHAR":  # the table kept this extra column as text: the new values join as text
            select_old.append(quote_name(c))
            select_new.append(f"CAST({quote_name(c)} AS VARCHAR) AS {quote_name(c)}")
        else:
            raise InputError(
                f"cannot append to '{table}' (version {version}): the values are {u.lower()} here but "
                f"{t.lower()} in the table",
                file=name,
                column=c,
            )
    con.execute(
        f"COPY (SELECT {', '.join(select_old)} FROM read_parquet({sql_text(str(old_path))}) UNION ALL "
        f"SELECT {', '.join(select_new)} FROM read_parquet({sql_text(str(new))})) TO {sql_text(str(out))} "
        "(FORMAT parquet, COMPRESSION snappy, DICTIONARY_SIZE_LIMIT 16384)"
    )


def overlap_error(overlap: int, previous, key: tuple[str, ...], rows: int, table: str, name: str) -> InputError:
    """An append whose rows repeat the table's key, refused (one line, with how many rows)."""
    return InputError.keyed(
        "err.ingest.overlap",
        file=name,
        table=table,
        n=f"{overlap:,}",
        total=f"{rows:,}",
        fields=", ".join(key),
        version=previous[0],
    )
