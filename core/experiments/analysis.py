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
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from typing import Literal, cast

import numpy as np
import pandas as pd

from core.errors import ConfigError, InputError
from core.experiments.columns import ColumnRoles, metric_values
from core.experiments.corrections import adjust_p_values
from core.experiments.direction import metric_direction
from core.experiments.health import MIN_EVENTS, MIN_UNITS, SrmCheck, srm_check
from core.experiments.inference import CompareConfig, Comparison, compare, mean_interval
from core.experiments.outliers import DEFAULT_PERCENTILE, outlier_check, winsorize
from core.experiments.statistics import (
    ProportionStatistic,
    RatioStatistic,
    RegressionAdjustedStatistic,
    SampleMeanStatistic,
    cuped_theta,
)

MAX_VARIANTS = 20
CONTROL_NAMES = ("control", "a", "baseline", "base", "ctrl", "对照", "对照组", "gate_30")


def higher_is_better(name: str, lower: Sequence[str] = (), higher: Sequence[str] = ()) -> bool:
    """Whether a rise in metric `name` is good news: False when `name` is in `lower`, True when it
    is in `higher`, else guessed from the whole words of its name (core.experiments.direction:
    costs, churn, bounces, errors, refunds ... are lower-is-better; everything else higher; an
    ambiguous name such as cost_savings guesses higher, and `metric_direction` says it is a guess)."""
    return metric_direction(name, lower, higher).higher_is_better


def check_direction_names(metrics: Sequence[str], lower: Sequence[str], higher: Sequence[str], source=None) -> None:
    """ConfigError when a metric named in `lower` / `higher` is not among `metrics` (a typo would
    otherwise leave the guess in place silently) or is named in both."""
    both = sorted(set(lower) & set(higher))
    if both:
        raise ConfigError(f"metric {both[0]!r} is named both lower- and higher-is-better", file=source)
    for flag, names in (("--lower-is-better", lower), ("--higher-is-better", higher)):
        unknown = [n for n in names if n not in metrics]
        if unknown:
            raise ConfigError(
                f"{flag}: no metric named {unknown[0]!r} (metrics: {', '.join(map(str, metrics))})", file=source
            )


@dataclass(frozen=True)
class MetricSpec:
    """A metric: `column` alone (a proportion when its values are binary, else a mean), or
    `column / denominator` (a ratio such as CTR). `higher_is_better=False` for costs (CPA)."""

    column: str
    denominator: str | None = None
    name: str | None = None
    kind: Literal["auto", "proportion", "mean"] = "auto"
    higher_is_better: bool = True
    # where the direction came from: 'name' (a direction word), 'user' (said), 'default' (no word)
    direction_source: str = "default"
    direction_ambiguous: bool = False  # the name's guess needs the analyst's confirmation

    def with_direction(self, lower: Sequence[str] = (), higher: Sequence[str] = ()) -> MetricSpec:
        """This metric with the direction said in `lower` / `higher`, else guessed from its label."""
        d = metric_direction(self.label, lower, higher)
        return replace(
            self, higher_is_better=d.higher_is_better, direction_source=d.source, direction_ambiguous=d.ambiguous
        )

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return f"{self.column} / {self.denominator}" if self.denominator else self.column


@dataclass(frozen=True)
class ExperimentSpec:
    """Which column holds the variant, which variant is control (None: one named like 'control'
    or 'A', else the first in sorted order), the unit column (rows are summed per unit), a
    pre-period covariate for CUPED, a time column (cumulative lift), the planned split
    (None: equal), alpha, and the sequential tuning size N*. `source` names the file in errors."""

    variant: str
    control: str | None = None
    unit: str | None = None
    covariate: str | None = None
    time: str | None = None
    weights: tuple[float, ...] | None = None
    alpha: float = 0.05
    sequential_tuning: float = 5000.0
    source: str | None = None
    # SRM: count units per variant (default), or the sum of an exposure column such as
    # impressions for aggregated rows; check_srm=False for groups that were never randomised
    exposure: str | None = None
    check_srm: bool = True
    bayesian: bool = True  # False skips chance to beat / expected loss (a portfolio's first pass)
    # cap each unit's value of a non-binary metric at this percentile of all units (winsorising,
    # core.experiments.outliers); None: no capping (heavy outliers are still reported)
    cap_percentile: float | None = None
    # False when the groups were never assigned at random (campaigns, ads): the comparison is
    # descriptive (means, intervals, differences), with no p-values, verdict or SRM check
    randomised: bool = True


@dataclass(frozen=True)
class Notice:
    """Something the reader should know: `code` selects the wording (ab.warn.<code> in the app),
    `params` fill it in."""

    code: str
    params: dict = field(default_factory=dict)

    def message(self) -> str:
        return NOTICE_TEXT.get(self.code, self.code).format(**self.params)


NOTICE_TEXT = {
    "dropped_missing_variant": "{rows} rows without a variant were left out",
    "dropped_missing_metric": "{rows} units without a value for {metric} were left out",
    "mixed_units": "{units} units appear in more than one variant and were left out",
    "small_sample": "variant {variant} has only {n} units; results are unreliable below {min}",
    "sparse": "variant {variant} has only {events} conversions (or non-conversions); results are unreliable below {min}",
    "srm": "sample ratio mismatch: p = {p:.2g} < {threshold}; assignment may be broken",
    "srm_mild": "mild imbalance between variants (SRM p = {p:.2g}); below the {threshold} alarm threshold",
    "zero_variance": "variant {variant} has no variation in {metric}; no test is possible",
    "untestable_units": "{variant} vs {control}: {arm} has {n} unit(s); at least 2 per arm are needed, so there "
    "is no p-value",
    "untestable_variance": "{variant} vs {control}: neither arm varies in {metric} ({arms}); no test is possible, "
    "so there is no p-value",
    "not_counts": "{metric}: {column} exceeds {denominator} in {rows} rows, so they are not counts of one "
    "exposure; analysed as a ratio with rows as units",
    "denominator_guessed": "rows are aggregates (no unit column): {metric} is tested as a share of {denominator} "
    "summed per variant (--denominator none tests the rows as units)",
    "not_randomised": "{column} was not assigned at random: these are descriptive differences, which may come "
    "from who each {column} reached; no p-values, verdict or sample-ratio check",
}


