"""Benchmarks: measured against the reference tools on the real data; `make bench` writes RESULTS.md."""
