"""Wide A/B summaries: control and treatment side by side on one row, as experiment platforms publish
them (ASOS Digital Experiments: `count_c, count_t, mean_c, mean_t, variance_c, variance_t`).

Column pairs are recognised by suffix (`_c/_t`, `_control/_treatment`, `_a/_b`, `_对照/_实验`) or
prefix (`control_/treatment_`, `对照组/实验组`, `对照/实验`); each wide row becomes a control row and
a treatment row of the long form `core.experiments.summary.read_summary` reads, with the pair's base
name as the column (`count`, `mean`, `variance`). The treatment is named by the row's variant column
(ASOS's `variant_id`: 1, 2, ...), the control `control`; a control repeated on the rows of several
treatments is kept once, and must then be the same on each. Rows with a missing variance (or sd) on
either side are left out and reported (how many, which experiments), never read as binary rates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import InputError
from core.experiments.summary_roles import ROLE_PATTERNS

CONTROL = "control"
# (control side, treatment side), as suffixes then as prefixes; tried in this order, case-insensitive
SUFFIXES = [("_control", "_treatment"), ("_对照组", "_实验组"), ("_对照", "_实验"), ("_c", "_t"), ("_a", "_b")]
PREFIXES = [("control_", "treatment_"), ("对照组", "实验组"), ("对照_", "实验_"), ("对照", "实验")]
SPREADS = ("variance", "sd", "sum_squares")
_VARIANT = r"^(variant|variation|arm|group|bucket|treatment|分组|组别|版本|实验组)(_?id|_?name)?$"


@dataclass
class LeftOut:
    """Wide rows left out of the tests because a variance is missing."""

    rows: list[int] = field(default_factory=list)  # 1-based file rows
    experiments: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rows": len(self.rows), "first_rows": self.rows[:10], "experiments": self.experiments}


def pairs(columns) -> dict[str, tuple[str, str]]:
    """{base name: (control column, treatment column)} for the first naming pattern with two or more
    pairs (a count and a centre at least); {} when the columns are not wide."""
    cols = [str(c) for c in columns]
    lower = {c.lower(): c for c in cols}
    for c_side, t_side in SUFFIXES:
        found = {}
        for low, col in lower.items():
            if low.endswith(c_side) and len(low) > len(c_side):
                base = col[: -len(c_side)]
                twin = lower.get(low[: -len(c_side)] + t_side)
                if twin is not None:
                    found[base.strip("_ ")] = (col, twin)
        if len(found) >= 2:
            return found
    for c_side, t_side in PREFIXES:
        found = {}
        for low, col in lower.items():
            if low.startswith(c_side) and len(low) > len(c_side):
                twin = lower.get(t_side + low[len(c_side) :])
                if twin is not None:
                    found[col[len(c_side) :].strip("_ ")] = (col, twin)
        if len(found) >= 2:
            return found
    return {}


def _role(base: str, role: str) -> bool:
    return bool(re.match(ROLE_PATTERNS[role], base.strip().lower()))


def is_wide(df: pd.DataFrame) -> bool:
    found = pairs(df.columns)
    has = lambda role: any(_role(b, role) for b in found)  # noqa: E731
    return has("count") and (has("mean") or has("sum") or has("conversions"))


def long_if_wide(
    df: pd.DataFrame, variant: str | None = None, source: str | None = None, experiment: str | None = None
) -> tuple[pd.DataFrame, LeftOut] | None:
    """The long form of a wide summary table (None when `df` is not wide) and the rows left out.
    `variant`: the column naming each row's treatment (created as 'treatment' when absent)."""
    if not is_wide(df):
        return None
    found = pairs(df.columns)
    paired = {c for pair in found.values() for c in pair}
    given = variant
    if variant is None:  # the page: guess the treatment column; the long form calls it 'variant'
        variant = next(
            (str(c) for c in df.columns if str(c) not in paired and re.match(_VARIANT, str(c).lower())), "variant"
        )
    keep = [c for c in df.columns if str(c) not in paired and c != variant]
    spread = [b for b in found if any(_role(b, r) for r in SPREADS)]
    left = LeftOut()
    missing = np.zeros(len(df), dtype=bool)
    for b in spread:
        c, t = found[b]
        missing |= pd.to_numeric(df[c], errors="coerce").isna().to_numpy()
        missing |= pd.to_numeric(df[t], errors="coerce").isna().to_numpy()
    if missing.any():
        left.rows = (np.flatnonzero(missing) + 1).tolist()
        exp_col = experiment or next((c for c in keep if _role(str(c), "experiment")), None)
        if exp_col is not None:
            left.experiments = [str(e) for e in dict.fromkeys(df.loc[missing, exp_col])]
    rows = df.loc[~missing].reset_index(drop=True)
    treated = (
        rows[variant].astype("string").str.strip()
        if variant in rows.columns
        else pd.Series("treatment", index=rows.index)
    )
    if treated.isna().any():
        raise InputError.keyed(
            "err.summary.no_name", file=source, column=variant, rows=(np.flatnonzero(treated.isna())[:5] + 1).tolist()
        )
    if (treated == CONTROL).any():
        raise InputError.keyed("err.wide.control_name", file=source, column=variant, name=CONTROL)
    control = rows[keep].copy()
    treatment = rows[keep].copy()
    for base, (c, t) in found.items():
        control[base] = rows[c].to_numpy()
        treatment[base] = rows[t].to_numpy()
    control.insert(len(keep), variant, CONTROL)
    treatment.insert(len(keep), variant, treated.to_numpy())
    order = np.arange(len(rows))
    control["__order"], treatment["__order"] = order * 2, order * 2 + 1
    # one control row per (experiment, metric, checkpoint): the same control repeats per treatment
    keys = [c for c in keep]
    stats = list(found)
    if keys:
        first = control.groupby(keys, sort=False, dropna=False)[stats].transform("first")
        differs = ~((control[stats] == first) | (control[stats].isna() & first.isna())).all(axis=1)
        if differs.any():
            raise InputError.keyed(
                "err.wide.control_differs", file=source, rows=(np.flatnonzero(differs.to_numpy())[:5] + 1).tolist()
            )
        control = control.drop_duplicates(subset=keys, keep="first")
    out = pd.concat([control, treatment], ignore_index=True).sort_values("__order", kind="stable")
    out = out.drop(columns="__order").reset_index(drop=True)
    if given is None and variant != "variant" and "variant" not in out.columns:
        out = out.rename(columns={variant: "variant"})
    out.attrs["wide_left_out"] = left.as_dict()
    return out, left


def long_frame(df: pd.DataFrame) -> pd.DataFrame:
    """`df` itself, or its long form when it is wide (for the A/B page's upload)."""
    wide = long_if_wide(df)
    return df if wide is None else wide[0]