# what a descriptive (not randomised) comparison leaves out: every test and what is read from one
INFERENCE_FIELDS = (
    "relative_p_value",
    "p_value",
    "p_value_reason",
    "p_value_holm",
    "p_value_bh",
    "prob_beat_control",
    "expected_loss",
    "sequential_ci_low",
    "sequential_ci_high",
    "sequential_p_value",
)

# variant columns: names of a randomised split, and of groups nobody randomised (en and zh)
_RANDOMISED_NAMES = re.compile(
    r"^(variant|variation|version|group|arm|bucket|treatment|test_?group|experiment_?group|ab_?group|"
    r"实验组|分组|组别|版本|实验分组)$",
    re.I,
)
_NOT_RANDOMISED_NAMES = re.compile(
    r"(campaign|ad_?set|adset|ad_?group|adgroup|creative|placement|channel|source|medium|publisher|"
    r"广告|计划|渠道|投放|来源|素材)|^(ad|ads|ad_?id|ad_?name)$",
    re.I,
)


def randomised_guess(column: str) -> bool:
    """Whether groups in `column` were presumably assigned at random: False for campaigns, ads,
    ad sets, channels (广告, 渠道 ...), which reach different people; True otherwise (variant,
    group, arm, bucket, 实验组 ... and unknown names: the analyst can say otherwise)."""
    name = str(column).strip()
    if _RANDOMISED_NAMES.match(name):
        return True
    return _NOT_RANDOMISED_NAMES.search(name) is None


_DENOMINATOR_NAMES = re.compile(
    r"^(impressions?|imps?|exposures?|exposed|visits?|visitors?|views?|page_?views?|reach|sends?|sent|delivered|"
    r"recipients?|展示|曝光|访问|访客|浏览|送达)",
    re.I,
)


def guess_denominator(df: pd.DataFrame, metric: str, exclude: Sequence[str | None] = ()) -> str | None:
    """For rows without a unit column: the exposure count (impressions, exposures, visits ...) a
    count metric (whole numbers, some above 1: clicks per ad or per day) is a share of; None when
    the metric is not such a count or there is no such column. Impressions before visits."""
    if metric not in df.columns or _DENOMINATOR_NAMES.match(str(metric).strip()):
        return None
    try:
        m, binary = metric_values(df[metric], metric)
    except InputError:
        return None
    ok = m[np.isfinite(m)]
    if binary or not len(ok) or (ok < 0).any() or (ok != np.floor(ok)).any() or not (ok > 1).any():
        return None
    hits = []
    for c in df.columns:
        name = str(c).strip()
        if c == metric or c in exclude or not _DENOMINATOR_NAMES.match(name):
            continue
        d = pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float)
        d = d[np.isfinite(d)]
        if len(d) and (d >= 0).all() and (d == np.floor(d)).all():
            rank = 0 if re.match(r"^(impressions?|imps?|exposures?|exposed|展示|曝光)", name, re.I) else 1
            hits.append((rank, c))
    return min(hits, key=lambda t: t[0])[1] if hits else None


@dataclass(frozen=True)
class VariantResult:
    """One variant's row: its own n, mean and CI, then the comparison with control (NaN/None on
    the control row). p_value_holm / p_value_bh are corrected over every comparison analysed
    together (variants, and segments when there are any)."""

    name: str
    is_control: bool
    n: int
    mean: float
    ci_low: float
    ci_high: float
    lift: float | None = None
    lift_ci_low: float | None = None
    lift_ci_high: float | None = None
    relative_lift: float | None = None
    relative_lift_ci_low: float | None = None
    relative_lift_ci_high: float | None = None
    # the delta-method test of relative_lift: the p-value of the same test as its interval
    relative_p_value: float | None = None
    p_value: float | None = None
    # why p_value is missing on a treatment row: 'too_few_units' (an arm with 0 or 1 unit) or
    # 'no_variance' (no variation in either arm): such a comparison cannot be tested
    p_value_reason: str | None = None
    p_value_holm: float | None = None
    p_value_bh: float | None = None
    prob_beat_control: float | None = None
    expected_loss: float | None = None
    sequential_ci_low: float | None = None
    sequential_ci_high: float | None = None
    sequential_p_value: float | None = None


@dataclass(frozen=True)
class ExperimentResult:
    """Every A/B analysis returns this: one metric, optionally within one segment."""

    metric: str
    kind: Literal["proportion", "mean", "ratio"]
    control: str
    variants: tuple[VariantResult, ...]
    srm: SrmCheck
    notices: tuple[Notice, ...] = ()
    alpha: float = 0.05
    higher_is_better: bool = True
    direction_source: str = "default"
    covariate: str | None = None
    cuped_theta: float | None = None
    variance_reduction: float | None = None
    segment: str | None = None
    segment_value: str | None = None
    randomised: bool = True

    @property
    def treatments(self) -> tuple[VariantResult, ...]:
        return tuple(v for v in self.variants if not v.is_control)

    def to_dict(self) -> dict:
        """The CLI contract's JSON (plus extra keys); NaN becomes None."""

        def clean(x):
            if isinstance(x, float) and not math.isfinite(x):
                return None
            return x

        variants = [{k: clean(v) for k, v in asdict(vr).items()} for vr in self.variants]
        if not self.randomised:  # descriptive: no test was meaningful
            for v in variants:
                v.update({k: None for k in INFERENCE_FIELDS})
        return {
            "metric": self.metric,
            "kind": self.kind,
            "control": self.control,
            "srm_p_value": clean(self.srm.p_value),
            "srm_mismatch": self.srm.mismatch,
            "alpha": self.alpha,
            "higher_is_better": self.higher_is_better,
            "direction_source": self.direction_source,
            "covariate": self.covariate,
            "cuped_theta": clean(self.cuped_theta),
            "variance_reduction": clean(self.variance_reduction),
            "segment": self.segment,
            "segment_value": self.segment_value,
            "randomised": self.randomised,
            "warnings": [n.message() for n in self.notices],
            "variants": variants,
        }

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(v) for v in self.variants])


