"""The A/B statistics engine (GrowthBook gbstats shape): summable statistics, one comparison
function, one result type per analysis.

- statistics.py   ProportionStatistic, SampleMeanStatistic, RatioStatistic, RegressionAdjustedStatistic
- inference.py    compare() -> Comparison (compare_arrays(): its ARRAY_FIELDS for many at once):
                  z / Welch t, delta-method relative
                  lift, Bayesian chance to beat and expected loss, Waudby-Smith asymptotic
                  confidence sequences
- health.py       sample-ratio mismatch (warn at p < 0.001), minimum-sample thresholds
- corrections.py  Holm and Benjamini-Hochberg (correct_all: over results together)
- power.py        minimum detectable effect, sample size
- columns.py      reading metric values (0/1, yes/no, true/false), guessing column roles
- analysis.py     the one import for callers (re-exports the modules below)
- spec.py         ExperimentSpec, MetricSpec and a metric's direction
- guesses.py      what column names suggest: randomised or not, the exposure a count is a share of
- notices.py      Notice; its wording is the translation table's (ab.warn.<code>)
- results.py      VariantResult (a variant's row holding its Comparison), ExperimentResult
                  (to_dict: the CLI's JSON)
- prepare.py      prepare() -> ExperimentData (validation, rows summed per unit, counts, capping)
- sums.py         per-group sums and statistics: numpy bincounts, or for big inputs one DuckDB
                  scan of every metric (core/query/experiments.py runs it)
- assemble.py     analyze / analyze_metrics / analyze_segments -> ExperimentResult
- timeline.py     cumulative_lift (fixed-horizon and always-valid bands per day)
- funnel.py       funnel_metrics, funnel_table
- verdict.py      verdict()
- choices.py      what a view offers: variant names, default control, metric choices, power at size
- outliers.py     heavy outliers per unit, capping (winsorising) at a percentile
- summary_roles.py  the roles a summary column can play (header patterns), for summary_input and wide
- summary_input.py  per-variant summaries in: column roles and their guesses, SummarySpec, read_summary
- summary.py      per-variant summaries (count, mean, variance / sd / sum of squares, conversions;
                  experiments, metrics, cumulative checkpoints): read_summary, analyze_summary,
                  portfolio_table (vectorised, BH over the portfolio), metrics_table, checkpoint_lift
- uplift.py       Qini, AUUC, bootstrap interval of a Qini difference
- response.py     DIN response model vs two-model logistic, by uplift on held-out users
- view.py         what the A/B view draws, in one call (ab_view) plus the summary view's frames
"""
