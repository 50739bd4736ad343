"""Webhook mode over real HTTP: the bot sets its webhook, stops polling, stores every good POST before
its 200, refuses forged and broken ones without touching the database, and handles each update once."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import event, func, select

from bot.clock import SystemClock
from bot.db.database import Database
from bot.db.models import InboxUpdate
from bot.delivery import lease
from bot.delivery.poller import ALLOWED_UPDATES
from bot.delivery.webhook import MAX_BODY_BYTES, SECRET_HEADER, WebhookIntake
from bot.ops.side_door import Report, SideDoor
from bot.runtime import LEASE, Runtime
from tests.buttons import TEST_TOKEN
from tests.command_line import closed_port
from tests.conversation import People
from tests.delivery.webhook_relay import relaying
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.ops.serving import scrape, serving, side_door_url, value
from tests.waiting import eventually

SECRET = "webhook-secret_for-TESTS-0123"
URL = "https://bot.example.nl/telegram/hook"
PATH = "/telegram/hook"


@contextlib.asynccontextmanager
async def webhook_bot(
    database_url: str, telegram: FakeTelegram, clock: FakeClock, **settings: Any
) -> AsyncIterator[Runtime]:
    async with serving(
        database_url, telegram, clock, webhook_url=URL, webhook_secret=SECRET, **settings
    ) as bot:
        yield bot


async def post(
    url: str, body: bytes | dict[str, Any], *, secret: str | None = SECRET, chunked: bool = False
) -> tuple[int, str]:
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    payload: Any = data
    if chunked:  # no Content-Length: the size shows only while reading

        async def pieces() -> AsyncIterator[bytes]:
            for start in range(0, len(data), 16 * 1024):
                yield data[start : start + 16 * 1024]

        payload = pieces()
    async with aiohttp.ClientSession() as http, http.post(url, data=payload, headers=headers) as response:
        return response.status, await response.text()


async def someone_else_holds_the_lease(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await lease.acquire(session, LEASE, "elsewhere:1:abc", now=clock.now(), ttl=timedelta(days=1))


async def stored_updates(db: Database) -> int:
    async with db.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(InboxUpdate)) or 0)


def an_update(telegram: FakeTelegram, user_id: int, text: str) -> dict[str, Any]:
    """An update as Telegram would POST it (the fake knows the chat, so the bot can answer it)."""
    return telegram.user_message(user_id, text, first_name="Anna")


async def test_webhook_mode_sets_the_webhook_stops_polling_and_residents_are_answered(
    database_url: str, telegram: FakeTelegram, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="bot")
    async with webhook_bot(database_url, telegram, clock) as bot:
        await telegram.wait_for(lambda: bool(telegram.calls("setWebhook")))
        async with relaying(telegram, side_door_url(bot, PATH), SECRET) as relay:
            anna = People(telegram, bot)("Anna")
            welcome = await anna.sends("/start")
            await anna.sends("/taal")
            switched = await anna.taps("English")  # a tap is an update too
        health = bot.ops.health()

    [registered] = telegram.calls("setWebhook")
    assert registered.params["url"] == URL
    assert registered.params["secret_token"] == SECRET
    assert registered.params["allowed_updates"] == ALLOWED_UPDATES
    assert registered.params["max_connections"] == 40
    assert registered.params.get("drop_pending_updates") in (None, False)
    assert "Hallo Anna!" in welcome
    assert "From now on I speak English" in switched
    assert [status for _, status in relay.answers] == [200, 200, 200]
    assert telegram.calls("getUpdates", ok=None) == [], "no polling while the webhook is set"
    assert health.facts["mode"] == "webhook"
    [mode] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("updates come by")]
    assert mode.startswith(f"updates come by webhook to {URL} (HTTP side door on 127.0.0.1:")
    assert SECRET not in caplog.text


async def test_while_the_webhook_is_set_telegram_refuses_get_updates_with_409(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with webhook_bot(database_url, telegram, clock):
        await telegram.wait_for(lambda: bool(telegram.calls("setWebhook")))
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{telegram.base_url}/bot{TEST_TOKEN}/getUpdates", json={"timeout": 0}) as response,
        ):
            status, answer = response.status, await response.json()

    assert status == 409
    assert answer["description"].startswith("Conflict: can't use getUpdates method while webhook is active")


async def test_a_post_without_the_right_secret_gets_401_and_nothing_is_stored(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with webhook_bot(database_url, telegram, clock) as bot:
        hook = side_door_url(bot, PATH)
        update = an_update(telegram, 3001, "/start")
        missing = await post(hook, update, secret=None)
        wrong = await post(hook, update, secret="webhook-secret_for-TESTS-0124")
        empty = await post(hook, update, secret="")
        # The secret is checked before the body is read: a forged POST's size does not matter.
        forged_and_large = await post(hook, b"x" * (MAX_BODY_BYTES + 1000), secret="nope")
        stored = await stored_updates(db)
        samples, _, _ = await scrape(bot)

    assert [status for status, _ in (missing, wrong, empty, forged_and_large)] == [401, 401, 401, 401]
    assert json.loads(wrong[1]) == {"error": "wrong or missing secret token"}
    assert stored == 0
    assert telegram.calls("sendMessage", chat_id=3001) == []
    assert value(samples, "buurtbot_webhook_requests_total", outcome="unauthorized") == 4
    assert value(samples, "buurtbot_webhook_requests_total", outcome="stored") == 0


@pytest.mark.parametrize(
    ("body", "chunked", "reason"),
    [
        (b"x" * (MAX_BODY_BYTES + 1), False, "body too large"),
        (json.dumps({"update_id": 1, "pad": "x" * MAX_BODY_BYTES}).encode(), True, "body too large"),
        (b"{not json", False, "not a JSON update"),
        (b"\xff\xfe", False, "not a JSON update"),
        (b"[1, 2, 3]", False, "not a JSON update"),
        (b'{"message": {}}', False, "not a JSON update"),
        (b'{"update_id": "7"}', False, "not a JSON update"),
        (b'{"update_id": true}', False, "not a JSON update"),
        (b'{"update_id": -1}', False, "not a JSON update"),
    ],
)
async def test_a_body_too_large_or_not_an_update_gets_400_and_nothing_is_stored(
    database_url: str,
    db: Database,
    telegram: FakeTelegram,
    clock: FakeClock,
    body: bytes,
    chunked: bool,
    reason: str,
) -> None:
    async with webhook_bot(database_url, telegram, clock) as bot:
        status, answer = await post(side_door_url(bot, PATH), body, chunked=chunked)
        stored = await stored_updates(db)

    assert (status, json.loads(answer)) == (400, {"error": reason})
    assert stored == 0


async def test_an_update_is_stored_before_its_200_and_one_sent_again_is_handled_once(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with webhook_bot(database_url, telegram, clock) as bot:
        hook = side_door_url(bot, PATH)
        update = an_update(telegram, 3002, "/start")
        first = await post(hook, update)
        stored_at_200 = await stored_updates(db)
        again = await post(hook, update)  # Telegram did not get our 200 and sends it again
        await bot.dispatcher.handled(update["update_id"])
        await telegram.wait_for(lambda: bool(telegram.calls("sendMessage", chat_id=3002)))
        and_again = await post(hook, update)  # even after it was handled
        stored_in_the_end = await stored_updates(db)
        samples, _, _ = await scrape(bot)

    assert (first[0], again[0], and_again[0]) == (200, 200, 200)
    assert first[1] == again[1] == ""
    assert stored_at_200 == stored_in_the_end == 1
    assert len(telegram.calls("sendMessage", chat_id=3002)) == 1
    assert value(samples, "buurtbot_webhook_requests_total", outcome="stored") == 1
    assert value(samples, "buurtbot_webhook_requests_total", outcome="duplicate") == 2
    assert value(samples, "buurtbot_updates_taken_total", kind="message", via="webhook") == 1
    assert value(samples, "buurtbot_webhook_store_duration_seconds_count") == 3


async def test_any_instance_takes_updates_in_and_the_lease_holder_handles_them(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with webhook_bot(database_url, telegram, clock) as leader:
        await eventually(lambda: leader.leading)
        async with webhook_bot(database_url, telegram, clock) as standby:
            rounds = standby.lease_rounds
            await eventually(lambda: standby.lease_rounds > rounds)
            status, _ = await post(side_door_url(standby, PATH), an_update(telegram, 3003, "/start"))
            await telegram.wait_for(lambda: bool(telegram.calls("sendMessage", chat_id=3003)))
            assert not standby.leading

    assert status == 200
    assert len(telegram.calls("setWebhook")) == 1, "only the lease holder tells Telegram"


async def test_posts_that_arrive_together_are_stored_together(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    await someone_else_holds_the_lease(db, clock)  # a standby: its only transactions are the intake's
    async with webhook_bot(database_url, telegram, clock) as standby:
        hook = side_door_url(standby, PATH)
        updates = [an_update(telegram, user_id, "/start") for user_id in range(3100, 3200)]
        commits = 0

        def count(_connection: object) -> None:
            nonlocal commits
            commits += 1

        event.listen(standby.db.engine.sync_engine, "commit", count)
        answers = await asyncio.gather(*(post(hook, update) for update in updates))
        event.remove(standby.db.engine.sync_engine, "commit", count)
        stored = await stored_updates(db)

    assert {status for status, _ in answers} == {200}
    assert stored == 100
    assert commits < 50, f"{commits} transactions for 100 POSTs that came at once"


async def test_switching_back_to_polling_deletes_the_webhook_and_polls_again(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with webhook_bot(database_url, telegram, clock):
        await telegram.wait_for(lambda: bool(telegram.calls("setWebhook")))
    async with serving(database_url, telegram, clock) as polling:
        answer = await People(telegram, polling)("Bram").sends("/start")

    methods = [
        r.method for r in telegram.requests if r.method in ("setWebhook", "deleteWebhook", "getUpdates")
    ]
    assert methods[:2] == ["setWebhook", "deleteWebhook"]
    assert "getUpdates" in methods
    refused = [r for r in telegram.calls("getUpdates", ok=None) if r.status == 409]
    assert refused == [], "the webhook was gone before the first getUpdates"
    assert "Hallo Bram!" in answer


async def test_a_flood_of_forged_posts_touches_no_database_and_good_ones_wait_for_it() -> None:
    """An intake whose database cannot be reached: forged POSTs are refused at once (they never ask
    it), a good one gets 503 so that Telegram sends it again later."""
    nowhere = Database(f"postgresql+asyncpg://buurtbot:secret@127.0.0.1:{closed_port()}/buurtbot")
    intake = WebhookIntake(nowhere, SystemClock(), secret=SECRET, on_stored=lambda: None)
    door = SideDoor(
        host="127.0.0.1",
        port=0,
        health=lambda: Report(True),
        readiness=_ready,
        metrics=_no_metrics,
        webhook=(PATH, intake.receive),
    )
    await door.open()
    try:
        hook = f"http://127.0.0.1:{door.port}{PATH}"
        update = {
            "update_id": 77,
            "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}},
        }
        forged = await asyncio.gather(*(post(hook, update, secret=f"guess-{n}") for n in range(200)))
        good = await post(hook, update)
    finally:
        await door.close()
        await nowhere.dispose()

    assert {status for status, _ in forged} == {401}
    assert good == (503, json.dumps({"error": "try again later"}))


async def _ready() -> Report:
    return Report(True)


async def _no_metrics(_accept: str) -> tuple[bytes, str]:
    return b"", "text/plain"