@dataclass
class ExperimentData:
    """Rows ready for analysis: one row per unit, variant codes (control = 0), float metric
    columns, and optional day and segment columns."""

    variants: list[str]
    codes: np.ndarray
    values: dict[str, np.ndarray]
    binary: dict[str, bool]
    spec: ExperimentSpec
    day: np.ndarray | None = None
    segments: dict[str, np.ndarray] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    # when rows were summed per unit and there is a time column: the original rows (unit index,
    # day, values), so the cumulative view can rebuild each unit's metric as of each day
    rows: dict | None = None
    # grouped sums fetched ahead in one scan, valid only for the `codes` array they were made from:
    # {"codes": codes, "sums": {(y column, x column or None): [n, y, yy, x, xx, xy]}}
    prefetched: dict = field(default_factory=dict)
    # (numerator, denominator) pairs whose rows are counts: summed per variant, tested as proportions
    counts: set = field(default_factory=set)
    # per non-binary metric column: its OutlierCheck on the uncapped per-unit values; `caps`: the
    # value each column was capped at (only with spec.cap_percentile)
    outliers: dict = field(default_factory=dict)
    caps: dict = field(default_factory=dict)

    def is_counts(self, metric: MetricSpec) -> bool:
        return metric.denominator is not None and (metric.column, metric.denominator) in self.counts

    @property
    def control(self) -> str:
        return self.variants[0]

    @cached_property
    def units(self) -> np.ndarray:
        """What the SRM check counts per variant: units, or the exposure column's sums."""
        return self.exposure_counts(self.codes, len(self.variants))

    def exposure_counts(self, groups: np.ndarray, size: int) -> np.ndarray:
        if self.spec.exposure:
            x = self.values[self.spec.exposure]
            ok = ~np.isnan(x)
            return np.rint(np.bincount(groups[ok], weights=x[ok], minlength=size)).astype(np.int64)
        return np.bincount(groups, minlength=size)


def _natural_key(s: str):
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", s)]


def _pick_control(names: list[str], wanted: str | None, column: str, source: str | None) -> str:
    if wanted is not None:
        if wanted in names:
            return wanted
        raise ConfigError(
            f"control '{wanted}' is not a variant; variants are: {', '.join(names)}", file=source, column=column
        )
    for n in names:
        if n.strip().lower() in CONTROL_NAMES:
            return n
    return names[0]


def _require(df: pd.DataFrame, column: str | None, source: str | None):
    if column is not None and column not in df.columns:
        raise InputError(f"no such column; columns are: {', '.join(map(str, df.columns))}", file=source, column=column)


def prepare(
    df: pd.DataFrame, spec: ExperimentSpec, metrics: list[MetricSpec], segments: Sequence[str] = ()
) -> ExperimentData:
    """Validate and reshape `df` for the metrics (and segment columns) to analyse.

    Raises InputError / ConfigError for: missing columns, fewer than two variants, an unknown
    control, non-numeric metric values, a variant with no values for a metric."""
    src = spec.source
    cols = {m.column for m in metrics} | {m.denominator for m in metrics if m.denominator}
    if spec.exposure:
        cols.add(spec.exposure)
    for c in [spec.variant, spec.unit, spec.covariate, spec.time, *cols, *segments]:
        _require(df, c, src)
    if df.empty:
        raise InputError("the table has no rows", file=src)
    notices: list[Notice] = []

    if isinstance(df[spec.variant].dtype, pd.CategoricalDtype):  # codes are already there
        vcodes = df[spec.variant].cat.codes.to_numpy().astype(np.int64)
        uniques = df[spec.variant].cat.categories
    else:
        vcodes, uniques = pd.factorize(df[spec.variant])  # missing -> -1
    keep = vcodes >= 0
    if not keep.all():
        notices.append(Notice("dropped_missing_variant", {"rows": int((~keep).sum())}))
        df = df.loc[keep]
        vcodes = vcodes[keep]
    raw_names = [str(u) for u in uniques]
    if len(raw_names) > MAX_VARIANTS:
        raise InputError(
            f"has {len(raw_names)} distinct values; a variant column holds a few "
            f"(at most {MAX_VARIANTS}) variant names",
            file=src,
            column=spec.variant,
        )
    values: dict[str, np.ndarray] = {}
    binary: dict[str, bool] = {}
    row_numbers = np.flatnonzero(keep) + 1 if not keep.all() else None  # 1-based rows of the file
    for c in sorted(cols | ({spec.covariate} if spec.covariate else set())):
        values[c], binary[c] = metric_values(df[c], c, src)
        inf = np.isinf(values[c])
        if inf.any():
            raise InputError(
                "values must be finite numbers, found infinity", file=src, column=c, rows=_rows(inf, row_numbers)
            )
    counts = set()
    if not spec.unit:
        for m in metrics:
            if m.denominator and _are_counts(values, m, row_numbers, src, notices):
                counts.add((m.column, m.denominator))
    day = pd.to_datetime(df[spec.time], errors="coerce").dt.floor("D").to_numpy() if spec.time else None
    seg = {s: df[s].astype("string").fillna("(missing)").to_numpy() for s in segments}

    rows = None
    if spec.unit and not df[spec.unit].is_unique:
        frame = pd.DataFrame(values, index=df.index)
        frame["__variant"] = vcodes
        frame["__unit"] = df[spec.unit].to_numpy()
        if day is not None:
            frame["__day"] = day
        for s, v in seg.items():
            frame[f"__seg_{s}"] = v
        frame, rows = _collapse_units(frame, list(values), binary, spec, notices)
        vcodes = frame["__variant"].to_numpy()
        values = {c: frame[c].to_numpy(dtype=float) for c in values}
        day = frame["__day"].to_numpy() if day is not None else None
        seg = {s: frame[f"__seg_{s}"].to_numpy() for s in segments}

    names = sorted(
        (raw_names[i] for i in np.flatnonzero(np.bincount(vcodes, minlength=len(raw_names)))), key=_natural_key
    )
    if len(names) < 2:
        found = f"only '{names[0]}'" if names else "none"
        raise InputError(f"an A/B test needs at least two variants, found {found}", file=src, column=spec.variant)
    control = _pick_control(names, spec.control, spec.variant, src)
    names = [control] + [n for n in names if n != control]
    remap = np.full(len(raw_names), -1, dtype=np.int64)
    for i, n in enumerate(names):
        remap[raw_names.index(n)] = i
    codes = remap[vcodes]

    outliers, caps = _cap_outliers(values, binary, metrics, counts, spec)
    data = ExperimentData(
        variants=names,
        codes=codes,
        values=values,
        binary=binary,
        spec=spec,
        notices=notices,
        day=day,
        segments=seg,
        rows=rows,
        counts=counts,
        outliers=outliers,
        caps=caps,
    )
    for m in metrics:
        for c in [m.column] + ([m.denominator] if m.denominator else []):
            nan = np.isnan(data.values[c])
            if not nan.any():
                continue  # every variant has rows, so every variant has values
            per_variant = np.bincount(codes[~nan], minlength=len(names))
            empty = [n for n, k in zip(names, per_variant) if k == 0]
            if empty:
                raise InputError(f"variant '{empty[0]}' has no values", file=src, column=c)
    return data


