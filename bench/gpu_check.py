"""GPU check: every attention model trains a few hundred steps with AMP on CUDA, its loss falls, its
cached weights reload on the CPU, and its samples/s on the GPU are set beside the CPU's.

    python bench/gpu_check.py                       # CUDA when present (bf16 autocast where supported)
    python bench/gpu_check.py --device cpu --tiny   # the same path on the CPU (tests/models/test_gpu_check.py)
    python bench/gpu_check.py [--steps 300] [--cpu-steps 40]

Each model (text classifier, SASRec, churn FT-Transformer, GAT, DIN) is built from its own module in
core/models on synthetic data with a planted, learnable signal, and trained through the one trainer
(`engine.fit`) inside the lifecycle (`lifecycle.train_or_load`, a temporary cache), as the app trains
them. Checks, per model: the last epoch's mean training loss is below the first's; the artefact the
cache stored reloads on the CPU and scores a batch as the trained model did on its device (float32,
within 1e-2). Samples/s: training samples per second of the trained run, and of a short CPU run of
the same model (the reference, same process). Imports torch, numpy and core.models only (the GPU box
has neither streamlit nor duckdb). Exit status 1 when a check fails. Meant to finish in well under
5 minutes on one GPU.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


@dataclass
class Case:
    """One model on synthetic data: `build()` a fresh module, `batches` for an epoch, samples each."""

    name: str
    build: Callable[[], torch.nn.Module]
    batches: list
    samples_per_batch: int
    lr: float = 3e-3


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def text_case(tiny: bool) -> Case:
    from core.models.text_classifier import TextClassifier, TextClassifierConfig

    n, b, t, vocab = (4, 16, 16, 60) if tiny else (8, 64, 64, 2000)
    g = _gen(1)
    batches = []
    for _ in range(n):
        tokens = torch.randint(3, vocab, (b, t), generator=g)
        labels = torch.randint(0, 2, (b,), generator=g)
        tokens[:, 0] = 2 + labels  # the class is planted in the first token (ids 2 and 3)
        batches.append({"tokens": tokens, "labels": labels})
    cfg = TextClassifierConfig(n_classes=2, vocab_size=vocab, d_model=32 if tiny else 128, d_ff=64 if tiny else 256)
    cfg.max_len = t
    return Case("text classifier", lambda: TextClassifier(cfg), batches, b)


def sasrec_case(tiny: bool) -> Case:
    from core.models.sasrec import SASRec, SASRecConfig

    n, b, length, items = (4, 16, 10, 50) if tiny else (8, 128, 50, 2000)
    g = _gen(2)
    batches = []
    for _ in range(n):
        start = torch.randint(1, items + 1, (b, 1), generator=g)
        seq = (start + torch.arange(length + 1)) % items + 1  # members walk the catalogue in order
        batches.append((seq[:, :-1].contiguous(), seq[:, 1:].contiguous()))
    cfg = SASRecConfig(n_items=items, max_len=length, hidden=16 if tiny else 64)
    return Case("SASRec", lambda: SASRec(cfg), batches, b)


def churn_case(tiny: bool) -> Case:
    from core.models.churn_transformer import ChurnTransformer, ChurnTransformerConfig

    n, b, weeks = (4, 32, 6) if tiny else (8, 256, 26)
    g = _gen(3)
    batches = []
    for _ in range(n):
        numeric = torch.randn(b, 5, generator=g)
        categorical = torch.randint(0, 4, (b, 2), generator=g)
        timeline = torch.rand(b, weeks, generator=g)
        label = ((numeric[:, 0] - timeline.mean(1) * 2 + 1 + (categorical[:, 0] == 1).float()) > 0).float()
        batches.append({"numeric": numeric, "categorical": categorical, "timeline": timeline, "label": label})
    cfg = ChurnTransformerConfig(n_numeric=5, cardinalities=[4, 4], n_weeks=weeks, d_model=16 if tiny else 32)
    return Case("churn FT-Transformer", lambda: ChurnTransformer(cfg), batches, b)


def gat_case(tiny: bool) -> Case:
    from core.models.gat import GATConfig, GraphAttentionNetwork

    groups, size = (3, 20) if tiny else (8, 250)
    n = groups * size
    g = _gen(4)
    y = torch.arange(n) // size
    src = torch.randint(0, n, (n * 8,), generator=g)
    same = torch.rand(n * 8, generator=g) < 0.9  # 90% of edges inside the planted group
    other = torch.randint(0, n, (n * 8,), generator=g)
    dst = torch.where(same, y[src] * size + torch.randint(0, size, (n * 8,), generator=g), other)
    edge_index = torch.cat([torch.stack([src, dst]), torch.stack([dst, src]), torch.arange(n).repeat(2, 1)], 1)
    x = (
        torch.randn(n, 8, generator=g)
        + torch.nn.functional.one_hot(y, groups).float().repeat(1, 8 // groups + 1)[:, :8] * 0.5
    )
    mask = torch.rand(n, generator=g) < 0.5
    batch = {"x": x, "edge_index": edge_index, "y": y, "mask": mask}
    cfg = GATConfig(in_dim=8, n_classes=groups)
    return Case("GAT", lambda: GraphAttentionNetwork(cfg), [batch], int(mask.sum()))


def din_case(tiny: bool) -> Case:
    from core.models.din import DIN, DINConfig

    n, b, length, items = (4, 32, 8, 30) if tiny else (8, 256, 30, 500)
    g = _gen(5)
    batches = []
    for _ in range(n):
        history = torch.randint(0, items + 1, (b, length), generator=g)
        variant = torch.randint(0, 3, (b,), generator=g)
        features = torch.randint(0, 3, (b, 1), generator=g)
        fan = (history == 3).any(1)  # fans of item 3 ...
        label = ((variant == 2) & fan).float()  # ... respond to variant 2 only
        batches.append({"history": history, "variant": variant, "features": features, "label": label})
    cfg = DINConfig(n_items=items, n_variants=3, feature_sizes=(3,), dim=8 if tiny else 16)
    return Case("DIN", lambda: DIN(cfg), batches, b)


CASES = [text_case, sasrec_case, churn_case, gat_case, din_case]


def _predict(model: torch.nn.Module, batch, device: torch.device) -> torch.Tensor:
    from core.models.engine import to_device

    model.to(device).eval()
    with torch.no_grad():
        b = to_device(batch, device)
        out = model.predict(b[0] if isinstance(b, tuple) else b)
    return out.float().cpu()


def run_case(case: Case, device: str, steps: int, cpu_steps: int, cache_dir: Path) -> dict:
    from core.models import cache
    from core.models.budget import train_with_budget
    from core.models.engine import TrainConfig, fit, pick_device
    from core.models.lifecycle import ModelSpec, train_or_load

    epochs = max(2, steps // len(case.batches))
    trained: dict = {}

    def make_batches(epoch, generator):
        order = torch.randperm(len(case.batches), generator=generator).tolist()
        return [case.batches[i] for i in order]

    def fit_fn(model, progress, cancel, budget):  # no budget asked (AUTO): the run's own, none
        tc = TrainConfig(epochs=epochs, lr=case.lr, device=device, amp=True, max_seconds=None, patience=epochs)
        tc = train_with_budget(tc, budget)
        res = fit(model, make_batches, None, tc, progress=progress, cancel=cancel)
        trained["model"], trained["result"] = model, res
        return res.state_dict, res.summary(), {"history": res.history}

    spec = ModelSpec(
        kind="gpu-check-" + case.name.replace(" ", "-"),
        code_version="1",
        config={"epochs": epochs, "device": device},
        data=cache.fingerprint(case.name, steps),
        build=case.build,
        fit=fit_fn,
    )
    done = train_or_load(spec, cache_dir=cache_dir)
    res = trained["result"]
    dev = pick_device(device)
    on_device = _predict(trained["model"], case.batches[0], dev)
    reloaded = done.model  # built and loaded from the stored artefact, on the CPU
    on_cpu = next(reloaded.parameters()).device.type == "cpu"
    same = on_cpu and torch.allclose(_predict(reloaded, case.batches[0], torch.device("cpu")), on_device, atol=1e-2)
    first, last = res.history[0]["loss"], res.history[-1]["loss"]

    cpu_epochs = max(1, cpu_steps // len(case.batches))
    ref = fit(
        case.build(), make_batches, None, TrainConfig(epochs=cpu_epochs, lr=case.lr, device="cpu", max_seconds=None)
    )
    amp = "off"
    if dev.type == "cuda":
        amp = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return {
        "model": case.name,
        "device": res.device,
        "amp": amp,
        "steps": res.steps,
        "loss first -> last epoch": f"{first:.4f} -> {last:.4f}",
        "loss falls": "yes" if last < first else "NO",
        "reloads on CPU": "yes" if same else "NO",
        "samples/s": res.steps * case.samples_per_batch / max(res.seconds, 1e-9),
        "CPU samples/s": ref.steps * case.samples_per_batch / max(ref.seconds, 1e-9),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--steps", type=int, default=300, help="training steps per model on --device")
    ap.add_argument("--cpu-steps", type=int, default=40, help="steps of the CPU reference run per model")
    ap.add_argument("--tiny", action="store_true", help="tiny models and data (the test's sizes)")
    args = ap.parse_args(argv)
    import pandas as pd

    from core.models.engine import pick_device

    if pick_device(args.device).type != "cuda":
        print(f"no CUDA GPU in use (device {args.device!r}): running the same path on the CPU", flush=True)
    started = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory(prefix="gpu-check-") as tmp:
        for make in CASES:
            case = make(args.tiny)
            rows.append(run_case(case, args.device, args.steps, args.cpu_steps, Path(tmp)))
            print(f"  {case.name}: {rows[-1]['loss first -> last epoch']}, {rows[-1]['samples/s']:.0f}/s", flush=True)
    table = pd.DataFrame(rows)
    table["x CPU"] = (table["samples/s"] / table["CPU samples/s"]).round(2)
    table["samples/s"] = table["samples/s"].round(0).astype(int)
    table["CPU samples/s"] = table["CPU samples/s"].round(0).astype(int)
    print()
    print(table.to_string(index=False))
    name = torch.cuda.get_device_name() if torch.cuda.is_available() else "no GPU"
    print(
        f"\ntorch {torch.__version__}, {name}, CPU threads {torch.get_num_threads()}, {time.perf_counter() - started:.0f} s"
    )
    ok = (table["loss falls"] == "yes").all() and (table["reloads on CPU"] == "yes").all()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
