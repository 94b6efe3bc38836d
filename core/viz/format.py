"""How numbers, dates and missing values read in every table and figure, in English and 简体中文.

One rule set the pages share (ui/present.py applies it to tables; figure builders call
`localize_figure`): counts with thousands separators, shares as percentages, p-values to three
decimals and '< 0.001' below, other numbers to three significant decimals, missing values blank.
A column's kind comes from its name (`column_kind`): the canonical tables and our result frames
name shares `*_share` / `*rate*`, p-values `p` / `p_*` / `*_p`, counts `n` / `n_*` / `*_count` /
`rows` / `users` ... so the same column reads the same in every view.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from core.i18n import TABLE, t

# column kinds
COUNT, SHARE, P_VALUE, NUMBER, SIGNED_SHARE, TEXT, DATE = (
    "count",
    "share",
    "p",
    "number",
    "signed_share",
    "text",
    "date",
)
MONEY, YUAN = "money", "yuan"  # amounts: two decimals; YUAN also with '¥' (a Chinese export's amounts)

_P = re.compile(r"^(p|p_.*|.*_p|p_value|pvalue|.*_p_value)$")
_SHARE = re.compile(r"^(.*_share|share.*|.*_rate|rate|.*rate_.*|retention|churn_rate|coverage|.*_pct)$")
_SIGNED = re.compile(r"^(lift|relative_lift|lift_.*|.*_lift|uplift)$")
_MONEY = re.compile(
    r"(revenue|spend|spent|cost|price|amount|gmv|sales|income|cpa|金额|收入|营收|消费|花费|价格|成本|销售额|¥|￥|元|rmb|cny)"
)
_YUAN = re.compile(r"(¥|￥|元|rmb|cny|[\u4e00-\u9fff])")  # a currency named so, or a Chinese name
_COUNT = re.compile(
    r"^(n|n_.*|.*_count|count|rows|users|members|posts|events|size|.*_n|impressions|clicks|edges|nodes)$"
)


def column_kind(name: str, values: pd.Series | None = None) -> str:
    """The display kind of a column, from its name first, then from its values' dtype."""
    key = str(name).lower()
    if _P.match(key):
        return P_VALUE
    if _SIGNED.match(key):
        return SIGNED_SHARE
    if _SHARE.match(key):
        return SHARE
    if values is not None:
        if pd.api.types.is_bool_dtype(values):
            return TEXT
        if pd.api.types.is_datetime64_any_dtype(values):
            return DATE
        if pd.api.types.is_numeric_dtype(values) and _MONEY.search(key):
            return money_kind(key)
        if pd.api.types.is_integer_dtype(values):
            return COUNT
        if pd.api.types.is_float_dtype(values):
            whole = values.dropna()
            if _COUNT.match(key) and bool(np.all(np.mod(whole, 1) == 0)):
                return COUNT
            return NUMBER
    return COUNT if _COUNT.match(key) else TEXT


def money_kind(name: str) -> str:
    """YUAN for an amount column of a Chinese export or named in yuan (订单金额, price_cny), else MONEY."""
    return YUAN if _YUAN.search(str(name).lower()) else MONEY


def number_kind(name: str) -> str:
    """The kind of a metric's numbers from its name alone: an amount (money_kind) or a plain NUMBER."""
    key = str(name).lower()
    return money_kind(key) if _MONEY.search(key) and "roas" not in key else NUMBER  # ROAS is a ratio


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_count(value: Any) -> str:
    """1234567 -> '1,234,567'; missing -> ''."""
    if is_missing(value):
        return ""
    return f"{float(value):,.0f}"


def fmt_share(value: Any, digits: int = 1) -> str:
    """0.1234 -> '12.3%'; missing -> ''."""
    if is_missing(value):
        return ""
    return f"{float(value) * 100:,.{digits}f}%"


def fmt_signed_share(value: Any, digits: int = 1) -> str:
    """0.0123 -> '+1.2%'; -0.05 -> '−5.0%'; missing -> ''."""
    if is_missing(value):
        return ""
    return f"{float(value) * 100:+,.{digits}f}%".replace("-", "−")


