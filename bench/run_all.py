"""Run every benchmark on SQLite and (when configured) PostgreSQL; print a table, write bench/results/*.json.

    .venv/bin/python bench/run_all.py [--updates 2000] [--repeats 3] [--messages 3000] [--only outbox]

`make bench` runs this (BENCH_ARGS passes options). PostgreSQL runs need BUURTBOT_BENCH_DATABASE_URL
or BUURTBOT_TEST_DATABASE_URL; see bench/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script (`python bench/run_all.py`), Python puts bench/ on sys.path, not the repository root;
# the root must be there for `bench`, `bot` and `tests` to import as packages.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse
import asyncio
import json
import time
from datetime import UTC, datetime
from typing import Any

from bench import outbox, throughput, webhook
from bench.common import busy_warning, machine, quiet_logging, source_version
from bench.databases import POSTGRES_MISSING, postgres_url, postgres_version

RESULTS = ROOT / "bench" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    throughput.add_options(parser)
    outbox.add_options(parser)
    parser.add_argument("--only", choices=["throughput", "webhook", "outbox"], help="run one benchmark only")
    args = parser.parse_args()
    quiet_logging()
    if warning := busy_warning():
        print(warning)
    backends = ["sqlite"]
    if postgres_url() is None:
        print(POSTGRES_MISSING)
    else:
        backends.append("postgresql")
    facts = machine() | {"postgresql": asyncio.run(postgres_version()), "source": source_version()}
    began = time.perf_counter()
    tables: list[str] = []
    if args.only in (None, "throughput"):
        results = []
        for backend in backends:
            options = {"updates": args.updates, "repeats": args.repeats, "warmup": args.warmup}
            results.append(asyncio.run(throughput.compare(backend, **options)))
            print(throughput.describe(results[-1]), flush=True)
        _write("throughput", facts, vars(args), results)
        tables.append(_throughput_table(results, args.repeats))
    if args.only in (None, "webhook"):
        results = []
        for backend in backends:
            options = {"updates": args.updates, "repeats": args.repeats, "warmup": args.warmup}
            results.append(asyncio.run(webhook.compare(backend, **options)))
            print(webhook.describe(results[-1]), flush=True)
        _write("webhook", facts, vars(args), results)
        tables.append(_webhook_table(results, args.repeats))
    if args.only in (None, "outbox"):
        results = []
        for backend in backends:
            results.append(asyncio.run(outbox.deliver(backend, messages=args.messages)))
            print(outbox.describe(results[-1]), flush=True)
        _write("outbox", facts, vars(args), results)
        tables.append(_outbox_table(results))
    print()
    print("\n\n".join(tables))
    took = time.perf_counter() - began
    print(f"\nAll benchmarks took {took:.0f} s; results in {RESULTS.relative_to(ROOT)}/")


def _write(name: str, facts: dict[str, Any], options: dict[str, Any], results: list[dict[str, Any]]) -> None:
    RESULTS.mkdir(exist_ok=True)
    document = {
        "benchmark": name,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": facts,
        "options": options,
        "results": results,
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def _throughput_table(results: list[dict[str, Any]], repeats: int) -> str:
    lines = [
        f"Throughput: /start from different people, updates per second (median of {repeats})",
        f"{'database':<11} {'buurtbot':>9} {'echo bot':>9} {'ratio':>6} {'goal':>5}  CPU ms/update (bb/echo)",
    ]
    for r in results:
        bb, echo = r["buurtbot"], r["echo"]
        lines.append(
            f"{r['database']:<11} {bb['updates_per_second']:>9.0f} {echo['updates_per_second']:>9.0f} "
            f"{r['ratio']:>6.2f} {'ok' if r['meets_goal'] else 'MISS':>5}  "
            f"{bb['cpu_ms_per_update']:.1f}/{echo['cpu_ms_per_update']:.1f}"
        )
    return "\n".join(lines)


def _webhook_table(results: list[dict[str, Any]], repeats: int) -> str:
    lines = [
        f"Webhook next to polling: /start from different people, updates per second (median of {repeats})",
        f"{'database':<11} {'polling':>8} {'webhook':>8}  POST to stored p50/p99 ms: burst, steady",
    ]
    for r in results:
        burst, paced = r["post_to_stored_ms"], r["paced_post_to_stored_ms"]
        lines.append(
            f"{r['database']:<11} {r['polling_per_second']:>8.0f} {r['webhook_per_second']:>8.0f}  "
            f"{burst['p50']:.1f}/{burst['p99']:.1f} ({r['connections']} at once), "
            f"{paced['p50']:.1f}/{paced['p99']:.1f} (at {r['paced_rate']}/s)"
        )
    return "\n".join(lines)


def _outbox_table(results: list[dict[str, Any]]) -> str:
    lines = [
        "Outbox: notifications to different private chats, flood limit 30 per second",
        f"{'database':<11} {'messages':>8} {'sent/s':>7} {'wall s':>7} {'peak/s':>6} {'429s':>5} "
        f"{'lost':>9} {'dupes':>5}",
    ]
    for r in results:
        lost = f"{r['rows_not_sent']}/{r['chats_without_message']}"
        lines.append(
            f"{r['database']:<11} {r['messages']:>8} {r['delivered_per_second']:>7.1f} "
            f"{r['wall_seconds']:>7.0f} {r['peak_in_one_second']:>6} {r['rejections_429']:>5} "
            f"{lost:>9} {r['duplicates']:>5}"
        )
    lines.append("lost = rows not sent / chats without a message; dupes = chats that got more than one")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
