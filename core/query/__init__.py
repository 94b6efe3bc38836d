"""One query layer, two engines: the heavy aggregations written once as SQL, run on DuckDB or Spark."""
