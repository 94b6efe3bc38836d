"""The one way a page shows a table: translated column labels, readable numbers, blank missing values,
key columns pinned while wide tables scroll inside their frame.

    show_table(frame, key="churn_risk", pinned=("user_id",), kinds={"score": "share"})

Labels come from `col.<name>` in core/i18n/columns.py (a column with no entry keeps its name, which
the zh completeness test flags); formats from core.viz.format (`column_kind` by name and dtype,
overridable per column). Values are formatted for display only (a pandas Styler): sorting a column
in the browser still sorts the numbers, and downloads keep the raw frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import streamlit as st

from core.data.mapping import to_analyst_names, workspace_names
from core.export import csv_bytes
from core.i18n import TABLE
from core.shared_results import Same
from core.viz import format as vf
from ui.cache import shared_memo
from ui.common import tr
from ui.state import ANALYST_NAMES, LANG

NAMES = ANALYST_NAMES  # (page script hash, {canonical field: the analyst's column name})


def _page_hash() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return getattr(ctx, "page_script_hash", "") if ctx is not None else ""


def use_names(ws, *tables: str) -> dict[str, str]:
    """Show the analyst's own column names for the fields of `tables` on this page (its tables,
    labels and downloads); other pages keep the translated labels. Returns {field: name}."""

    names = workspace_names(ws, *tables)
    st.session_state[NAMES] = (_page_hash(), names)
    return names


def analyst_names() -> dict[str, str]:
    """The names `use_names` set for the page now running ({} on other pages)."""
    page, names = st.session_state.get(NAMES, ("", {}))
    return names if page == _page_hash() else {}


def col_label(name: str) -> str:
    """A column's label: the analyst's own column name where the page's table renamed it (see
    `use_names`), else its label in the session's language (its own name when it has no `col.` entry)."""
    own = analyst_names().get(str(name))
    if own is not None:
        return own
    key = f"col.{name}"
    return tr(key) if key in TABLE else str(name)


def field_names(fields: Iterable[str]) -> str:
    """Canonical field names for a message in the reader's language: 'user_id, ts' in English,
    '成员（user_id）、时间（ts）' in Chinese (the word, then the name the mapping grid shows)."""
    if st.session_state.get(LANG, "en") != "zh":
        return ", ".join(fields)
    return "、".join(f"{col_label(f)}（{f}）" if f"col.{f}" in TABLE else f for f in fields)


def named(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the page's canonical columns under the analyst's names (for downloads)."""

    return to_analyst_names(frame, analyst_names())


def named_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes of `named(frame)` for a download button, made once for every session: `frame` is
    part of a shared result (ui.cache.shared_memo), so the same object on every session's run."""
    names = analyst_names()
    key = (Same(frame), tuple(sorted(names.items())))
    return shared_memo("named_csv", key, lambda: csv_bytes(to_analyst_names(frame, names)), max_entries=16)


def labelled(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """`frame` with translated column headers (`labels` overrides per column)."""
    labels = labels or {}
    return frame.rename(columns={c: labels.get(c) or col_label(c) for c in frame.columns})


def styled(
    frame: pd.DataFrame,
    kinds: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    gaps_as_text: bool = False,
):
    """A Styler over `frame` with every column formatted by its kind and headers translated.
    Missing text is blank. `gaps_as_text`: a number column with missing values is shown as its
    formatted text, because Streamlit's grid draws a grey 'None' for a missing number whatever the
    Styler says (that column then sorts as text)."""
    kinds = kinds or {}
    shown = frame.reset_index(drop=True)
    formats = {c: vf.formatter(kinds.get(c) or vf.column_kind(c, shown[c])) for c in shown.columns}
    for c in shown.columns:
        if not shown[c].isna().any():
            continue
        if shown[c].dtype == object or isinstance(shown[c].dtype, pd.StringDtype):
            shown[c] = shown[c].astype(object).where(shown[c].notna(), "")  # text: blank, sorts the same
        elif gaps_as_text and shown[c].dtype.kind == "f":
            shown[c], formats[c] = shown[c].map(formats[c]), vf.fmt_text
    renamed = labelled(shown, labels)
    by_label = dict(zip(renamed.columns, formats.values(), strict=True))
    return renamed.style.format(by_label, na_rep="")


def show_table(
    frame: pd.DataFrame,
    *,
    key: str | None = None,
    pinned: Iterable[str] = (),
    kinds: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    height: int | None = None,
    max_rows: int = 2000,
    selection: bool = False,
    gaps_as_text: bool = False,
):
    """Draw `frame` (at most `max_rows` rows) the house way; returns st.dataframe's result."""
    pinned = [c for c in pinned if c in frame.columns]
    label_of = {c: (labels or {}).get(c) or col_label(c) for c in frame.columns}
    config = {label_of[c]: st.column_config.Column(pinned=True) for c in pinned}
    extra = {"on_select": "rerun", "selection_mode": "single-row"} if selection else {}
    return st.dataframe(
        styled(frame.head(max_rows), kinds, labels, gaps_as_text),
        hide_index=True,
        width="stretch",
        column_config=config or None,
        key=key,
        height=height if height is not None else "auto",
        **extra,
    )
