"""Updates per second in webhook mode next to long polling, in the same run; and the time from a
webhook POST's start to its 200 (the update is stored in the inbox before the 200 is sent).

    .venv/bin/python -m bench.webhook --updates 2000 --repeats 3 --database sqlite

Each repetition runs Buurtbot with long polling (as bench/throughput.py does) and then in webhook mode,
each on a fresh fake Bot API server and a fresh database. In webhook mode this process plays Telegram:
it POSTs the same /start updates from different people to the bot's side door, over as many
connections at once as the bot asks Telegram for (BUURTBOT_WEBHOOK_MAX_CONNECTIONS, 40), with the
secret header. The clock runs from the first update offered until everyone has an answer.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from bench.common import TOKEN, median, quiet_logging
from bench.contenders import MEASURED_FIRST_ID, WARMUP_FIRST_ID, Run, _until, _until_inbox_done, buurtbot_once
from bench.databases import POSTGRES_MISSING, databases, postgres_url
from bench.replies import Replies
from bot.config import Settings
from bot.delivery.webhook import SECRET_HEADER
from bot.runtime import Runtime
from tests.fakes.telegram_server import FakeTelegram

SECRET = "bench-webhook_secret-0123456789"
URL = "https://bot.example.nl/telegram"
CONNECTIONS = 40  # Telegram's default, and the bot's
PACED_RATE = 50  # updates per second: a busy evening in a city, not a burst
PACED_FIRST_ID = 700_000_000


@dataclass(frozen=True)
class WebhookRun:
    updates: int
    answered_seconds: float
    cpu_seconds: float
    post_seconds: list[float]  # each POST of the burst, from its start to its 200
    paced_post_seconds: list[float]  # the same at a steady PACED_RATE, well below what the bot can do

    @property
    def per_second(self) -> float:
        return self.updates / self.answered_seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def _post_all(port: int, updates: list[dict[str, Any]], connections: int) -> list[float]:
    """POST every update, `connections` at a time, as Telegram does; each one's time to its 200."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for update in updates:
        queue.put_nowait(update)
    took: list[float] = []
    url = f"http://127.0.0.1:{port}/telegram"

    async def connection(http: aiohttp.ClientSession) -> None:
        while not queue.empty():
            update = queue.get_nowait()
            while True:  # Telegram sends again until it gets a 200
                began = time.perf_counter()
                async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as response:
                    await response.read()
                    if response.status == 200:
                        took.append(time.perf_counter() - began)
                        break
                await asyncio.sleep(0.01)

    limits = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=limits) as http:
        await asyncio.gather(*(connection(http) for _ in range(connections)))
    return took


async def _post_paced(port: int, updates: list[dict[str, Any]], rate: float) -> list[float]:
    """POST one update every 1/rate seconds (each on its own, as they come); each one's time to its 200."""
    took: list[float] = []
    url = f"http://127.0.0.1:{port}/telegram"
    async with aiohttp.ClientSession() as http:

        async def one(update: dict[str, Any]) -> None:
            began = time.perf_counter()
            async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as response:
                await response.read()
                assert response.status == 200
            took.append(time.perf_counter() - began)

        sending = []
        start = time.perf_counter()
        for n, update in enumerate(updates):
            await asyncio.sleep(max(start + n / rate - time.perf_counter(), 0))
            sending.append(asyncio.create_task(one(update)))
        await asyncio.gather(*sending)
    return took


