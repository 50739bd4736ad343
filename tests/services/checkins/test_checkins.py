"""Check-ins as a service: when they come, what an answer does, and the ladder when nobody answers."""

from __future__ import annotations

import asyncio
import itertools
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.enums import CheckinStatus, Frequency, Mood
from bot.db.models import Buurt, Checkin, CheckinPlan
from bot.delivery import chats
from bot.i18n import translator
from bot.jobs.checkins import sweep
from bot.services.checkins import answers, contacts, messages, plans
from bot.services.people import membership, roles
from tests.fakes.clock import FakeClock
from tests.services.checkin_helpers import (
    AMSTERDAM,
    callback_data,
    deps,
    local,
    move_to,
    opts_in,
    queued,
    resident,
    run_sweep,
    texts,
)

ANNA, BRAM, CHRIS, COORDINATOR = 11, 22, 33, 44
HOUR = 3600


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(local(2026, 11, 25, 8))  # Wednesday morning, 08:00 in Amsterdam


@pytest.fixture
async def anna(db: Database, clock: FakeClock, oost: Buurt) -> int:
    """Anna lives in Oost and said yes to a daily check-in around 10:00; Bram and Chris are neighbours."""
    for telegram_id, name in ((ANNA, "Anna"), (BRAM, "Bram"), (CHRIS, "Chris")):
        await resident(db, clock, oost, telegram_id, name)
    async with db.begin() as session:
        await roles.appoint(session, "Oost", COORDINATOR, now=clock.now())
    await opts_in(db, clock, ANNA)
    return ANNA


async def with_contacts(db: Database, clock: FakeClock, *names_and_ids: tuple[str, int]) -> None:
    for name, telegram_id in names_and_ids:
        async with db.begin() as session:
            await contacts.ask(session, ANNA, name, now=clock.now())
        anna_id = await member_id(db, ANNA)
        async with db.begin() as session:
            await contacts.respond(session, telegram_id, anna_id, accept=True, now=clock.now())
        clock.advance(1)


async def member_id(db: Database, telegram_id: int) -> int:
    async with db.begin() as session:
        member = await membership.find(session, telegram_id)
        assert member is not None
        return member.id


async def open_checkin(db: Database) -> Checkin:
    async with db.begin() as session:
        checkin = await session.scalar(select(Checkin).where(Checkin.status == CheckinStatus.OPEN))
    assert checkin is not None
    return checkin


async def checkins_sent(db: Database) -> int:
    async with db.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(Checkin)) or 0)


async def test_a_daily_checkin_comes_at_ten_once_however_often_the_sweep_runs(
    db: Database, clock: FakeClock, anna: int
) -> None:
    move_to(clock, local(2026, 11, 25, 9, 59))
    await run_sweep(db, clock)
    assert await texts(db, ANNA) == []
    move_to(clock, local(2026, 11, 25, 10))
    await run_sweep(db, clock)
    await run_sweep(db, clock)
    (message,) = await queued(db, ANNA)
    assert str(message["text"]) in [translator("nl")(p) for p in messages.PHRASINGS]
    labels = [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]  # type: ignore[index]
    assert labels == ["😊 Goed", "😐 Gaat wel", "😟 Niet zo goed", "📞 Ik wil graag even praten"]
    anna_id = await member_id(db, ANNA)
    async with db.begin() as session:
        plan = await session.get(CheckinPlan, anna_id)
    assert plan is not None and plan.next_due_at == local(2026, 11, 26, 10)


async def test_the_phrasing_is_never_the_same_twice_in_a_row(
    db: Database, clock: FakeClock, anna: int
) -> None:
    for day in range(25, 31):
        move_to(clock, local(2026, 11, day, 10))
        await run_sweep(db, clock)
    sent = await texts(db, ANNA)
    assert len(sent) == 6
    assert all(first != second for first, second in itertools.pairwise(sent))


async def test_a_checkin_missed_while_the_bot_was_down_is_sent_late_within_its_window(
    db: Database, clock: FakeClock, anna: int
) -> None:
    move_to(clock, local(2026, 11, 25, 11, 30))  # the morning window runs until 12:00
    await run_sweep(db, clock)
    assert len(await texts(db, ANNA)) == 1


