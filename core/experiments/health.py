"""Is the test itself healthy? Sample-ratio mismatch and minimum-sample checks.

SRM: a chi-square goodness-of-fit of the units per variant against the planned split (equal by
default). Like GrowthBook and Eppo we only warn at p < 0.001: real tests show mild imbalances
(cookie_cats: p = 0.009) and a stricter threshold would cry wolf on healthy tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SRM_THRESHOLD = 0.001
MIN_UNITS = 100  # below this per variant, normal approximations are shaky
MIN_EVENTS = 10  # a proportion with fewer successes (or failures) than this is too sparse


@dataclass(frozen=True)
class SrmCheck:
    """observed/expected units per variant (in the variants' order), the chi-square p-value, and
    `mismatch` = p < threshold. `mild` flags 0.001 <= p < 0.05: worth a footnote, not an alarm."""

    variants: tuple[str, ...]
    observed: tuple[int, ...]
    expected: tuple[float, ...]
    chi2: float
    p_value: float
    threshold: float = SRM_THRESHOLD

    @property
    def checked(self) -> bool:
        return self.p_value == self.p_value  # NaN when the split was not checked

    @property
    def mismatch(self) -> bool:
        return self.p_value < self.threshold

    @property
    def mild(self) -> bool:
        return not self.mismatch and self.p_value < 0.05


def srm_check(
    variants: list[str], counts: list[int], weights: list[float] | None = None, threshold: float = SRM_THRESHOLD
) -> SrmCheck:
    """Chi-square test of `counts` against `weights` (equal when None; normalised)."""
    from scipy import stats as st

    obs = np.asarray(counts, dtype=float)
    w = np.ones(len(obs)) if weights is None else np.asarray(weights, dtype=float)
    if len(w) != len(obs) or (w <= 0).any():
        raise ValueError("one positive weight per variant is needed")
    exp = obs.sum() * w / w.sum()
    if len(obs) < 2 or obs.sum() == 0:
        return SrmCheck(tuple(variants), tuple(int(c) for c in counts), tuple(exp), 0.0, 1.0, threshold)
    chi2, p = st.chisquare(obs, exp)
    return SrmCheck(
        tuple(variants), tuple(int(c) for c in counts), tuple(float(e) for e in exp), float(chi2), float(p), threshold
    )


def srm_p_values(groups: np.ndarray, counts: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """`srm_check`'s chi-square p-value for many tests at once: one row per variant, `groups` the
    test's code in [0, k), `counts` the units, `weights` the planned share (equal when None).
    Returns one p-value per test (1 for an empty test)."""
    from scipy import stats as st

    groups = np.asarray(groups, dtype=np.int64)
    obs = np.asarray(counts, dtype=float)
    w = np.ones(len(obs)) if weights is None else np.asarray(weights, dtype=float)
    k = int(groups.max()) + 1 if len(groups) else 0
    total = np.bincount(groups, weights=obs, minlength=k)
    wsum = np.bincount(groups, weights=w, minlength=k)
    exp = total[groups] * w / wsum[groups]
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = np.bincount(groups, weights=np.where(exp > 0, (obs - exp) ** 2 / exp, 0.0), minlength=k)
    dof = np.bincount(groups, minlength=k) - 1
    p = st.chi2.sf(chi2, np.maximum(dof, 1))
    return np.where((total > 0) & (dof >= 1), p, 1.0)
