"""The sender delivers the outbox within Telegram's limits and deals with every kind of answer."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import OutboxMessage, TelegramChat
from bot.delivery import chats, outbox
from bot.delivery.bot_api import DeliveryBot, delivery_bot
from bot.delivery.sender import Sender, SenderSettings
from tests.conftest import make_settings
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import ChatLimits, FakeTelegram
from tests.waiting import eventually


class Outbox:
    """The test's side of the outbox: queue messages, then look at what became of them."""

    def __init__(self, db: Database, clock: FakeClock, sender: Sender, telegram: FakeTelegram) -> None:
        self.db, self.clock, self.sender, self.telegram = db, clock, sender, telegram

    async def queue(self, chat_ids: Iterable[int], text: str = "Een buur vraagt om hulp") -> None:
        async with self.db.begin() as session:
            for chat_id in chat_ids:
                self.talked_with(chat_id)
                await outbox.enqueue(session, chat_id=chat_id, now=self.clock.now(), payload={"text": text})
        self.sender.wake()

    def talked_with(self, chat_id: int) -> None:
        """Whom the bot writes to has started it, or has the bot in their group, as in real life."""
        if chat_id > 0:
            self.telegram.user_started(chat_id)
        else:
            self.telegram.bot_in_group(chat_id)

    async def rows(self) -> list[OutboxMessage]:
        async with self.db.begin() as session:
            return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())

    async def statuses(self) -> Counter[str]:
        return Counter(row.status for row in await self.rows())

    async def settle(self, expected: dict[str, int]) -> None:
        try:
            await eventually(lambda: self._has(expected))
        except AssertionError:
            raise AssertionError(f"outbox is {dict(await self.statuses())}, expected {expected}") from None

    async def _has(self, expected: dict[str, int]) -> bool:
        return dict(await self.statuses()) == expected


@pytest.fixture
def sender_settings() -> SenderSettings:
    # One request at a time: with a clock that jumps instead of waiting, parallel requests would all
    # reach the server at the same fake moment. The benchmark checks the limits with real time and
    # the default parallelism.
    return SenderSettings(max_attempts=4, in_flight=1)


@pytest.fixture
async def sending(
    db: Database, telegram: FakeTelegram, clock: FakeClock, database_url: str, sender_settings: SenderSettings
) -> AsyncIterator[Outbox]:
    # The fake server stamps requests with the test's clock, so rates are measured in the sender's time.
    telegram.time_source = clock.monotonic
    bot = delivery_bot(make_settings(database_url, telegram.base_url))
    await bot.initialize()
    sender = Sender(bot, db, clock, settings=sender_settings)
    task = asyncio.create_task(sender.run())
    yield Outbox(db, clock, sender, telegram)
    assert not task.done(), "the sender stopped by itself"
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await sender.stop()
    await bot.shutdown()


def sent_at(telegram: FakeTelegram, chat_id: int | None = None) -> list[float]:
    return [r.at for r in telegram.calls("sendMessage", chat_id=chat_id)]


def most_in_any_window(times: list[float], seconds: float) -> int:
    times = sorted(times)
    return max((sum(1 for t in times[i:] if t - start < seconds) for i, start in enumerate(times)), default=0)


async def test_many_notifications_stay_under_telegrams_overall_limit(
    sending: Outbox, telegram: FakeTelegram
) -> None:
    telegram.flood_limit = 30
    await sending.queue(range(1, 151))
    await sending.settle({"sent": 150})

    assert telegram.flood_rejections == 0
    assert most_in_any_window(sent_at(telegram), 1.0) <= 30
    times = sent_at(telegram)
    assert 150 / (max(times) - min(times)) >= 28  # and not needlessly slow either


async def test_one_chat_gets_at_most_one_message_per_second(sending: Outbox, telegram: FakeTelegram) -> None:
    telegram.chat_limits = ChatLimits()
    await sending.queue([42] * 4)
    await sending.settle({"sent": 4})
    times = sent_at(telegram, 42)
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))
    assert telegram.chat_rejections == 0


