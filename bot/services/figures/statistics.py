"""/statistiek and /export: what a buurt's neighbour help adds up to, for its coordinators and funders.

Requests are counted by the period they were asked in: of those, how many found a helper and how many
are done. Members and helpers are counted from the buurt's history (`services/history.py`): whoever was
one at any moment of the period, also when they left since, or asked to be forgotten; so the numbers for
a period that is over do not change any more.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.enums import RequestStatus
from bot.db.models import Checkin, CheckinAlert, HelpRequest, Member
from bot.services.common import audit, history
from bot.services.help import terms as help_terms
from bot.services.people.authority import Actor, check_manages

VIEW, EXPORT = "stats.view", "stats.export"
WEEK, FOUR_WEEKS, YEAR = "week", "4weeks", "year"
PERIODS = (WEEK, FOUR_WEEKS, YEAR)
DONE = RequestStatus.DONE


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` up to, not including, `end` (UTC); `first_day` is its first local day."""

    start: datetime
    end: datetime
    first_day: date


def period(kind: str, now: datetime, zone: tzinfo) -> Period:
    """This week (from Monday), the last 4 weeks (from 3 weeks before this Monday) or this year.

    It ends where the week or year ends: nothing is there yet after now, and what happened at this very
    moment counts.
    """
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    next_monday = monday + timedelta(weeks=1)
    if kind == WEEK:
        first, after = monday, next_monday
    elif kind == FOUR_WEEKS:
        first, after = monday - timedelta(weeks=3), next_monday
    elif kind == YEAR:
        first, after = date(today.year, 1, 1), date(today.year + 1, 1, 1)
    else:
        raise ValueError(kind)
    return Period(_start_of(first, zone), _start_of(after, zone), first)


def _start_of(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class CategoryCount:
    category: str
    asked: int
    matched: int
    done: int


@dataclass(frozen=True, slots=True)
class Figures:
    buurt_name: str
    period: Period
    members: int  # a member at some moment of the period
    new_members: int  # became a member of this buurt in the period
    helpers: int  # a member with a helper offer (paused or not) at some moment of the period
    categories: list[CategoryCount]  # only the categories asked for, in the order of help_terms
    median_to_match: timedelta | None  # posting to match, of the requests matched
    checkins_sent: int
    checkins_answered: int
    escalations: int  # contacts and coordinators asked to look in on someone

    @property
    def asked(self) -> int:
        return sum(c.asked for c in self.categories)

    @property
    def matched(self) -> int:
        return sum(c.matched for c in self.categories)

    @property
    def done(self) -> int:
        return sum(c.done for c in self.categories)


async def check(session: AsyncSession, actor: Actor, buurt_id: int) -> None:
    """NotAllowed unless the actor may see this buurt's numbers (before asking which period)."""
    await check_manages(session, actor, buurt_id)


async def figures(
    session: AsyncSession, actor: Actor, buurt_id: int, kind: str, *, now: datetime, zone: tzinfo
) -> Figures:
    """The buurt's numbers for one period; checked and written to the audit log."""
    buurt = await check_manages(session, actor, buurt_id)
    result = await _figures(session, buurt_id, buurt.name, period(kind, now, zone))
    await audit.record(
        session, actor=actor.telegram_user_id, action=VIEW, buurt_id=buurt_id, now=now, target=kind
    )
    return result


async def _figures(session: AsyncSession, buurt_id: int, name: str, span: Period) -> Figures:
    requests = await _requests(session, buurt_id, span)
    asked, matched, done = Counter[str](), Counter[str](), Counter[str]()
    waits: list[timedelta] = []
    for category, status, created_at, matched_at in requests:
        asked[category] += 1
        if matched_at is not None:
            matched[category] += 1
            waits.append(matched_at - created_at)
        done[category] += status == DONE
    order = [key for key in help_terms.CATEGORIES if key in asked] + sorted(
        key for key in asked if key not in help_terms.CATEGORIES
    )
    sent, answered = await _checkins(session, buurt_id, span)
    past = await history.events(session, buurt_id, before=span.end)
    return Figures(
        buurt_name=name,
        period=span,
        members=history.present(past, history.MEMBER, span.start, span.end),
        new_members=history.started(past, history.MEMBER, span.start, span.end),
        helpers=history.present(past, history.HELPER, span.start, span.end),
        categories=[CategoryCount(key, asked[key], matched[key], done[key]) for key in order],
        median_to_match=_median(waits),
        checkins_sent=sent,
        checkins_answered=answered,
        escalations=await _escalations(session, buurt_id, span),
    )


async def _requests(
    session: AsyncSession, buurt_id: int, span: Period
) -> list[tuple[str, str, datetime, datetime | None]]:
    rows = await session.execute(
        select(
            HelpRequest.category, HelpRequest.status, HelpRequest.created_at, HelpRequest.matched_at
        ).where(
            HelpRequest.buurt_id == buurt_id,
            HelpRequest.created_at >= span.start,
            HelpRequest.created_at < span.end,
        )
    )
    return [(str(c), str(s), _utc(created), _utc(m) if m else None) for c, s, created, m in rows.all()]


async def _checkins(session: AsyncSession, buurt_id: int, span: Period) -> tuple[int, int]:
    row = (
        await session.execute(
            select(func.count(), func.count(Checkin.answered_at))
            .join(Member, Member.id == Checkin.member_id)
            .where(Member.buurt_id == buurt_id, Checkin.sent_at >= span.start, Checkin.sent_at < span.end)
        )
    ).one()
    return int(row[0]), int(row[1])


async def _escalations(session: AsyncSession, buurt_id: int, span: Period) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(CheckinAlert)
            .join(Checkin, Checkin.id == CheckinAlert.checkin_id)
            .join(Member, Member.id == Checkin.member_id)
            .where(
                Member.buurt_id == buurt_id,
                CheckinAlert.alerted_at >= span.start,
                CheckinAlert.alerted_at < span.end,
            )
        )
        or 0
    )


def _median(waits: list[timedelta]) -> timedelta | None:
    """The middle wait; with an even number, halfway between the two middle ones."""
    if not waits:
        return None
    ordered, middle = sorted(waits), len(waits) // 2
    return ordered[middle] if len(waits) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def weekly(
    session: AsyncSession, actor: Actor, buurt_id: int, kind: str, *, now: datetime, zone: tzinfo
) -> list[Figures]:
    """The same figures, one per week of the period (Monday to Sunday), up to this week."""
    buurt = await check_manages(session, actor, buurt_id)
    whole = period(kind, now, zone)
    monday = whole.first_day - timedelta(days=whole.first_day.weekday())
    weeks = []
    while (start := _start_of(monday, zone)) <= now:
        end = min(_start_of(monday + timedelta(weeks=1), zone), whole.end)
        weeks.append(
            await _figures(session, buurt_id, buurt.name, Period(max(start, whole.start), end, monday))
        )
        monday += timedelta(weeks=1)
    await audit.record(
        session, actor=actor.telegram_user_id, action=EXPORT, buurt_id=buurt_id, now=now, target=kind
    )
    return weeks
