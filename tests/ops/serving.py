"""A bot with its HTTP side door open on a free loopback port, and a small client for it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.runtime import Runtime
from tests.conftest import make_settings
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram

OPERATOR = 4711  # BUURTBOT_ADMIN_IDS of these tests


def side_door_url(runtime: Runtime, path: str = "") -> str:
    door = runtime.ops.side_door
    assert door is not None and door.port is not None, "the side door is not open"
    return f"http://127.0.0.1:{door.port}{path}"


@contextlib.asynccontextmanager
async def serving(
    database_url: str, telegram: FakeTelegram, clock: FakeClock, **settings: Any
) -> AsyncIterator[Runtime]:
    """A started bot with the side door on a free port (`http_port=0`); stopped afterwards."""
    options: dict[str, Any] = {"http_port": 0, "admin_ids": str(OPERATOR), **settings}
    for operator in str(options["admin_ids"]).split(","):  # operators have talked to the bot before
        telegram.user_started(int(operator), first_name="Olga")
    runtime_options = {key: options.pop(key) for key in ("lease_ttl", "sender_settings") if key in options}
    runtime = Runtime(
        make_settings(database_url, telegram.base_url, **options), clock=clock, **runtime_options
    )
    try:
        await runtime.start()
        yield runtime
    finally:
        await runtime.stop()


async def get(runtime: Runtime, path: str) -> tuple[int, Any, Mapping[str, str]]:
    """GET a side door path: (status, JSON or text, headers)."""
    async with aiohttp.ClientSession() as http, http.get(side_door_url(runtime, path)) as response:
        body: Any = (
            await response.json() if response.content_type == "application/json" else await response.text()
        )
        return response.status, body, dict(response.headers)


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(runtime: Runtime) -> tuple[Samples, dict[str, str], str]:
    """(value of each sample by name and labels, type of each family, content type)."""
    async with aiohttp.ClientSession() as http, http.get(side_door_url(runtime, "/metrics")) as response:
        assert response.status == 200
        page = await response.text()
        content_type = response.headers["Content-Type"]
    samples: Samples = {}
    types: dict[str, str] = {}
    for family in text_string_to_metric_families(page):
        types[family.name] = family.type
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples, types, content_type


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def scraped(runtime: Runtime, name: str, expected: float, **labels: str) -> Samples:
    """Scrape until the sample has the expected value (a job's run is counted just after it), in a
    scrape whose questions the database answered: on a busy machine one may take longer than the
    side door waits (METRICS_WITHIN_SECONDS), and that scrape rightly shows only what the process knows."""
    for _ in range(500):
        samples, _, _ = await scrape(runtime)
        if value(samples, name, **labels) == expected and value(samples, "buurtbot_database_up") == 1:
            return samples
        await asyncio.sleep(0.02)
    raise AssertionError(f"{name}{labels} never became {expected}")
