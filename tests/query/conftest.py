from tests.query.tables import edge_tables, scored_posts  # noqa: F401  (fixtures)
