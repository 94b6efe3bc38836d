"""A metric's direction from its name, by whole words: whether a rise is good news.

    metric_direction("cost_per_order")       # Direction(False, "name", word="cost")
    metric_direction("cost_savings")         # ambiguous: 'cost' reads lower, 'savings' turns it around
    metric_direction("costume_sales")        # Direction(True, "default"): no direction word at all
    metric_direction("cost_savings", higher=["cost_savings"])   # Direction(True, "user")

Names are split into words on `_`, `-`, spaces and other punctuation, lower/upper-case boundaries
(camelCase) and digits; a Chinese name is searched for whole terms of the lists below. A name with
a lower-is-better word (a cost, a loss, a failure) and no inverting word is lower-is-better; a name
with no direction word is higher-is-better (the default); a direction word beside an inverting one
(`free`, `savings`, `prevented`, `avoided`, `reduction`, 节约, 减少 ...) or beside an interface word
(`cancel_button_ctr`: clicks on a cancel button) is ambiguous, and is never decided silently: the CLI
asks for --higher-is-better / --lower-is-better, the page marks its guess until the analyst confirms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

# whole English words where a rise is bad news: a stem and the endings it may take
_LOWER_STEMS = re.compile(
    r"^(?:(?:cost|churn|bounce|refund|error|crash|complaint|uninstall|abandon|fail|dropout|timeout|"
    r"chargeback|defect|bug|incident)(?:s|es|ed|d|ing|ment|ments|ure|ures)?|"
    r"cancel(?:s|ed|led|ing|ling|lation|lations|ation|ations)?|complain(?:s|ed|ing)?|"
    r"unsubscribe(?:s|d)?|unsubscription(?:s)?|unsub(?:s)?|latency|latencies|cpa|cpc|cpm|cpi|cac|loadtime)$"
)
_LOWER_PAIRS = {("load", "time"), ("time", "to", "load"), ("drop", "off"), ("wait", "time"), ("response", "time")}
# whole English words that turn a direction word around (or make it unclear)
_INVERTING = re.compile(
    r"^(?:free|saving|savings|saved|save|saves|prevented|prevent|prevention|prevents|avoided|avoid|avoidance|"
    r"avoids|reduction|reductions|reduced|reduce|reduces|decrease|decreased|less|fewer|without|no|non|"
    r"recovered|recovery|resolved|resolution|averted|blocked|lowered|cut|cuts)$"
)
# interface words: `cancel_button_ctr` is clicks on a button labelled cancel, not a count of cancellations
_INTERFACE = re.compile(r"^(?:button|btn|link|page|tab|screen|banner|menu|dialog|modal|icon|cta|form|flow)s?$")

# whole Chinese terms, longest first so 成本价 is not read as 成本 + 价
_LOWER_ZH = (
    "流失",
    "成本",
    "跳出",
    "退款",
    "退订",
    "投诉",
    "错误",
    "报错",
    "崩溃",
    "延迟",
    "时延",
    "卡顿",
    "取消",
    "卸载",
    "放弃",
    "失败",
    "单价",
    "花费",
    "费用",
    "耗时",
    "退货",
    "差评",
    "故障",
)
_INVERTING_ZH = ("节约", "节省", "减少", "降低", "避免", "防止", "挽回", "挽留", "下降", "免费", "无", "免", "省")
_INTERFACE_ZH = ("按钮", "页面", "链接", "弹窗", "入口")

Source = Literal["name", "user", "default"]


@dataclass(frozen=True)
class Direction:
    """higher_is_better: the direction used; source: 'user' (said by the analyst), 'name' (a
    direction word in the name), 'default' (no direction word: higher is better); ambiguous: the
    name holds a direction word and a word that turns it around (`word`, `other`), so the guess
    (`higher_is_better`) must be confirmed before a decision is read from it."""

    higher_is_better: bool
    source: Source
    ambiguous: bool = False
    word: str | None = None
    other: str | None = None


def name_words(name: str) -> list[str]:
    """The words of a metric name, lower case: 'errorFreeSessions_7d' -> ['error', 'free', 'sessions', '7', 'd'];
    Chinese runs are kept whole (searched for terms by `metric_direction`)."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = re.sub(r"(\d+)", r" \1 ", text)
    return [w.lower() for w in re.split(r"[^0-9A-Za-z\u4e00-\u9fff]+", text) if w]


def _zh_terms(text: str, terms: Sequence[str]) -> list[str]:
    found, rest = [], text
    for term in sorted(terms, key=len, reverse=True):
        if term in rest:
            found.append(term)
            rest = rest.replace(term, " ")
    return found


def metric_direction(name: str, lower: Sequence[str] = (), higher: Sequence[str] = ()) -> Direction:
    """The direction of metric `name`: the analyst's word (`lower` / `higher` name it), else the
    name's guess (see the module docstring)."""
    if name in lower:
        return Direction(False, "user")
    if name in higher:
        return Direction(True, "user")
    words = name_words(name)
    latin = [w for w in words if w.isascii()]
    chinese = "".join(w for w in words if not w.isascii())
    lower_hits = [w for w in latin if _LOWER_STEMS.match(w)]
    lower_hits += [" ".join(p) for p in _LOWER_PAIRS if _has_run(latin, p)]
    lower_hits += _zh_terms(chinese, _LOWER_ZH)
    inverting = [w for w in latin if _INVERTING.match(w)] + _zh_terms(chinese, _INVERTING_ZH)
    # an interface word right after a direction word: the word names a button or page (cancel_button_ctr)
    interface = [b for a, b in zip(latin, latin[1:]) if _LOWER_STEMS.match(a) and _INTERFACE.match(b)]
    interface += [t for w in _LOWER_ZH for t in _INTERFACE_ZH if w + t in chinese]
    if not lower_hits:
        return Direction(True, "default")
    if inverting or interface:
        # the inverting word usually turns the cost around (cost_savings: more is better)
        return Direction(True, "name", ambiguous=True, word=lower_hits[0], other=(inverting or interface)[0])
    return Direction(False, "name", word=lower_hits[0])


def _has_run(words: list[str], run: tuple[str, ...]) -> bool:
    k = len(run)
    return any(tuple(words[i : i + k]) == run for i in range(len(words) - k + 1))


def ambiguous_metrics(metrics: Sequence[str], lower: Sequence[str] = (), higher: Sequence[str] = ()) -> list[str]:
    """The metrics whose direction the name leaves open and nobody has said."""
    return [m for m in metrics if metric_direction(str(m), lower, higher).ambiguous]


def ambiguity_message(metrics: Sequence[str]) -> str:
    """The CLI's one line for metrics whose direction must be said."""
    first = metric_direction(str(metrics[0]))
    more = f" (and {', '.join(map(repr, metrics[1:]))})" if len(metrics) > 1 else ""
    return (
        f"the direction of metric {metrics[0]!r}{more} is ambiguous: {first.word!r} reads as lower-is-better "
        f"but {first.other!r} may turn it around; say which with --higher-is-better {metrics[0]} "
        f"or --lower-is-better {metrics[0]}"
    )
