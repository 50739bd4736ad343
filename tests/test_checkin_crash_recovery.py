"""The real `buurtbot run` process, killed with SIGKILL in the middle of check-ins and escalations.

After a restart every due check-in and every due ladder step has happened exactly once in the database,
and every message reached its person (at worst twice: killed between sending and recording it).
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from bot.clock import SystemClock
from bot.db.database import Database
from bot.db.enums import CheckinStatus, ContactStatus, Frequency
from bot.db.models import Checkin, CheckinAlert, CheckinContact, CheckinPlan
from bot.services.buurten import buurten
from bot.services.checkins import plans
from bot.services.people import membership
from tests.buttons import TEST_TOKEN
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.services.checkin_helpers import AMSTERDAM, resident
from tests.test_crash_recovery import processes, start_bot  # noqa: F401 (the fixture, and how to start)

ESCALATING = range(7001, 7021)  # each has a check-in from hours ago; their contact is asked now
CONTACTS = range(7101, 7121)
DUE = range(7201, 7221)  # each has a check-in due in the next seconds
SPREAD = 0.25  # seconds between one person's moment and the next


async def setting_up(db: Database, moment: FakeClock, telegram: FakeTelegram) -> None:
    """The setup's own clock stands still at the real 'now'; the bot process runs on the real clock."""
    async with db.begin() as session:
        buurt = await buurten.add_buurt(session, "Oost", ["1234"], "open", now=moment.now())
    for user_id in (*ESCALATING, *CONTACTS, *DUE):
        await resident(db, moment, buurt, user_id, f"Buur{user_id}")
        telegram.user_started(user_id, first_name=f"Buur{user_id}")  # residents have talked to the bot
    t0 = moment.now() + timedelta(seconds=4)  # the process needs a moment to start
    for index, user_id in enumerate((*ESCALATING, *DUE)):
        async with db.begin() as session:
            await plans.start(
                session,
                user_id,
                frequency=Frequency.DAILY,
                slot=plans.slot_for("morning"),
                now=moment.now(),
                zone=AMSTERDAM,
            )
            member = await membership.find(session, user_id)
            assert member is not None
            at = t0 + timedelta(seconds=(index % len(DUE)) * SPREAD)
            await session.execute(
                update(CheckinPlan)
                .where(CheckinPlan.member_id == member.id)
                # No quiet hours: the test runs whatever the time of day.
                .values(quiet_start_minute=0, quiet_end_minute=0)
            )
            if user_id in DUE:
                await session.execute(
                    update(CheckinPlan).where(CheckinPlan.member_id == member.id).values(next_due_at=at)
                )
                continue
            contact = await membership.find(session, CONTACTS[index])
            assert contact is not None
            session.add(
                CheckinContact(
                    member_id=member.id,
                    contact_id=contact.id,
                    status=ContactStatus.ACCEPTED,
                    asked_at=moment.now(),
                    accepted_at=moment.now(),
                )
            )
            # Reminded an hour ago; the first contact is due at `at`.
            session.add(
                Checkin(
                    member_id=member.id,
                    due_at=at - timedelta(hours=3),
                    sent_at=at - timedelta(hours=3),
                    status=CheckinStatus.OPEN,
                    step=1,
                    next_step_at=at,
                )
            )


def received(telegram: FakeTelegram, people: range) -> Counter[int]:
    return Counter(
        r.params["chat_id"] for r in telegram.calls("sendMessage") if r.params["chat_id"] in people
    )


async def test_sigkill_mid_escalation_then_restart_neither_loses_nor_repeats_a_step(
    database_url: str,
    db: Database,
    telegram: FakeTelegram,
    tmp_path: Path,
    processes: list[asyncio.subprocess.Process],  # noqa: F811 (the fixture imported above)
) -> None:
    started = SystemClock().now()
    await setting_up(db, FakeClock(started), telegram)
    log = tmp_path / "bot.log"
    # start_bot leaves BUURTBOT_* of the environment out; the bot also reads a .env in its directory.
    (tmp_path / ".env").write_text("BUURTBOT_CHECKIN_SWEEP_SECONDS=1\n")
    first = await start_bot(database_url, telegram, log, processes)
    await telegram.wait_for(
        lambda: len(received(telegram, CONTACTS)) + len(received(telegram, DUE)) >= 8, timeout=60
    )
    first.send_signal(signal.SIGKILL)
    assert await first.wait() == -signal.SIGKILL
    seen = len(received(telegram, CONTACTS)) + len(received(telegram, DUE))
    assert seen < len(CONTACTS) + len(DUE), "the kill should land in the middle"

    second = await start_bot(database_url, telegram, log, processes)
    await telegram.wait_for(
        lambda: (
            set(received(telegram, CONTACTS)) == set(CONTACTS) and set(received(telegram, DUE)) == set(DUE)
        ),
        timeout=90,
    )
    second.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(second.wait(), 30) == 0

    async with db.begin() as session:
        alerts = int(await session.scalar(select(func.count()).select_from(CheckinAlert)) or 0)
        steps = Counter((await session.scalars(select(Checkin.step).where(Checkin.due_at < started))).all())
        sent = int(
            await session.scalar(select(func.count()).select_from(Checkin).where(Checkin.step == 0)) or 0
        )
    assert alerts == len(CONTACTS)  # every first contact asked, once
    assert steps == {2: len(ESCALATING)}
    assert sent == len(DUE)  # every due check-in created once
    assert max(received(telegram, CONTACTS).values()) <= 2
    assert max(received(telegram, DUE).values()) <= 2
    assert TEST_TOKEN not in log.read_text()
