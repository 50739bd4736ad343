"""The check-in questions that wait for typed text: opened by asking, closed by an answer that is taken."""

from __future__ import annotations

import pytest

from bot.db.database import Database
from bot.db.enums import Frequency
from bot.db.models import Buurt
from bot.services.checkins import contacts, plans, questions
from bot.services.checkins.questions import Question
from bot.services.common import conversations
from bot.services.common.conversations import State
from tests.fakes.clock import FakeClock
from tests.services.checkin_helpers import AMSTERDAM, local, opts_in, resident

ANNA, BRAM, CHRIS, DIRK = 11, 22, 33, 44


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(local(2026, 11, 25, 8))


@pytest.fixture
async def neighbours(db: Database, clock: FakeClock, oost: Buurt) -> None:
    for telegram_id, name in ((ANNA, "Anna"), (BRAM, "Bram"), (CHRIS, "Chris"), (DIRK, "Dirk")):
        await resident(db, clock, oost, telegram_id, name)


async def open_question(db: Database, clock: FakeClock) -> State | None:
    async with db.begin() as session:
        return await conversations.current(session, ANNA, now=clock.now())


async def test_an_exact_time_remembers_how_often_and_starting_closes_the_question(
    db: Database, clock: FakeClock, neighbours: None
) -> None:
    async with db.begin() as session:
        await questions.ask_exact_time(session, ANNA, Frequency.WEEKLY, now=clock.now())
    state = await open_question(db, clock)
    assert state is not None and state.flow == questions.FLOW
    assert questions.open_question(state) == Question.EXACT_TIME
    assert questions.frequency_asked(state) == Frequency.WEEKLY

    async with db.begin() as session:
        plan = await questions.time_given(
            session,
            ANNA,
            frequency=questions.frequency_asked(state),
            slot=plans.slot_for("exact", 10 * 60 + 30),
            now=clock.now(),
            zone=AMSTERDAM,
        )
    assert (plan.frequency, plan.at_minute) == (Frequency.WEEKLY, 10 * 60 + 30)
    assert await open_question(db, clock) is None


async def test_a_refused_answer_leaves_the_question_open_to_type_again(
    db: Database, clock: FakeClock, neighbours: None
) -> None:
    await opts_in(db, clock, ANNA)
    async with db.begin() as session:
        await questions.ask_quiet_hours(session, ANNA, now=clock.now())
    with pytest.raises(plans.InQuietHours):
        async with db.begin() as session:
            await questions.quiet_hours_given(session, ANNA, 9 * 60, 11 * 60, now=clock.now(), zone=AMSTERDAM)
    state = await open_question(db, clock)
    assert state is not None and questions.open_question(state) == Question.QUIET_HOURS

    async with db.begin() as session:
        await questions.ask_contact_name(session, ANNA, now=clock.now())
    with pytest.raises(contacts.NoSuchNeighbour):
        async with db.begin() as session:
            await questions.contact_name_given(session, ANNA, "Nobody", now=clock.now())
    state = await open_question(db, clock)
    assert state is not None and questions.open_question(state) == Question.CONTACT_NAME


async def test_with_two_contacts_asked_a_third_name_closes_the_question_without_asking(
    db: Database, clock: FakeClock, neighbours: None
) -> None:
    for name in ("Bram", "Chris"):
        async with db.begin() as session:
            await questions.ask_contact_name(session, ANNA, now=clock.now())
        async with db.begin() as session:
            assert await questions.contact_name_given(session, ANNA, name, now=clock.now()) == name
        assert await open_question(db, clock) is None
        clock.advance(1)  # contacts are listed in the order they were asked

    async with db.begin() as session:
        await questions.ask_contact_name(session, ANNA, now=clock.now())
    async with db.begin() as session:
        assert await questions.contact_name_given(session, ANNA, "Dirk", now=clock.now()) is None
    assert await open_question(db, clock) is None
    async with db.begin() as session:
        assert [c.name for c in await contacts.contacts_of(session, ANNA)] == ["Bram", "Chris"]
