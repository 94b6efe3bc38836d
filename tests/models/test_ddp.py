"""DistributedDataParallel under torchrun: 2 CPU processes (gloo) train SASRec on tiny data and
end with identical weights that differ from the untrained start."""

from __future__ import annotations

import os
import subprocess
import sys

import torch

WORKER = r"""
import sys
import numpy as np
import torch
import torch.distributed as dist
from core.models.engine import TrainConfig, rank_and_world
from core.models.sasrec import SASRecConfig, train_sasrec

out = sys.argv[1]
rng = np.random.default_rng(0)
# 40 users walking a cycle of 12 items: the next item is always current + 1
seqs = [((np.arange(10) + rng.integers(0, 12)) % 12 + 1) for _ in range(40)]
hist = [s[:-1] for s in seqs]
targets = np.array([s[-1] for s in seqs])
cfg = SASRecConfig(n_items=12, max_len=8, hidden=16, n_layers=1, n_heads=2, dropout=0.1)
model, result = train_sasrec([s[:-1] for s in seqs], cfg,
                             TrainConfig(epochs=3, batch_size=8, lr=5e-3, device="cpu", seed=0),
                             hist, targets)
rank, world = rank_and_world()
torch.save({"state": result.state_dict, "world": world, "steps": result.steps,
            "history": [h["val_metric"] for h in result.history]}, f"{out}/rank{rank}.pt")
dist.barrier()
dist.destroy_process_group()
"""


def test_torchrun_two_cpu_ranks_end_with_identical_weights(tmp_path, repo_root):
    script = tmp_path / "ddp_worker.py"
    script.write_text(WORKER)
    env = dict(os.environ, PYTHONPATH=str(repo_root), OMP_NUM_THREADS="1")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node=2",
            str(script),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    r0 = torch.load(tmp_path / "rank0.pt", weights_only=True)
    r1 = torch.load(tmp_path / "rank1.pt", weights_only=True)
    assert r0["world"] == r1["world"] == 2
    # 40 windows / batch 8 = 5 batches per epoch, split over 2 ranks -> 2 steps each per epoch
    assert r0["steps"] == r1["steps"] == 3 * 2
    assert r0["history"] == r1["history"]  # rank 0's validation reached both ranks
    assert r0["state"].keys() == r1["state"].keys()
    for k in r0["state"]:
        assert torch.equal(r0["state"][k], r1["state"][k]), k
    from core.models.sasrec import SASRec, SASRecConfig

    torch.manual_seed(0)
    untrained = SASRec(SASRecConfig(n_items=12, max_len=8, hidden=16, n_layers=1, n_heads=2, dropout=0.1)).state_dict()
    assert not torch.equal(untrained["item_emb.weight"], r0["state"]["item_emb.weight"])
