"""The A/B statistics engine (GrowthBook gbstats shape): summable statistics, one comparison
function, one result type per analysis.

- statistics.py   ProportionStatistic, SampleMeanStatistic, RatioStatistic, RegressionAdjustedStatistic
- inference.py    compare() (compare_arrays(): many at once): z / Welch t, delta-method relative
                  lift, Bayesian chance to beat and expected loss, Waudby-Smith asymptotic
                  confidence sequences
- health.py       sample-ratio mismatch (warn at p < 0.001), minimum-sample thresholds
- corrections.py  Holm and Benjamini-Hochberg
- power.py        minimum detectable effect, sample size
- columns.py      reading metric values (0/1, yes/no, true/false), guessing column roles
- analysis.py     prepare() -> ExperimentData; analyze / analyze_metrics / analyze_segments /
                  cumulative_lift / funnel_table -> ExperimentResult; verdict()
- outliers.py     heavy outliers per unit, capping (winsorising) at a percentile
- summary.py      per-variant summaries (count, mean, variance / sd / sum of squares, conversions;
                  experiments, metrics, cumulative checkpoints): read_summary, analyze_summary,
                  portfolio_table (vectorised, BH over the portfolio), metrics_table, checkpoint_lift
- uplift.py       Qini, AUUC, bootstrap interval of a Qini difference
- response.py     DIN response model vs two-model logistic, by uplift on held-out users
- view.py         what the A/B view draws, in one call (ab_view) plus the summary view's frames
"""
