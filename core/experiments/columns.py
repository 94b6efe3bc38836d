"""Reading experiment columns: metric values to numbers, and a first guess at which column plays
which role (variant, unit, metrics, funnel counts) so pages and the CLI need little typing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.data.csvfile import read_csv_frame
from core.errors import InputError

_TRUE = {"1", "1.0", "true", "t", "yes", "y", "是", "真"}
_FALSE = {"0", "0.0", "false", "f", "no", "n", "否", "假"}


def _is_binary(x: np.ndarray) -> bool:
    """All finite values are 0 or 1 (and there is at least one). A head check first, so a clearly
    numeric column costs no full pass; then counts of zeros and ones (no NaN search unless they
    fall short)."""
    head = x[:10_000]
    if not len(x) or not bool(((head == 0.0) | (head == 1.0) | np.isnan(head)).all()):
        return False
    known = np.count_nonzero(x == 0.0) + np.count_nonzero(x == 1.0)
    if known == len(x):
        return True
    return bool(known > 0 and known + np.count_nonzero(np.isnan(x)) == len(x))


def metric_values(series: pd.Series, column: str, source: str | None = None) -> tuple[np.ndarray, bool]:
    """(float values, is_binary) for a metric column. 0/1, true/false and yes/no (any case) are
    binary; other values must be numbers. Missing values stay NaN. A non-numeric value raises
    InputError naming the column and the first offending rows (1-based data rows)."""
    s = series
    if s.dtype == bool:
        return s.to_numpy(dtype=float), True
    if pd.api.types.is_numeric_dtype(s.dtype):
        x = s.to_numpy(dtype=float)
        return x, _is_binary(x)
    text = s.astype("string").str.strip().str.lower()
    present = text.notna() & (text != "")
    mapped = pd.Series(np.nan, index=s.index, dtype=float)
    mapped[text.isin(_TRUE).fillna(False).to_numpy()] = 1.0
    mapped[text.isin(_FALSE).fillna(False).to_numpy()] = 0.0
    if present.sum() > 0 and mapped.notna().sum() == present.sum():
        return mapped.to_numpy(), True
    numeric = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    bad = present.to_numpy() & numeric.isna().to_numpy()
    if bad.any():
        rows = (np.flatnonzero(bad)[:5] + 1).tolist()
        example = str(s.iloc[int(np.flatnonzero(bad)[0])])[:40]
        raise InputError(
            f"metric values must be numbers or yes/no, found '{example}'", file=source, column=column, rows=rows
        )
    x = numeric.to_numpy(dtype=float)
    return x, _is_binary(x)


@dataclass
class ColumnRoles:
    """Best guesses; None where nothing fits. `metrics`: candidate metric columns, best first."""

    variant: str | None = None
    unit: str | None = None
    time: str | None = None
    covariate: str | None = None
    impressions: str | None = None
    clicks: str | None = None
    conversions: str | None = None
    spend: str | None = None
    revenue: str | None = None
    metrics: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)


_PATTERNS = {
    "variant": r"^(variant|variation|version|group|arm|treatment|bucket|test_group|experiment_group|分组|组别|版本|实验组)$",
    "unit": r"^(user_?id|userid|uid|customer_?id|visitor_?id|用户|用户id)$",
    "time": r"^(ts|time|timestamp|date|day|event_time|时间|日期)$",
    "covariate": r"^(pre_.*|.*_pre|pre_?period.*|baseline_.*|covariate)$",
    "impressions": r"^(impressions?|imps?|views?|展示|曝光).*",
    "clicks": r"^(clicks?|点击).*",
    "conversions": r"^(approved_conversions?|conversions?|converted|total_conversions?|purchases?|转化).*",
    "spend": r"^(spend|spent|cost|ad_spend|花费|消耗)$",
    "revenue": r"^(revenue|sales|gmv|value|收入|销售额)$",
}


def guess_roles(df: pd.DataFrame) -> ColumnRoles:
    """Guess column roles from names and values (English or Chinese headers, any case)."""
    roles = ColumnRoles()
    lower = {c: str(c).strip().lower() for c in df.columns}
    for role, pat in _PATTERNS.items():
        hits = [c for c, name in lower.items() if re.match(pat, name)]
        if role == "conversions":
            hits.sort(key=lambda c: (not lower[c].startswith("approved"), not lower[c].startswith("conv"), lower[c]))
        if hits:
            setattr(roles, role, hits[0])
    if roles.variant is None:  # a low-cardinality column that is not an obvious segment
        for c in df.columns:
            if 2 <= df[c].nunique(dropna=True) <= 6 and c != roles.unit:
                roles.variant = c
                break
    taken = {roles.variant, roles.unit, roles.time}
    funnel = {roles.impressions, roles.clicks, roles.conversions, roles.spend, roles.revenue} - {None}
    metrics, segments = [], []
    for c in df.columns:
        if c in taken:
            continue
        s = df[c]
        nunique = s.nunique(dropna=True)
        try:
            _, binary = metric_values(s.head(2000), str(c))
            numeric = True
        except InputError:
            numeric, binary = False, False
        is_id = bool(re.search(r"(^|_)id$|id$", lower[c]))
        if numeric and not is_id and (binary or c in funnel or nunique > 50 or pd.api.types.is_float_dtype(s.dtype)):
            metrics.append((0 if binary else 1, c))
        elif 2 <= nunique <= 50 and not is_id:
            segments.append(c)
    roles.metrics = [c for _, c in sorted(metrics, key=lambda t: t[0]) if c != roles.covariate]
    roles.segments = segments
    return roles


def read_events_csv(path, name: str | None = None) -> pd.DataFrame:
    """An events CSV with pandas-inferred numbers (see core.data.csvfile.read_csv_frame)."""
    return read_csv_frame(path, name, as_text=False)
