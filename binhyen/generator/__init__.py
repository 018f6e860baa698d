"""`binhyen generate`: a realistic, deterministic data set at province or national size,
written through the bulk path (COPY on PostgreSQL, executemany on SQLite), for the
benchmarks of bench/ and for trying the app at scale (docs/scale.md)."""
