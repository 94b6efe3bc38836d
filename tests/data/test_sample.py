"""The generated sample community: deterministic, and its planted structure is really in the tables."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from core.data.sample import generate_sample


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    a = generate_sample(tmp_path / "a", users=150, seed=7)
    generate_sample(tmp_path / "b", users=150, seed=7)
    generate_sample(tmp_path / "c", users=150, seed=8)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a")["posts.csv"] != _digest(tmp_path / "c")["posts.csv"]
    assert json.loads((tmp_path / "a" / "ground_truth.json").read_text())["communities"] == a["communities"]


def test_planted_structure_is_present(sample_dir, ground_truth):
    gt = ground_truth
    edges = pd.read_csv(sample_dir / "edges.csv")
    comm = gt["communities"]
    same = (edges["src"].map(comm) == edges["dst"].map(comm)).mean()
    assert same > 0.8, same  # communities are dense inside, sparse between
    assert len(set(comm.values())) == gt["n_communities"] == 8

    posts = pd.read_csv(sample_dir / "posts.csv", parse_dates=["ts"])
    drop = gt["sentiment_drop"]
    start = pd.Timestamp(drop["week_start"])
    in_c = posts[(posts["community"] == drop["community"]) & posts["label"].notna()]
    week = in_c[(in_c["ts"] >= start) & (in_c["ts"] < start + pd.Timedelta(days=7))]
    before = in_c[(in_c["ts"] >= start - pd.Timedelta(days=42)) & (in_c["ts"] < start)]
    assert (week["label"] == "negative").mean() > (before["label"] == "negative").mean() + 0.3

    inter = pd.read_csv(sample_dir / "interactions.csv", parse_dates=["ts"])
    pairs = inter.sort_values(["user_id", "ts"], kind="stable")
    nxt = pairs.groupby("user_id")["item_id"].shift(-1)
    ep = pairs["item_id"].str.extract(r"s(\d+)-e(\d+)").astype(float)
    ep_next = nxt.str.extract(r"s(\d+)-e(\d+)").astype(float)
    follows = ((ep[0] == ep_next[0]) & (ep_next[1] == ep[1] + 1)).mean()
    assert follows > 0.4, follows  # next episode of the same series is the single strongest pattern

    ads = pd.read_csv(sample_dir / "ad_events.csv")
    rates = ads.groupby("variant")["converted"].mean()
    assert rates["B"] > rates["A"] * 1.15 and rates["B"] > rates["C"]
    young = ads[ads["age_group"] == gt["ad"]["segment"]["value"]].groupby("variant")["converted"].mean()
    assert young.idxmax() == "C"

    churned = gt["churn"]["churned"]
    share = np.mean(list(churned.values()))
    assert 0.1 < share < 0.5
    cutoff = pd.Timestamp(gt["churn"]["cutoff"])
    active_after = set(inter.loc[inter["ts"] > cutoff, "user_id"]) | set(posts.loc[posts["ts"] > cutoff, "user_id"])
    assert all((u not in active_after) == bool(c) for u, c in churned.items())
