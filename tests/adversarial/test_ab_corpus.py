"""The A/B corpus, built here and run through `abtest`'s entry point in this process (issue 24 items
2, 3, 4): metric names with every direction word in both languages, alone and beside an inverting
word; arms of zero or one unit; per-day ad exports in several shapes. Each run keeps the CLI
contract: exit 0 with the right reading, or exit 2 with one `error:` line naming the file."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportions_ztest

LOWER_EN = [
    "cost", "costs", "CPA", "cpc", "cpm", "churn", "churned", "bounce", "bounces", "refund", "refunds",
    "error", "errors", "crash", "crashes", "cancel", "cancellations", "uninstall", "uninstalls", "abandon",
    "abandonment", "fail", "failures", "latency", "complaints", "unsubscribes",
]  # fmt: skip
LOWER_ZH = [
    "流失",
    "成本",
    "跳出",
    "退款",
    "退订",
    "投诉",
    "错误",
    "崩溃",
    "延迟",
    "取消",
    "卸载",
    "放弃",
    "失败",
    "单价",
]
INVERTING_EN = ["free", "savings", "saved", "prevented", "avoided", "reduction", "reduced", "fewer", "less"]
INVERTING_ZH = ["节约", "节省", "减少", "降低", "避免", "防止", "挽回"]
NEUTRAL = ["revenue", "costume_sales", "CTR", "sessions", "转化率", "留存", "订单金额", "time_on_site"]


def _main(*args):
    from core.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _refused(code, err, path, *words):
    assert (code, err.count("\n"), err[:7]) == (2, 1, "error: "), err
    assert str(path) in err and all(w in err for w in words), err
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"variant": np.repeat(["A", "B"], 60)})
    df["value"] = rng.gamma(2, 5, len(df))
    return df


def _file(tmp_path, df: pd.DataFrame, name: str = "ab.csv"):
    f = tmp_path / name
    df.to_csv(f, index=False, encoding="utf-8")
    return f


def _names():
    for w in LOWER_EN:
        yield f"{w}_per_user", "lower"
    for w in LOWER_ZH:
        yield f"{w}率", "lower"
    for i, w in enumerate(LOWER_EN):
        yield f"{w}_{INVERTING_EN[i % len(INVERTING_EN)]}", "ambiguous"
        yield f"{INVERTING_EN[(i + 3) % len(INVERTING_EN)]}{w.title()}", "ambiguous"
    for i, w in enumerate(LOWER_ZH):
        yield f"{w}{INVERTING_ZH[i % len(INVERTING_ZH)]}", "ambiguous"
    for w in NEUTRAL:
        yield w, "higher"


def test_every_direction_word_in_both_languages(rows, tmp_path):
    for i, (name, want) in enumerate(_names()):
        f = _file(tmp_path, rows.rename(columns={"value": name}))
        code, out, err = _main("abtest", f, "--variant", "variant", "--metric", name)
        if want == "ambiguous":
            _refused(code, err, f, name, "--higher-is-better")
            if i % 6 == 0:  # said, it is answered (a sample: each answer costs an analysis)
                said = ("--lower-is-better", name)
                code, out, err = _main("abtest", f, "--variant", "variant", "--metric", name, *said)
                assert code == 0 and json.loads(out)["direction_source"] == "user", (name, err)
            continue
        assert code == 0 and err == "", (name, err)
        res = json.loads(out)
        assert res["higher_is_better"] is (want == "higher"), name
        assert res["direction_source"] == ("default" if want == "higher" else "name"), name


@pytest.mark.parametrize(
    "sizes,values",
    [
        ((0, 5), None),  # a variant name with no units at all is not a variant: fewer than two
        ((1, 5), None),
        ((1, 1), None),
        ((5, 5), (3.0, 3.0)),  # two flat arms, same mean
        ((5, 5), (3.0, 4.0)),  # two flat arms, different means
        ((2, 2), None),
    ],
)
def test_zero_and_one_unit_arms(tmp_path, sizes, values):
    rng = np.random.default_rng(sum(sizes))
    parts = []
    for v, k, flat in zip("AB", sizes, values or (None, None)):
        parts.append(pd.DataFrame({"variant": [v] * k, "m": [flat] * k if flat is not None else rng.normal(5, 1, k)}))
    df = pd.concat(parts, ignore_index=True)
    f = _file(tmp_path, df)
    code, out, err = _main("abtest", f, "--variant", "variant", "--metric", "m")
    if min(sizes) == 0:
        _refused(code, err, f, "at least two variants")
        return
    assert code == 0 and err == "", err
    b = json.loads(out)["variants"][1]
    testable = min(sizes) >= 2 and values is None
    assert (b["p_value"] is not None) is testable
    if not testable:
        assert b["p_value_reason"] in ("too_few_units", "no_variance") and b["prob_beat_control"] is None
        means = df.groupby("variant")["m"].mean()
        assert b["lift"] == pytest.approx(means["B"] - means["A"])


def _ad_rows(headers: dict, rng, days: int = 500) -> pd.DataFrame:
    rows = []
    for v, rate in (("A", 0.03), ("B", 0.033)):
        for d in pd.date_range("2025-01-01", periods=days):
            imps = int(rng.integers(800, 1200))
            rows.append({"variant": v, "day": d.date(), "imps": imps, "clicks": int(rng.binomial(imps, rate))})
    return pd.DataFrame(rows).rename(columns=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"imps": "Impressions", "clicks": "Clicks"},
        {"variant": "分组", "day": "日期", "imps": "曝光", "clicks": "点击"},
        {"imps": "visits", "clicks": "signups"},
        {"imps": "exposures", "clicks": "conversions"},
    ],
)
def test_per_day_ad_exports(tmp_path, headers):
    rng = np.random.default_rng(len(headers))
    df = _ad_rows(headers, rng)
    variant, den, metric = (headers.get(k, k) for k in ("variant", "imps", "clicks"))
    f = _file(tmp_path, df)
    code, out, err = _main("abtest", f, "--variant", variant, "--metric", metric)
    assert code == 0 and err == "", err
    res = json.loads(out)
    assert (res["denominator"], res["kind"]) == (den, "proportion")
    s = df.groupby(variant)[[metric, den]].sum()
    _, p = proportions_ztest([s.loc["B", metric], s.loc["A", metric]], [s.loc["B", den], s.loc["A", den]])
    assert res["variants"][1]["p_value"] == pytest.approx(p, rel=1e-9)
    # a click count above its impressions in data row 1000: refused, naming the row
    bad = df.copy()
    bad.loc[999, metric] = bad.loc[999, den] + 5
    f = _file(tmp_path, bad, "bad.csv")
    code, _, err = _main("abtest", f, "--variant", variant, "--metric", metric)
    _refused(code, err, f, "row 1000", metric)


def test_amounts_beside_impressions_are_not_counts(tmp_path):
    """Spend (fractional) is no count of impressions: rows stay units, no denominator is guessed."""
    rng = np.random.default_rng(1)
    df = _ad_rows({}, rng, days=30)
    df["spend"] = rng.gamma(2, 3, len(df)).round(2)
    code, out, err = _main("abtest", _file(tmp_path, df), "--variant", "variant", "--metric", "spend")
    assert code == 0 and err == "", err
    res = json.loads(out)
    assert res["denominator"] is None and res["kind"] == "mean" and res["variants"][0]["n"] == 30
