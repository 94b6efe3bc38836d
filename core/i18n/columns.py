"""Column labels: `col.<name>` for every column and feature name a user can see (tables, chart axes)."""

TABLE: dict[str, dict[str, str]] = {}