def rate_decimals(*values: Any, digits: int = 2) -> int:
    """Decimals that show each of `values` (shares, 0.00018 = 0.018%) as a percentage with at least
    `digits` significant digits: 1 for 2.0% or 45.1%, 3 for 0.018%."""
    out = 1
    for v in values:
        if is_missing(v) or not math.isfinite(float(v)) or float(v) == 0:
            continue
        out = max(out, digits - 1 - math.floor(math.log10(abs(float(v)) * 100)))
    return min(out, 8)


def fmt_rate(value: Any, decimals: int | None = None) -> str:
    """A rate as a percentage with enough significant digits: 0.00018 -> '0.018%', 0.02 -> '2.0%'
    (`rate_decimals`; pass `decimals` to line several up); missing -> ''."""
    if is_missing(value):
        return ""
    d = rate_decimals(value) if decimals is None else decimals
    return f"{float(value) * 100:,.{d}f}%"


def fmt_p(value: Any) -> str:
    """p-values: '< 0.001' below a thousandth, else three decimals; missing -> ''."""
    if is_missing(value):
        return ""
    v = float(value)
    return "< 0.001" if v < 0.001 else f"{v:.3f}"


def fmt_number(value: Any) -> str:
    """Other numbers: thousands separators, three decimals under 1,000, none above; missing -> ''."""
    if is_missing(value):
        return ""
    v = float(value)
    if not math.isfinite(v):
        return "∞" if v > 0 else "−∞"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:,.3f}"


def fmt_money(value: Any, symbol: str = "") -> str:
    """123.822 -> '123.82' ('¥123.82' with symbol '¥'); -5 -> '−¥5.00'; missing -> ''."""
    if is_missing(value):
        return ""
    v = float(value)
    if not math.isfinite(v):
        return fmt_number(v)
    return ("−" if v < 0 else "") + f"{symbol}{abs(v):,.2f}"


def fmt_yuan(value: Any) -> str:
    return fmt_money(value, "¥")


def fmt_date(value: Any) -> str:
    if is_missing(value):
        return ""
    ts = pd.Timestamp(value)
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M")


def fmt_text(value: Any) -> str:
    return "" if is_missing(value) else str(value)


FORMATTERS: dict[str, Callable[[Any], str]] = {
    COUNT: fmt_count,
    SHARE: fmt_share,
    SIGNED_SHARE: fmt_signed_share,
    P_VALUE: fmt_p,
    NUMBER: fmt_number,
    DATE: fmt_date,
    TEXT: fmt_text,
    MONEY: fmt_money,
    YUAN: fmt_yuan,
}


def formatter(kind: str) -> Callable[[Any], str]:
    return FORMATTERS[kind]


# --- figures -------------------------------------------------------------------------------------
# Plotly's own locale files are not in the bundle Streamlit ships, so month names would stay English;
# date axes get numeric, language-neutral formats instead (d3 time format), Chinese with 年/月/日.
DATE_TICKS = {
    "en": {"day": "%b %-d", "month": "%b %Y", "hover": "%Y-%m-%d", "days_years": "%b %-d<br>%Y"},
    "zh": {"day": "%Y年%-m月%-d日", "month": "%Y年%-m月", "hover": "%Y-%m-%d"},  # ticks with their year
}


