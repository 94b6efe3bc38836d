"""Every setting read from the environment, in one place, each through a typed accessor.

Nothing else in `core/`, `ui/` or `pages/` reads `os.environ` for a setting of ours: a new setting is
a function here (read at call time, so a test's `monkeypatch.setenv` takes effect) and a line in
CONTRIBUTING.md's table. Variables that belong to other tools' protocols are read where those tools
are driven: torchrun's `LOCAL_RANK` / `WORLD_SIZE` (core/models/engine.py) and Spark's
`PYSPARK_GATEWAY_PORT`, `PYTHONPATH`, `JAVA_HOME` (core/query/engine.py).

Stdlib only: core.models imports this on a GPU box that has only torch, numpy and pandas.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

LANGUAGES = ("en", "zh")
DEFAULT_CACHE_GB = 5.0
DEFAULT_STATES_MAX_MB = 2048.0
DEFAULT_CHURN_EPOCHS = 30  # the churn model's epochs: ChurnConfig, the page and the CLI
ENGINES = ("duckdb", "spark")  # --engine of the CLI's SQL paths (core/query/engine.py)
DEFAULT_MASTER = "local[*]"  # --spark-master when none is given


def _text(name: str) -> str | None:
    """The variable's value, None when it is unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or None


def _number(name: str, default: float) -> float:
    """A non-negative number, the default when unset, blank, not a number or negative."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value >= 0 else default


def _count(name: str, default: int) -> int:
    """A non-negative whole number, the default when unset, blank, not a whole number or negative."""
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value >= 0 else default


# ---- where the files are ---------------------------------------------------------------------------


def data_dir() -> Path:
    """Root for workspaces and the model cache: $CE_DATA_DIR, else <repo>/data."""
    return Path(_text("CE_DATA_DIR") or REPO_ROOT / "data")


def workspaces_dir() -> Path:
    return data_dir() / "workspaces"


def model_cache_dir() -> Path:
    return data_dir() / "cache" / "models"


def model_key_path() -> Path:
    """The secret that signs model folders (core.models.artefact): one per data directory."""
    return data_dir() / "model-signing.key"


def access_file() -> Path:
    """Who may see which workspace (core.access): $CE_ACCESS_FILE, else <data folder>/access.toml."""
    return Path(_text("CE_ACCESS_FILE") or data_dir() / "access.toml")


# ---- how much disk the caches may take ----------------------------------------------------------------


def cache_budget_bytes() -> int:
    """The disk the whole model cache (trained models and stored encoder states) may take:
    $CE_CACHE_GB gigabytes (GiB; default 5). Past it the least recently used entries go first."""
    return int(_number("CE_CACHE_GB", DEFAULT_CACHE_GB) * 2**30)


def states_budget_bytes() -> int:
    """The disk all stored encoder states may take, inside the cache's budget: $CE_STATES_MAX_MB
    megabytes (default 2048; 14,640 tweets through MiniLM's five lower layers take about 300 MB)."""
    return int(_number("CE_STATES_MAX_MB", DEFAULT_STATES_MAX_MB) * 2**20)


# ---- what the app opens on --------------------------------------------------------------------------


def default_language() -> str:
    """$CE_LANG when it names a language of the app ("en", "zh"), else English."""
    lang = _text("CE_LANG")
    return lang if lang in LANGUAGES else "en"


def default_workspace() -> str | None:
    """$CE_WORKSPACE: the workspace new sessions open on (None: the most recently changed one)."""
    return _text("CE_WORKSPACE")


# ---- errors, credentials --------------------------------------------------------------------------


def debug() -> bool:
    """$CE_DEBUG set: the CLI shows library warnings and tracebacks, Spark its JVM's stderr."""
    return bool(_text("CE_DEBUG"))


def postgres_password() -> str | None:
    """$PGPASSWORD (libpq's own variable), for `ingest --from-sql` when the URL has no password."""
    return os.environ.get("PGPASSWORD") or None


# ---- shorter training for the tests (0 or unset: the model's own default) ----------------------------


def churn_page_epochs() -> int:
    """Epochs the churn page trains for: $CE_CHURN_EPOCHS (tests lower it), else DEFAULT_CHURN_EPOCHS."""
    return _count("CE_CHURN_EPOCHS", DEFAULT_CHURN_EPOCHS) or DEFAULT_CHURN_EPOCHS


def recommend_page_epochs() -> int:
    """$CE_RECO_EPOCHS: epochs the recommendations page trains SASRec for (0: the model's default)."""
    return _count("CE_RECO_EPOCHS", 0)


def recommend_page_max_len() -> int:
    """$CE_RECO_MAX_LEN: SASRec's history window on the page (0: the 90th percentile of history lengths)."""
    return _count("CE_RECO_MAX_LEN", 0)


def sentiment_page_epochs() -> int | None:
    """$CE_SENT_EPOCHS: epochs the sentiment page's classifier trains for (None: the engine's default)."""
    return _count("CE_SENT_EPOCHS", 0) or None
