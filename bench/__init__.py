"""Benchmarks: update throughput against a bare echo bot, and outbox delivery within Telegram's limits.

`make bench` runs them all (bench/run_all.py); each also runs alone, see bench/README.md.
"""