def localize_figure(fig: Any, lang: str, *, period: str = "day") -> Any:
    """Date axes of `fig` in `lang` (ticks and hover), and '1,234' separators on numbers. Returns fig.

    The one place every time axis gets its ticks. Every tick says its year where the day ticks alone
    would not: Chinese day ticks always (年月日), English ones when the axis spans more than one year
    ('Dec 30' over '2025', 'Jan 2' over '2026'); an English axis within one year says its year once,
    in the axis title ('Week (2026)', or '2026' under an axis with no title)."""
    ticks = DATE_TICKS.get(lang, DATE_TICKS["en"])
    monthly = period in ("month", "M", "MS")
    fig.update_layout(separators=".,")
    for letter in ("x", "y"):
        layout_axis = getattr(fig.layout, f"{letter}axis", None)
        if layout_axis is not None and layout_axis.type == "date" or _has_dates(fig, letter):
            years = _years(fig, letter)
            tick = ticks["month"] if monthly else ticks["day"]
            if not monthly and len(years) > 1 and "days_years" in ticks:
                tick = ticks["days_years"]
            update = fig.update_xaxes if letter == "x" else fig.update_yaxes
            update(tickformat=tick, hoverformat=ticks["hover"])  # every subplot's axis, not only the first
            if "%Y" not in tick and len(years) == 1:
                _year_in_title(fig, letter, years.pop())
    return fig


def _years(fig: Any, letter: str) -> set[int]:
    """The calendar years of the dates the traces put on the `letter` axes."""
    years: set[int] = set()
    for trace in fig.data:
        values = getattr(trace, letter, None)
        if values is None or len(values) == 0 or not _dates(values[0]):
            continue
        stamps = pd.to_datetime(pd.Series(list(values)), errors="coerce").dropna()
        if len(stamps):
            years.update({int(stamps.min().year), int(stamps.max().year)})
    return years


def _year_in_title(fig: Any, letter: str, year: int) -> None:
    """The year once, in the titles of the `letter` date axes that have one (else the last axis's)."""
    axes = [a for a in fig.layout if re.fullmatch(rf"{letter}axis\d*", a)]
    titled = [a for a in axes if fig.layout[a].title.text]
    for name in titled or axes[-1:]:
        text = fig.layout[name].title.text
        if text and (text == str(year) or text.endswith(f"({year})")):
            continue  # localized twice: the year once
        fig.layout[name].title.text = f"{text} ({year})" if text else str(year)


def _has_dates(fig: Any, letter: str) -> bool:
    for trace in fig.data:
        values = getattr(trace, letter, None)
        if values is None or len(values) == 0:
            continue
        if _dates(values[0]):
            return True
    return False


def _dates(first: Any) -> bool:
    """Whether a trace's first value is a date (so its axis is a time axis)."""
    if isinstance(first, (pd.Timestamp, np.datetime64)) or hasattr(first, "isoformat"):
        return True
    return isinstance(first, str) and re.match(r"^\d{4}-\d{2}-\d{2}", first) is not None


# --- what a view needs, in words -----------------------------------------------------------------
_NEED = re.compile(r"\b([a-z_]+)\.([a-z_]+)\b")


def needs_text(needs: str, lang: str) -> str:
    """The columns a view still needs (core.capabilities' notation: `table.column`, `+` and, ` / ` or)
    for a reader of `lang`. English keeps the notation; Chinese says each table and field in words and
    keeps the notation after them, as the mapping grid names them: 'edges.src + edges.dst / posts.text'
    -> '关系表的起点和终点列（edges.src + edges.dst），或帖子表的文本列（posts.text）'."""
    if lang != "zh":
        return needs

    def table(name: str) -> str:
        return t(f"table.{name}", "zh") if f"table.{name}" in TABLE else name

    def field(name: str) -> str:
        return t(f"col.{name}", "zh") if f"col.{name}" in TABLE else name

    if "(" in needs:  # nested groups: word by word, then the notation
        out = _NEED.sub(lambda m: f"{table(m.group(1))}的{field(m.group(2))}", needs)
        out = out.replace(" + ", "和").replace(" / ", "或").replace("(", "（").replace(")", "）")
        return f"{out}（{needs}）"
    alternatives = []
    for alt in needs.split(" / "):
        by_table: dict[str, list[str]] = {}
        for item in alt.split(" + "):
            name, _, col = item.strip().partition(".")
            by_table.setdefault(name, []).append(col)
        words = "以及".join(f"{table(n)}的{'和'.join(field(c) for c in cols if c)}列" for n, cols in by_table.items())
        alternatives.append(f"{words}（{alt.strip()}）")
    return "，或".join(alternatives)
