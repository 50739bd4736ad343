"""Fixtures for the fake's own tests: a started fake Bot API and a bare HTTP client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.fakes.api_client import BotApiClient
from tests.fakes.telegram_server import FakeTelegram


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def api(fake: FakeTelegram) -> AsyncIterator[BotApiClient]:
    async with aiohttp.ClientSession() as session:
        yield BotApiClient(session, fake.base_url)
