"""The watchdog speaks up once, and says so again when all is well, whichever instance sees it first.

Time is the fake clock's: the tests move it and let the watchdog look (`watchdog.check()`), as its
loop does every 15 seconds.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import delete, select

from bot.db.database import Database
from bot.db.models import InstanceHeartbeat, Lease, OutboxMessage, WatchdogAlarm
from bot.delivery import lease, outbox
from bot.jobs import sweeps
from bot.ops import heartbeats
from bot.ops.observer import Verdict
from bot.runtime import LEASE, Runtime
from tests.conftest import make_settings
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.ops.serving import OPERATOR, serving
from tests.waiting import eventually

ELSEWHERE = "elsewhere:1:abc"  # an instance on another machine that holds the lease
QUICK_LEASE = timedelta(seconds=1)  # renewed (or taken) every third of a second


async def someone_else_holds_the_lease(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await lease.acquire(session, LEASE, ELSEWHERE, now=clock.now(), ttl=timedelta(days=1))


async def every_sweep_ran(db: Database, clock: FakeClock, *here: Runtime, but: str = "") -> None:
    """As if the sweeps had run just now, on the instances `here` (in the tests they wait real seconds)."""
    async with db.begin() as session:
        for sweep in sweeps(make_settings("sqlite://", "http://127.0.0.1:9")):
            if sweep.name != but:
                await heartbeats.sweep_finished(session, sweep.name, now=clock.now())
                for runtime in here:
                    runtime.ops.observer.job_ran(sweep.name)


async def loops_went_round(runtime: Runtime) -> None:
    """After the fake clock jumped: until the loops that run in real time have gone round again (the
    watchdog's own counts as going round when it looks)."""
    await eventually(lambda: all(loop == "watchdog" for loop, _ in runtime.ops.observer.quiet_loops()))


async def nothing_left_to_send(db: Database) -> None:
    """Until the sender has recorded every message as sent (a moment after Telegram answered)."""
    for _ in range(500):
        async with db.begin() as session:
            if not await session.scalar(select(OutboxMessage.id).where(OutboxMessage.status == "pending")):
                return
        await asyncio.sleep(0.02)
    raise AssertionError("messages are still waiting in the outbox")


def operator_heard(telegram: FakeTelegram) -> list[str]:
    return [str(r.params["text"]) for r in telegram.calls("sendMessage", chat_id=OPERATOR)]


async def watchdog_rows(db: Database) -> list[str]:
    async with db.begin() as session:
        keys = await session.scalars(
            select(OutboxMessage.dedupe_key)
            .where(OutboxMessage.dedupe_key.like("watchdog:%"))
            .order_by(OutboxMessage.id)
        )
        return [str(key) for key in keys]


async def test_a_stuck_outbox_is_told_once_then_delivered_by_the_watchdog_itself_and_cleared_later(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    await someone_else_holds_the_lease(db, clock)  # and does not send: the outbox stands still
    async with db.begin() as session:
        telegram.user_started(7001)
        await outbox.enqueue(session, chat_id=7001, now=clock.now(), payload={"text": "Een buur vraagt hulp"})
    async with serving(database_url, telegram, clock, lease_ttl=QUICK_LEASE, polling_timeout=1) as standby:
        watchdog = standby.ops.watchdog
        clock.advance(6 * 60)
        await every_sweep_ran(db, clock, standby)

        found = await watchdog.check()
        again = await watchdog.check()
        raised = await watchdog_rows(db)
        assert found["outbox"].verdict is Verdict.STUCK
        assert found["leader"].verdict is Verdict.STUCK, "the lease holder never gave a heartbeat"
        assert again["outbox"].verdict is Verdict.STUCK
        assert raised == [f"watchdog:outbox:1:raised:{OPERATOR}", f"watchdog:leader:1:raised:{OPERATOR}"]
        assert operator_heard(telegram) == [], "a standby does not send: the message waits in the outbox"

        clock.advance(121)  # nobody sent it: the watchdog delivers its own messages
        await every_sweep_ran(db, clock, standby)
        await watchdog.check()
        heard = operator_heard(telegram)
        assert len(heard) == 2
        assert heard[0].startswith(
            "⚠️ Buurtbot: berichten gaan niet de deur uit. Het oudste wacht al 6 minuten."
        )
        assert heard[1].startswith("⚠️ Buurtbot: de instantie die het werk doet, is al 6 minuten stil")

        async with db.begin() as session:  # the stuck instance is stopped: this one takes over
            await session.execute(delete(Lease).where(Lease.holder == ELSEWHERE))
        await eventually(lambda: standby.leading)
        await telegram.wait_for(lambda: bool(telegram.calls("sendMessage", chat_id=7001)))
        await nothing_left_to_send(db)
        await watchdog.check()
        clock.advance(121)  # well for two minutes: all clear
        await every_sweep_ran(db, clock, standby)
        await loops_went_round(standby)
        await watchdog.check()
        await telegram.wait_for(lambda: len(operator_heard(telegram)) == 4)
        await watchdog.check()

    assert operator_heard(telegram)[2:] == [
        "✅ Buurtbot: berichten gaan weer de deur uit.",
        "✅ Buurtbot: er doet weer een instantie het werk.",
    ]
    assert len(await watchdog_rows(db)) == 4


async def test_two_instances_and_a_restart_tell_the_operators_once(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    await someone_else_holds_the_lease(db, clock)
    async with db.begin() as session:
        telegram.user_started(7001)
        await outbox.enqueue(session, chat_id=7001, now=clock.now(), payload={"text": "Een buur vraagt hulp"})
    operators = f"{OPERATOR},4712"
    async with (
        serving(database_url, telegram, clock, admin_ids=operators) as first,
        serving(database_url, telegram, clock, admin_ids=operators) as second,
    ):
        clock.advance(6 * 60)
        await every_sweep_ran(db, clock, first, second)
        await asyncio.gather(first.ops.watchdog.check(), second.ops.watchdog.check())
        await asyncio.gather(first.ops.watchdog.check(), second.ops.watchdog.check())
    async with serving(database_url, telegram, clock, admin_ids=operators) as restarted:
        clock.advance(60)
        await every_sweep_ran(db, clock, restarted)
        found = await restarted.ops.watchdog.check()

    assert found["outbox"].verdict is Verdict.TROUBLE, (
        "it has not seen it for long, but it is not well either"
    )
    assert sorted(await watchdog_rows(db)) == sorted(
        f"watchdog:{kind}:1:raised:{operator}"
        for kind in ("outbox", "leader")
        for operator in (OPERATOR, 4712)
    )
    async with db.begin() as session:
        alarms = (await session.execute(select(WatchdogAlarm.kind, WatchdogAlarm.state))).all()
    assert sorted(alarms) == [("leader", "raised"), ("outbox", "raised")]


async def test_a_check_in_sweep_that_stopped_is_told_and_cleared_after_it_runs_again(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with serving(database_url, telegram, clock) as bot:
        await eventually(lambda: bot.leading)
        clock.advance(3 * 60)  # four rounds of 30 s, and then some
        await every_sweep_ran(db, clock, bot, but="checkins")
        found = await bot.ops.watchdog.check()
        await telegram.wait_for(lambda: len(operator_heard(telegram)) == 1)

        async with db.begin() as session:
            await heartbeats.sweep_finished(session, "checkins", now=clock.now())
        await bot.ops.watchdog.check()
        clock.advance(121)
        await every_sweep_ran(db, clock, bot)
        await bot.ops.watchdog.check()
        await telegram.wait_for(lambda: len(operator_heard(telegram)) == 2)

    assert found["sweep:checkins"].verdict is Verdict.STUCK
    assert found["sweep:weekly-digest"].verdict is Verdict.WELL
    assert operator_heard(telegram) == [
        "⚠️ Buurtbot: de geplande taak “check-ins” heeft al 3 minuten niet gedraaid. "
        "Kijk in het logboek van de bot.",
        "✅ Buurtbot: de geplande taak “check-ins” draait weer.",
    ]


async def test_telegram_refusing_every_request_is_told_and_its_all_clear_follows(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    async with serving(database_url, telegram, clock, polling_timeout=1) as bot:
        await eventually(lambda: bot.leading)
        await telegram.wait_for(lambda: bool(telegram.calls("getUpdates")))
        telegram.fail_next(error_code=502, description="Bad Gateway", times=2)  # whatever comes next
        await telegram.wait_for(lambda: bool(telegram.calls("getUpdates", ok=False)))
        # The fake has answered; the bot hears it a moment later.
        await eventually(lambda: bot.ops.observer.telegram_finding(timedelta(0)).verdict is Verdict.STUCK)
        clock.advance(6 * 60)
        await every_sweep_ran(db, clock, bot)
        found = await bot.ops.watchdog.check()
        # The sender's first try fails too (the second refusal); it tries again and gets through.
        await telegram.wait_for(lambda: len(operator_heard(telegram)) == 1)

        await bot.ops.watchdog.check()
        clock.advance(121)
        await every_sweep_ran(db, clock, bot)
        # Telegram has accepted a request since (the next long poll): fresh evidence that all is well.
        await eventually(lambda: bot.ops.observer.telegram_finding(timedelta(0)).verdict is Verdict.WELL)
        await bot.ops.watchdog.check()
        await telegram.wait_for(lambda: len(operator_heard(telegram)) == 2)

    assert found["telegram"].verdict is Verdict.STUCK
    assert operator_heard(telegram) == [
        "⚠️ Buurtbot: Telegram weigert al 6 minuten de verzoeken van de bot (laatste antwoord: 5xx). "
        "Dit bericht kan later aankomen.",
        "✅ Buurtbot: Telegram neemt de verzoeken van de bot weer aan.",
    ]


async def test_a_standby_speaks_up_only_when_the_lease_holders_heartbeat_has_gone_silent(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    await someone_else_holds_the_lease(db, clock)
    async with serving(database_url, telegram, clock) as standby:
        for _ in range(3):  # the holder works: its heartbeat is fresh every time
            clock.advance(60)
            await every_sweep_ran(db, clock, standby)
            async with db.begin() as session:
                await heartbeats.beat(session, ELSEWHERE, now=clock.now(), leading=True)
            assert (await standby.ops.watchdog.check())["leader"].verdict is Verdict.WELL
        clock.advance(121)  # then it goes silent, still holding the lease
        await every_sweep_ran(db, clock, standby)
        silent = await standby.ops.watchdog.check()
        async with db.begin() as session:
            beats = dict(
                (await session.execute(select(InstanceHeartbeat.instance, InstanceHeartbeat.leading))).all()
            )

    assert silent["leader"].verdict is Verdict.STUCK
    assert await watchdog_rows(db) == [f"watchdog:leader:1:raised:{OPERATOR}"]
    assert beats == {ELSEWHERE: True, standby.instance: False}, "the standby beats too, as a standby"


async def test_without_operators_the_watchdog_still_raises_and_readyz_shows_it(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock, caplog: object
) -> None:
    await someone_else_holds_the_lease(db, clock)
    async with db.begin() as session:
        telegram.user_started(7001)
        await outbox.enqueue(session, chat_id=7001, now=clock.now(), payload={"text": "Hallo"})
    runtime = Runtime(make_settings(database_url, telegram.base_url), clock=clock)
    await runtime.start()
    try:
        clock.advance(6 * 60)
        await every_sweep_ran(db, clock, runtime)
        await runtime.ops.watchdog.check()
        ready = await runtime.ops.readiness()
    finally:
        await runtime.stop()

    assert not ready.ok
    assert ready.facts["alarms"] == ["leader", "outbox"]
    assert await watchdog_rows(db) == []
