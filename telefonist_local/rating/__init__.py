"""Finance's named queries run locally with DuckDB over the billing table."""