async def webhook_once(database_url: str, updates: int, warmup: int, within: float) -> WebhookRun:
    async with FakeTelegram() as fake, Runtime(_webhook_settings(database_url, fake.base_url)) as runtime:
        await _until(lambda: runtime.leading and bool(fake.calls("setWebhook")), within)
        door = runtime.ops.side_door
        assert door is not None
        assert door.port is not None
        replies = Replies(fake)
        warm = [
            fake.user_message(i, "/start", first_name="Buur")
            for i in range(WARMUP_FIRST_ID, WARMUP_FIRST_ID + warmup)
        ]
        await _post_all(door.port, warm, CONNECTIONS)
        await replies.wait_for(warmup, within=within)
        await _until_inbox_done(runtime.db, warmup, within)
        # Telegram has the updates ready; building them is not the bot's work.
        measured = [
            fake.user_message(i, "/start", first_name="Buur")
            for i in range(MEASURED_FIRST_ID, MEASURED_FIRST_ID + updates)
        ]
        cpu, started = time.process_time(), time.perf_counter()
        post_seconds = await _post_all(door.port, measured, CONNECTIONS)
        await replies.wait_for(warmup + updates, within=within)
        answered = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu
        await _until_inbox_done(runtime.db, warmup + updates, within)
        paced = [
            fake.user_message(i, "/start", first_name="Buur")
            for i in range(PACED_FIRST_ID, PACED_FIRST_ID + max(updates // 4, 50))
        ]
        paced_seconds = await _post_paced(door.port, paced, PACED_RATE)
        if runtime.failure is not None:
            raise RuntimeError("a part of Buurtbot stopped by itself") from runtime.failure
    return WebhookRun(updates, answered, cpu_seconds, post_seconds, paced_seconds)


def _webhook_settings(database_url: str, api_base_url: str) -> Settings:
    """bench_settings, with the side door on a free port and the webhook instead of polling."""
    return Settings(
        _env_file=None,  # a .env in the working directory must not change what is measured
        token=TOKEN,
        database_url=database_url,
        api_base_url=api_base_url,
        default_language="nl",
        http_port=0,
        webhook_url=URL,
        webhook_secret=SECRET,
        webhook_max_connections=CONNECTIONS,
    )


async def compare(backend: str, *, updates: int, repeats: int, warmup: int) -> dict[str, Any]:
    within = 60 + updates / 10
    polling: list[Run] = []
    webhook: list[WebhookRun] = []
    async with databases(backend) as fresh:
        for repetition in range(1, repeats + 1):
            gc.collect()
            polling.append(await buurtbot_once(await fresh(), updates, warmup, within))
            gc.collect()
            webhook.append(await webhook_once(await fresh(), updates, warmup, within))
            posts = webhook[-1].post_seconds
            print(
                f"  {backend} run {repetition}/{repeats}: polling {polling[-1].per_second:.0f}/s, "
                f"webhook {webhook[-1].per_second:.0f}/s (POST to stored: "
                f"p50 {1000 * percentile(posts, 0.5):.1f} ms, p99 {1000 * percentile(posts, 0.99):.1f} ms)",
                flush=True,
            )
    all_posts = [seconds for run in webhook for seconds in run.post_seconds]
    all_paced = [seconds for run in webhook for seconds in run.paced_post_seconds]
    return {
        "database": backend,
        "updates": updates,
        "connections": CONNECTIONS,
        "polling_per_second": median([r.per_second for r in polling]),
        "webhook_per_second": median([r.per_second for r in webhook]),
        "polling_cpu_ms_per_update": median([1000 * r.cpu_seconds / r.updates for r in polling]),
        "webhook_cpu_ms_per_update": median([1000 * r.cpu_seconds / r.updates for r in webhook]),
        "post_to_stored_ms": {
            "p50": 1000 * percentile(all_posts, 0.5),
            "p99": 1000 * percentile(all_posts, 0.99),
            "max": 1000 * max(all_posts),
        },
        "paced_rate": PACED_RATE,
        "paced_post_to_stored_ms": {
            "p50": 1000 * percentile(all_paced, 0.5),
            "p99": 1000 * percentile(all_paced, 0.99),
            "max": 1000 * max(all_paced),
        },
        "runs": [
            {"polling": r.per_second, "webhook": w.per_second} for r, w in zip(polling, webhook, strict=True)
        ],
    }


def describe(result: dict[str, Any]) -> str:
    posts, paced = result["post_to_stored_ms"], result["paced_post_to_stored_ms"]
    return (
        f"{result['database']}: polling {result['polling_per_second']:.0f}/s "
        f"({result['polling_cpu_ms_per_update']:.1f} ms CPU per update), webhook "
        f"{result['webhook_per_second']:.0f}/s ({result['webhook_cpu_ms_per_update']:.1f} ms, "
        f"{result['connections']} connections); POST to stored in the burst: p50 {posts['p50']:.1f} ms, "
        f"p99 {posts['p99']:.1f} ms, max {posts['max']:.1f} ms; at a steady {result['paced_rate']}/s: "
        f"p50 {paced['p50']:.1f} ms, p99 {paced['p99']:.1f} ms, max {paced['max']:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--updates", type=int, default=2000, help="measured /start updates (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="repetitions; the median counts (default 3)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured updates first (default 20)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    quiet_logging()
    for backend in ["sqlite", "postgresql"] if args.database == "both" else [args.database]:
        if backend == "postgresql" and postgres_url() is None:
            print(POSTGRES_MISSING)
            continue
        sizes = {"updates": args.updates, "repeats": args.repeats, "warmup": args.warmup}
        print(describe(asyncio.run(compare(backend, **sizes))))


if __name__ == "__main__":
    main()
