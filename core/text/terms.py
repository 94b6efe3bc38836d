"""Which terms distinguish one set of texts from another: weighted log-odds with an informative
Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words", section 3.5).

For term w with counts y_w in the target and r_w in the reference (totals n, m) and prior counts
a_w = alpha0 * pi_w (pi = the prior corpus's term shares, a0 = sum a_w):
    delta_w = log((y_w + a_w) / (n + a0 - y_w - a_w)) - log((r_w + a_w) / (m + a0 - r_w - a_w))
    var_w  ~= 1 / (y_w + a_w) + 1 / (r_w + a_w)
    z_w     = delta_w / sqrt(var_w)
A large positive z means the term is over-used in the target beyond what chance and its overall
frequency explain; the prior stops rare terms from topping the list on one or two counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from core.text.tokenize import content_terms


def count_terms(texts: Iterable[str]) -> Counter:
    """Term counts over `texts` (content terms; each distinct text tokenised once)."""
    series = pd.Series(list(texts), dtype="object").fillna("").astype(str)
    counts: Counter = Counter()
    for text, times in series.value_counts().items():
        for term, k in Counter(content_terms(text)).items():
            counts[term] += k * times
    return counts


def log_odds_dirichlet(
    target: Counter, reference: Counter, prior: Counter | None = None, alpha0: float | None = None
) -> pd.DataFrame:
    """Monroe et al. log-odds of every term of target ∪ reference, sorted by z (largest first).

    `prior` defaults to target + reference; `alpha0` (the prior's total weight) defaults to the
    prior's own token count, i.e. the prior counts are used as they are.
    Out: DataFrame[term, delta, var, z, target_count, reference_count].
    """
    prior = prior if prior is not None else target + reference
    terms = sorted(set(target) | set(reference))
    if not terms:
        return pd.DataFrame(columns=["term", "delta", "var", "z", "target_count", "reference_count"])
    prior_total = float(sum(prior.values()))
    a0 = float(alpha0) if alpha0 is not None else prior_total
    y = np.array([target.get(t, 0) for t in terms], dtype=float)
    r = np.array([reference.get(t, 0) for t in terms], dtype=float)
    pi = np.array([prior.get(t, 0) for t in terms], dtype=float) / max(prior_total, 1.0)
    # a term absent from the prior still gets a tiny pseudo-count, so every log is finite
    a = np.maximum(a0 * pi, 0.01)
    n, m = y.sum(), r.sum()
    delta = np.log((y + a) / (n + a0 - y - a)) - np.log((r + a) / (m + a0 - r - a))
    var = 1.0 / (y + a) + 1.0 / (r + a)
    out = pd.DataFrame(
        {
            "term": terms,
            "delta": delta,
            "var": var,
            "z": delta / np.sqrt(var),
            "target_count": y.astype(int),
            "reference_count": r.astype(int),
        }
    )
    return out.sort_values(["z", "term"], ascending=[False, True], ignore_index=True)
