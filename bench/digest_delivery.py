"""The weekly digest end to end: 5,000 linked groups in 2,000 buurten built, queued and delivered.

    .venv/bin/python -m bench.digest_delivery --groups 5000 --buurten 2000 --database both

The scene and the timed build are bench/digest.py's (every tenth buurt's digest takes two messages, and
one member there gets it in a private chat). Then the real sender with its default limits delivers every
queued message to a fake Bot API that enforces all three of Telegram's limits on the real monotonic
clock: 30 messages in any one second, 1 a second in a private chat, 20 a minute in a group; beyond them
it answers 429. Goal: no 429, none lost, none twice, at least 28 delivered per second.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bench import digest as digest_bench
from bench.common import bench_settings, quiet_logging, source_version
from bench.databases import POSTGRES_MISSING, databases, postgres_url
from bench.outbox import FLOOD_LIMIT, GOAL_PER_SECOND, _most_in_any_window, _statuses, every_row_sent
from bot.clock import SystemClock
from bot.db.database import Database
from bot.db.models import OutboxMessage
from bot.delivery.bot_api import delivery_bot
from bot.delivery.sender import Sender
from tests.fakes.telegram_server import ChatLimits, FakeTelegram


class MondayClock(SystemClock):
    """The real clock, moved to the Monday the digests were built for: their rows are due then."""

    def __init__(self) -> None:
        self._offset = digest_bench.MONDAY_TEN - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


class Arrivals:
    """Successful sendMessage requests as the fake saw them, read once each (as bench/replies.py)."""

    def __init__(self, fake: FakeTelegram) -> None:
        self._fake = fake
        self._read = 0
        self.times: list[float] = []
        self.per_chat: defaultdict[int, list[tuple[float, str]]] = defaultdict(list)

    def count(self) -> int:
        requests = self._fake.requests
        while self._read < len(requests):
            request = requests[self._read]
            if request.method == "sendMessage":
                if request.status == 0:  # still being answered: read again next time
                    break
                if request.ok:
                    chat_id = int(request.params["chat_id"])
                    self.per_chat[chat_id].append((request.at, str(request.params["text"])))
                    self.times.append(request.at)
            self._read += 1
        return len(self.times)


async def run(backend: str, *, groups: int, buurten: int) -> dict[str, Any]:
    async with databases(backend) as fresh, FakeTelegram(bot_username=digest_bench.BOT_USERNAME) as fake:
        database_url = await fresh()
        fake.flood_limit = FLOOD_LIMIT
        fake.chat_limits = ChatLimits()
        db = Database(database_url)
        bot = delivery_bot(bench_settings(database_url, fake.base_url))
        await bot.initialize()
        try:
            await digest_bench.scene(db, groups=groups, buurten=buurten)
            built = await digest_bench.build(db)
            expected = await _queued(db)
            for chat_id in expected:  # the bot is in every linked group; members opened a chat with it
                if chat_id < 0:
                    fake.bot_in_group(chat_id, chat_type="supergroup")
                else:
                    fake.user_started(chat_id)
            messages = sum(len(texts) for texts in expected.values())
            arrivals = Arrivals(fake)
            sender = Sender(bot, db, MondayClock())
            started = time.perf_counter()
            task = asyncio.create_task(sender.run(), name="sender")
            deadline = started + 30 + 3 * messages / GOAL_PER_SECOND  # slower than a third: stuck
            all_sent = await _until_all_sent(fake, arrivals, db, messages, deadline)
            wall = time.perf_counter() - started
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await sender.stop()
            arrivals.count()
            statuses = await _statuses(db)
        finally:
            await bot.shutdown()
            await db.dispose()
    return {
        "database": backend,
        "groups": groups,
        "buurten": buurten,
        "commit": source_version(),
        "build": built,
        **_delivery(arrivals, expected, statuses, fake, wall, all_sent),
    }


async def _queued(db: Database) -> dict[int, list[str]]:
    """Every chat's digest texts, in the order of their parts."""
    async with db.begin() as session:
        rows = await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.payload)
            .where(OutboxMessage.dedupe_key.like("digest:%"))
            .order_by(OutboxMessage.id)
        )
        expected: defaultdict[int, list[str]] = defaultdict(list)
        for chat_id, payload in rows.all():
            expected[chat_id].append(str(payload["text"]))
        return dict(expected)


