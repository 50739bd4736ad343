"""Changing one's own settings: the name neighbours see, and pauses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.common import conversations
from bot.services.common.conversations import State
from bot.services.common.validation import InvalidText
from bot.services.people import membership

FLOW = "settings"
PAUSES = {"dag": timedelta(days=1), "week": timedelta(weeks=1), "altijd": None}


@dataclass(frozen=True, slots=True)
class NameOutcome:
    name: str | None = None
    problem: str | None = None  # InvalidText.reason when the name was not accepted


async def ask_name(session: AsyncSession, telegram_user_id: int, *, now: datetime) -> None:
    """Wait for the name; UnknownMember for someone forgotten since the button was sent."""
    await membership.member_of(session, telegram_user_id)
    await conversations.go_to(session, telegram_user_id, State(FLOW, "name"), now=now)


async def name_typed(
    session: AsyncSession, telegram_user_id: int, text: str, *, now: datetime
) -> NameOutcome:
    try:
        name = await membership.set_name(session, telegram_user_id, text)
    except InvalidText as error:
        return NameOutcome(problem=error.reason)  # the question stays open: they can try again
    await conversations.end(session, telegram_user_id)
    return NameOutcome(name=name)


async def pause_for(
    session: AsyncSession, telegram_user_id: int, choice: str, *, now: datetime
) -> datetime | None:
    """Pause messages for one of PAUSES; returns until when (None: until they resume)."""
    length = PAUSES[choice]
    until = now + length if length is not None else None
    await membership.pause(session, telegram_user_id, now=now, until=until)
    return until
