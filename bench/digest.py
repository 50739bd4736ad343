"""The weekly digest: 5,000 linked groups in 2,000 buurten, all due at the same Monday 10:00.

    .venv/bin/python -m bench.digest --groups 5000 --buurten 2000 --database postgresql

How long do the job's sweeps take to gather, render and queue every group's digest, commit included
(goal: under 60 s on PostgreSQL)? Each buurt has 10 members (new this week), 3 open requests, 2 thank-you
notes and 1 activity. Every tenth buurt is busy: 30 open requests and 10 long thank-you notes, so that its
digest takes two messages, and one of its members chose /weekbericht (the digest in a private chat).
Delivery of all of it to a fake Telegram with its limits is bench/digest_delivery.py.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from bench.common import quiet_logging
from bench.databases import POSTGRES_MISSING, databases, postgres_url
from bot.db.database import Database
from bot.db.enums import RequestStatus
from bot.db.models import Activity, Buurt, BuurtGroup, HelpRequest, Member, OutboxMessage
from bot.services.common import bot_facts
from bot.services.digest import sending as digest

ZONE = ZoneInfo("Europe/Amsterdam")
MONDAY_TEN = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
GOAL_SECONDS = 60
MEMBERS, OPEN, THANKS = 10, 3, 2
BUSY_EVERY, BUSY_OPEN, BUSY_THANKS = 10, 30, 10  # every tenth buurt: a digest of two messages
LONG_THANKS = ("Dank je wel, wat fijn dat je zo snel kwam helpen! " * 7)[:300]  # the longest allowed
BOT_USERNAME = "buurtbot_test_bot"  # the fake's: every open request gets its button


async def run(backend: str, *, groups: int, buurten: int, busy_every: int) -> dict[str, Any]:
    async with databases(backend) as fresh:
        db = Database(await fresh())
        try:
            await scene(db, groups=groups, buurten=buurten, busy_every=busy_every)
            result = await build(db)
        finally:
            await db.dispose()
    return {"database": backend, "groups": groups, "buurten": buurten, "busy_every": busy_every, **result}


async def build(db: Database) -> dict[str, Any]:
    """The job's sweeps until nothing is due, timed; then what they queued."""
    began = time.perf_counter()
    batches = 0
    while True:
        async with db.begin() as session:
            sent = await digest.send_due(session, now=MONDAY_TEN, zone=ZONE)
        batches += 1
        if not sent.more:
            break
    seconds = time.perf_counter() - began
    async with db.begin() as session:
        digests = OutboxMessage.dedupe_key.like("digest:%")
        groups_queued = await session.scalar(
            select(func.count(func.distinct(OutboxMessage.chat_id))).where(digests, OutboxMessage.chat_id < 0)
        )
        members_queued = await session.scalar(
            select(func.count(func.distinct(OutboxMessage.chat_id))).where(digests, OutboxMessage.chat_id > 0)
        )
        messages = await session.scalar(select(func.count()).select_from(OutboxMessage).where(digests))
    return {
        "groups_with_digest": int(groups_queued or 0),
        "members_with_digest": int(members_queued or 0),
        "messages_queued": int(messages or 0),
        "batches": batches,
        "seconds": seconds,
        "goal_seconds": GOAL_SECONDS,
    }


async def scene(db: Database, *, groups: int, buurten: int, busy_every: int = BUSY_EVERY) -> None:
    """Written in bulk, not measured. `busy_every` 0: no busy buurten (the scene before 2026-11-25)."""
    week_ago = MONDAY_TEN - timedelta(days=3)
    async with db.begin() as session:
        await bot_facts.remember(session, bot_facts.USERNAME, BOT_USERNAME, week_ago)
        await session.execute(
            insert(Buurt),
            [{"name": f"Buurt {n}", "join_policy": "open", "created_at": week_ago} for n in range(buurten)],
        )
        buurt_ids = list((await session.scalars(select(Buurt.id).order_by(Buurt.id))).all())
        await session.execute(
            insert(BuurtGroup),
            [
                {
                    "chat_id": -1_000_000 - n,
                    "buurt_id": buurt_ids[n % buurten],
                    "language": "nl",
                    "linked_at": week_ago,
                }
                for n in range(groups)
            ],
        )
        for start in range(0, buurten * MEMBERS, 5000):
            await session.execute(
                insert(Member),
                [
                    {
                        "telegram_user_id": 400_000_000 + n,
                        "language": "nl",
                        "joined_at": week_ago,
                        "buurt_id": buurt_ids[n % buurten],
                        "membership": "active",
                        "display_name": f"Buur{n}",
                        "consent_at": week_ago,
                        # One member of each busy buurt (its first) chose the digest in a private chat.
                        "weekly_digest": _busy(n, busy_every) and n < buurten,
                    }
                    for n in range(start, min(start + 5000, buurten * MEMBERS))
                ],
            )
        members = (await session.execute(select(Member.id, Member.buurt_id))).all()
        first_of = {buurt_id: member_id for member_id, buurt_id in reversed(members)}
        rows = []
        for index, buurt_id in enumerate(buurt_ids):
            busy = _busy(index, busy_every)
            open_requests, thanks = (BUSY_OPEN, BUSY_THANKS) if busy else (OPEN, THANKS)
            for n in range(open_requests + thanks):
                done = n >= open_requests
                rows.append(
                    {
                        "buurt_id": buurt_id,
                        "requester_id": first_of[buurt_id],
                        "category": "boodschappen",
                        "text": "Melk en brood",
                        "when": "week",
                        "status": RequestStatus.DONE if done else RequestStatus.OPEN,
                        "round": 0,
                        "created_at": week_ago,
                        "closed_at": week_ago if done else None,
                        "expires_at": MONDAY_TEN + timedelta(days=10),
                        "thanks": (LONG_THANKS if busy else "Dank je wel, wat fijn!") if done else None,
                        "thanks_public": done,
                    }
                )
        for start in range(0, len(rows), 5000):
            await session.execute(insert(HelpRequest), rows[start : start + 5000])
        await session.execute(
            insert(Activity),
            [
                {
                    "buurt_id": buurt_id,
                    "organiser_telegram_id": 1,
                    "title": "Koffieochtend",
                    "starts_at": MONDAY_TEN + timedelta(days=2),
                    "place": "Buurthuis",
                    "text": "",
                    "created_at": week_ago,
                }
                for buurt_id in buurt_ids
            ],
        )


def _busy(buurt_index: int, busy_every: int) -> bool:
    return busy_every > 0 and buurt_index % busy_every == 0


def describe(result: dict[str, Any]) -> str:
    return (
        f"{result['database']}: {result['groups_with_digest']} of {result['groups']} groups in "
        f"{result['buurten']} buurten (and {result['members_with_digest']} members) got their digest "
        f"queued in {result['seconds']:.1f} s: {result['messages_queued']} messages, "
        f"{result['batches']} batches; goal under {result['goal_seconds']} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--groups", type=int, default=5000)
    parser.add_argument("--buurten", type=int, default=2000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="postgresql")
    parser.add_argument(
        "--busy-every", type=int, default=BUSY_EVERY, help="every Nth buurt is busy; 0 for none (10)"
    )
    args = parser.parse_args()
    quiet_logging()
    for backend in ["sqlite", "postgresql"] if args.database == "both" else [args.database]:
        if backend == "postgresql" and postgres_url() is None:
            print(POSTGRES_MISSING)
            continue
        scale = {"groups": args.groups, "buurten": args.buurten, "busy_every": args.busy_every}
        result = asyncio.run(run(backend, **scale))
        print(describe(result), flush=True)


if __name__ == "__main__":
    main()
