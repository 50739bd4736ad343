"""Check-ins: 10,000 members whose check-in is due in the same minute.

    .venv/bin/python -m bench.checkins --members 10000 --database postgresql

Two questions. (1) The sweep that finds due check-ins, claims them and queues their messages: how long
does one batch of 100 take, commit included (goal: under 50 ms on PostgreSQL)? (2) Delivery of all those
check-ins by the real sender against a fake Bot API that answers 429 once more than 30 messages arrive
within one second (as bench/outbox.py): at least 28 per second, no 429, none lost, none twice.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from bench.common import bench_settings, quiet_logging
from bench.databases import POSTGRES_MISSING, databases, postgres_url
from bench.outbox import FLOOD_LIMIT, GOAL_PER_SECOND, _report, _statuses, _until_all_sent
from bench.replies import Replies
from bot.clock import SystemClock
from bot.db.database import Database
from bot.db.enums import Frequency
from bot.db.models import Buurt, Checkin, CheckinPlan, Member
from bot.delivery.bot_api import delivery_bot
from bot.delivery.sender import Sender
from bot.services.checkins import sending
from tests.fakes.telegram_server import FakeTelegram

FIRST_USER_ID = 300_000_000
SWEEP_GOAL_MS = 50
ZONE = ZoneInfo("Europe/Amsterdam")


async def run(backend: str, *, members: int) -> dict[str, Any]:
    chats = range(FIRST_USER_ID, FIRST_USER_ID + members)
    async with databases(backend) as fresh, FakeTelegram() as fake:
        database_url = await fresh()
        fake.flood_limit = FLOOD_LIMIT
        for chat in chats:  # everyone opened a private chat with the bot when they joined
            fake.user_started(chat)
        db = Database(database_url)
        bot = delivery_bot(bench_settings(database_url, fake.base_url))
        await bot.initialize()
        try:
            now = SystemClock().now()
            await _members_due(db, chats, due=now - timedelta(seconds=30))
            batches = await _sweep(db, now=now)
            checkins = await _count(db, Checkin)
            replies = Replies(fake)
            sender = Sender(bot, db, SystemClock())
            started = time.perf_counter()
            task = asyncio.create_task(sender.run(), name="sender")
            deadline = started + 30 + 3 * members / GOAL_PER_SECOND
            all_sent = await _until_all_sent(replies, db, members, deadline)
            wall = time.perf_counter() - started
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await sender.stop()
            statuses = await _statuses(db)
        finally:
            await bot.shutdown()
            await db.dispose()
    result = _report(backend, members, replies, statuses, fake.flood_rejections, wall, all_sent, chats)
    ms = sorted(batches)
    result.update(
        checkins_created=checkins,
        sweep_batches=len(ms),
        sweep_batch_ms_median=statistics.median(ms),
        sweep_batch_ms_p95=ms[int(0.95 * (len(ms) - 1))],
        sweep_batch_ms_max=ms[-1],
        sweep_goal_ms=SWEEP_GOAL_MS,
    )
    return result


async def _members_due(db: Database, chats: range, *, due: datetime) -> None:
    """Members and their plans, written in bulk (not measured): every check-in due in the same minute."""
    async with db.begin() as session:
        buurt = Buurt(name="Bench", join_policy="open", created_at=due)
        session.add(buurt)
        await session.flush()
        for start in range(0, len(chats), 1000):
            await session.execute(
                insert(Member),
                [
                    {
                        "telegram_user_id": user_id,
                        "language": "nl",
                        "joined_at": due,
                        "buurt_id": buurt.id,
                        "membership": "active",
                        "display_name": f"Buur{user_id}",
                        "consent_at": due,
                    }
                    for user_id in chats[start : start + 1000]
                ],
            )
        ids = (await session.scalars(select(Member.id))).all()
        for start in range(0, len(ids), 1000):
            await session.execute(
                insert(CheckinPlan),
                [
                    {
                        "member_id": member_id,
                        "frequency": Frequency.DAILY,
                        "weekday": 0,
                        "at_minute": 10 * 60,
                        "window_minutes": 120,
                        # No quiet hours: the benchmark runs whatever the time of day.
                        "quiet_start_minute": 0,
                        "quiet_end_minute": 0,
                        "reminder_after_minutes": 60,
                        "first_alert_after_minutes": 180,
                        "next_alert_after_minutes": 360,
                        "next_due_at": due,
                        "created_at": due,
                    }
                    for member_id in ids[start : start + 1000]
                ],
            )


async def _sweep(db: Database, *, now: datetime) -> list[float]:
    """The job's loop, one transaction per batch of 100, each timed from BEGIN to COMMIT (ms)."""
    timings = []
    while True:
        began = time.perf_counter()
        async with db.begin() as session:
            claimed = await sending.send_due(session, now=now, zone=ZONE, batch=sending.BATCH)
        if claimed:
            timings.append((time.perf_counter() - began) * 1000)
        if claimed < sending.BATCH:
            return timings


async def _count(db: Database, model: Any) -> int:
    async with db.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def describe(result: dict[str, Any]) -> str:
    return (
        f"{result['database']}: sweep {result['sweep_batches']} batches of 100, median "
        f"{result['sweep_batch_ms_median']:.1f} ms, p95 {result['sweep_batch_ms_p95']:.1f} ms, max "
        f"{result['sweep_batch_ms_max']:.1f} ms; {result['checkins_created']} check-ins; "
        f"{result['delivered_per_second']:.1f} delivered/s ({result['wall_seconds']:.0f} s wall), "
        f"peak {result['peak_in_one_second']} in one second, {result['rejections_429']} × 429, "
        f"lost {result['rows_not_sent']} rows / {result['chats_without_message']} chats, "
        f"{result['duplicates']} duplicates"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=10_000, help="members with a check-in due (10000)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    quiet_logging()
    print(f"started {datetime.now(UTC).isoformat(timespec='seconds')}", flush=True)
    for backend in ["sqlite", "postgresql"] if args.database == "both" else [args.database]:
        if backend == "postgresql" and postgres_url() is None:
            print(POSTGRES_MISSING)
            continue
        print(describe(asyncio.run(run(backend, members=args.members))), flush=True)


if __name__ == "__main__":
    main()
