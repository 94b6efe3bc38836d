"""`python -m core communities EDGES.csv --out OUT.csv`: detect communities in an edge list.

OUT.csv has `node,community` for every node of the input (isolates from self-loop-only rows
included); stdout is a JSON summary of the graph and the partition.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from core.errors import InputError


def register(subparsers) -> None:
    p = subparsers.add_parser("communities", help="detect communities in an edge list CSV",
                              description="Detect communities; writes node,community and prints a "
                                          "JSON summary.")
    p.add_argument("edges", type=Path, help="CSV with one edge per row")
    p.add_argument("--out", type=Path, required=True, help="output CSV: node,community")
    p.add_argument("--source", default="src", help="source column (default src)")
    p.add_argument("--target", default="dst", help="target column (default dst)")
    p.add_argument("--weight", default=None, help="weight column (default: 'weight' if present, else 1)")
    p.add_argument("--method", choices=["leiden", "louvain", "label_propagation"], default="leiden")
    p.add_argument("--resolution", default="auto",
                   help="'auto' (default: chosen from a resolution profile, reported in the JSON) "
                        "or a number > 0 (>1: more, smaller communities)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--stability-seeds", type=int, default=0,
                   help="with a number resolution: also rerun with N seeds and report mean pairwise "
                        "NMI; with auto: seeds per scanned resolution (default 4, 2 above 200,000 ties)")
    p.set_defaults(func=run)


def _read_edges(path: Path) -> pd.DataFrame:
    from core.data.csvfile import read_csv_frame

    return read_csv_frame(path)


def run(args: argparse.Namespace) -> int:
    from core.graph.build import graph_from_edges
    from core.graph.detect import detect_communities, parse_resolution

    resolution = parse_resolution(args.resolution)  # a bad value fails before reading the file
    edges = _read_edges(args.edges)
    name = str(args.edges)
    if len(edges) == 0:
        raise InputError("no edge rows (only a header)", file=name)
    weight_col = args.weight if args.weight is not None else "weight"
    graph = graph_from_edges(edges, source_col=args.source, target_col=args.target,
                             weight_col=weight_col, ts_col=None, table=name)
    if graph.n_nodes < 2:
        raise InputError(f"the graph has {graph.n_nodes} node(s); need at least 2", file=name)
    result = detect_communities(graph, args.method, resolution=resolution, seed=args.seed,
                                stability_seeds=args.stability_seeds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(args.out.name + ".tmp")
    result.to_frame().to_csv(tmp, index=False)
    tmp.replace(args.out)  # never leave a half-written OUT.csv
    summary = {**result.summary(), "graph": graph.summary(), "out": str(args.out)}
    print(json.dumps(summary, ensure_ascii=False))
    return 0
