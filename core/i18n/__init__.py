"""One translation table for every user-facing string: English and 简体中文.

`t("key", "zh", n=3)` looks a key up and formats it. A missing key falls back to English, then to
the key itself, so a forgotten entry shows up as a visible key instead of crashing a page.
Keys are grouped by view with a prefix, one module each (so a change to one view touches one file):
common (common., stage., cap., nav.), home, graph, sentiment (sent.), ab, churn, reco, errors (err.:
user errors' messages), and columns
(col.: the label of every column and feature a user can see in a table or chart).
"""

from __future__ import annotations

from core.i18n import ab, auth, churn, columns, common, errors, graph, health, home, journey, reco, sentiment, sources

LANGUAGES = {"en": "English", "zh": "简体中文"}


def _merge(*parts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for part in parts:
        clash = table.keys() & part.keys()
        if clash:
            raise ValueError(f"translation keys defined twice: {sorted(clash)}")
        table.update(part)
    return table


TABLE: dict[str, dict[str, str]] = _merge(
    common.TABLE,
    home.TABLE,
    graph.TABLE,
    sentiment.TABLE,
    ab.TABLE,
    churn.TABLE,
    reco.TABLE,
    columns.TABLE,
    errors.TABLE,
    journey.TABLE,
    auth.TABLE,
    health.TABLE,
    sources.TABLE,
)


def t(key: str, lang: str = "en", **fmt) -> str:
    """Translate `key` into `lang` ('en' or 'zh') and format it with `fmt`."""
    entry = TABLE.get(key)
    text = key if entry is None else entry.get(lang) or entry.get("en") or key
    return text.format(**fmt) if fmt else text


def encoding_name(encoding: str, lang: str = "en") -> str:
    """The name a user reads for a codec the CSV reader detected ("utf-8-sig" -> "UTF-8 (with BOM)");
    a codec given by hand without a name of its own is shown as it was given."""
    key = f"enc.{encoding.lower()}"
    return t(key, lang) if key in TABLE else encoding
