"""A plain pandas reference for every community-health metric, written from the definitions alone."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _clean(s: pd.Series) -> pd.Series:
    out = s.astype("string").str.strip()
    return out.mask(out == "")


def _period(ts: pd.Series, freq: str) -> pd.Series:
    day = ts.dt.floor("D")
    if freq == "day":
        return day
    if freq == "week":
        return day - pd.to_timedelta(day.dt.weekday, unit="D")
    return day.dt.to_period("M").dt.start_time


def prepare(posts: pd.DataFrame, freq: str) -> pd.DataFrame:
    p = pd.DataFrame(
        {
            "pid": _clean(posts["post_id"]),
            "par": _clean(posts["parent_id"]),
            "u": _clean(posts["user_id"]),
            "ts": pd.to_datetime(posts["ts"]),
            "c": _clean(posts["community"]) if "community" in posts else pd.NA,
        }
    )
    parent = dict(zip(p["pid"], p["par"]))
    author = dict(zip(p["pid"], p["u"]))

    def root(pid, par):
        if pd.isna(par):
            return pid
        x, seen = pid, set()
        while isinstance(parent.get(x), str) and parent.get(x) in parent and x not in seen:
            seen.add(x)
            x = parent[x]
        return x

    p["root"] = [root(a, b) for a, b in zip(p["pid"], p["par"])]
    p["parent_author"] = [author.get(x) if isinstance(x, str) else None for x in p["par"]]
    p["period"] = _period(p["ts"], freq)
    return p


def metrics(scope: pd.DataFrame, everything: pd.DataFrame, periods_all: list) -> dict:
    """Metrics of the posts in `scope` (whole table or one period); `everything` = the scope's
    community across all periods (newcomers, thread replies are looked up there and in the table)."""
    threads = scope[scope["par"].isna()]
    replies = scope[scope["par"].notna()]
    out = {
        "members": scope["u"].dropna().nunique(),
        "threads": len(threads),
        "replies": len(replies),
    }
    span = (scope["ts"].max() - scope["ts"].min()).total_seconds() / 86400
    out["threads_per_day"] = len(threads) / span if span > 0 else np.nan
    out["replies_per_thread"] = len(replies) / len(threads) if len(threads) else np.nan
    # answered: a reply anywhere in the table, in the thread, by another member
    table = everything.attrs["table"]
    rs = table[table["par"].notna() & table["u"].notna()][["root", "u", "ts"]]
    m = threads[["pid", "u", "ts"]].merge(rs, left_on="pid", right_on="root", suffixes=("", "_r"))
    m = m[m["u"].isna() | (m["u_r"] != m["u"])]
    first = m.groupby("pid")["ts_r"].min()
    answered = threads["pid"].isin(first.index).sum()
    t_ts = threads.drop_duplicates("pid").set_index("pid")["ts"]
    hours = list(((first - t_ts.reindex(first.index)).dt.total_seconds() / 3600).dropna())
    out["share_answered"] = answered / len(threads) if len(threads) else np.nan
    out["median_hours_to_first_response"] = float(np.percentile(hours, 50)) if hours else np.nan
    out["p90_hours_to_first_response"] = float(np.percentile(hours, 90)) if hours else np.nan
    counts = replies["u"].dropna().value_counts().sort_values(ascending=False).to_numpy()
    out["members_for_half_of_replies"] = (
        float(np.argmax(np.cumsum(counts) * 2 >= counts.sum()) + 1) if len(counts) else np.nan
    )
    pairs = {
        (a, b)
        for a, b in zip(replies["u"], replies["parent_author"])
        if isinstance(a, str) and isinstance(b, str) and a != b
    }
    out["reciprocity"] = sum((b, a) in pairs for a, b in pairs) / len(pairs) if pairs else np.nan
    # newcomers: first period of each member in this community (everything)
    first = everything.dropna(subset=["u"]).groupby("u")["period"].min()
    active = set(zip(everything["u"], everything["period"]))
    scope_periods = set(scope["period"])
    new = first[first.isin(scope_periods)]
    out["newcomers"] = len(new)
    last = max(periods_all)
    nxt = [u for u, p in new.items() if p < last]
    step = everything.attrs["step"]
    back = [u for u in nxt if (u, new[u] + step) in active]
    out["returning_newcomers"] = len(back) / len(nxt) if nxt else np.nan
    return out


def reference(
    posts: pd.DataFrame, freq: str = "week", site_periods_only: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(whole, per_period): rows per (community, [period]) with '' for the whole site (per period:
    the site only with `site_periods_only`)."""
    p = prepare(posts, freq)
    step = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1)}[freq]
    periods_all = list(p["period"].dropna().unique())
    scopes = {"": p} | {c: g for c, g in p.dropna(subset=["c"]).groupby("c")}
    whole, per = [], []
    for c, g in scopes.items():
        g = g.copy()
        g.attrs["table"], g.attrs["step"] = p, step
        whole.append({"community": c, **metrics(g, g, periods_all)})
        if site_periods_only and c != "":
            continue
        for period, h in g.groupby("period"):
            per.append({"community": c, "period": period, **metrics(h, g, periods_all)})
    return pd.DataFrame(whole), pd.DataFrame(per)
