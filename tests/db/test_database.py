"""The Database: one transaction per begin(), and connections that go back to the pool clean."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Lease


async def test_a_transaction_cut_off_half_way_is_rolled_back_before_its_connection_is_used_again(
    db: Database,
) -> None:
    if not db.is_sqlite:
        pytest.skip("on PostgreSQL the pool's own reset does this")
    async with db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        # Past SQLAlchemy's back, as when a task is cancelled in the middle of its work.
        await driver.execute("BEGIN IMMEDIATE")
        await driver.execute(
            "INSERT INTO leases (name, holder, expires_at) VALUES ('worker', 'x', '2026-01-01 00:00:00')"
        )

    async with db.begin() as session:  # the same pooled connection; BEGIN would fail inside a transaction
        assert await session.scalar(select(func.count()).select_from(Lease)) == 0