def _cap_outliers(values: dict, binary: dict, metrics: list[MetricSpec], counts: set, spec: ExperimentSpec):
    """Check every non-binary metric column's per-unit values for heavy outliers and, with
    spec.cap_percentile, cap them in place (`values` is changed). Counts tested as proportions
    (clicks / impressions summed per variant) are not per-unit values and are left alone.
    Returns ({column: OutlierCheck}, {column: cap})."""
    percentile = spec.cap_percentile or DEFAULT_PERCENTILE
    checks, caps = {}, {}
    for m in metrics:
        c = m.column
        if c in checks or binary.get(c) or (m.column, m.denominator) in counts:
            continue
        checks[c] = outlier_check(values[c], c, percentile)
        if spec.cap_percentile is not None and np.isfinite(checks[c].cap):
            caps[c] = checks[c].cap
            values[c] = winsorize(values[c], caps[c])
    return checks, caps


_EXPOSURE = re.compile(
    r"^(impressions?|imps?|views?|page_?views?|exposures?|exposed|reach|sends?|sent|delivered|recipients?|"
    r"users?|visitors?|visits?|sessions?|展示|曝光|访客|访问|浏览|用户)",
    re.I,
)


def _rows(mask: np.ndarray, row_numbers: np.ndarray | None) -> list[int]:
    hit = np.flatnonzero(mask)[:5]
    return (row_numbers[hit] if row_numbers is not None else hit + 1).tolist()


def _are_counts(values: dict, metric: MetricSpec, row_numbers, src, notices) -> bool:
    """Whether `metric` (a ratio, rows without a unit column) is a count over a count: both columns
    whole numbers. Counts must be finite, non-negative, and (over an exposure such as impressions)
    the numerator may not exceed the denominator: InputError naming the rows otherwise. A ratio of
    amounts (spend) is not counts; nor are conversions above clicks (view-through), with a notice."""
    m, d = values[metric.column], values[metric.denominator]
    finite = np.isfinite(m) & np.isfinite(d)
    whole = finite & (m == np.floor(m)) & (d == np.floor(d))
    if not (whole | ~finite).all():
        return False  # amounts, not counts: the ratio with rows as units
    for c, x in ((metric.column, m), (metric.denominator, d)):
        if np.isnan(x).any():
            raise InputError("counts must not be missing", file=src, column=c, rows=_rows(np.isnan(x), row_numbers))
        if (x < 0).any():
            raise InputError("counts must not be negative", file=src, column=c, rows=_rows(x < 0, row_numbers))
    over = m > d
    if over.any():
        if _EXPOSURE.match(str(metric.denominator).strip()):
            raise InputError(
                f"{metric.column} exceeds {metric.denominator}; a count of clicks or conversions "
                f"cannot be larger than its exposures",
                file=src,
                column=metric.column,
                rows=_rows(over, row_numbers),
            )
        notices.append(
            Notice(
                "not_counts",
                {
                    "metric": metric.label,
                    "column": metric.column,
                    "denominator": metric.denominator,
                    "rows": int(over.sum()),
                },
            )
        )
        return False
    return True


def _collapse_units(frame: pd.DataFrame, columns, binary, spec: ExperimentSpec, notices) -> pd.DataFrame:
    """Sum rows per unit (binary metrics: converted at least once; the covariate: its mean).
    Returns (one row per unit, the original rows for the cumulative view or None)."""
    per_unit = frame.groupby("__unit", sort=False)["__variant"].nunique()
    mixed = per_unit.index[per_unit > 1]
    if len(mixed):
        notices.append(Notice("mixed_units", {"units": int(len(mixed))}))
        frame = frame.loc[~frame["__unit"].isin(mixed)]
    codes, _ = pd.factorize(frame["__unit"])
    frame = frame.assign(__unit=codes)
    agg = {c: "mean" if c == spec.covariate else "max" if binary[c] else "sum" for c in columns}
    agg["__variant"] = "first"
    if "__day" in frame:
        agg["__day"] = "min"
    for c in frame.columns:
        if c.startswith("__seg_"):
            agg[c] = "first"
    # min_count=1 keeps a unit whose values are all missing as NaN instead of 0
    grouped = frame.groupby("__unit", sort=True)
    out = grouped.agg(agg)
    for c in columns:
        if agg[c] == "sum":
            out[c] = grouped[c].sum(min_count=1)
    rows = None
    if "__day" in frame:
        rows = {
            "unit": codes,
            "day": frame["__day"].to_numpy(),
            "values": {c: frame[c].to_numpy(dtype=float) for c in columns},
        }
    return out.reset_index(drop=True), rows


# ---- statistics per group ------------------------------------------------------------------------


