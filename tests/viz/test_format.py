"""The house number formats (core.viz.format): kinds from column names and dtypes, blanks for missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.viz import format as vf


@pytest.mark.parametrize(
    ("name", "values", "kind"),
    [
        ("p", [0.2], vf.P_VALUE),
        ("p_adjusted", [0.2], vf.P_VALUE),
        ("null_share", [0.2], vf.SHARE),
        ("conversion_rate", [0.2], vf.SHARE),
        ("lift", [0.2], vf.SIGNED_SHARE),
        ("users", [3.0, np.nan], vf.COUNT),
        ("rows", [3, 4], vf.COUNT),
        ("score", [0.25], vf.NUMBER),
        ("community", ["a"], vf.TEXT),
        ("ts", pd.to_datetime(["2026-01-01"]), vf.DATE),
    ],
)
def test_kind_from_name_then_dtype(name, values, kind):
    assert vf.column_kind(name, pd.Series(values)) == kind


def test_formats_read_like_a_report_and_missing_is_blank():
    assert vf.fmt_count(1234567) == "1,234,567"
    assert vf.fmt_share(0.1234) == "12.3%"
    assert vf.fmt_signed_share(0.0123) == "+1.2%" and vf.fmt_signed_share(-0.05) == "−5.0%"
    assert vf.fmt_p(0.0004) == "< 0.001" and vf.fmt_p(0.0123) == "0.012"
    assert vf.fmt_number(12345.678) == "12,346" and vf.fmt_number(0.12345) == "0.123"
    for fmt in vf.FORMATTERS.values():
        assert fmt(None) == "" and fmt(np.nan) == "" and fmt(pd.NaT) == ""


def test_date_axes_read_in_the_ui_language():
    days = pd.date_range("2026-01-01", periods=3)
    fig = vf.localize_figure(go.Figure(go.Scatter(x=days, y=[1, 2, 3])), "zh", period="month")
    assert fig.layout.xaxis.tickformat == "%Y年%-m月" and fig.layout.yaxis.tickformat is None
    fig = vf.localize_figure(go.Figure(go.Scatter(x=days, y=[1, 2, 3])), "en")
    assert fig.layout.xaxis.tickformat == "%b %-d"


@pytest.mark.parametrize(
    ("name", "kind", "shown"),
    [("订单金额", vf.YUAN, "¥123.82"), ("price_cny", vf.YUAN, "¥123.82"), ("revenue", vf.MONEY, "123.82")],
)
def test_amounts_read_as_money_with_two_decimals(name, kind, shown):
    values = pd.Series([123.822, -5.0, np.nan])
    assert vf.column_kind(name, values) == kind and vf.number_kind(name) == kind
    fmt = vf.formatter(kind)
    assert fmt(values[0]) == shown and fmt(values[2]) == ""
    assert fmt(values[1]) == "−" + shown[: shown.index("1")] + "5.00"
    assert vf.column_kind("score", values) == vf.NUMBER  # other numbers keep three decimals


def test_chinese_day_ticks_carry_their_year():
    days = pd.date_range("2025-12-30", periods=5)
    fig = vf.localize_figure(go.Figure(go.Scatter(x=days, y=[1, 2, 3, 4, 5])), "zh")
    assert fig.layout.xaxis.tickformat.startswith("%Y年")


def test_what_a_view_needs_reads_as_chinese_words():
    """'需要 edges.src + edges.dst' read as bare notation; in Chinese every table and field is said in
    words, the notation kept after them (it is what the mapping grid shows); English keeps the notation."""
    import re

    from core.capabilities import view_capabilities
    from core.i18n import t

    needs = [n for support in view_capabilities({}).values() for n in support.needs.values()]
    assert needs
    for n in needs:
        zh = vf.needs_text(n, "zh")
        assert vf.needs_text(n, "en") == n
        for table, col in re.findall(r"\b([a-z_]+)\.([a-z_]+)\b", n):
            assert f"{table}.{col}" in zh and t(f"table.{table}", "zh") in zh, (n, zh)
        assert zh.startswith(t(f"table.{n.split('.')[0].lstrip('(')}", "zh")), zh  # words first
    assert vf.needs_text("edges.src + edges.dst", "zh") == "关系表的起点和终点列（edges.src + edges.dst）"


def test_english_day_ticks_say_their_year():
    """Issue 25 item 12: English day ticks had no year. Across a new year every tick carries it; within
    one year the axis title says it once (the sentiment trends' builder, its bottom axis titled)."""
    from core.viz.sentiment import trend_figure

    days = pd.date_range("2025-12-30", periods=5)
    fig = vf.localize_figure(go.Figure(go.Scatter(x=days, y=[1, 2, 3, 4, 5])), "en")
    assert "%Y" in fig.layout.xaxis.tickformat and "%b %-d" in fig.layout.xaxis.tickformat
    for lang in ("en", "zh"):
        trends = pd.DataFrame(
            {
                "community": ["a"] * 4,
                "period": pd.date_range("1997-03-02", periods=4, freq="W"),
                "mean_score": [0.1, 0.2, -0.1, 0.0],
                "share_negative": [0.2, 0.1, 0.3, 0.2],
                "volume": [30, 40, 35, 20],
            }
        )
        fig = trend_figure(trends, pd.DataFrame(), {"period": "Week"}, lang=lang)
        shown = [fig.layout[a] for a in fig.layout if a.startswith("xaxis")]
        ticks = {a.tickformat for a in shown}
        titles = [a.title.text for a in shown if a.title.text]
        if lang == "zh":
            assert all(t.startswith("%Y年") for t in ticks) and titles == ["Week"], (ticks, titles)
        else:  # within 1997: the ticks say the day, the title the year, once (even localized again)
            assert ticks == {"%b %-d"} and titles == ["Week (1997)"], (ticks, titles)
            again = vf.localize_figure(fig, "en")
            axes = [again.layout[n] for n in again.layout if n.startswith("xaxis")]
            assert [a.title.text for a in axes if a.title.text] == ["Week (1997)"]
