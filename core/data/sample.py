"""The sample workspace: a seeded, realistic community with planted ground truth.

`generate_sample(out_dir, users=2000, seed=0)` writes five canonical CSVs (users, edges, posts,
interactions, ad_events) and `ground_truth.json` describing what every view must recover:

- communities: 8 planted communities in a directed follow/reply graph, each with a few hubs;
- sentiment: each community has its own mean mood; community c3 drops sharply in one known week;
- sequences: items come in series ("s07-e3") that members consume in order;
- ads: a 3-variant test where B lifts conversion over control A overall, while C wins among 18-24s
  (and among members who consume the first three series);
- churn: driven by falling activity, negative sentiment and few ties; the label is read off the data
  (no activity in the 30 days after the cutoff), so the truth and the tables cannot disagree.

Everything is drawn from one numpy Generator, so a seed gives the same files byte for byte.
`sample_workspace()` generates and ingests it into the reserved `sample` workspace on first use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from core.data.health import kept_table_health
from core.data.ingest import ingest_file
from core.data.schemas import SCHEMAS
from core.data.workspace import SAMPLE_NAME, Workspace, workspace_by_name

GENERATOR_VERSION = 2  # bump when the generated data changes: existing sample workspaces are rebuilt
N_COMMUNITIES = 8
START = datetime(2026, 1, 5)  # a Monday
WEEKS = 26
DROP_COMMUNITY = 3
DROP_WEEK = 14
INACTIVE_DAYS = 30

_EN_TOPICS = [
    "app",
    "update",
    "event",
    "community",
    "moderators",
    "new feature",
    "livestream",
    "forum",
    "shop",
    "rewards program",
]
_ZH_TOPICS = ["应用", "更新", "活动", "社区", "管理员", "新功能", "直播", "论坛", "商城", "积分计划"]
_EN = {
    "positive": [
        "Love the {t}, great job team!",
        "The {t} is really awesome :)",
        "So happy with the {t} 😍",
        "Best {t} ever, thank you!",
        "The {t} works great, very helpful",
        "Really enjoying the {t}!",
    ],
    "neutral": [
        "Anyone know when the {t} opens?",
        "Posting the {t} schedule here.",
        "Where can I find the {t}?",
        "The {t} changes on Monday.",
        "Question about the {t} settings",
    ],
    "negative": [
        "The {t} is terrible, really disappointed",
        "Not happy with the {t} at all 😡",
        "The {t} keeps crashing, so annoying",
        "Worst {t} ever, I want a refund",
        "The {t} is broken again, this is awful",
    ],
}
_ZH = {
    "positive": [
        "这个{t}太棒了，非常喜欢！",
        "{t}很好用，谢谢大家",
        "超级喜欢新的{t} 😍",
        "{t}做得真不错，点赞！",
        "{t}体验很好，非常满意",
    ],
    "neutral": [
        "请问{t}什么时候开始？",
        "分享一下{t}的时间表",
        "{t}在哪里可以找到？",
        "{t}周一会调整",
        "关于{t}设置的问题",
    ],
    "negative": [
        "{t}太差了，很失望",
        "{t}又崩溃了，真烦人 😡",
        "对{t}非常不满意，要求退款",
        "{t}体验糟糕透了",
        "{t}总是出问题，垃圾",
    ],
}
# The drop week in community c3 is about one concrete thing, so term shifts have an answer.
_DROP_EN = [
    "Payment outage again, the shop is down and nobody answers",
    "Outage for hours, lost my order, terrible",
    "The outage ruined the event, very disappointed",
]
_DROP_ZH = ["支付故障，商城又宕机了，没人回复", "宕机好几个小时，订单丢了，太差了", "宕机毁了活动，非常失望"]


def _community_sizes(rng: np.random.Generator, n_users: int) -> np.ndarray:
    shares = rng.dirichlet(np.full(N_COMMUNITIES, 6.0))
    sizes = np.maximum((shares * n_users).astype(int), 10)
    sizes[-1] = n_users - sizes[:-1].sum()
    return sizes


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class _People:
    """The members and their latent traits: who they are, where they belong, how active and how
    grumpy they are, whether and when they stop. `rng` is the one stream every step draws from."""

    rng: np.random.Generator
    uid: np.ndarray
    comm: np.ndarray
    lang: np.ndarray
    signup_day: np.ndarray
    signup_at: list[datetime]
    age_group: np.ndarray
    region: np.ndarray
    activity: np.ndarray
    segment: np.ndarray
    horizon_days: int
    cutoff_day: int
    mood: np.ndarray = field(default_factory=lambda: np.zeros(0))
    will_churn: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    stop_day: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    fades: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    def event_days(self, u: int, rate: float) -> np.ndarray:
        """Days member `u` is active at `rate` events a day (falling before a fading churner stops)."""
        rng = self.rng
        days = np.arange(self.signup_day[u], self.stop_day[u])
        if len(days) == 0:
            return days
        weight = np.ones(len(days))
        if self.will_churn[u] and self.fades[u]:
            before = self.stop_day[u] - days
            weight = np.clip(before / 42.0, 0.08, 1.0)  # fades over the last six weeks
        counts = rng.poisson(rate * weight)
        out_days = np.repeat(days, counts)
        if not self.will_churn[u] and (out_days > self.cutoff_day).sum() == 0:  # stayers are seen after the cutoff
            out_days = np.append(out_days, rng.integers(self.cutoff_day + 1, self.horizon_days))
        return np.sort(out_days)

    def stamps(self, days: np.ndarray) -> pd.Series:
        """Day offsets -> timestamps at a random second between 07:00 and midnight."""
        secs = self.rng.integers(7 * 3600, 24 * 3600, len(days))
        return pd.Series(
            pd.Timestamp(START) + pd.to_timedelta(np.asarray(days, dtype=np.int64) * 86400 + secs, unit="s")
        )


@dataclass
class _Graph:
    """The planted follow/reply graph: member indices of each edge, degrees and each community's hubs."""

    src: np.ndarray
    dst: np.ndarray
    degree: np.ndarray
    hubs: dict[str, list[str]]


