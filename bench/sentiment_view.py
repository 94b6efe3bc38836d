"""The sentiment view (lexicon) per visit, before and after its scores are kept per table version.

    .venv/bin/python bench/sentiment_view.py            # 7,765 Chinese reviews (waimai_10k's first rows)
    .venv/bin/python bench/sentiment_view.py --quick    # 2,000 reviews

The issue's figure is on 7,765 Chinese hotel reviews; no hotel set is in ../shared/datasets, so the
first 7,765 of waimai_10k's Chinese delivery reviews stand in (same language, similar lengths),
given weekly times and four communities so that trends and shifts are drawn. Three figures, one run:
a visit scoring from scratch (what every visit cost before), the first scoring (core.text.view.
kept_scores: language, lexicon score and content terms per row, written to a Parquet), and a later
visit in a fresh process: read the kept file, then the whole view. Floor: the later visit <= 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.rows import emit_rows, row  # noqa: E402

DATASETS = Path(os.environ.get("CE_SHARED_DATASETS", REPO.parent / "shared" / "datasets"))


def reviews(n: int):
    import pandas as pd

    df = pd.read_csv(DATASETS / "waimai_10k" / "waimai_10k.csv").head(n).rename(columns={"review": "text"})
    df["ts"] = pd.Timestamp("2026-01-05") + pd.to_timedelta(range(len(df)), unit="h")
    df["community"] = [f"c{i % 4}" for i in range(len(df))]
    return df


def visit(n: int, cache: str) -> None:
    """A later visit in a fresh process: kept scores read from disk, then the whole view."""
    from core.text.view import kept_scores, sentiment_view

    posts = reviews(n)
    sentiment_view(posts.head(50))  # the same warm-up as the scratch visit: imports outside the timing
    t = time.perf_counter()
    view = sentiment_view(posts, kept=kept_scores(posts, "bench-sentiment-view", Path(cache)))
    print(json.dumps({"seconds": time.perf_counter() - t, "posts": view.n_posts}))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="2,000 reviews")
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--visit", nargs=2, metavar=("N", "CACHE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.visit:
        visit(int(args.visit[0]), args.visit[1])
        return 0
    n = args.n or (2000 if args.quick else 7765)
    from core.text.view import kept_scores, sentiment_view

    posts = reviews(n)
    sentiment_view(posts.head(50))  # warm imports and jieba's dictionary, outside the timings
    t = time.perf_counter()
    sentiment_view(posts)
    scratch = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as cache:
        t = time.perf_counter()
        kept_scores(posts, "bench-sentiment-view", Path(cache))
        first = time.perf_counter() - t
        proc = subprocess.run(
            [sys.executable, __file__, "--visit", str(n), cache],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-2000:])
        later = json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]
    load = os.getloadavg()
    print(f"## sentiment view (lexicon), {n:,} Chinese reviews; load average {load}")
    print(f"visit scoring from scratch (before): {scratch:.1f} s")
    print(f"first scoring, kept on disk:         {first:.1f} s")
    print(f"later visit, fresh process:          {later:.1f} s ({scratch / later:.1f}x faster)")
    ok = later <= 5
    print(f"floor: later visit {later:.1f} s <= 5 s: {'PASS' if ok else 'FAIL'}")
    emit_rows(
        "sentiment_view",
        [
            row(
                f"sentiment view visit after first scoring, {n:,} zh reviews, s (ref: scoring from scratch)",
                later,
                scratch,
                scratch / later,
                "<= 5 s",
                ok,
            )
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