async def test_a_message_late_on_its_way_does_not_bring_the_next_one_in_its_chat_too_close(
    sending: Outbox, telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Telegram counts arrivals. Spaced by departures, a first message held up on its way (a busy event
    # loop, the network) arrived 0.6 s before the second: a 429.
    telegram.chat_limits = ChatLimits()
    forward, delays = DeliveryBot.call, [0.4]

    async def late_on_its_way(bot: DeliveryBot, method: str, params: dict[str, Any]) -> Any:
        if delays:
            await sending.clock.sleep(delays.pop())
        return await forward(bot, method, params)

    monkeypatch.setattr(DeliveryBot, "call", late_on_its_way)
    await sending.queue([42, 42])
    await sending.settle({"sent": 2})

    first, second = sent_at(telegram, 42)
    assert second - first >= 1.0
    assert telegram.chat_rejections == 0


@pytest.mark.parametrize("sender_settings", [SenderSettings(in_flight=1, batch=2)])
async def test_a_chat_that_must_wait_does_not_hold_up_the_rows_after_it(
    sending: Outbox, telegram: FakeTelegram
) -> None:
    # The sender takes two rows at a time here: [7, 7], then what is left and the next row.
    await sending.queue([7, 7, 8])
    await sending.settle({"sent": 3})

    assert sent_at(telegram, 8)[0] < sent_at(telegram, 7)[1]


async def test_a_group_gets_at_most_twenty_messages_per_minute(
    sending: Outbox, telegram: FakeTelegram
) -> None:
    telegram.chat_limits = ChatLimits()
    await sending.queue([-100500] * 25)
    await sending.settle({"sent": 25})
    assert most_in_any_window(sent_at(telegram, -100500), 60.0) <= 20
    assert telegram.chat_rejections == 0


async def test_messages_go_out_in_the_order_they_were_queued_for_one_chat(
    sending: Outbox, telegram: FakeTelegram
) -> None:
    for text in ("een", "twee", "drie"):
        await sending.queue([7], text)
    await sending.settle({"sent": 3})
    assert telegram.sent_texts(7) == ["een", "twee", "drie"]


async def test_a_429_is_waited_out_and_the_message_still_arrives(
    sending: Outbox, telegram: FakeTelegram
) -> None:
    telegram.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 7", retry_after=7
    )
    await sending.queue([1])
    await sending.settle({"sent": 1})

    first, second = telegram.calls("sendMessage", ok=None)
    assert not first.ok and second.ok
    assert second.at - first.at >= 7


async def test_network_errors_and_server_errors_are_retried_with_growing_pauses(
    sending: Outbox, telegram: FakeTelegram
) -> None:
    telegram.fail_next("sendMessage", error_code=502, description="Bad Gateway")
    telegram.disconnect_next("sendMessage")
    await sending.queue([1])
    await sending.settle({"sent": 1})

    tries = [r.at for r in telegram.requests if r.method == "sendMessage"]
    assert len(tries) == 3
    first_pause, second_pause = tries[1] - tries[0], tries[2] - tries[1]
    assert second_pause > first_pause >= 2


async def test_a_message_that_keeps_failing_is_given_up_after_the_last_try(
    sending: Outbox, telegram: FakeTelegram
) -> None:
    telegram.fail_next("sendMessage", error_code=500, description="Internal Server Error", times=10)
    await sending.queue([1])
    await sending.settle({"failed": 1})
    (row,) = await sending.rows()
    assert row.attempts == 4
    assert "Internal Server Error" in (row.last_error or "")


async def test_a_permanent_400_is_recorded_as_failed_without_retrying(
    sending: Outbox, telegram: FakeTelegram
) -> None:
    sending.talked_with(1)
    async with sending.db.begin() as session:  # HTML that Telegram cannot parse
        await outbox.enqueue(
            session,
            chat_id=1,
            now=sending.clock.now(),
            payload={"text": "<b>niet afgesloten", "parse_mode": "HTML"},
        )
    sending.sender.wake()
    await sending.settle({"failed": 1})
    assert len(telegram.calls("sendMessage", ok=None)) == 1
    (row,) = await sending.rows()
    assert "can't parse entities" in (row.last_error or "").lower()


async def test_someone_who_blocked_the_bot_is_marked_unreachable_and_gets_nothing_more(
    sending: Outbox, telegram: FakeTelegram
) -> None:
    telegram.block(9)
    await sending.queue([9, 9, 9])
    await sending.settle({"unreachable": 3})
    assert len(telegram.calls("sendMessage", chat_id=9, ok=None)) == 1

    await sending.queue([9])  # later news for them is not even tried
    await sending.settle({"unreachable": 4})
    assert len(telegram.calls("sendMessage", chat_id=9, ok=None)) == 1

    telegram.unblock(9)
    async with sending.db.begin() as session:  # they write to the bot again
        await chats.mark_reachable(session, [9])
    await sending.queue([9], "Welkom terug")
    await sending.settle({"unreachable": 4, "sent": 1})


async def test_messages_follow_a_group_that_became_a_supergroup(
    sending: Outbox, telegram: FakeTelegram
) -> None:
    telegram.migrate_group(-500, -1000500)
    await sending.queue([-500], "Weekoverzicht")
    await sending.settle({"sent": 1})
    assert telegram.sent_texts(-1000500) == ["Weekoverzicht"]

    await sending.queue([-500], "Volgende week")  # now queued straight for the supergroup
    await sending.settle({"sent": 2})
    assert telegram.sent_texts(-1000500) == ["Weekoverzicht", "Volgende week"]
    async with sending.db.begin() as session:
        chat = await session.get(TelegramChat, -500)
        assert chat is not None and chat.migrated_to_chat_id == -1000500


async def test_the_sent_message_id_is_kept_so_it_can_be_edited_later(
    sending: Outbox, telegram: FakeTelegram
) -> None:
    await sending.queue([3])
    await sending.settle({"sent": 1})
    (row,) = await sending.rows()
    assert row.sent_message_id == telegram.last_message(3)["message_id"]
