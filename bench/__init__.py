"""Benchmarks: ours and a baseline side by side in one run, written to bench/results/<name>.json."""