async def test_a_checkin_missed_for_too_long_or_into_quiet_hours_is_skipped_and_the_next_one_comes(
    db: Database, clock: FakeClock, anna: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    move_to(clock, local(2026, 11, 25, 21, 30))
    await run_sweep(db, clock)
    assert await texts(db, ANNA) == []
    assert "skipped" in caplog.text
    move_to(clock, local(2026, 11, 28, 10, 5))  # down for days: only today's is still in time
    await run_sweep(db, clock)
    assert len(await texts(db, ANNA)) == 1


async def test_an_exact_time_in_the_quiet_hours_is_refused(db: Database, clock: FakeClock, anna: int) -> None:
    async with db.begin() as session:
        with pytest.raises(plans.InQuietHours):
            await plans.start(
                session,
                ANNA,
                frequency=Frequency.DAILY,
                slot=plans.slot_for("exact", 22 * 60),
                now=clock.now(),
                zone=AMSTERDAM,
            )


async def test_a_pause_skips_checkins_until_it_ends(db: Database, clock: FakeClock, anna: int) -> None:
    async with db.begin() as session:
        until = await plans.pause(session, ANNA, "week", now=clock.now())
    for day in (25, 26, 27, 28, 29, 30):
        move_to(clock, local(2026, 11, day, 10))
        await run_sweep(db, clock)
    assert await texts(db, ANNA) == []
    assert until < local(2026, 12, 2, 10)
    move_to(clock, local(2026, 12, 2, 10))
    await run_sweep(db, clock)
    assert len(await texts(db, ANNA)) == 1


async def test_three_times_a_week_means_monday_wednesday_friday(
    db: Database, clock: FakeClock, anna: int
) -> None:
    await opts_in(db, clock, ANNA, frequency=Frequency.THRICE, slot="afternoon")
    for day in range(25, 31):  # Wednesday 25 to Monday 30 November
        move_to(clock, local(2026, 11, day, 15))
        await run_sweep(db, clock)
    async with db.begin() as session:
        days = (await session.scalars(select(Checkin.due_at).order_by(Checkin.due_at))).all()
    assert [d.astimezone(AMSTERDAM).strftime("%a %H:%M") for d in days] == [
        "Wed 15:00",
        "Fri 15:00",
        "Mon 15:00",
    ]


@pytest.mark.parametrize(
    ("before", "after", "utc_hours"),
    [
        ((2026, 3, 28), (2026, 3, 29), (9, 8)),  # spring forward: 10:00 is 09:00 UTC, then 08:00 UTC
        ((2026, 10, 24), (2026, 10, 25), (8, 9)),  # fall back: 10:00 is 08:00 UTC, then 09:00 UTC
    ],
)
async def test_ten_oclock_stays_ten_oclock_when_the_clocks_change(
    db: Database,
    oost: Buurt,
    before: tuple[int, int, int],
    after: tuple[int, int, int],
    utc_hours: tuple[int, int],
) -> None:
    clock = FakeClock(local(*before, 7))
    await resident(db, clock, oost, ANNA, "Anna")
    await opts_in(db, clock, ANNA)
    for day in (before, after):
        move_to(clock, local(*day, 10))
        await run_sweep(db, clock)
    async with db.begin() as session:
        sent = (await session.scalars(select(Checkin).order_by(Checkin.due_at))).all()
    assert [c.due_at.hour for c in sent] == list(utc_hours)
    assert [c.due_at.astimezone(AMSTERDAM).hour for c in sent] == [10, 10]
    # The reminder is an hour later in real time, also on the day the clocks change.
    move_to(clock, sent[-1].sent_at + timedelta(hours=1))
    await run_sweep(db, clock)
    assert len(await texts(db, ANNA)) == 3


async def test_the_whole_ladder_then_all_is_well_for_everyone_who_was_asked(
    db: Database, clock: FakeClock, anna: int
) -> None:
    await with_contacts(db, clock, ("Bram", BRAM), ("Chris", CHRIS))
    move_to(clock, local(2026, 11, 25, 10))
    await run_sweep(db, clock)
    checkin = await open_checkin(db)
    sent = checkin.sent_at

    move_to(clock, sent + timedelta(minutes=59))
    await run_sweep(db, clock)
    assert len(await texts(db, ANNA)) == 3  # two "is now your contact", the check-in

    move_to(clock, sent + timedelta(hours=1))
    await run_sweep(db, clock)
    assert "kleine herinnering" in (await texts(db, ANNA))[-1]

    move_to(clock, sent + timedelta(hours=3))
    await run_sweep(db, clock)
    bram_asked = (await queued(db, BRAM))[-1]
    assert "Anna heeft niet gereageerd" in str(bram_asked["text"])
    assert "nog nooit" in str(bram_asked["text"])  # when she last answered; never how she felt
    assert len(await texts(db, CHRIS)) == 1  # only the request to be her contact

    move_to(clock, sent + timedelta(hours=6))
    await run_sweep(db, clock)
    assert "Anna heeft niet gereageerd" in (await texts(db, CHRIS))[-1]
    assert await texts(db, COORDINATOR) == []

    move_to(clock, sent + timedelta(hours=9))  # 19:00, before the quiet hours
    await run_sweep(db, clock)
    assert "Anna heeft niet gereageerd" in (await texts(db, COORDINATOR))[-1]

    async with db.begin() as session:
        answered = await answers.answer(session, ANNA, checkin.id, Mood.GOOD, now=clock.now())
    assert answered.told_all_is_well == 3
    for person in (BRAM, CHRIS, COORDINATOR):
        assert "Anna heeft gereageerd" in (await texts(db, person))[-1]


async def test_after_an_answer_nobody_is_asked(db: Database, clock: FakeClock, anna: int) -> None:
    await with_contacts(db, clock, ("Bram", BRAM))
    move_to(clock, local(2026, 11, 25, 10))
    await run_sweep(db, clock)
    checkin = await open_checkin(db)
    async with db.begin() as session:
        await answers.answer(session, ANNA, checkin.id, Mood.OKAY, now=clock.now())
    move_to(clock, local(2026, 11, 25, 20))
    await run_sweep(db, clock)
    assert len(await texts(db, BRAM)) == 1  # only the request to be her contact
    assert len(await texts(db, ANNA)) == 2  # "Bram is your contact", the check-in: no reminder


async def test_a_contact_who_cannot_moves_the_ladder_on_at_once(
    db: Database, clock: FakeClock, anna: int
) -> None:
    await with_contacts(db, clock, ("Bram", BRAM), ("Chris", CHRIS))
    move_to(clock, local(2026, 11, 25, 10))
    await run_sweep(db, clock)
    checkin = await open_checkin(db)
    move_to(clock, checkin.sent_at + timedelta(hours=3))
    await run_sweep(db, clock)
    async with db.begin() as session:
        await answers.contact_responds(
            session, BRAM, checkin.id, looking=False, now=clock.now(), zone=AMSTERDAM
        )
    assert "Anna heeft niet gereageerd" in (await texts(db, CHRIS))[-1]


async def test_a_contact_who_goes_to_look_stops_the_ladder(db: Database, clock: FakeClock, anna: int) -> None:
    await with_contacts(db, clock, ("Bram", BRAM), ("Chris", CHRIS))
    move_to(clock, local(2026, 11, 25, 10))
    await run_sweep(db, clock)
    checkin = await open_checkin(db)
    move_to(clock, checkin.sent_at + timedelta(hours=3))
    await run_sweep(db, clock)
    async with db.begin() as session:
        await answers.contact_responds(
            session, BRAM, checkin.id, looking=True, now=clock.now(), zone=AMSTERDAM
        )
    move_to(clock, checkin.sent_at + timedelta(hours=10))
    await run_sweep(db, clock)
    assert len(await texts(db, CHRIS)) == 1  # only the request to be her contact
    assert await texts(db, COORDINATOR) == []


async def test_a_contact_who_blocked_the_bot_is_skipped_and_the_member_hears_it_kindly(
    db: Database, clock: FakeClock, anna: int
) -> None:
    await with_contacts(db, clock, ("Bram", BRAM))
    async with db.begin() as session:
        await chats.mark_unreachable(session, BRAM, clock.now())
    move_to(clock, local(2026, 11, 25, 10))
    await run_sweep(db, clock)
    checkin = await open_checkin(db)
    move_to(clock, checkin.sent_at + timedelta(hours=3))
    await run_sweep(db, clock)
    assert "Ik kon Bram niet bereiken" in (await texts(db, ANNA))[-1]
    assert "Anna heeft niet gereageerd" in (await texts(db, COORDINATOR))[-1]


async def test_a_step_in_the_quiet_hours_waits_until_morning(
    db: Database, clock: FakeClock, anna: int
) -> None:
    await opts_in(db, clock, ANNA, slot="evening")  # 19:00; the first contact would be asked at 22:00
    await with_contacts(db, clock, ("Bram", BRAM))
    move_to(clock, local(2026, 11, 25, 19))
    await run_sweep(db, clock)
    move_to(clock, local(2026, 11, 25, 22, 30))
    await run_sweep(db, clock)
    assert len(await texts(db, BRAM)) == 1
    move_to(clock, local(2026, 11, 26, 9))
    await run_sweep(db, clock)
    assert "Anna heeft niet gereageerd" in (await texts(db, BRAM))[-1]


async def test_old_and_forged_buttons_change_nothing(db: Database, clock: FakeClock, anna: int) -> None:
    move_to(clock, local(2026, 11, 25, 10))
    await run_sweep(db, clock)
    checkin = await open_checkin(db)
    async with db.begin() as session:
        with pytest.raises(answers.StaleButton):
            await answers.answer(session, BRAM, checkin.id, Mood.BAD, now=clock.now())  # not hers
        with pytest.raises(answers.StaleButton):
            await answers.answer(session, ANNA, 999_999, Mood.BAD, now=clock.now())  # forged
        with pytest.raises(answers.StaleButton):
            await answers.contact_responds(
                session, BRAM, checkin.id, looking=True, now=clock.now(), zone=AMSTERDAM
            )
    async with db.begin() as session:
        await answers.answer(session, ANNA, checkin.id, Mood.GOOD, now=clock.now())
    async with db.begin() as session:
        with pytest.raises(answers.AlreadyAnswered):
            await answers.answer(session, ANNA, checkin.id, Mood.BAD, now=clock.now())
    move_to(clock, local(2026, 11, 26, 10))
    await run_sweep(db, clock)
    yesterday_buttons = callback_data((await queued(db, ANNA))[0])
    assert yesterday_buttons[0].startswith(f"ci:m:{checkin.id}:")
    async with db.begin() as session:
        assert (await session.get(Checkin, checkin.id)).mood == "good"  # type: ignore[union-attr]


async def test_two_instances_sweeping_at_once_send_each_checkin_and_each_step_once(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    async with db.begin() as session:
        await roles.appoint(session, "Oost", COORDINATOR, now=clock.now())
    for telegram_id in range(500, 560):
        await resident(db, clock, oost, telegram_id, f"Buur{telegram_id}")
        await opts_in(db, clock, telegram_id)
    other = Database(db.url.render_as_string(hide_password=False))

    async def both_instances_sweep() -> None:
        await asyncio.gather(sweep(deps(db, clock), batch=7), sweep(deps(other, clock), batch=7))

    try:
        move_to(clock, local(2026, 11, 26, 10))
        await both_instances_sweep()
        move_to(clock, local(2026, 11, 26, 13))  # reminders, then the coordinator (nobody has a contact)
        await both_instances_sweep()
    finally:
        await other.dispose()
    assert await checkins_sent(db) == 60
    for telegram_id in range(500, 560):
        assert len(await texts(db, telegram_id)) == 2  # the check-in and one reminder
    asked = [said for said in await texts(db, COORDINATOR) if "heeft niet gereageerd" in said]
    assert len(asked) == len(set(asked)) == 60


async def test_answers_are_kept_ninety_days(db: Database, clock: FakeClock, anna: int) -> None:
    move_to(clock, local(2026, 11, 25, 10))
    await run_sweep(db, clock)
    checkin = await open_checkin(db)
    async with db.begin() as session:
        await answers.answer(session, ANNA, checkin.id, Mood.OKAY, now=clock.now())
    async with db.begin() as session:
        assert [m.mood for m in await plans.history(session, ANNA)] == ["okay"]
        assert (
            await plans.forget_old_moods(
                session, now=clock.now() + timedelta(days=89), keep=timedelta(days=90)
            )
            == 0
        )
        assert (
            await plans.forget_old_moods(
                session, now=clock.now() + timedelta(days=91), keep=timedelta(days=90)
            )
            == 1
        )
        assert await plans.history(session, ANNA) == []


async def test_stopping_ends_checkins_and_closes_the_open_one(
    db: Database, clock: FakeClock, anna: int
) -> None:
    move_to(clock, local(2026, 11, 25, 10))
    await run_sweep(db, clock)
    checkin = await open_checkin(db)
    async with db.begin() as session:
        assert await plans.stop(session, ANNA)
    move_to(clock, local(2026, 11, 27, 10))
    await run_sweep(db, clock)
    assert len(await texts(db, ANNA)) == 1
    async with db.begin() as session:
        with pytest.raises(answers.StaleButton):
            await answers.answer(session, ANNA, checkin.id, Mood.GOOD, now=clock.now())


async def test_a_break_from_all_messages_stops_the_ladder(db: Database, clock: FakeClock, anna: int) -> None:
    await with_contacts(db, clock, ("Bram", BRAM))
    move_to(clock, local(2026, 11, 25, 10))
    await run_sweep(db, clock)
    async with db.begin() as session:
        await membership.pause(session, ANNA, now=clock.now(), until=None)
    move_to(clock, local(2026, 11, 25, 20))
    await run_sweep(db, clock)
    assert len(await texts(db, BRAM)) == 1  # only the request to be her contact
    async with db.begin() as session:
        assert await session.scalar(select(Checkin.status)) == CheckinStatus.CLOSED


async def test_a_contact_who_is_also_the_coordinator_is_asked_once(
    db: Database, clock: FakeClock, anna: int
) -> None:
    async with db.begin() as session:
        await roles.appoint(session, "Oost", BRAM, now=clock.now())
    await with_contacts(db, clock, ("Bram", BRAM))
    move_to(clock, local(2026, 11, 25, 10))
    await run_sweep(db, clock)
    move_to(clock, local(2026, 11, 25, 20))
    await run_sweep(db, clock)
    bram_texts = await texts(db, BRAM)
    assert sum("Anna heeft niet gereageerd" in said for said in bram_texts) == 1
    assert "Anna heeft niet gereageerd" in (await texts(db, COORDINATOR))[-1]
