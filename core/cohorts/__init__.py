"""Cohorts and churn: activity logs, retention matrices, survival curves, churn labels and features.

- `activity`: one (user_id, ts) log from any table with a user and a time column; cohort assignment.
- `retention`: classic and unbounded retention matrices (DuckDB), counts, shares and cohort sizes.
- `survival`: Kaplan-Meier curves per group, log-rank test and median lifetime (lifelines).
- `labels`: churn labels from inactivity after a cutoff, or from an explicit label column.
- `features`: per-user features as of a cutoff (nothing after the cutoff leaks in) and the weekly timeline.
- `churn`: `ChurnPredictor`, the attention model beside its baselines, calibrated, with per-user reasons.
"""