def generate_sample(out_dir: str | Path, users: int = 2000, seed: int = 0) -> dict:
    """Write users/edges/posts/interactions/ad_events CSVs and ground_truth.json into `out_dir`.

    Returns the ground-truth dict (also written as JSON). `users` >= 80. The steps draw from one
    generator in this order (the same seed gives the same files byte for byte): members, graph,
    churn plan, interactions, posts, edges; the ad test has a stream of its own.
    """
    if users < 80:
        raise ValueError("the sample needs at least 80 users")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    people = _members(np.random.default_rng(seed), users)
    graph = _follow_graph(people)
    _plan_churn(people, graph)
    interactions, series = _interactions(people)
    posts, comm_mood = _posts(people)
    edges = _edges(people, graph)
    ad_events, ad_truth = _ad_test(people, seed, interactions, series)
    users_df = _users_table(people)
    churn = _churn_truth(people, users_df, interactions, posts)
    _write_tables(out, {"users": users_df, "edges": edges, "posts": posts, "interactions": interactions,
                        "ad_events": ad_events})  # fmt: skip
    truth = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "users": users,
        "start": START.strftime("%Y-%m-%d"),
        "end": (START + timedelta(weeks=WEEKS)).strftime("%Y-%m-%d"),
        "communities": {str(u): int(c) for u, c in zip(people.uid, people.comm)},
        "n_communities": N_COMMUNITIES,
        "hubs": graph.hubs,
        "sentiment_drop": {
            "community": f"c{DROP_COMMUNITY}",
            "week_start": (START + timedelta(weeks=DROP_WEEK)).strftime("%Y-%m-%d"),
            "terms": ["outage", "宕机"],
        },
        "community_sentiment": {f"c{c}": float(m) for c, m in enumerate(comm_mood)},
        "series": series,
        "ad": ad_truth,
        "churn": churn,
    }
    (out / "ground_truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def _members(rng: np.random.Generator, users: int) -> _People:
    end = START + timedelta(weeks=WEEKS)
    horizon_days = (end - START).days
    uid = np.array([f"u{i:04d}" for i in range(1, users + 1)])
    comm = np.repeat(np.arange(N_COMMUNITIES), _community_sizes(rng, users))
    rng.shuffle(comm)
    zh_share = np.where(np.arange(N_COMMUNITIES) % 2 == 1, 0.8, 0.2)
    lang = np.where(rng.random(users) < zh_share[comm], "zh", "en")
    signup_day = np.minimum(rng.exponential(35, users), horizon_days - 60).astype(int)
    signup_at = [
        START + timedelta(days=int(d), seconds=int(s))
        for d, s in zip(signup_day, rng.integers(8 * 3600, 23 * 3600, users))
    ]
    age_group = rng.choice(["18-24", "25-34", "35-44", "45+"], users, p=[0.27, 0.33, 0.24, 0.16])
    region = rng.choice(["north", "south", "east", "west"], users)
    activity = rng.lognormal(np.log(0.35), 0.6, users)  # events per day
    segment = np.where(activity > 0.6, "power", np.where(activity > 0.25, "regular", "casual"))
    return _People(
        rng, uid, comm, lang, signup_day, signup_at, age_group, region, activity, segment, horizon_days,
        horizon_days - INACTIVE_DAYS,
    )  # fmt: skip


def _follow_graph(people: _People) -> _Graph:
    """A planted partition with popularity-weighted targets (hubs)."""
    rng, users, comm, uid = people.rng, len(people.uid), people.comm, people.uid
    popularity = rng.pareto(1.6, users) + 1.0
    hubs: dict[str, list[str]] = {}
    members = [np.flatnonzero(comm == c) for c in range(N_COMMUNITIES)]
    for c, idx in enumerate(members):
        top = idx[np.argsort(-popularity[idx])[:3]]
        popularity[top] *= 4.0
        hubs[str(c)] = [str(u) for u in uid[top]]
    out_degree = np.clip(rng.lognormal(np.log(6), 0.7, users), 1, 60).astype(int)
    mixing = 0.12
    src_l, dst_l = [], []
    for u in range(users):
        k = out_degree[u]
        n_out = rng.binomial(k, mixing)
        own = members[comm[u]]
        p_own = popularity[own] / popularity[own].sum()
        targets = list(rng.choice(own, size=k - n_out, p=p_own))
        if n_out:
            targets += list(rng.choice(users, size=n_out, p=popularity / popularity.sum()))
        for v in set(int(t) for t in targets):
            if v != u:
                src_l.append(u)
                dst_l.append(v)
    src = np.array(src_l)
    dst = np.array(dst_l)
    return _Graph(src, dst, np.bincount(np.concatenate([src, dst]), minlength=users), hubs)


def _plan_churn(people: _People, graph: _Graph) -> None:
    """Latent churn: negative mood and few ties raise it; half the churners fade out over their last
    weeks, the rest leave abruptly (their behaviour before the cutoff says little: mood and ties tell)."""
    rng, users, degree = people.rng, len(people.uid), graph.degree
    people.mood = rng.normal(0, 1, users)  # user-level sentiment bias (negative = grumpy)
    deg_z = (np.log1p(degree) - np.log1p(degree).mean()) / np.log1p(degree).std()
    churn_logit = -1.3 - 1.1 * people.mood - 1.2 * deg_z + rng.normal(0, 0.5, users)
    people.will_churn = (rng.random(users) < _sigmoid(churn_logit)) & (people.signup_day < people.cutoff_day - 45)
    people.stop_day = np.where(people.will_churn, people.cutoff_day - rng.integers(0, 25, users), people.horizon_days)
    people.fades = rng.random(users) < 0.5


def _interactions(people: _People) -> tuple[pd.DataFrame, list[list[str]]]:
    """Events on items that come in series, consumed in order: (the events, the series)."""
    rng, uid = people.rng, people.uid
    n_series = 40
    series = [[f"s{s:02d}-e{e}" for e in range(1, int(rng.integers(5, 9)) + 1)] for s in range(n_series)]
    standalone = [f"i{i:03d}" for i in range(80)]
    standalone_p = 1.0 / np.arange(1, 81) ** 0.9
    standalone_p /= standalone_p.sum()
    series_pop = 1.0 / np.arange(1, n_series + 1) ** 0.6
    comm_pref = rng.dirichlet(np.full(n_series, 0.3), N_COMMUNITIES) * 0.7 + series_pop / series_pop.sum() * 0.3
    actions = np.array(["view", "like", "comment", "share", "purchase"])
    action_p = [0.62, 0.2, 0.08, 0.06, 0.04]
    inter_rows = []
    for u in range(len(uid)):
        days = people.event_days(u, people.activity[u])
        n = len(days)
        r = rng.random(n)
        new_series = rng.choice(n_series, size=n, p=comm_pref[people.comm[u]])
        solo = rng.choice(80, size=n, p=standalone_p)
        acts = actions[rng.choice(5, size=n, p=action_p)]
        values = np.where(acts == "purchase", np.round(rng.lognormal(3, 0.5, n), 2), 1.0)
        cur_series, cur_ep = -1, 0
        for j in range(n):
            if cur_series >= 0 and cur_ep < len(series[cur_series]) and r[j] < 0.75:
                item = series[cur_series][cur_ep]
                cur_ep += 1
            elif r[j] < 0.88:
                cur_series = int(new_series[j])
                item, cur_ep = series[cur_series][0], 1
            else:
                item = standalone[solo[j]]
            inter_rows.append((uid[u], item, days[j], acts[j], values[j]))
    interactions = pd.DataFrame(inter_rows, columns=["user_id", "item_id", "ts", "action", "value"])
    interactions["ts"] = people.stamps(interactions["ts"].to_numpy())
    # a user's events keep their generated order (episode 2 never before episode 1 on the same day)
    interactions["ts"] = interactions.groupby("user_id", sort=False)["ts"].transform(lambda s: np.sort(s.to_numpy()))
    return interactions.sort_values(["ts", "user_id"], kind="stable").reset_index(drop=True), series


def _posts(people: _People) -> tuple[pd.DataFrame, np.ndarray]:
    """Posts whose mood follows the community's and the member's, a drop week in community c3 about
    one concrete thing, and replies: (the posts, each community's mean mood)."""
    rng, uid, comm, lang = people.rng, people.uid, people.comm, people.lang
    comm_mood = np.round(rng.uniform(-0.25, 0.55, N_COMMUNITIES), 2)
    drop_start = DROP_WEEK * 7
    post_rows = []
    for u in range(len(uid)):
        for d in people.event_days(u, people.activity[u] * 0.18):
            in_drop = comm[u] == DROP_COMMUNITY and drop_start <= d < drop_start + 7
            latent = comm_mood[comm[u]] + 0.8 * people.mood[u] + rng.normal(0, 0.5)
            if in_drop:
                latent -= 1.6
            label = "positive" if latent > 0.35 else "negative" if latent < -0.35 else "neutral"
            if lang[u] == "zh":
                text = (
                    rng.choice(_DROP_ZH)
                    if in_drop and rng.random() < 0.6
                    else rng.choice(_ZH[label]).format(t=rng.choice(_ZH_TOPICS))
                )
            else:
                text = (
                    rng.choice(_DROP_EN)
                    if in_drop and rng.random() < 0.6
                    else rng.choice(_EN[label]).format(t=rng.choice(_EN_TOPICS))
                )
            post_rows.append([uid[u], d, str(text), f"c{comm[u]}", label])
        # extra volume in the drop week: people come to complain
        if comm[u] == DROP_COMMUNITY and people.signup_day[u] <= drop_start < people.stop_day[u] and rng.random() < 0.5:
            d = drop_start + int(rng.integers(0, 7))
            text = rng.choice(_DROP_ZH if lang[u] == "zh" else _DROP_EN)
            post_rows.append([uid[u], d, str(text), f"c{comm[u]}", "negative"])
    posts = pd.DataFrame(post_rows, columns=["user_id", "ts", "text", "community", "label"])
    posts["ts"] = people.stamps(posts["ts"].to_numpy())
    posts = posts.sort_values(["ts", "user_id"], kind="stable").reset_index(drop=True)
    posts.insert(0, "post_id", [f"p{i:06d}" for i in range(1, len(posts) + 1)])
    # replies: a share of posts answer an earlier post in the same community, preferably a neighbour's
    posts["parent_id"] = ""
    posts["reply_to_user"] = ""
    by_comm = {c: g.index.to_numpy() for c, g in posts.groupby("community")}
    for idx in by_comm.values():
        for pos in range(1, len(idx)):
            if rng.random() < 0.3:
                parent = idx[int(rng.integers(max(0, pos - 40), pos))]
                if posts.at[parent, "user_id"] != posts.at[idx[pos], "user_id"]:
                    posts.at[idx[pos], "parent_id"] = posts.at[parent, "post_id"]
                    posts.at[idx[pos], "reply_to_user"] = posts.at[parent, "user_id"]
    posts.loc[rng.random(len(posts)) >= 0.4, "label"] = ""
    posts = posts[["post_id", "user_id", "ts", "text", "community", "parent_id", "reply_to_user", "label"]]
    return posts, comm_mood


def _edges(people: _People, graph: _Graph) -> pd.DataFrame:
    """The graph's edges with a first-contact time and a kind."""
    rng, src, dst = people.rng, graph.src, graph.dst
    first = np.maximum(people.signup_day[src], people.signup_day[dst])
    edge_day = first + (rng.random(len(src)) * np.maximum(people.horizon_days - first, 1)).astype(int)
    return (
        pd.DataFrame(
            {
                "src": people.uid[src],
                "dst": people.uid[dst],
                "weight": 1 + rng.poisson(1.5, len(src)),
                "ts": people.stamps(edge_day),
                "kind": rng.choice(["follow", "reply", "mention"], len(src), p=[0.6, 0.3, 0.1]),
            }
        )
        .sort_values("ts", kind="stable")
        .reset_index(drop=True)
    )


def _ad_test(
    people: _People, seed: int, interactions: pd.DataFrame, series: list[list[str]]
) -> tuple[pd.DataFrame, dict]:
    """A 3-variant test: B lifts conversion overall, C wins among 18-24s and fans of series 0-2.
    (the ad events, its truth)."""
    users, uid = len(people.uid), people.uid
    variants = np.array(["A", "B", "C"])
    ad_rng = np.random.default_rng([seed, 1])  # its own stream: other sections' draws do not move it
    assign = variants[ad_rng.permutation(np.arange(users) % 3)]
    fan_items = {i for s in series[:3] for i in s}
    fans = set(
        interactions.loc[interactions["item_id"].isin(fan_items), "user_id"].value_counts().loc[lambda s: s >= 3].index
    )
    base = {"A": 0.04, "B": 0.06, "C": 0.015}  # C: worse for most, better for its niches; B strong enough
    # to be found at any seed (per-user conversion 0.46 against 0.34 over 10 days: z ~ 4.5 at 667 users)
    pre_spend = np.round(ad_rng.gamma(2.0, 15.0, users), 2)
    ad_rows = []
    for u in range(users):
        v = assign[u]
        p = base[v] * (1 + 0.6 * (pre_spend[u] - 30) / 30 * 0.5)
        if v == "C" and people.age_group[u] == "18-24":
            p = 0.08
        if v == "C" and uid[u] in fans:
            p *= 1.5
        p = float(np.clip(p, 0.002, 0.5))
        for d in np.sort(ad_rng.choice(np.arange(84, 98), size=10, replace=False)):
            imps = int(ad_rng.integers(1, 6))
            clicks = int(ad_rng.binomial(imps, 0.12 if v != "B" else 0.14))
            conv = int(ad_rng.random() < p)
            revenue = round(float(ad_rng.lognormal(3.3, 0.4)), 2) if conv else 0.0
            ad_rows.append(
                (uid[u], v, "spring_promo", d, people.age_group[u], people.region[u], people.segment[u], imps,
                 clicks, conv, revenue, pre_spend[u])
            )  # fmt: skip
    ad_events = pd.DataFrame(ad_rows, columns=_AD_COLUMNS)
    ad_events["ts"] = people.stamps(ad_events["ts"].to_numpy())
    truth = {
        "control": "A",
        "variants": ["A", "B", "C"],
        "conversion_rates": base,
        "lift_variant": "B",
        "segment": {"column": "age_group", "value": "18-24", "winner": "C"},
        "history_effect": {"items": sorted(fan_items), "variant": "C", "multiplier": 1.5},
    }
    return ad_events, truth


_AD_COLUMNS = [
    "user_id", "variant", "campaign", "ts", "age_group", "region", "segment", "impressions", "clicks",
    "converted", "revenue", "pre_spend",
]  # fmt: skip


def _users_table(people: _People) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": people.uid,
            "signup_at": people.signup_at,
            "segment": people.segment,
            "region": people.region,
            "age_group": people.age_group,
            "language": people.lang,
        }
    )


