"""The A/B analysis: a table of rows in, one `ExperimentResult` per metric (and segment) out.

    data = prepare(df, ExperimentSpec(variant="version"), metrics=[MetricSpec("retention_1")])
    result = analyze(data, MetricSpec("retention_1"))
    result.to_dict()   # the CLI's JSON

Rows can be units (a user each), repeated exposures of units (give `unit`: rows are summed per
unit first, binary metrics become "converted at least once"), or aggregates (a row per variant,
per variant and day, or per ad, with impressions, clicks, ...). Without a unit column, a ratio
whose two columns hold counts (whole numbers, numerator <= denominator: clicks / impressions) is
a proportion of the summed counts (a two-proportion test, as ad platforms report it); other
ratios (spend / conversions) use the rows as units with delta-method variances. All sums are numpy
`bincount`s over integer group codes, never Python loops over rows.

This module is the one import for callers; each step lives in a module of its own:

- spec.py       ExperimentSpec, MetricSpec, the direction of a metric
- guesses.py    what column names suggest: randomised or not, the exposure a count is a share of
- notices.py    Notice (its wording: the translation table, ab.warn.<code>)
- results.py    VariantResult, ExperimentResult (to_dict: the CLI's JSON)
- prepare.py    prepare() -> ExperimentData
- sums.py       per-group sums and statistics (numpy, or one DuckDB scan for big inputs:
                core/query/experiments.py)
- assemble.py   analyze / analyze_metrics / analyze_segments, result_from_statistics
- corrections.py  Holm and BH (correct, correct_all)
- timeline.py   cumulative_lift
- funnel.py     funnel_metrics, funnel_table
- verdict.py    Verdict, verdict
- choices.py    what a view offers: variant names, default control, metric choices, power
"""

from __future__ import annotations

import sys
import types

from core.experiments import sums as _sums
from core.experiments.assemble import analyze, analyze_metrics, analyze_segments, result_from_statistics
from core.experiments.choices import (
    default_control,
    metric_choices,
    parse_split,
    per_unit_sd,
    relative_mde,
    response_outcome,
    segment_table,
    variant_names,
)
from core.experiments.corrections import correct, correct_all
from core.experiments.funnel import funnel_metrics, funnel_table
from core.experiments.guesses import (
    DENOMINATOR_NAMES,
    EXPOSURE_NAMES,
    NOT_RANDOMISED_NAMES,
    RANDOMISED_NAMES,
    guess_denominator,
    randomised_guess,
)
from core.experiments.notices import Notice
from core.experiments.prepare import ExperimentData, natural_key, pick_control, prepare
from core.experiments.results import INFERENCE_FIELDS, ExperimentResult, VariantResult
from core.experiments.spec import (
    CONTROL_NAMES,
    MAX_VARIANTS,
    ExperimentSpec,
    MetricSpec,
    check_direction_names,
    higher_is_better,
)
from core.experiments.sums import DUCKDB_MIN_ROWS, group_statistics, grouped_sums, prefetch_sums
from core.experiments.timeline import cumulative_lift, timeline_row
from core.experiments.verdict import Verdict, verdict

__all__ = [
    "CONTROL_NAMES",
    "DENOMINATOR_NAMES",
    "DUCKDB_MIN_ROWS",
    "EXPOSURE_NAMES",
    "INFERENCE_FIELDS",
    "MAX_VARIANTS",
    "NOT_RANDOMISED_NAMES",
    "RANDOMISED_NAMES",
    "ExperimentData",
    "ExperimentResult",
    "ExperimentSpec",
    "MetricSpec",
    "Notice",
    "VariantResult",
    "Verdict",
    "analyze",
    "analyze_metrics",
    "analyze_segments",
    "check_direction_names",
    "correct",
    "correct_all",
    "cumulative_lift",
    "default_control",
    "funnel_metrics",
    "funnel_table",
    "group_statistics",
    "grouped_sums",
    "guess_denominator",
    "higher_is_better",
    "metric_choices",
    "natural_key",
    "parse_split",
    "per_unit_sd",
    "pick_control",
    "prefetch_sums",
    "prepare",
    "randomised_guess",
    "relative_mde",
    "response_outcome",
    "result_from_statistics",
    "segment_table",
    "timeline_row",
    "variant_names",
    "verdict",
]


class _Facade(types.ModuleType):
    """Setting DUCKDB_MIN_ROWS here (a test's monkeypatch) sets the threshold the sums read."""

    def __setattr__(self, name, value):
        if name == "DUCKDB_MIN_ROWS":
            setattr(_sums, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Facade
