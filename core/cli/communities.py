"""`python -m core communities EDGES.csv --out OUT.csv`: detect communities in an edge list.

OUT.csv has `node,community` for every node of the input (isolates from self-loop-only rows
included); stdout is a JSON summary of the graph and the partition.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from core.cli import about_file, add_read_options, check_range, skipped_rows
from core.data.csvfile import read_csv_frame
from core.errors import InputError
from core.export import check_output, write_csv
from core.graph.build import graph_from_edges
from core.graph.detect import detect_communities, parse_resolution
from core.graph.significance import MAX_EDGES, graph_significance, skipped_summary


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "communities",
        help="detect communities in an edge list CSV",
        description="Detect communities; writes node,community and prints a JSON summary.",
    )
    p.add_argument("edges", type=Path, help="CSV with one edge per row")
    p.add_argument("--out", type=Path, required=True, help="output CSV: node,community")
    p.add_argument("--source", default="src", help="source column (default src)")
    p.add_argument("--target", default="dst", help="target column (default dst)")
    p.add_argument("--weight", default=None, help="weight column (default: 'weight' if present, else 1)")
    p.add_argument("--method", choices=["leiden", "louvain", "label_propagation"], default="leiden")
    p.add_argument(
        "--resolution",
        default="auto",
        help="'auto' (default: chosen from a resolution profile, reported in the JSON) "
        "or a number > 0 (>1: more, smaller communities)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--stability-seeds",
        type=int,
        default=0,
        help="with a number resolution: also rerun with N seeds and report mean pairwise "
        "NMI; with auto: seeds per scanned resolution (default 4, 2 above 200,000 ties)",
    )
    p.add_argument(
        "--significance",
        action="store_true",
        help=f"test the modularity against degree-preserving rewirings on graphs above {MAX_EDGES:,} edges "
        "too (always tested below; costs 10-20x the detection)",
    )
    add_read_options(p)
    p.set_defaults(func=run)


def _read_edges(path: Path) -> pd.DataFrame:

    return read_csv_frame(path)


def run(args: argparse.Namespace) -> int:

    resolution = parse_resolution(args.resolution, "--resolution")  # a bad value fails before reading the file
    check_range(args.stability_seeds, "--stability-seeds", 0, 1000)
    check_output(args.out, [args.edges])
    edges = _read_edges(args.edges)
    name = str(args.edges)
    if len(edges) == 0:
        raise InputError("no edge rows (only a header)", file=name)
    weight_col = args.weight if args.weight is not None else "weight"
    graph = graph_from_edges(
        edges, source_col=args.source, target_col=args.target, weight_col=weight_col, ts_col=None, table=name
    )
    if graph.n_nodes < 2:
        raise InputError(f"the graph has {graph.n_nodes} node(s); need at least 2", file=name)
    wcol = weight_col if weight_col in edges.columns else None
    if graph.n_edges == 0:
        raise InputError(
            f"no edge joins two different nodes with a positive weight ({graph.self_loops} "
            f"self-loop(s), {graph.below_min_weight} zero-weight pair(s)); every node would be "
            "its own community",
            file=name,
            column=wcol or args.target,
        )
    if not np.isfinite(graph.weight).all():
        raise InputError("weights must be finite numbers (found inf)", file=name, column=wcol)
    with about_file(name):
        result = detect_communities(
            graph, args.method, resolution=resolution, seed=args.seed, stability_seeds=args.stability_seeds
        )
    write_csv(result.to_frame(), args.out, inputs=[args.edges])  # atomic: never a half-written OUT.csv

    # communities only where they exist: modularity at resolution 1 vs degree-preserving rewirings
    sig = graph_significance(graph, seed=args.seed, force=args.significance)
    significance = skipped_summary(graph) if sig is None else sig.summary()
    summary = {
        **result.summary(),
        "significance": significance,
        "graph": graph.summary(),
        "out": str(args.out),
        **skipped_rows(args),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0
