"""The HTTP side door over real HTTP: /healthz, /readyz, and what it refuses to answer."""

from __future__ import annotations

import socket
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import text

from bot.db.database import Database
from bot.delivery import lease, outbox
from bot.delivery.sender import SenderSettings
from bot.ops import alarms, readiness
from bot.ops.alarm_messages import Detail
from bot.ops.side_door import SideDoorUnavailable
from bot.runtime import LEASE, Runtime
from tests.buttons import TEST_TOKEN
from tests.command_line import closed_port
from tests.conftest import SCHEMA_HEAD, make_settings
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.ops.serving import OPERATOR, get, serving, side_door_url
from tests.waiting import eventually


async def test_healthz_says_ok_with_the_mode_and_whether_this_instance_leads(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with serving(database_url, telegram, clock) as bot:
        await eventually(lambda: bot.leading)

        status, body, headers = await get(bot, "/healthz")

    assert status == 200
    assert body == {"status": "ok", "mode": "polling", "leading": True}
    assert headers["Server"] == "buurtbot"  # not aiohttp's name and version


async def test_healthz_turns_503_with_a_short_reason_while_the_sender_makes_no_progress(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    # One message at a time, and Telegram takes 2 s to answer it: the sender waits for a free slot.
    telegram.delay_next("sendMessage", seconds=2)
    async with serving(database_url, telegram, clock, sender_settings=SenderSettings(in_flight=1)) as bot:
        await eventually(lambda: bot.leading)
        bot.ops.observer.expect("sender", within=30)  # rather than 120 s, to keep the test short
        async with db.begin() as session:
            for chat in (5001, 5002):
                telegram.user_started(chat)
                await outbox.enqueue(session, chat_id=chat, now=clock.now(), payload={"text": "Hallo"})
        bot.sender.wake()
        await telegram.wait_for(lambda: bool(telegram.calls("sendMessage", ok=None)))
        clock.advance(31)

        stuck_status, stuck, _ = await get(bot, "/healthz")
        await telegram.wait_for(lambda: len(telegram.calls("sendMessage")) == 2)
        await eventually(lambda: not bot.ops.observer.quiet_loops())
        well_status, _, _ = await get(bot, "/healthz")

    assert stuck_status == 503
    assert stuck["status"] == "stuck"
    assert stuck["reason"] == "sender: no progress for 31 s"
    assert well_status == 200


async def test_healthz_says_starting_while_the_bot_api_cannot_be_reached_yet(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    telegram.disconnect_next("getMe", times=1)
    runtime = Runtime(make_settings(database_url, telegram.base_url, http_port=0), clock=clock)
    try:
        await runtime.ops.open_side_door()  # what start() does first; then it waits for getMe
        status, body, _ = await get(runtime, "/healthz")
        ready_status, ready, _ = await get(runtime, "/readyz")
    finally:
        await runtime.stop()

    assert (status, body["status"], body["reason"]) == (503, "starting", "waiting for the Bot API")
    assert (ready_status, ready["status"]) == (503, "not ready")


async def test_readyz_is_ready_on_the_leader_and_on_a_standby_and_says_which_it_is(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with serving(database_url, telegram, clock) as first:
        await eventually(lambda: first.leading)
        async with serving(database_url, telegram, clock) as second:
            rounds = second.lease_rounds
            await eventually(lambda: second.lease_rounds > rounds)
            leader = await get(first, "/readyz")
            standby = await get(second, "/readyz")

    for status, body, _ in (leader, standby):
        assert status == 200
        assert body["status"] == "ready"
        assert body["database"] == "ok"
        assert body["schema"] == SCHEMA_HEAD
        assert body["schema_at_head"] is True
        assert body["alarms"] == []
    assert leader[1]["leading"] is True
    assert standby[1]["leading"] is False


async def test_readyz_turns_503_when_the_schema_is_behind(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with serving(database_url, telegram, clock) as bot:
        async with db.begin() as session:
            await session.execute(text("UPDATE alembic_version SET version_num = '0009_history'"))
        try:
            status, body, _ = await get(bot, "/readyz")
        finally:  # the PostgreSQL database is the next test's too (only the tables are emptied)
            async with db.begin() as session:
                await session.execute(
                    text("UPDATE alembic_version SET version_num = :head"), {"head": SCHEMA_HEAD}
                )

    assert status == 503
    assert body["schema"] == "0009_history"
    assert body["schema_at_head"] is False
    assert body["reason"] == f"the schema is at 0009_history, not at {SCHEMA_HEAD}: run buurtbot migrate"


async def test_readyz_turns_503_while_a_watchdog_alarm_is_raised(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with serving(database_url, telegram, clock) as bot:
        async with db.begin() as session:
            await alarms.raise_alarm(
                session, "outbox", now=clock.now(), operators=(), default_language="nl", detail=Detail(6)
            )
        status, body, _ = await get(bot, "/readyz")
        health, _, _ = await get(bot, "/healthz")

    assert status == 503
    assert body["alarms"] == ["outbox"]
    assert body["reason"] == "the watchdog has raised an alarm: outbox"
    assert health == 200, "an alarm is about the work, not about this process: it stays alive"


async def test_a_database_that_does_not_answer_is_not_ready() -> None:
    nowhere = Database(f"postgresql+asyncpg://buurtbot:secret@127.0.0.1:{closed_port()}/buurtbot")
    try:
        ready, facts = await readiness.check(nowhere)
    finally:
        await nowhere.dispose()

    assert not ready
    assert facts["database"] == "unreachable"
    assert str(facts["reason"]).startswith("the database did not answer (")
    assert "secret" not in str(facts)


async def test_the_side_door_answers_only_its_own_paths_and_methods(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with serving(database_url, telegram, clock) as bot, aiohttp.ClientSession() as http:
        answers = {}
        for method, path in (("GET", "/"), ("GET", "/admin"), ("GET", "/telegram"), ("POST", "/healthz")):
            async with http.request(method, side_door_url(bot, path)) as response:
                answers[(method, path)] = (response.status, await response.text())

    assert answers[("GET", "/")][0] == answers[("GET", "/admin")][0] == 404
    assert answers[("GET", "/telegram")][0] == 404, "no webhook path in polling mode"
    assert answers[("POST", "/healthz")][0] == 405
    assert all("Traceback" not in body and "aiohttp" not in body for _, body in answers.values())


async def test_nothing_on_the_side_door_shows_the_token_an_id_or_a_message(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with serving(database_url, telegram, clock) as bot:
        telegram.user_message(31337, "/start Geheime tekst van Anna", first_name="Annabel")
        await telegram.wait_for(lambda: bool(telegram.calls("sendMessage", chat_id=31337)))
        pages = [str((await get(bot, path))[1]) for path in ("/healthz", "/readyz", "/metrics")]

    for page in pages:
        for secret in (TEST_TOKEN, TEST_TOKEN.split(":")[1], "31337", "Annabel", "Geheime", str(OPERATOR)):
            assert secret not in page


async def test_a_port_in_use_stops_the_start_with_one_clear_line(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        runtime = Runtime(make_settings(database_url, telegram.base_url, http_port=port), clock=clock)
        try:
            with pytest.raises(SideDoorUnavailable) as refused:
                await runtime.start()
        finally:
            await runtime.stop()

    assert str(refused.value).startswith(f"cannot open the HTTP side door on 127.0.0.1:{port}: ")
    assert "BUURTBOT_HTTP_PORT" in str(refused.value)


async def test_a_standby_is_ready_and_healthy_while_another_instance_holds_the_lease(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with db.begin() as session:
        await lease.acquire(session, LEASE, "elsewhere:1:abc", now=clock.now(), ttl=timedelta(hours=1))
    async with serving(database_url, telegram, clock) as standby:
        rounds = standby.lease_rounds
        await eventually(lambda: standby.lease_rounds > rounds)
        health = await get(standby, "/healthz")
        ready = await get(standby, "/readyz")

    assert (health[0], health[1]["leading"]) == (200, False)
    assert (ready[0], ready[1]["leading"]) == (200, False)
