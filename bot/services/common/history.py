"""Who was a member, and who a helper, of a buurt and when: so that figures for a past period stay put.

The design: an anonymous-by-default event log, `buurt_history`. Each row says that in buurt B at time T
someone *started* or *stopped* being a member (active, not waiting for approval) or a helper (an active
member with a help offer, paused or not). Besides a member id (below) nothing about the person is
kept: no name, no Telegram id, no reason.

- **Counting a period.** Someone counts for a period when they were there at any moment of it: they
  started before it ended and had not stopped before it began. So a neighbour who joined and left within
  the period counts, one who joined after it does not, and what happens later never changes it.
- **The member id** is kept only while the person is on Buurtbot: it tells what to stop when they move
  or stop helping, and lets someone who left and came back within one period count once. When they ask
  to be forgotten (`/vergeetmij`), their open rows are stopped and the id is wiped from all of them.
  What is left names nobody, and no column says which nameless start belongs to which nameless stop
  (the exact times remain, so rows written at the same moment could still be paired by hand). Such
  rows are counted by arithmetic instead: nameless starts before the end, minus nameless stops at or
  before the beginning.
- **Keeping it right.** Services do not write rows themselves: after anything that can change what
  someone is (joining, approval, moving, an offer saved or stopped), they call `follow` (`forget` when
  they are forgotten), which compares what the person is now with their open rows and writes only the
  difference. Calling it twice changes nothing.
- **Before this log existed** (migration `0009`), every active member got a start at their first
  contact with the bot, and every helper the same moment: the best that was known then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Buurt, BuurtHistoryEvent, HelperOffer, Member

MEMBER, HELPER = "member", "helper"
START, STOP = "start", "stop"
ACTIVE = "active"  # membership.ACTIVE; not imported, because membership imports this module


@dataclass(frozen=True, slots=True)
class Event:
    member_id: int | None
    role: str
    change: str
    at: datetime


async def follow(session: AsyncSession, member: Member, *, now: datetime) -> None:
    """Bring the member's rows in line with what they are now: a member of their buurt while active,
    and a helper too while they have an offer."""
    await session.flush()  # the caller's change, and a new member's id
    wanted: set[tuple[int, str]] = set()
    if member.membership == ACTIVE and member.buurt_id is not None:
        wanted.add((member.buurt_id, MEMBER))
        offer = await session.scalar(select(HelperOffer.member_id).where(HelperOffer.member_id == member.id))
        if offer is not None:
            wanted.add((member.buurt_id, HELPER))
    await _write(session, member.id, wanted, now=now)


async def forget(session: AsyncSession, member_id: int, *, now: datetime) -> None:
    """They asked to be forgotten: they stop being anything now, and no row says who they were."""
    await _write(session, member_id, set(), now=now)
    await session.flush()
    await session.execute(
        update(BuurtHistoryEvent).where(BuurtHistoryEvent.member_id == member_id).values(member_id=None)
    )


async def _write(
    session: AsyncSession, member_id: int, wanted: set[tuple[int, str]], *, now: datetime
) -> None:
    now_open = await _open(session, member_id)
    # A helper stops helping before leaving, and joins before helping: the rows read in that order.
    for buurt_id, role in sorted(now_open - wanted, key=lambda key: (key[0], key[1] != HELPER)):
        session.add(BuurtHistoryEvent(buurt_id=buurt_id, member_id=member_id, role=role, change=STOP, at=now))
    for buurt_id, role in sorted(wanted - now_open, key=lambda key: (key[0], key[1] != MEMBER)):
        session.add(
            BuurtHistoryEvent(buurt_id=buurt_id, member_id=member_id, role=role, change=START, at=now)
        )


async def _open(session: AsyncSession, member_id: int) -> set[tuple[int, str]]:
    rows = await session.execute(
        select(BuurtHistoryEvent.buurt_id, BuurtHistoryEvent.role, BuurtHistoryEvent.change)
        .where(BuurtHistoryEvent.member_id == member_id)
        .order_by(BuurtHistoryEvent.at, BuurtHistoryEvent.id)
    )
    state: set[tuple[int, str]] = set()
    for buurt_id, role, change in rows.all():
        (state.add if change == START else state.discard)((int(buurt_id), str(role)))
    return state


async def events(session: AsyncSession, buurt_id: int, *, before: datetime) -> list[Event]:
    """The buurt's events up to `before`, oldest first."""
    rows = await session.execute(
        select(
            BuurtHistoryEvent.member_id,
            BuurtHistoryEvent.role,
            BuurtHistoryEvent.change,
            BuurtHistoryEvent.at,
        )
        .where(BuurtHistoryEvent.buurt_id == buurt_id, BuurtHistoryEvent.at < before)
        .order_by(BuurtHistoryEvent.at, BuurtHistoryEvent.id)
    )
    return [Event(m, str(role), str(change), at) for m, role, change, at in rows.all()]


def present(events: Iterable[Event], role: str, start: datetime, end: datetime) -> int:
    """How many were a `role` at any moment from `start` up to `end` (each person once, when known)."""
    known: set[int] = set()
    since: dict[int, datetime] = {}
    nameless = 0
    for event in events:
        if event.role != role:
            continue
        if event.member_id is None:
            # Unpaired, so counted by arithmetic: starts before the end, minus stops before the beginning.
            if event.change == START and event.at < end:
                nameless += 1
            elif event.change == STOP and event.at <= start:
                nameless -= 1
        elif event.change == START:
            since.setdefault(event.member_id, event.at)
        else:
            began = since.pop(event.member_id, None)
            if began is not None and began < end and event.at > start:
                known.add(event.member_id)
    known.update(member_id for member_id, began in since.items() if began < end)
    return len(known) + nameless


def started(events: Iterable[Event], role: str, start: datetime, end: datetime) -> int:
    """How many became a `role` from `start` up to `end` (each known person once)."""
    chosen = [e for e in events if e.role == role and e.change == START and start <= e.at < end]
    return len({e.member_id for e in chosen if e.member_id is not None}) + sum(
        e.member_id is None for e in chosen
    )


async def of_member(session: AsyncSession, member_id: int) -> list[tuple[str, str, str, datetime]]:
    """(buurt name, role, change, at) of one member, for /mijngegevens."""
    rows = await session.execute(
        select(Buurt.name, BuurtHistoryEvent.role, BuurtHistoryEvent.change, BuurtHistoryEvent.at)
        .join(Buurt, Buurt.id == BuurtHistoryEvent.buurt_id)
        .where(BuurtHistoryEvent.member_id == member_id)
        .order_by(BuurtHistoryEvent.at, BuurtHistoryEvent.id)
    )
    return [(str(b), str(r), str(c), at) for b, r, c, at in rows.all()]
