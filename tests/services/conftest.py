"""A buurt to join, for the service tests."""

from __future__ import annotations

import pytest

from bot.db.database import Database
from bot.db.models import Buurt
from bot.services.buurten import buurten
from tests.fakes.clock import FakeClock


@pytest.fixture
async def oost(db: Database, clock: FakeClock) -> Buurt:
    async with db.begin() as session:
        return await buurten.add_buurt(session, "Oost", ["1234", "1235"], "open", now=clock.now())
