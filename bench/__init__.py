"""Benchmarks (not run by CI)."""
