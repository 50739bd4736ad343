"""Buurt activities: a coordinator plans them, members say "Ik kom", and once over they disappear."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from html import escape

from babel.dates import format_datetime
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Activity, ActivityAttendee, Member
from bot.delivery.payloads import text_message
from bot.i18n import translator
from bot.services.common import audit, conversations, notify
from bot.services.common.conversations import State
from bot.services.common.validation import clean_text
from bot.services.people import membership
from bot.services.people.authority import Actor, NotAllowed, check_manages

FLOW = "activiteit"
CREATE, CANCEL = "activity.create", "activity.cancel"
STEPS = ("title", "when", "place", "text")
LIMITS = {"title": 80, "place": 80, "text": 500}
# Kept a little after the start, so that "today at 10:00" still shows at 10:05; then deleted.
SHOWN_AFTER_START = timedelta(hours=2)

# "28-11 10:00", "28-11-2026 10.00", "28/11 9:30"
_WHEN = re.compile(r"\s*(\d{1,2})[-/](\d{1,2})(?:[-/](\d{4}))?\s+(\d{1,2})[:.](\d{2})\s*")


class InvalidWhen(ValueError):
    """Not a date and time we can read (`reason`: format or past)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnknownActivity(LookupError):
    """The activity is over, cancelled, or not in the member's buurt."""


@dataclass(frozen=True, slots=True)
class Upcoming:
    id: int
    title: str
    starts_at: datetime
    place: str
    text: str
    coming: int
    me_too: bool


def parse_when(text: str, *, now: datetime, zone: tzinfo) -> datetime:
    """A local date and time as typed, in UTC; without a year, the next time that date comes."""
    match = _WHEN.fullmatch(text)
    if match is None:
        raise InvalidWhen("format")
    day_text, month_text, year_text, hour_text, minute_text = match.groups()
    day, month, hour, minute = int(day_text), int(month_text), int(hour_text), int(minute_text)
    year = int(year_text) if year_text else None
    local_now = now.astimezone(zone)
    try:
        when = datetime(year or local_now.year, month, day, hour, minute, tzinfo=zone)
        if year is None and when < local_now:
            when = when.replace(year=local_now.year + 1)
    except ValueError:
        raise InvalidWhen("format") from None
    if when <= local_now:
        raise InvalidWhen("past")
    return when.astimezone(now.tzinfo)


async def begin(session: AsyncSession, actor: Actor, buurt_id: int, *, now: datetime) -> str:
    """Start asking for a new activity; returns the buurt's name."""
    buurt = await check_manages(session, actor, buurt_id)
    assert actor.telegram_user_id is not None
    await conversations.go_to(
        session, actor.telegram_user_id, State(FLOW, "title", {"buurt_id": buurt_id}), now=now
    )
    return buurt.name


async def answer_given(
    session: AsyncSession, actor: Actor, state: State, text: str, *, now: datetime, zone: tzinfo
) -> str | Activity:
    """Store one answer; returns the next step's name, or the new activity after the last one.

    Raises InvalidText or InvalidWhen; the question then stays open.
    """
    assert actor.telegram_user_id is not None
    buurt_id = int(state.data["buurt_id"])
    await check_manages(session, actor, buurt_id)
    if state.step == "when":
        state.data["when"] = parse_when(text, now=now, zone=zone).isoformat()
    elif state.step == "text" and text.strip() == "-":
        state.data["text"] = ""
    else:
        state.data[state.step] = clean_text(
            text, max_length=LIMITS[state.step], allow_newlines=state.step == "text"
        )
    following = STEPS.index(state.step) + 1
    if following < len(STEPS):
        state.step = STEPS[following]
        await conversations.go_to(session, actor.telegram_user_id, state, now=now)
        return state.step
    await conversations.end(session, actor.telegram_user_id)
    activity = Activity(
        buurt_id=buurt_id,
        organiser_telegram_id=actor.telegram_user_id,
        title=state.data["title"],
        starts_at=datetime.fromisoformat(state.data["when"]),
        place=state.data["place"],
        text=state.data["text"],
        created_at=now,
    )
    session.add(activity)
    await session.flush()
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=CREATE,
        buurt_id=buurt_id,
        target=f"activity:{activity.id}",
        now=now,
    )
    return activity


