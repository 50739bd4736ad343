"""/metrics over real HTTP: Prometheus text, `buurtbot_` names in base units, counts without people."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import aiohttp
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.enums import Mood
from bot.db.models import Checkin, Member
from bot.delivery import lease, outbox
from bot.jobs.checkins import sweep
from bot.ops import heartbeats
from bot.runtime import LEASE
from bot.services.buurten import buurten
from bot.services.checkins import answers
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.ops.serving import scrape, scraped, serving, side_door_url, value
from tests.services.checkin_helpers import local, move_to, opts_in, resident
from tests.waiting import eventually


async def open_checkin(session: AsyncSession, telegram_id: int) -> int:
    checkin_id = await session.scalar(
        select(Checkin.id)
        .join(Member, Member.id == Checkin.member_id)
        .where(Member.telegram_user_id == telegram_id)
    )
    assert checkin_id is not None
    return checkin_id


async def test_a_start_is_counted_taken_handled_timed_and_answered(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with serving(database_url, telegram, clock) as bot:
        await eventually(lambda: bot.leading)
        telegram.user_message(2001, "/start")
        await telegram.wait_for(lambda: bool(telegram.calls("sendMessage", chat_id=2001)))
        await bot.dispatcher.handled(1)
        await scraped(bot, "buurtbot_inbox_waiting", 0)  # marked done a moment after it was handled
        samples, types, content_type = await scrape(bot)

    assert content_type == "text/plain; version=0.0.4; charset=utf-8"
    assert value(samples, "buurtbot_updates_taken_total", kind="message", via="polling") == 1
    assert value(samples, "buurtbot_updates_taken_total", kind="callback_query", via="polling") == 0
    assert value(samples, "buurtbot_updates_handled_total", kind="message") == 1
    assert value(samples, "buurtbot_handler_duration_seconds_count", kind="message") == 1
    assert value(samples, "buurtbot_telegram_requests_total", method="sendMessage", outcome="ok") >= 1
    assert value(samples, "buurtbot_telegram_requests_total", method="getUpdates", outcome="ok") >= 1
    assert value(samples, "buurtbot_lease_held") == 1
    assert value(samples, "buurtbot_database_up") == 1
    assert value(samples, "buurtbot_inbox_waiting") == 0
    assert value(samples, "buurtbot_info", mode="polling", version="0.1.0") == 1
    ours = {name: kind for name, kind in types.items() if name.startswith("buurtbot")}
    assert {"buurtbot_updates_taken", "buurtbot_outbox_oldest_due_age_seconds"} <= set(ours)
    assert {name for name in types if not name.startswith(("process_", "python_"))} == set(ours)
    counters = {name for name, kind in ours.items() if kind == "counter"}
    counted = {sample for sample, _ in samples if any(sample.startswith(name) for name in counters)}
    assert counted and all(sample.endswith("_total") for sample in counted)


async def test_telegram_requests_are_counted_by_method_and_outcome(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    telegram.fail_next(
        "sendMessage", chat_id=6001, error_code=429, description="Too Many Requests", retry_after=1
    )
    telegram.fail_next("sendMessage", chat_id=6002, error_code=502, description="Bad Gateway")
    telegram.fail_next("sendMessage", chat_id=6003, error_code=400, description="Bad Request: chat not found")
    telegram.disconnect_next("sendMessage")
    async with serving(database_url, telegram, clock) as bot:
        await eventually(lambda: bot.leading)
        async with db.begin() as session:
            for chat in (6001, 6002, 6003):
                telegram.user_started(chat)
                await outbox.enqueue(session, chat_id=chat, now=clock.now(), payload={"text": "Hallo"})
        bot.sender.wake()
        # 6001 and 6002 are sent again after their pause; 6003 is refused for good; one was dropped once.
        await telegram.wait_for(
            lambda: {r.params["chat_id"] for r in telegram.calls("sendMessage")} == {6001, 6002}
        )
        samples, _, _ = await scrape(bot)

    def requests(outcome: str) -> float:
        return value(samples, "buurtbot_telegram_requests_total", method="sendMessage", outcome=outcome)

    assert (requests("429"), requests("5xx"), requests("4xx"), requests("network")) == (1, 1, 1, 1)
    assert requests("ok") == 2


async def test_the_outbox_and_the_lease_as_a_standby_sees_them(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with db.begin() as session:
        await lease.acquire(session, LEASE, "elsewhere:1:abc", now=clock.now(), ttl=timedelta(days=1))
        await outbox.enqueue(session, chat_id=7001, now=clock.now(), payload={"text": "Nu"})
        later = clock.now() + timedelta(hours=2)
        await outbox.enqueue(
            session, chat_id=7002, now=clock.now(), payload={"text": "Straks"}, not_before=later
        )
    clock.advance(90)
    async with serving(database_url, telegram, clock) as standby:
        samples, _, _ = await scrape(standby)

    assert value(samples, "buurtbot_lease_held") == 0
    assert value(samples, "buurtbot_outbox_waiting") == 2
    assert value(samples, "buurtbot_outbox_due") == 1
    assert value(samples, "buurtbot_outbox_oldest_due_age_seconds") == 90


async def test_check_ins_sent_answered_and_escalated_are_counted_once_committed(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with serving(database_url, telegram, clock) as bot:
        db, deps = bot.db, bot.application.bot_data.deps
        async with db.begin() as session:
            buurt = await buurten.add_buurt(session, "Oost", ["1234"], "open", now=clock.now())
        for member, name in ((8001, "Anna"), (8002, "Bram")):
            await resident(db, clock, buurt, member, name)
            await opts_in(db, clock, member, slot="morning")
        move_to(clock, local(2026, 11, 26, 10, 1))  # the morning check-in is at 10:00, from tomorrow
        assert await sweep(deps) == (2, 0)
        async with db.begin() as session:
            await answers.answer(session, 8001, await open_checkin(session, 8001), Mood.GOOD, now=clock.now())
        with contextlib.suppress(RuntimeError):  # an answer in a transaction that rolls back is not counted
            async with db.begin() as session:
                checkin = await open_checkin(session, 8002)
                await answers.answer(session, 8002, checkin, Mood.GOOD, now=clock.now())
                raise RuntimeError("the unit of work failed")
        clock.advance(61 * 60)  # Bram has not answered: the reminder is due after an hour
        assert await sweep(deps) == (0, 1)
        samples, _, _ = await scrape(bot)

    assert value(samples, "buurtbot_checkins_sent_total") == 2
    assert value(samples, "buurtbot_checkins_answered_total") == 1
    assert value(samples, "buurtbot_checkin_escalations_total", step="1") == 1


async def test_a_sweep_run_is_counted_here_and_its_last_good_run_kept_in_the_database(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with serving(database_url, telegram, clock) as bot:
        job_queue = bot.application.job_queue
        assert job_queue is not None
        [job] = job_queue.get_jobs_by_name("checkins")
        job.job.modify(next_run_time=datetime.now(UTC))  # the scheduler runs it now, not in 30 s
        async with db.begin() as session:
            await heartbeats.sweep_finished(session, "weekly-digest", now=clock.now() - timedelta(minutes=3))
        samples = await scraped(bot, "buurtbot_sweep_runs_total", 1, sweep="checkins")

    assert value(samples, "buurtbot_sweep_runs_total", sweep="checkins") == 1
    assert value(samples, "buurtbot_sweep_runs_total", sweep="weekly-digest") == 0
    assert (
        value(samples, "buurtbot_sweep_last_run_timestamp_seconds", sweep="checkins")
        == clock.now().timestamp()
    )
    digest_at = (clock.now() - timedelta(minutes=3)).timestamp()
    assert value(samples, "buurtbot_sweep_last_run_timestamp_seconds", sweep="weekly-digest") == digest_at


async def test_a_scraper_that_asks_for_openmetrics_gets_it(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with (
        serving(database_url, telegram, clock) as bot,
        aiohttp.ClientSession() as http,
        http.get(
            side_door_url(bot, "/metrics"), headers={"Accept": "application/openmetrics-text;version=1.0.0"}
        ) as response,
    ):
        content_type, page = response.headers["Content-Type"], await response.text()

    assert content_type.startswith("application/openmetrics-text; version=1.0.0")
    assert page.endswith("# EOF\n")
    assert "buurtbot_updates_taken_total{" in page
