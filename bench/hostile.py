"""A hostile burst at scale: thousands of forged buttons, odd commands and texts, media, edits and unusual
updates (tests/hostile), from every kind of caller, against the real bot over the fake Bot API.

    .venv/bin/python -m bench.hostile --updates 2200 --database both
    .venv/bin/python -m bench.hostile --updates 500 --seed 7 --database sqlite --show 3
    .venv/bin/python -m bench.hostile --every-button --database sqlite   # 88,380 taps, about 5 minutes

Reports the updates pushed and handled (the inbox drained, none failed), the tracebacks the bot logged by
exception type and where they came from, how often it apologised, and the seconds from the first push
until the inbox was empty. Most of those seconds are the group chat's: python-telegram-bot sends at most
20 replies a minute to a group, so the replies there are counted too. Goal: no traceback, no apology,
every update handled.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from typing import Any

from bench.common import bench_settings, quiet_logging, source_version
from bench.databases import POSTGRES_MISSING, databases, postgres_url
from bot.delivery.buttons import button_seal
from bot.runtime import Runtime
from tests import hostile
from tests.fakes.telegram_server import FakeTelegram


async def run(
    backend: str, *, updates: int, seed: int, show: int, every_button: bool, made_up: bool
) -> dict[str, Any]:
    async with databases(backend) as fresh, FakeTelegram() as telegram:
        settings = bench_settings(
            await fresh(), telegram.base_url, admin_ids=frozenset({hostile.OPERATOR_ID})
        )
        async with Runtime(settings) as runtime:
            cast = await hostile.make_cast(runtime)
            warmed = await hostile.warm_up(telegram, cast)
            steps = (
                hostile.every_button(cast) if every_button else hostile.plan(cast, size=updates, seed=seed)
            )
            with hostile.watching() as trouble:
                started = time.perf_counter()
                # Sealed as the bot would have (an old or stale button), the forged ids reach the
                # handlers; made up, the seal refuses them all before any handler runs.
                seal = hostile.unsealed if made_up else sealed_for(settings.require_token())
                pushed = hostile.push(telegram, cast, steps, seal=seal)
                # Slower than 10 updates a second counts as stuck; what was handled by then is reported.
                inbox = await hostile.drained(
                    runtime.db, telegram, updates=warmed + pushed, timeout=60 + pushed / 10
                )
                seconds = time.perf_counter() - started
            failure = runtime.failure
    return {
        "database": backend,
        "source": source_version(),
        "seed": "every button" if every_button else seed,
        "buttons": "made up" if made_up else "sealed by the bot",
        "updates": pushed,
        "handled": inbox["done"] - warmed,
        "failed": inbox["failed"],
        "seconds": round(seconds, 1),
        "tracebacks": dict(trouble.by_exception().most_common()),
        "apologies": hostile.apologies(telegram),
        # Replies in the group chat: python-telegram-bot sends at most 20 a minute there, which sets the pace.
        "group_replies": len(telegram.calls("sendMessage", chat_id=hostile.GROUP_ID)),
        "stopped": None if failure is None else repr(failure),
        "sites": dict(trouble.sites().most_common()),
        "first_tracebacks": trouble.first_tracebacks(show) if show else "",
    }


def describe(result: dict[str, Any]) -> str:
    tracebacks = ", ".join(f"{kind} {n}" for kind, n in result["tracebacks"].items()) or "none"
    lines = [
        f"{result['database']} ({result['source']}, seed {result['seed']}, buttons {result['buttons']}): "
        f"{result['updates']} updates, "
        f"{result['handled']} handled, {result['failed']} failed, in {result['seconds']} s",
        f"  tracebacks: {sum(result['tracebacks'].values())} ({tracebacks})",
        f"  apologies: {result['apologies']}",
        f"  replies in the group: {result['group_replies']} (at most 20 a minute)",
    ]
    if result["stopped"]:
        lines.append(f"  a part of the bot stopped: {result['stopped']}")
    lines += [f"    {n:4d}  {site}" for site, n in result["sites"].items()]
    if result["first_tracebacks"]:
        lines.append(result["first_tracebacks"])
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--updates", type=int, default=2200, help="updates in the burst (about)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=0, help="print the first traceback of this many types")
    parser.add_argument(
        "--every-button",
        action="store_true",
        help="instead of a random burst: every button, tapped by everyone",
    )
    parser.add_argument(
        "--made-up",
        action="store_true",
        help="push the buttons without the bot's seal (refused before any handler runs)",
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    quiet_logging()
    # Thousands of tracebacks are counted, not printed; --show prints the first of each kind.
    logging.getLogger("bot").propagate = False
    for backend in ["sqlite", "postgresql"] if args.database == "both" else [args.database]:
        if backend == "postgresql" and postgres_url() is None:
            print(POSTGRES_MISSING)
            continue
        options = {
            "updates": args.updates,
            "seed": args.seed,
            "show": args.show,
            "every_button": args.every_button,
            "made_up": args.made_up,
        }
        print(describe(asyncio.run(run(backend, **options))), flush=True)


def sealed_for(token: str) -> hostile.Seal:
    """The seal of the bot with this token, for data it could have sent (the rest goes as it is)."""
    seal = button_seal(token)

    def sealing(chat_id: int, data: str) -> str:
        try:
            return seal.seal(chat_id, data)
        except ValueError:
            return data

    return sealing


if __name__ == "__main__":
    main()
