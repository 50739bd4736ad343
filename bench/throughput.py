"""Updates per second, end to end: Buurtbot against a bare python-telegram-bot echo bot.

    .venv/bin/python -m bench.throughput --updates 2000 --repeats 3 --database sqlite

Each repetition runs the echo bot and then Buurtbot, each on a fresh fake Bot API server (and Buurtbot
on a fresh database), so that slow drift of the machine affects both alike. The medians are compared.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.common import median, quiet_logging
from bench.contenders import Run, buurtbot_once, echo_once
from bench.databases import POSTGRES_MISSING, databases, postgres_url
from bench.profiling import by_library

GOAL = 0.5  # of the echo bot's updates per second


async def compare(backend: str, *, updates: int, repeats: int, warmup: int) -> dict[str, Any]:
    within = 60 + updates / 10  # fails a bot slower than 10 updates per second
    echo: list[Run] = []
    buurtbot: list[Run] = []
    async with databases(backend) as fresh:
        for repetition in range(1, repeats + 1):
            gc.collect()  # leftovers of the previous run must not be collected during this one
            echo.append(await echo_once(updates, warmup, within))
            gc.collect()
            buurtbot.append(await buurtbot_once(await fresh(), updates, warmup, within))
            print(
                f"  {backend} run {repetition}/{repeats}: echo {echo[-1].per_second:.0f}/s, "
                f"buurtbot {buurtbot[-1].per_second:.0f}/s",
                flush=True,
            )
    echo_rate = median([r.per_second for r in echo])
    buurtbot_rate = median([r.per_second for r in buurtbot])
    return {
        "database": backend,
        "updates": updates,
        "echo": _summary(echo),
        "buurtbot": _summary(buurtbot),
        "ratio": buurtbot_rate / echo_rate,
        # Each repetition's own ratio: on a busy machine the rates swing from run to run, and a run's two
        # bots (measured one right after the other) met more nearly the same machine than two medians did.
        "run_ratios": [b.per_second / e.per_second for e, b in zip(echo, buurtbot, strict=True)],
        "goal": GOAL,
        "meets_goal": buurtbot_rate / echo_rate >= GOAL,
    }


def _summary(runs: list[Run]) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "updates_per_second": median([r.per_second for r in runs]),
        "cpu_ms_per_update": median([1000 * r.cpu_seconds / r.updates for r in runs]),
    }
    if runs[0].transactions is not None:
        summary["transactions_per_update"] = median([(r.transactions or 0) / r.updates for r in runs])
        summary["statements_per_update"] = median([(r.statements or 0) / r.updates for r in runs])
        summary["recorded_per_second"] = median([r.updates / (r.recorded_seconds or 1) for r in runs])
    summary["runs"] = [asdict(r) | {"per_second": r.per_second} for r in runs]
    return summary


def describe(result: dict[str, Any]) -> str:
    echo, buurtbot = result["echo"], result["buurtbot"]
    verdict = "meets" if result["meets_goal"] else "below"
    return (
        f"{result['database']}: buurtbot {buurtbot['updates_per_second']:.0f}/s "
        f"(inbox done: {buurtbot['recorded_per_second']:.0f}/s), echo {echo['updates_per_second']:.0f}/s, "
        f"ratio {result['ratio']:.2f} ({verdict} the goal of {GOAL}; run by run "
        f"{', '.join(f'{ratio:.2f}' for ratio in result['run_ratios'])}); CPU per update: "
        f"buurtbot {buurtbot['cpu_ms_per_update']:.1f} ms, echo {echo['cpu_ms_per_update']:.1f} ms; "
        f"buurtbot per update: {buurtbot['transactions_per_update']:.1f} transactions, "
        f"{buurtbot['statements_per_update']:.1f} SQL statements"
    )


async def profile(backend: str, *, updates: int, warmup: int, folder: Path) -> str:
    """One profiled run of each bot; writes <folder>/profile-<bot>-<database>.prof (folder must exist).

    cProfile sees the event loop's thread only (not aiosqlite's worker thread) and slows everything down
    several times; its numbers show shares, not speed.
    """
    within = 60 + updates / 2
    paths = {name: folder / f"profile-{name}-{backend}.prof" for name in ("buurtbot", "echo")}
    async with databases(backend) as fresh:
        echo_profiler, buurtbot_profiler = cProfile.Profile(), cProfile.Profile()
        await echo_once(updates, warmup, within, echo_profiler)
        await buurtbot_once(await fresh(), updates, warmup, within, buurtbot_profiler)
    echo_profiler.dump_stats(paths["echo"])
    buurtbot_profiler.dump_stats(paths["buurtbot"])
    lines = [f"Own time per library, {backend} (cProfile; the fake server is tests/fakes and aiohttp):"]
    for name, path in paths.items():
        shares = ", ".join(f"{library} {100 * share:.0f}%" for library, share in by_library(str(path), 12))
        lines.append(f"  {name}: {shares}  [{path}]")
    return "\n".join(lines)


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--updates", type=int, default=2000, help="measured /start updates (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="repetitions; the median counts (default 3)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured updates first (default 20)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_options(parser)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--profile",
        metavar="FOLDER",
        type=Path,
        help="instead of comparing: one run of each bot under cProfile, stats written to FOLDER",
    )
    args = parser.parse_args()
    quiet_logging()
    backends = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    for backend in backends:
        if backend == "postgresql" and postgres_url() is None:
            print(POSTGRES_MISSING)
        elif args.profile is not None:
            args.profile.mkdir(parents=True, exist_ok=True)
            options = {"updates": args.updates, "warmup": args.warmup, "folder": args.profile}
            print(asyncio.run(profile(backend, **options)))
        else:
            sizes = {"updates": args.updates, "repeats": args.repeats, "warmup": args.warmup}
            print(describe(asyncio.run(compare(backend, **sizes))))


if __name__ == "__main__":
    main()
