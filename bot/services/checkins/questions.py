"""The check-in questions that wait for typed text: an exact time, quiet hours, a neighbour's name.

Which question is open lives in the `conversations` table (flow "checkin"), so a restart loses
nothing. Asking opens it; an answer that is taken closes it in the same transaction; an answer that
is refused rolls back and leaves it open, so the member can type again.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.enums import Frequency
from bot.services.checkins import contacts, plans
from bot.services.checkins.plans import PlanView
from bot.services.checkins.schedule import Slot
from bot.services.common import conversations
from bot.services.common.conversations import State

FLOW = "checkin"
_FREQUENCY = "frequency"  # what the exact time is for


class Question(StrEnum):
    """The step of the flow: which question waits for an answer."""

    EXACT_TIME = "exact_time"
    QUIET_HOURS = "quiet"
    CONTACT_NAME = "contact_name"


def open_question(state: State) -> Question:
    """The question a state of this flow asks; any other step is taken for a neighbour's name."""
    if state.step == Question.EXACT_TIME:
        return Question.EXACT_TIME
    if state.step == Question.QUIET_HOURS:
        return Question.QUIET_HOURS
    return Question.CONTACT_NAME


def frequency_asked(state: State) -> Frequency:
    """How often the check-ins whose exact time is being asked come (a ValueError for a broken state)."""
    return Frequency(state.data.get(_FREQUENCY, Frequency.DAILY))


async def ask_exact_time(
    session: AsyncSession, telegram_user_id: int, frequency: Frequency, *, now: datetime
) -> None:
    state = State(FLOW, Question.EXACT_TIME, {_FREQUENCY: frequency.value})
    await conversations.go_to(session, telegram_user_id, state, now=now)


async def ask_quiet_hours(session: AsyncSession, telegram_user_id: int, *, now: datetime) -> None:
    await conversations.go_to(session, telegram_user_id, State(FLOW, Question.QUIET_HOURS), now=now)


async def ask_contact_name(session: AsyncSession, telegram_user_id: int, *, now: datetime) -> None:
    await conversations.go_to(session, telegram_user_id, State(FLOW, Question.CONTACT_NAME), now=now)


async def time_given(
    session: AsyncSession,
    telegram_user_id: int,
    *,
    frequency: Frequency,
    slot: Slot,
    now: datetime,
    zone: ZoneInfo,
) -> PlanView:
    """A time chosen with a button or typed: the check-ins start (or change), and no question is open.

    `plans.start`'s refusals (not a member, a time in the quiet hours) leave the question as it was.
    """
    plan = await plans.start(session, telegram_user_id, frequency=frequency, slot=slot, now=now, zone=zone)
    await conversations.end(session, telegram_user_id)
    return plan


async def quiet_hours_given(
    session: AsyncSession, telegram_user_id: int, start: int, end: int, *, now: datetime, zone: ZoneInfo
) -> PlanView:
    """Typed quiet hours are kept, and the question is closed (unless `plans.set_quiet_hours` refuses)."""
    plan = await plans.set_quiet_hours(session, telegram_user_id, start, end, now=now, zone=zone)
    await conversations.end(session, telegram_user_id)
    return plan


async def contact_name_given(
    session: AsyncSession, telegram_user_id: int, name: str, *, now: datetime
) -> str | None:
    """Ask the neighbour with the typed name to be a contact, and close the question.

    Returns their name, or None when the member has two contacts already: asking again would not
    help, so the question is closed then too. A name that fits nobody, or several, raises as in
    `contacts.ask` and leaves the question open.
    """
    try:
        asked = await contacts.ask(session, telegram_user_id, name, now=now)
    except contacts.TooManyContacts:
        asked = None  # contacts.ask wrote nothing before it refused
    await conversations.end(session, telegram_user_id)
    return asked
