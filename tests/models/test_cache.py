"""The model cache: trains once per key, survives corruption, and serialises concurrent trainers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import torch

from core.models.cache import cache_key, fingerprint, get_or_train, lookup
from core.models.engine import TrainConfig, fit
from tests.models.test_engine import Linear, batches  # noqa: E402 - same tiny model


class Counter:
    """Counts train_fn calls and optimiser steps actually taken."""

    def __init__(self):
        self.calls = 0
        self.steps = 0

    def train_fn(self, progress):
        self.calls += 1
        torch.manual_seed(0)
        result = fit(Linear(), batches, None, TrainConfig(epochs=2, device="cpu"))
        self.steps += result.steps
        return result.state_dict, {"steps": result.steps}, {"device": result.device}


def test_fingerprint_is_stable_and_sensitive():
    df = pd.DataFrame({"u": ["a", "b"], "t": pd.to_datetime(["2026-01-01", "2026-01-02"])})
    assert fingerprint(df, {"b": 1, "a": [1, 2]}) == fingerprint(df.copy(), {"a": [1, 2], "b": 1})
    assert fingerprint(df) != fingerprint(df.iloc[::-1])
    assert fingerprint(1) != fingerprint("1") != fingerprint([1])
    assert fingerprint(np.arange(3)) != fingerprint(np.arange(3).astype(np.int32))
    # a fresh interpreter (different hash seed) gets the same digest; it also proves that
    # core.models imports with torch, numpy and pandas alone (the GPU bench box has no more)
    out = subprocess.run(
        [sys.executable, "-c", ONLY_TORCH_NUMPY_PANDAS],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONHASHSEED="123"),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == fingerprint(pd.DataFrame({"u": ["a", "b"]}), {"k": (1, 2.5)})


ONLY_TORCH_NUMPY_PANDAS = """
import importlib.abc, sys
BLOCKED = {"scipy", "sklearn", "streamlit", "plotly", "duckdb", "networkx", "statsmodels",
           "lifelines", "igraph", "leidenalg", "jieba", "snownlp", "filelock", "transformers"}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"blocked: {name}")
sys.meta_path.insert(0, Block())
import pandas as pd
import core.models.cache, core.models.engine, core.models.jobs, core.models.sasrec
print(core.models.cache.fingerprint(pd.DataFrame({"u": ["a", "b"]}), {"k": (1, 2.5)}))
"""


def test_second_identical_fit_does_no_training_step(tmp_path):
    c = Counter()
    a1 = get_or_train("lin", "data-1", {"epochs": 2}, c.train_fn, code_version="lin-1", cache_dir=tmp_path)
    assert a1.trained and c.calls == 1 and c.steps == 16
    a2 = get_or_train("lin", "data-1", {"epochs": 2}, c.train_fn, code_version="lin-1", cache_dir=tmp_path)
    assert not a2.trained and c.calls == 1 and c.steps == 16  # loaded: no step taken
    assert a2.key == a1.key and a2.metrics == {"steps": 16} and a2.extra == {"device": "cpu"}
    assert all(torch.equal(a1.state_dict[k], a2.state_dict[k]) for k in a1.state_dict)
    meta = json.loads((a2.path / "meta.json").read_text())
    assert meta["data_fingerprint"] == "data-1" and meta["code_version"] == "lin-1"
    assert meta["train_seconds"] >= 0 and meta["created_at"]
    # any change to data, config or code version is a new key
    get_or_train("lin", "data-1", {"epochs": 2}, c.train_fn, code_version="lin-2", cache_dir=tmp_path)
    get_or_train("lin", "data-2", {"epochs": 2}, c.train_fn, code_version="lin-1", cache_dir=tmp_path)
    get_or_train("lin", "data-1", {"epochs": 3}, c.train_fn, code_version="lin-1", cache_dir=tmp_path)
    assert c.calls == 4
    assert lookup("lin", "data-1", {"epochs": 2}, code_version="lin-1", cache_dir=tmp_path) is not None
    assert lookup("lin", "data-9", {"epochs": 2}, code_version="lin-1", cache_dir=tmp_path) is None


def test_truncated_or_corrupt_artefact_is_retrained(tmp_path):
    c = Counter()
    art = get_or_train("lin", "d", {}, c.train_fn, code_version="v", cache_dir=tmp_path)
    weights = art.path / "weights.pt"
    weights.write_bytes(weights.read_bytes()[:40])  # truncated
    assert lookup("lin", "d", {}, code_version="v", cache_dir=tmp_path) is None
    again = get_or_train("lin", "d", {}, c.train_fn, code_version="v", cache_dir=tmp_path)
    assert again.trained and c.calls == 2
    (again.path / "meta.json").write_text("{not json")  # corrupt meta
    assert get_or_train("lin", "d", {}, c.train_fn, code_version="v", cache_dir=tmp_path).trained
    assert c.calls == 3
    (again.path / "weights.pt").unlink()  # missing weights
    assert get_or_train("lin", "d", {}, c.train_fn, code_version="v", cache_dir=tmp_path).trained
    assert c.calls == 4
    final = get_or_train("lin", "d", {}, c.train_fn, code_version="v", cache_dir=tmp_path)
    assert not final.trained and c.calls == 4
    leftovers = [p.name for p in (tmp_path / "lin").iterdir() if p.name.startswith((".tmp", ".trash"))]
    assert leftovers == []


def test_failed_training_leaves_nothing(tmp_path):
    def boom(progress):
        raise RuntimeError("out of memory")

    try:
        get_or_train("lin", "d", {}, boom, code_version="v", cache_dir=tmp_path)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the training error should propagate")
    assert lookup("lin", "d", {}, code_version="v", cache_dir=tmp_path) is None
    assert [p for p in (tmp_path / "lin").iterdir() if p.is_dir()] == []


WORKER = """
import sys, time, json
from pathlib import Path
from core.models.cache import get_or_train
cache_dir, log, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
while not go.exists():       # start both processes' requests at the same moment
    time.sleep(0.01)