def _churn_truth(people: _People, users_df: pd.DataFrame, interactions: pd.DataFrame, posts: pd.DataFrame) -> dict:
    """Churn read off the generated activity (none in the INACTIVE_DAYS after the cutoff), so the truth
    and the tables cannot disagree."""
    cutoff = START + timedelta(days=people.cutoff_day)
    activity_ts = pd.concat([interactions[["user_id", "ts"]], posts[["user_id", "ts"]]])
    seen_after = set(activity_ts.loc[activity_ts["ts"] > cutoff, "user_id"])
    signed_before = users_df["signup_at"] <= cutoff
    churned = {str(u): int(u not in seen_after) for u in users_df.loc[signed_before, "user_id"]}
    return {
        "cutoff": cutoff.strftime("%Y-%m-%d"),
        "inactive_days": INACTIVE_DAYS,
        "churned": churned,
        "drivers": ["falling activity", "negative sentiment", "few ties"],
    }


def _write_tables(out: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Each table as `<name>.csv`, times written as `%Y-%m-%d %H:%M:%S`."""
    time_cols = {"users": "signup_at"}
    for name, df in tables.items():
        col = time_cols.get(name, "ts")
        df[col] = pd.to_datetime(df[col]).dt.strftime("%Y-%m-%d %H:%M:%S")
        df.to_csv(out / f"{name}.csv", index=False)


# ---------------------------------------------------------------------------------------------
# the sample workspace: generated and ingested on first use (ingest imports workspace, never back)

_sample_ready: set[tuple] = set()  # per process: the app checks the sample once, not on every rerun


def sample_workspace(users: int = 2000, seed: int = 0) -> Workspace:
    """The bundled sample community, generated and ingested on first use (a few seconds)."""
    from filelock import FileLock

    ws = workspace_by_name(SAMPLE_NAME)  # the one name-to-folder rule

    def ready() -> bool:
        truth = sample_ground_truth(ws) if ws.db_path.exists() else None
        return (
            truth is not None
            and truth.get("generator_version") == GENERATOR_VERSION
            and truth.get("users") == users
            and truth.get("seed") == seed
            and {t.table for t in ws.tables()} >= set(SCHEMAS)
        )

    key = (str(ws.path), users, seed)
    if key in _sample_ready or ready():
        _sample_ready.add(key)
        return ws
    ws.path.mkdir(parents=True, exist_ok=True)
    with FileLock(str(ws.path / ".sample.lock"), timeout=600):
        if not ready():
            build_sample_workspace(ws, users=users, seed=seed)
    _sample_ready.add(key)
    return ws


def build_sample_workspace(ws: Workspace, users: int = 2000, seed: int = 0) -> dict:
    """Generate the sample CSVs into `<ws>/source/` and ingest all five tables, keeping their health
    figures (the home page's: the first server start reads them instead of scanning). Returns the
    ground truth."""
    src = ws.path / "source"
    truth = generate_sample(src, users=users, seed=seed)
    for table in SCHEMAS:
        ingest_file(ws, src / f"{table}.csv", table)
    for info in ws.tables():
        kept_table_health(ws, info)
    return truth


def sample_ground_truth(ws: Workspace) -> dict | None:
    """The planted truth of a sample workspace (None for a user's workspace)."""
    p = ws.path / "source" / "ground_truth.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None