def _sums(codes: np.ndarray, size: int, x: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(codes, weights=x, minlength=size).astype(float)


DUCKDB_MIN_ROWS = 1_000_000  # above this, one DuckDB GROUP BY beats several numpy bincounts


def grouped_sums(
    groups: np.ndarray, size: int, y: np.ndarray, x: np.ndarray | None = None, squares: bool = True
) -> list[np.ndarray]:
    """Per group code in [0, size): [n, sum y] + [sum y^2] if squares + [sum x, sum x^2, sum xy]
    if x is given. numpy bincount for small inputs, one multi-threaded DuckDB scan for big ones."""
    names = ["n", "y"] + (["yy"] if squares else []) + (["x", "xx", "xy"] if x is not None else [])
    if len(groups) < DUCKDB_MIN_ROWS:
        values = {"y": y, "yy": y * y if squares else None}
        if x is not None:
            values.update(x=x, xx=x * x, xy=x * y)
        return [_sums(groups, size, None if k == "n" else values[k]) for k in names]
    import duckdb

    from core.query.sql import ab_sums  # the A/B sums query, written once for DuckDB and Spark

    frame = pd.DataFrame({"g": groups, "y": y, **({"x": x} if x is not None else {})}, copy=False)
    con = duckdb.connect()
    try:
        con.register("rows_", frame)
        res = con.execute(ab_sums("rows_", "g", "y", "x" if x is not None else None)).fetchnumpy()
    finally:
        con.close()
    out = []
    g = np.asarray(res["variant"]).astype(np.int64)
    for k in names:
        col = np.zeros(size)
        col[g] = np.asarray(res["n" if k == "n" else f"sum_{k}"], dtype=float)
        out.append(col)
    return out


def group_statistics(
    data: ExperimentData, metric: MetricSpec, groups: np.ndarray, size: int, covariate: str | None = None
) -> tuple[str, list]:
    """(kind, [statistic per group]) for group codes in [0, size) over the data's rows."""
    cols = [metric.column] + [c for c in (metric.denominator, covariate) if c]
    arrays = [data.values[c] for c in cols]
    missing = np.zeros(len(groups), dtype=bool)
    for a in arrays:
        missing |= np.isnan(a)
    if missing.any():  # only copy when something is missing
        keep = ~missing
        groups, arrays = groups[keep], [a[keep] for a in arrays]
    y = arrays[0]
    pre = None
    if data.prefetched.get("codes") is groups:  # sums prefetched for exactly these group codes
        pre = data.prefetched["sums"].get((cols[0], cols[1] if len(cols) > 1 else None))
    if data.is_counts(metric):  # n = summed exposures, sum = summed conversions
        _, s = grouped_sums(groups, size, y, squares=False)
        _, n = grouped_sums(groups, size, arrays[1], squares=False)
        return "proportion", [ProportionStatistic(int(round(n[i])), s[i]) for i in range(size)]
    if metric.denominator or covariate:
        n, *sums = pre if pre is not None else grouped_sums(groups, size, y, arrays[1])
        cls = RatioStatistic if metric.denominator else RegressionAdjustedStatistic
        kind = "ratio" if metric.denominator else "mean"
        return kind, [cls(int(n[i]), *(c[i] for c in sums)) for i in range(size)]
    proportion = metric.kind == "proportion" or (metric.kind == "auto" and data.binary[metric.column])
    if proportion:
        n, s = pre[:2] if pre is not None else grouped_sums(groups, size, y, squares=False)
        return "proportion", [ProportionStatistic(int(n[i]), s[i]) for i in range(size)]
    n, s, ss = pre[:3] if pre is not None else grouped_sums(groups, size, y)
    return "mean", [SampleMeanStatistic(int(n[i]), s[i], ss[i]) for i in range(size)]


def result_from_statistics(
    kind: str,
    stats: list,
    data: ExperimentData,
    metric: MetricSpec,
    units: list[int] | None = None,
    segment: str | None = None,
    segment_value: str | None = None,
    covariate: str | None = None,
) -> ExperimentResult:
    """Compare every variant's statistic with control's (index 0) and run the health checks."""
    spec = data.spec
    theta = cuped_theta(stats) if covariate else None
    cfg = CompareConfig(
        alpha=spec.alpha,
        sequential_tuning=spec.sequential_tuning,
        theta=theta,
        higher_is_better=metric.higher_is_better,
        bayesian=spec.bayesian,
    )
    notices = list(data.notices) if segment is None else []
    rows: list[VariantResult] = []
    comps: list[Comparison] = []
    for i, (name, s) in enumerate(zip(data.variants, stats)):
        lo, hi = mean_interval(s, spec.alpha)
        base = VariantResult(
            name=name, is_control=i == 0, n=int(s.n), mean=float(s.mean), ci_low=float(lo), ci_high=float(hi)
        )
        if s.n < MIN_UNITS:
            notices.append(Notice("small_sample", {"variant": name, "n": int(s.n), "min": MIN_UNITS}))
        elif kind == "proportion" and min(s.sum, s.n - s.sum) < MIN_EVENTS:
            notices.append(
                Notice("sparse", {"variant": name, "events": int(min(s.sum, s.n - s.sum)), "min": MIN_EVENTS})
            )
        if i > 0:
            c = compare(stats[0], s, cfg)
            comps.append(c)
            if c.reason == "too_few_units":
                arm = min((stats[0], data.variants[0]), (s, name), key=lambda t: t[0].n)
                params = {"variant": name, "control": data.variants[0], "arm": arm[1], "n": int(arm[0].n)}
                notices.append(Notice("untestable_units", params))
            elif c.reason == "no_variance":
                flat = [v for v, st_ in ((data.variants[0], stats[0]), (name, s)) if not st_.variance > 0]
                params = {"variant": name, "control": data.variants[0], "metric": metric.label}
                notices.append(Notice("untestable_variance", {**params, "arms": ", ".join(flat)}))
            base = replace(
                base,
                lift=c.lift,
                lift_ci_low=c.lift_ci_low,
                lift_ci_high=c.lift_ci_high,
                relative_lift=c.relative_lift,
                relative_lift_ci_low=c.relative_lift_ci_low,
                relative_lift_ci_high=c.relative_lift_ci_high,
                relative_p_value=c.relative_p_value,
                p_value=c.p_value,
                p_value_reason=c.reason,
                prob_beat_control=c.prob_beat_control,
                expected_loss=c.expected_loss,
                sequential_ci_low=c.sequential_ci_low,
                sequential_ci_high=c.sequential_ci_high,
                sequential_p_value=c.sequential_p_value,
            )
        rows.append(base)
    counts = units if units is not None else [int(s.n) for s in stats]
    if not spec.randomised:
        notices = [n for n in notices if n.code not in ("untestable_units", "untestable_variance")]
        notices.insert(0, Notice("not_randomised", {"column": spec.variant}))
    if spec.check_srm and spec.randomised:
        srm = srm_check(data.variants, counts, list(spec.weights) if spec.weights else None)
    else:
        srm = SrmCheck(tuple(data.variants), tuple(int(c) for c in counts), (), float("nan"), float("nan"))
    if srm.mismatch:
        notices.insert(0, Notice("srm", {"p": srm.p_value, "threshold": srm.threshold}))
    elif srm.mild:
        notices.append(Notice("srm_mild", {"p": srm.p_value, "threshold": srm.threshold}))
    reductions = [c.variance_reduction for c in comps if c.variance_reduction is not None]
    result = ExperimentResult(
        metric=metric.label,
        kind=cast(Literal["proportion", "mean", "ratio"], kind),
        control=data.control,
        variants=tuple(rows),
        srm=srm,
        notices=tuple(notices),
        alpha=spec.alpha,
        higher_is_better=metric.higher_is_better,
        direction_source=metric.direction_source,
        covariate=covariate,
        cuped_theta=theta,
        variance_reduction=float(np.mean(reductions)) if reductions else None,
        segment=segment,
        segment_value=segment_value,
        randomised=spec.randomised,
    )
    return correct(result)


def correct(result: ExperimentResult) -> ExperimentResult:
    """Holm and BH over the treatment comparisons of one result."""
    return correct_all(result)[0]


def correct_all(*results: ExperimentResult) -> list[ExperimentResult]:
    """Holm and BH over every treatment comparison in `results` together."""
    p = [v.p_value for r in results for v in r.treatments]
    holm, bh = adjust_p_values(p, "holm"), adjust_p_values(p, "bh")
    out, k = [], 0
    for r in results:
        rows = []
        for v in r.variants:
            if not v.is_control:
                v = replace(v, p_value_holm=float(holm[k]), p_value_bh=float(bh[k]))
                k += 1
            rows.append(v)
        out.append(replace(r, variants=tuple(rows)))
    return out


# ---- public analyses ----------------------------------------------------------------------------


def analyze(data: ExperimentData, metric: MetricSpec, use_covariate: bool = True) -> ExperimentResult:
    """The whole-experiment result for one metric (CUPED when the spec has a covariate and the
    metric is not a ratio)."""
    cov = data.spec.covariate if use_covariate and not metric.denominator else None
    if cov == metric.column:
        cov = None
    nv = len(data.variants)
    kind, stats = group_statistics(data, metric, data.codes, nv, cov)
    counts = data.is_counts(metric)
    # count rows: SRM on the summed exposures unless an exposure column is named
    units = None if counts and not data.spec.exposure else data.units.tolist()
    result = result_from_statistics(kind, stats, data, metric, units=units, covariate=cov)
    left_out = 0 if counts else len(data.codes) - sum(s.n for s in stats)
    if left_out:
        result = replace(
            result,
            notices=result.notices
            + (Notice("dropped_missing_metric", {"rows": int(left_out), "metric": metric.label}),),
        )
    return result


def prefetch_sums(data: ExperimentData, metrics: list[MetricSpec]) -> None:
    """For big inputs without missing values: every metric's per-variant sums in ONE DuckDB scan
    (instead of one scan per metric). Small or incomplete inputs are left to `grouped_sums`."""
    if len(data.codes) < DUCKDB_MIN_ROWS:
        return
    pairs = []
    for m in metrics:
        cov = data.spec.covariate if not m.denominator and data.spec.covariate != m.column else None
        pairs.append((m.column, m.denominator or cov))
    used = {c for p in pairs for c in p if c}
    if any(np.isnan(data.values[c]).any() for c in used):
        return
    import duckdb

    names = sorted(used)
    alias = {c: f"c{i}" for i, c in enumerate(names)}
    exprs, keys = ["count(*)"], []
    for y, x in dict.fromkeys(pairs):
        a = alias[y]
        parts = [f"sum({a})", f"sum({a} * {a})"]
        if x:
            b = alias[x]
            parts += [f"sum({b})", f"sum({b} * {b})", f"sum({a} * {b})"]
        keys.append(((y, x), len(exprs), len(parts)))
        exprs += parts
    frame = pd.DataFrame({"g": data.codes, **{alias[c]: data.values[c] for c in names}}, copy=False)
    con = duckdb.connect()
    try:
        con.register("rows_", frame)
        sql = f"SELECT g, {', '.join(f'{e} AS s{i}' for i, e in enumerate(exprs))} FROM rows_ GROUP BY g"
        res = con.execute(sql).fetchnumpy()
    finally:
        con.close()
    size = len(data.variants)
    g = np.asarray(res["g"], dtype=np.int64)
    cols = []
    for i in range(len(exprs)):
        col = np.zeros(size)
        col[g] = np.asarray(res[f"s{i}"], dtype=float)
        cols.append(col)
    data.prefetched = {
        "codes": data.codes,
        "sums": {key: [cols[0]] + cols[start : start + count] for key, start, count in keys},
    }


def analyze_metrics(data: ExperimentData, metrics: list[MetricSpec]) -> list[ExperimentResult]:
    """Several metrics, corrected together (Holm and BH over metrics x variants)."""
    prefetch_sums(data, metrics)
    results = [analyze(data, m) for m in metrics]
    return correct_all(*results) if len(results) > 1 else results


def analyze_segments(data: ExperimentData, metric: MetricSpec, segment: str) -> list[ExperimentResult]:
    """The same analysis inside each value of `segment`, corrected over segments x variants."""
    labels = data.segments[segment]
    seg_codes, seg_names = pd.factorize(labels, sort=True)
    nv, ns = len(data.variants), len(seg_names)
    groups = seg_codes.astype(np.int64) * nv + data.codes
    cov = data.spec.covariate if not metric.denominator and data.spec.covariate != metric.column else None
    kind, stats = group_statistics(data, metric, groups, ns * nv, cov)
    units = None if data.is_counts(metric) and not data.spec.exposure else data.exposure_counts(groups, ns * nv)
    results = []
    for j, name in enumerate(seg_names):
        chunk = stats[j * nv : (j + 1) * nv]
        if min(s.n for s in chunk) < 2:
            continue  # a segment some variant never reached cannot be compared
        part = None if units is None else units[j * nv : (j + 1) * nv].tolist()
        results.append(
            result_from_statistics(
                kind, chunk, data, metric, units=part, segment=segment, segment_value=str(name), covariate=cov
            )
        )
    return correct_all(*results) if len(results) > 1 else results


def timeline_row(day, variant, n, c, base: float | None = None) -> dict:
    """One row of a cumulative-lift timeline: the comparison `c` of `variant` with control at `day`.
    With the control's mean `base`, the always-valid interval also relative to it (as the summary
    table's: the absolute interval over |base|), so the chart can plot relative lift throughout."""
    seq_rel = (math.nan, math.nan)
    if base is not None and base != 0 and math.isfinite(base):
        seq_rel = (c.sequential_ci_low / abs(base), c.sequential_ci_high / abs(base))
    return {
        "day": day,
        "variant": variant,
        "n": n,
        "lift": c.lift,
        "lift_ci_low": c.lift_ci_low,
        "lift_ci_high": c.lift_ci_high,
        "sequential_ci_low": c.sequential_ci_low,
        "sequential_ci_high": c.sequential_ci_high,
        "p_value": c.p_value,
        "sequential_p_value": c.sequential_p_value,
        "relative_lift": c.relative_lift,
        "relative_lift_ci_low": c.relative_lift_ci_low,
        "relative_lift_ci_high": c.relative_lift_ci_high,
        "sequential_relative_ci_low": seq_rel[0],
        "sequential_relative_ci_high": seq_rel[1],
    }


def cumulative_lift(data: ExperimentData, metric: MetricSpec) -> pd.DataFrame:
    """Per day and treatment, the lift of the data up to that day: fixed-horizon CI and the
    always-valid (sequential) band. Columns: day, variant, n, lift, lift_ci_low, lift_ci_high,
    sequential_ci_low, sequential_ci_high, p_value, sequential_p_value, relative_lift and its
    relative_lift_ci_low/high and sequential_relative_ci_low/high."""
    if data.day is None:
        raise ConfigError("a time column is needed for the cumulative lift")
    if data.rows is not None:
        return _cumulative_from_rows(data, metric)
    ok = ~pd.isna(data.day)
    day_codes, days = pd.factorize(data.day[ok], sort=True)
    nv, nd = len(data.variants), len(days)
    sub = replace(data, codes=data.codes[ok], values={k: v[ok] for k, v in data.values.items()}, day=None, segments={})
    cov = data.spec.covariate if not metric.denominator and data.spec.covariate != metric.column else None
    kind, stats = group_statistics(sub, metric, day_codes.astype(np.int64) * nv + sub.codes, nd * nv, cov)
    rows = []
    running = list(stats[:nv])
    for j in range(nd):
        if j:
            running = [running[i] + stats[j * nv + i] for i in range(nv)]
        theta = cuped_theta(running) if cov else None
        cfg = CompareConfig(
            alpha=data.spec.alpha,
            sequential_tuning=data.spec.sequential_tuning,
            theta=theta,
            higher_is_better=metric.higher_is_better,
        )
        for i in range(1, nv):
            c = compare(running[0], running[i], cfg)
            rows.append(timeline_row(days[j], data.variants[i], running[0].n + running[i].n, c, running[0].mean))
    return pd.DataFrame(rows)


def _cumulative_from_rows(data: ExperimentData, metric: MetricSpec) -> pd.DataFrame:
    """Cumulative lift when rows were summed per unit: at each day, each unit seen so far with
    its metric summed (binary: maxed) over its rows up to that day. One vectorised pass per day."""
    assert data.rows is not None  # called only for data read row by row
    unit, day = data.rows["unit"], data.rows["day"]
    n_units = len(data.codes)
    days = np.sort(pd.unique(day[~pd.isna(day)]))
    cols = [metric.column] + ([metric.denominator] if metric.denominator else [])
    rows = []
    for d in days:
        mask = day <= d
        seen = np.bincount(unit[mask], minlength=n_units) > 0
        values = dict(data.values)
        for c in cols:
            x = data.rows["values"][c]
            m = mask & ~np.isnan(x)
            total = np.bincount(unit[m], weights=x[m], minlength=n_units)
            has = np.bincount(unit[m], minlength=n_units) > 0
            v = (total > 0).astype(float) if data.binary[c] and not metric.denominator else total
            if c in data.caps:  # capped as in the whole analysis
                v = winsorize(v, data.caps[c])
            values[c] = np.where(has, v, np.nan)
        sub = replace(
            data,
            codes=data.codes[seen],
            values={k: v[seen] for k, v in values.items()},
            day=None,
            segments={},
            rows=None,
        )
        if np.bincount(sub.codes, minlength=len(data.variants)).min() < 2:
            continue
        part = cumulative_lift(replace(sub, day=np.full(len(sub.codes), d)), metric)
        rows.append(part)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def funnel_metrics(roles: ColumnRoles) -> list[MetricSpec]:
    """CTR, CVR, CPA and ROAS as ratio metrics for the funnel columns that exist."""
    out = []
    if roles.impressions and roles.clicks:
        out.append(MetricSpec(roles.clicks, roles.impressions, name="CTR"))
    if roles.clicks and roles.conversions:
        out.append(MetricSpec(roles.conversions, roles.clicks, name="CVR"))
    if roles.spend and roles.conversions:
        out.append(
            MetricSpec(roles.spend, roles.conversions, name="CPA", higher_is_better=False, direction_source="name")
        )
    if roles.spend and roles.revenue:
        out.append(MetricSpec(roles.revenue, roles.spend, name="ROAS"))
    return out


def funnel_table(data: ExperimentData, roles: ColumnRoles) -> pd.DataFrame:
    """Totals per variant (impressions -> clicks -> conversions, spend, revenue) with CTR, CVR,
    CPA and ROAS. Missing stages are left out."""
    nv = len(data.variants)
    out = pd.DataFrame({"variant": data.variants})
    for stage in ("impressions", "clicks", "conversions", "spend", "revenue"):
        col = getattr(roles, stage)
        if col and col in data.values:
            x = data.values[col]
            ok = ~np.isnan(x)
            out[stage] = _sums(data.codes[ok], nv, x[ok])

    def ratio(a, b):
        if a in out and b in out:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(out[b] > 0, out[a] / out[b], np.nan)
        return None

    for name, (a, b) in {
        "ctr": ("clicks", "impressions"),
        "cvr": ("conversions", "clicks"),
        "cpa": ("spend", "conversions"),
        "roas": ("revenue", "spend"),
    }.items():
        r = ratio(a, b)
        if r is not None:
            out[name] = r
    return out


# ---- the verdict ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """status: 'unhealthy' (reason: srm), 'winner' (variant), 'control_wins', or 'no_winner'
    (reason: too_small, not_significant)."""

    status: Literal["unhealthy", "winner", "control_wins", "no_winner", "descriptive"]
    variant: str | None = None
    reason: str | None = None
    params: dict = field(default_factory=dict)


def verdict(result: ExperimentResult, sequential: bool = False) -> Verdict:
    """One line's worth of decision: unhealthy on SRM; otherwise the treatment whose Holm-corrected
    (or sequential) p-value is below alpha in the good direction with the highest chance to beat
    control; 'control_wins' when every treatment is significantly worse; 'descriptive' when the
    groups were not randomised (nothing is decided)."""
    if not result.randomised:
        return Verdict("descriptive")
    if result.srm.mismatch:
        return Verdict("unhealthy", reason="srm", params={"p": result.srm.p_value})
    small = [v for v in result.variants if v.n < MIN_UNITS]
    good: list[VariantResult] = []
    bad: list[VariantResult] = []
    for v in result.treatments:
        p = v.sequential_p_value if sequential else v.p_value_holm
        if p is None or not p < result.alpha or v.lift is None:
            continue
        better = (v.lift > 0) == result.higher_is_better
        (good if better else bad).append(v)
    if good:
        best = max(good, key=lambda v: v.prob_beat_control or 0)
        return Verdict(
            "winner",
            variant=best.name,
            params={
                "relative_lift": best.relative_lift,
                "p": best.sequential_p_value if sequential else best.p_value_holm,
                "prob": best.prob_beat_control,
            },
        )
    if small:
        return Verdict(
            "no_winner", reason="too_small", params={"variant": small[0].name, "n": small[0].n, "min": MIN_UNITS}
        )
    if bad and len(bad) == len(result.treatments):
        return Verdict("control_wins", variant=result.control)
    return Verdict("no_winner", reason="not_significant")


# ---- what a view needs in one call ------------------------------------------------------------


def variant_names(values: pd.Series, limit: int = 50) -> list[str]:
    """Distinct variant names in natural order ('v2' before 'v10'), at most `limit`."""
    return sorted({str(v) for v in pd.unique(values.dropna())}, key=_natural_key)[:limit]


def default_control(names: list[str]) -> str | None:
    """A name like 'control', 'A' or 'baseline', else the first; None when there are none."""
    return next((n for n in names if n.strip().lower() in CONTROL_NAMES), names[0] if names else None)


def metric_choices(roles: ColumnRoles, variant: str | None = None) -> list[MetricSpec]:
    """Metrics worth offering, best first: for aggregated rows (no unit column) the funnel
    ratios, else the binary metrics; then the other numeric columns."""
    funnel = funnel_metrics(roles)
    plain = [MetricSpec(c).with_direction() for c in roles.metrics if c != variant]
    return funnel + plain if roles.unit is None and funnel else plain + funnel


def response_outcome(result: ExperimentResult, metric: MetricSpec, roles: ColumnRoles) -> str | None:
    """The binary outcome a response model predicts: the metric when it is a plain proportion,
    else the conversions column (None when there is none)."""
    return metric.column if result.kind == "proportion" and not metric.denominator else roles.conversions


def parse_split(text: str) -> tuple[float, ...] | None:
    """A planned split typed as '50/50' or '1, 1, 2' (None when empty); ValueError when not numbers."""
    return tuple(float(w) for w in text.replace("/", ",").split(",") if w.strip()) or None


def per_unit_sd(row: VariantResult) -> float:
    """The per-unit standard deviation behind a variant's 95% CI (a default for power and MDE)."""
    return math.sqrt(max(row.n, 2)) * (row.ci_high - row.ci_low) / (2 * 1.96)


def relative_mde(result: ExperimentResult, variant: VariantResult) -> float:
    """The relative effect this comparison detects with 80% power at its current size (NaN when
    the control's mean leaves power undefined)."""
    from core.experiments.power import minimum_detectable_effect

    control = result.variants[0]
    sd = None if result.kind == "proportion" else per_unit_sd(control)
    if sd is not None and not (math.isfinite(sd) and sd > 0):
        return float("nan")  # no spread in control: power is undefined
    try:
        mde = minimum_detectable_effect(max(min(control.n, variant.n), 2), control.mean, sd, alpha=result.alpha)
    except ValueError:
        return float("nan")
    return abs(mde.relative_mde)


def segment_table(results: list[ExperimentResult]) -> pd.DataFrame:
    """One row per segment value and treatment: segment, segment_value, variant, n, lift,
    relative_lift, p_value, p_value_holm, p_value_bh, prob_beat_control."""
    rows = [
        {
            "segment": r.segment,
            "segment_value": r.segment_value,
            "variant": v.name,
            "n": v.n,
            "lift": v.lift,
            "relative_lift": v.relative_lift,
            "p_value": v.p_value,
            "p_value_holm": v.p_value_holm,
            "p_value_bh": v.p_value_bh,
            "prob_beat_control": v.prob_beat_control,
        }
        for r in results
        for v in r.treatments
    ]
    return pd.DataFrame(rows)
