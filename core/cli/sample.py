"""`python -m core sample --out DIR [--users N] [--seed S]`: write the sample community's CSVs + ground truth."""

from __future__ import annotations

import json
from pathlib import Path

from core.cli import check_range
from core.data.sample import generate_sample
from core.errors import ConfigError


def register(sub) -> None:
    p = sub.add_parser("sample", help="generate the sample community (CSVs + ground_truth.json)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--users", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=run)


def run(args) -> int:
    check_range(args.users, "--users", 80, 1_000_000)
    check_range(args.seed, "--seed", 0, 2**32 - 1)
    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise ConfigError(f"--out {args.out} is a file; give a folder")
    truth = generate_sample(args.out, users=args.users, seed=args.seed)
    print(
        json.dumps(
            {
                "out": str(args.out),
                "users": truth["users"],
                "seed": truth["seed"],
                "communities": truth["n_communities"],
                "start": truth["start"],
                "end": truth["end"],
            }
        )
    )
    return 0
