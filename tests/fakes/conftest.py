"""Fixtures for the fake's own tests: a started fake Bot API and a bare HTTP client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.fakes.api_client import ANNA, BRAM, BUURTGROEP, BotApiClient
from tests.fakes.telegram_server import FakeTelegram


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """Anna and Bram have started the bot, and the bot is in the buurtgroep."""
    async with FakeTelegram() as server:
        server.user_started(ANNA, first_name="Anna")
        server.user_started(BRAM, first_name="Bram")
        server.bot_in_group(BUURTGROEP)
        yield server


@pytest.fixture
async def api(fake: FakeTelegram) -> AsyncIterator[BotApiClient]:
    async with aiohttp.ClientSession() as session:
        yield BotApiClient(session, fake.base_url)