def train_fn(progress):
    with open(log, "a") as fh:
        fh.write("trained\\n")
    time.sleep(1.0)          # hold the lock long enough for the other process to arrive
    import torch
    return {"w": torch.arange(4.0)}, {"ok": 1}, {}

art = get_or_train("race", "same-data", {"x": 1}, train_fn, code_version="r-1", cache_dir=cache_dir)
print(json.dumps({"trained": art.trained, "w": art.state_dict["w"].tolist()}))
"""


def test_two_processes_asking_at_once_train_once(tmp_path, repo_root):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    log, go = tmp_path / "trained.log", tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=str(repo_root), OMP_NUM_THREADS="1")
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(tmp_path / "cache"), str(log), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    time.sleep(0.5)
    go.touch()
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outs.append(json.loads(out.strip().splitlines()[-1]))
    assert log.read_text().count("trained") == 1
    assert sorted(o["trained"] for o in outs) == [False, True]
    assert outs[0]["w"] == outs[1]["w"] == [0.0, 1.0, 2.0, 3.0]


def test_cache_key_ignores_dict_order():
    assert cache_key("k", "d", {"a": 1, "b": 2}, "v") == cache_key("k", "d", {"b": 2, "a": 1}, "v")


# ---- one size budget for the whole cache (issue 24 item 10) ----------------------------------------


def _big(seed: int):
    """train_fn of a 1 MiB 'model' (real weights through the real cache; nothing to fit)."""

    def train_fn(progress):
        return {"w": torch.from_numpy(np.random.default_rng(seed).random(2**17))}, {}, {}

    return train_fn


def _folders(root) -> set[str]:
    return {p.name for p in (root / "big").iterdir() if p.is_dir() and not p.name.startswith(".")}


def test_the_whole_cache_keeps_its_budget_least_recently_used_first_never_one_in_use(tmp_path, monkeypatch):
    import fcntl

    from core.models.cache import trim_cache
    from core.text.encoder import StatesStore

    monkeypatch.setenv("CE_CACHE_GB", "1")
    key = {}
    for name in "abc":
        art = get_or_train("big", name, {}, _big(ord(name)), code_version="v", cache_dir=tmp_path)
        key[name] = art.path.name
        time.sleep(0.02)
    assert lookup("big", "a", {}, code_version="v", cache_dir=tmp_path) is not None  # a read: `a` used last
    # while another process writes `c` (its lock held exclusively) a lookup answers at once, not ready
    with open(tmp_path / "big" / f"{key['c']}.lock", "a+b") as writing:
        fcntl.flock(writing.fileno(), fcntl.LOCK_EX)
        started = time.perf_counter()
        assert lookup("big", "c", {}, code_version="v", cache_dir=tmp_path) is None
        assert time.perf_counter() - started < 5
    time.sleep(0.02)
    assert lookup("big", "a", {}, code_version="v", cache_dir=tmp_path) is not None  # `a` used last again
    size = sum(f.stat().st_size for f in art.path.iterdir())
    # a second process holds b's lock (training or reading it): b is in use and must stay
    with open(tmp_path / "big" / f"{key['b']}.lock", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_SH)
        monkeypatch.setenv("CE_CACHE_GB", str(3.5 * size / 2**30))  # room for three and a half
        d = get_or_train("big", "d", {}, _big(4), code_version="v", cache_dir=tmp_path)
        assert d.trained
        # four entries over a 3.5-entry budget: the least recently used one not in use (c) goes
        assert _folders(tmp_path) == {key["a"], key["b"], d.path.name}
    # encoder states count in the same budget: a 2 MiB shard pushes out b (now free), then a
    StatesStore(tmp_path / "encoder-states" / "minilm-L1").add(
        [StatesStore.key("x", None)], [np.zeros((2**19, 2), dtype=np.float16)]
    )
    assert _folders(tmp_path) == {d.path.name}
    assert len(list((tmp_path / "encoder-states" / "minilm-L1").glob("shard-*"))) == 1
    assert not [p for p in tmp_path.rglob("*.tmp")]  # nothing half-deleted left behind
    # an evicted model is trained again on request, not an error
    again = get_or_train("big", "a", {}, _big(ord("a")), code_version="v", cache_dir=tmp_path)
    assert again.trained and again.path.name == key["a"]
    assert trim_cache(tmp_path, max_bytes=0) > 0 and _folders(tmp_path) == set()


def test_cache_budget_reads_ce_cache_gb(monkeypatch):
    from core.config import cache_budget_bytes

    monkeypatch.delenv("CE_CACHE_GB", raising=False)
    assert cache_budget_bytes() == 5 * 2**30
    monkeypatch.setenv("CE_CACHE_GB", "0.5")
    assert cache_budget_bytes() == 2**29
    monkeypatch.setenv("CE_CACHE_GB", "lots")
    assert cache_budget_bytes() == 5 * 2**30