async def _until_all_sent(
    fake: FakeTelegram, arrivals: Arrivals, db: Database, messages: int, deadline: float
) -> bool:
    try:
        await fake.wait_for(
            lambda: arrivals.count() >= messages, timeout=max(deadline - time.perf_counter(), 0.0)
        )
    except AssertionError:  # wait_for's way to say "not in time"
        return False
    return await every_row_sent(db, messages, deadline)


def _delivery(
    arrivals: Arrivals,
    expected: dict[int, list[str]],
    statuses: dict[str, int],
    fake: FakeTelegram,
    wall: float,
    all_sent: bool,
) -> dict[str, Any]:
    messages = sum(len(texts) for texts in expected.values())
    times = sorted(arrivals.times)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    groups = [chat for chat in expected if chat < 0]
    private = [chat for chat in expected if chat > 0]

    def arrived(chat: int) -> list[tuple[float, str]]:
        return sorted(arrivals.per_chat.get(chat, []))

    def got(chat: int) -> Counter[str]:
        return Counter(text for _, text in arrived(chat))

    def incomplete(chats: list[int]) -> int:
        return sum(1 for chat in chats if any(got(chat)[text] < 1 for text in expected[chat]))

    def twice(chats: list[int]) -> int:
        return sum(1 for chat in chats if any(n > 1 for n in got(chat).values()))

    def most_in(chats: list[int], seconds: float) -> int:
        return max(
            (_most_in_any_window([at for at, _ in arrived(chat)], seconds) for chat in chats),
            default=0,
        )

    return {
        "messages_queued": messages,
        "messages_arrived": len(times),
        "delivered_per_second": messages / span,  # as the fake saw them arrive
        "wall_seconds": wall,  # sender start until every row is `sent` in the database
        "peak_in_one_second": _most_in_any_window(times, 1.0),
        "most_to_one_group_in_a_minute": most_in(groups, 60.0),
        "most_to_one_private_chat_in_a_second": most_in(private, 1.0),
        "rejections_429": fake.flood_rejections + fake.chat_rejections,
        "rejections_429_flood": fake.flood_rejections,
        "rejections_429_chat": fake.chat_rejections,
        "rows_not_sent": messages - statuses.get("sent", 0),
        "groups_without_their_digest": incomplete(groups),
        "members_without_their_digest": incomplete(private),
        "groups_with_a_part_twice": twice(groups),
        "members_with_a_part_twice": twice(private),
        "parts_out_of_order": sum(
            1 for chat, texts in expected.items() if [text for _, text in arrived(chat)] != texts
        ),
        "statuses": statuses,
        "finished_in_time": all_sent,
        "goal_per_second": GOAL_PER_SECOND,
    }


def describe(result: dict[str, Any]) -> str:
    built = result["build"]
    return (
        f"{result['database']}: built {built['groups_with_digest']} group and {built['members_with_digest']} "
        f"member digests in {built['seconds']:.1f} s; {result['messages_queued']} messages, "
        f"{result['delivered_per_second']:.1f} delivered/s at the fake "
        f"({result['wall_seconds']:.0f} s wall), "
        f"peak {result['peak_in_one_second']} in one second, at most "
        f"{result['most_to_one_group_in_a_minute']} to one group in a minute and "
        f"{result['most_to_one_private_chat_in_a_second']} to one private chat in a second, "
        f"{result['rejections_429']} × 429 ({result['rejections_429_flood']} overall, "
        f"{result['rejections_429_chat']} per chat), lost {result['rows_not_sent']} rows / "
        f"{result['groups_without_their_digest']} groups / {result['members_without_their_digest']} members, "
        f"twice {result['groups_with_a_part_twice']} groups / {result['members_with_a_part_twice']} members, "
        f"{result['parts_out_of_order']} out of order"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--groups", type=int, default=5000)
    parser.add_argument("--buurten", type=int, default=2000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    quiet_logging()
    print(f"started {datetime.now(UTC).isoformat(timespec='seconds')}", flush=True)
    for backend in ["sqlite", "postgresql"] if args.database == "both" else [args.database]:
        if backend == "postgresql" and postgres_url() is None:
            print(POSTGRES_MISSING)
            continue
        print(describe(asyncio.run(run(backend, groups=args.groups, buurten=args.buurten))), flush=True)


if __name__ == "__main__":
    main()
