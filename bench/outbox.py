"""Outbox delivery: many queued notifications, each to its own private chat, under Telegram's flood limit.

    .venv/bin/python -m bench.outbox --messages 3000 --database sqlite

The fake server answers 429 once more than 30 messages arrive within one second (on the real monotonic
clock); the sender runs with its default settings and limits. Goal: at least 28 delivered per second,
no 429, nothing lost, nothing sent twice.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from sqlalchemy import func, select

from bench.common import bench_settings, quiet_logging
from bench.databases import POSTGRES_MISSING, databases, postgres_url
from bench.replies import Replies
from bot.clock import SystemClock
from bot.db.database import Database
from bot.db.models import OutboxMessage
from bot.delivery import outbox
from bot.delivery.bot_api import delivery_bot
from bot.delivery.sender import Sender
from tests.fakes.telegram_server import FakeTelegram

FLOOD_LIMIT = 30  # messages in any one second, as Telegram documents for bots
GOAL_PER_SECOND = 28
FIRST_CHAT_ID = 200_000_000
TEXT = "Een buur vraagt om hulp"


async def deliver(backend: str, *, messages: int) -> dict[str, Any]:
    chats = range(FIRST_CHAT_ID, FIRST_CHAT_ID + messages)
    async with databases(backend) as fresh, FakeTelegram() as fake:
        database_url = await fresh()
        fake.flood_limit = FLOOD_LIMIT
        for chat in chats:  # each of them opened a private chat with the bot before
            fake.user_started(chat)
        db = Database(database_url)
        bot = delivery_bot(bench_settings(database_url, fake.base_url))
        await bot.initialize()
        try:
            await _enqueue(db, chats)
            replies = Replies(fake)
            sender = Sender(bot, db, SystemClock())
            started = time.perf_counter()
            task = asyncio.create_task(sender.run(), name="sender")
            # Anything slower than a third of the goal counts as stuck; what arrived by then is reported.
            deadline = started + 30 + 3 * messages / GOAL_PER_SECOND
            all_sent = await _until_all_sent(replies, db, messages, deadline)
            wall = time.perf_counter() - started
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await sender.stop()
            statuses = await _statuses(db)
        finally:
            await bot.shutdown()
            await db.dispose()
    return _report(backend, messages, replies, statuses, fake.flood_rejections, wall, all_sent, chats)


async def _enqueue(db: Database, chats: range) -> None:
    async with db.begin() as session:  # one transaction, like a broadcast to a whole buurt
        now = SystemClock().now()
        for chat_id in chats:
            await outbox.enqueue(session, chat_id=chat_id, now=now, payload={"text": TEXT})


async def _until_all_sent(replies: Replies, db: Database, messages: int, deadline: float) -> bool:
    """Whether every message reached the fake and every row is `sent` before `deadline` (perf_counter)."""
    try:
        await replies.wait_for(messages, within=max(deadline - time.perf_counter(), 0.0))
    except AssertionError:  # wait_for's way to say "not in time"
        return False
    return await every_row_sent(db, messages, deadline)


async def every_row_sent(db: Database, messages: int, deadline: float) -> bool:
    """Whether all `messages` outbox rows are `sent` before `deadline` (perf_counter).

    The sender writes results in batches, a moment after Telegram's answers.
    """
    while time.perf_counter() < deadline:
        if (await _statuses(db)).get("sent", 0) == messages:
            return True
        await asyncio.sleep(0.05)
    return False


async def _statuses(db: Database) -> dict[str, int]:
    async with db.begin() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {status: int(count) for status, count in rows.all()}


def _report(
    backend: str,
    messages: int,
    replies: Replies,
    statuses: dict[str, int],
    rejections: int,
    wall: float,
    all_sent: bool,
    chats: range,
) -> dict[str, Any]:
    replies.count()
    times = sorted(replies.times)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    return {
        "database": backend,
        "messages": messages,
        "delivered_per_second": messages / span,  # as the fake server saw them arrive
        "wall_seconds": wall,  # sender start until every row is `sent` in the database
        "wall_per_second": messages / wall,
        "peak_in_one_second": _most_in_any_window(times, 1.0),
        "rejections_429": rejections,
        "rows_not_sent": messages - statuses.get("sent", 0),
        "chats_without_message": sum(1 for chat in chats if chat not in replies.per_chat),
        "duplicates": replies.duplicates,
        "statuses": statuses,
        "finished_in_time": all_sent,
        "goal_per_second": GOAL_PER_SECOND,
    }


def _most_in_any_window(times: list[float], seconds: float) -> int:
    """The most arrivals within any `seconds` long window (times sorted)."""
    most, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= seconds:
            first += 1
        most = max(most, last - first + 1)
    return most


def describe(result: dict[str, Any]) -> str:
    return (
        f"{result['database']}: {result['delivered_per_second']:.1f} delivered/s at the fake "
        f"({result['wall_seconds']:.0f} s wall, {result['wall_per_second']:.1f}/s), "
        f"peak {result['peak_in_one_second']} in one second, {result['rejections_429']} × 429, "
        f"lost {result['rows_not_sent']} rows / {result['chats_without_message']} chats, "
        f"{result['duplicates']} duplicates"
    )


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--messages", type=int, default=3000, help="queued notifications (default 3000)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_options(parser)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    quiet_logging()
    for backend in ["sqlite", "postgresql"] if args.database == "both" else [args.database]:
        if backend == "postgresql" and postgres_url() is None:
            print(POSTGRES_MISSING)
            continue
        print(describe(asyncio.run(deliver(backend, messages=args.messages))))


if __name__ == "__main__":
    main()