async def upcoming(
    session: AsyncSession, buurt_id: int, *, now: datetime, member_id: int | None = None
) -> list[Upcoming]:
    """The buurt's activities that are not over, soonest first, with how many are coming."""
    counts = (
        select(ActivityAttendee.activity_id, func.count().label("coming"))
        .group_by(ActivityAttendee.activity_id)
        .subquery()
    )
    rows = await session.execute(
        select(Activity, func.coalesce(counts.c.coming, 0))
        .outerjoin(counts, counts.c.activity_id == Activity.id)
        .where(Activity.buurt_id == buurt_id, Activity.starts_at > now - SHOWN_AFTER_START)
        .order_by(Activity.starts_at, Activity.id)
    )
    mine: set[int] = set()
    if member_id is not None:
        mine = set(
            await session.scalars(
                select(ActivityAttendee.activity_id).where(ActivityAttendee.member_id == member_id)
            )
        )
    return [
        Upcoming(a.id, a.title, a.starts_at, a.place, a.text, int(coming), a.id in mine)
        for a, coming in rows.all()
    ]


async def for_coordinator(
    session: AsyncSession, actor: Actor, buurt_id: int, *, now: datetime
) -> tuple[str, list[Upcoming]]:
    """What the organisers see: the buurt's name and its upcoming activities with their counts."""
    buurt = await check_manages(session, actor, buurt_id)
    return buurt.name, await upcoming(session, buurt_id, now=now)


async def for_member(
    session: AsyncSession, telegram_user_id: int, *, now: datetime
) -> tuple[str, list[Upcoming]]:
    """What a member sees: their buurt's name and its upcoming activities. UnknownMember without a buurt."""
    member = await membership.find(session, telegram_user_id)
    if member is None or member.membership != membership.ACTIVE or member.buurt_id is None:
        raise membership.UnknownMember(telegram_user_id)
    name = await membership.buurt_name(session, member.buurt_id) or "?"
    return name, await upcoming(session, member.buurt_id, now=now, member_id=member.id)


async def set_coming(
    session: AsyncSession, telegram_user_id: int, activity_id: int, *, coming: bool, now: datetime
) -> None:
    """Ik kom (or not after all). Only for members of the activity's buurt, before it is over.

    UnknownMember for someone who is not (yet, or any more) a member of a buurt."""
    member = await membership.find(session, telegram_user_id)
    if member is None or member.membership != membership.ACTIVE:
        raise membership.UnknownMember(telegram_user_id)
    activity = await session.get(Activity, activity_id)
    if activity is None or member.buurt_id != activity.buurt_id:
        raise UnknownActivity(activity_id)
    if activity.starts_at <= now - SHOWN_AFTER_START:
        raise UnknownActivity(activity_id)  # over
    present = await session.get(ActivityAttendee, (activity_id, member.id))
    if coming and present is None:
        session.add(ActivityAttendee(activity_id=activity_id, member_id=member.id, since=now))
    elif not coming and present is not None:
        await session.delete(present)


async def cancel(
    session: AsyncSession, actor: Actor, activity_id: int, *, now: datetime, zone: tzinfo
) -> Activity:
    """Call it off; whoever said "Ik kom" hears it."""
    activity = await session.get(Activity, activity_id)
    if activity is None:
        raise NotAllowed  # nothing to tell about an id that does not exist
    await check_manages(session, actor, activity.buurt_id)
    coming = await session.execute(
        select(Member.telegram_user_id, Member.language)
        .join(ActivityAttendee, ActivityAttendee.member_id == Member.id)
        .where(ActivityAttendee.activity_id == activity_id)
    )
    for telegram_id, language in coming.all():
        t = translator(language)
        text = t("😔 {title} on {date} is cancelled.").format(
            title=escape(activity.title),
            date=format_datetime(activity.starts_at, "EEEE d MMMM, HH:mm", tzinfo=zone, locale=language),
        )
        await notify.to_member(session, telegram_id, text_message(text), now=now)
    await session.delete(activity)
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=CANCEL,
        buurt_id=activity.buurt_id,
        target=f"activity:{activity_id}",
        now=now,
    )
    return activity


async def forget_past(session: AsyncSession, *, now: datetime) -> int:
    result = await session.execute(delete(Activity).where(Activity.starts_at <= now - SHOWN_AFTER_START))
    return int(getattr(result, "rowcount", 0) or 0)
