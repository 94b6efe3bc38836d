"""bench/gpu_check.py runs its whole path (train with the engine inside the lifecycle, loss falls,
the cached weights reload on the CPU, samples/s) on the CPU with tiny models: the GPU run is this."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "gpu_check.py"


def test_gpu_check_runs_every_model_on_the_cpu(capsys):
    spec = importlib.util.spec_from_file_location("gpu_check", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["gpu_check"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    assert module.main(["--device", "cpu", "--tiny", "--steps", "16", "--cpu-steps", "4"]) == 0
    out = capsys.readouterr().out
    table = out[out.index("loss falls") :]
    for name in ("text classifier", "SASRec", "churn FT-Transformer", "GAT", "DIN"):
        line = next(line for line in table.splitlines() if line.strip().startswith(name))
        assert line.count("yes") == 2 and " cpu " in line  # loss fell; reloaded on the CPU
