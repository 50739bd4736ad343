"""Answers to a check-in: the member's own (how they are, may someone get in touch) and those asked
to look in on them (going to look, or cannot).

Each answer locks its check-in row, so an answer and a ladder step of the same check-in never cross.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import tally
from bot.db.enums import AlertResponse, CheckinStatus, Mood
from bot.db.models import Checkin, CheckinAlert, CheckinPlan, Member
from bot.delivery import outbox
from bot.services.checkins import ladder, messages
from bot.services.common import notify
from bot.services.people import membership


class StaleButton(LookupError):
    """A button of a check-in that does not exist, is not theirs, or has passed."""


class AlreadyAnswered(Exception):
    """The member answered this check-in before."""


class AllWell(Exception):
    """A contact answers for a check-in the member has answered meanwhile."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass(frozen=True, slots=True)
class Answered:
    mood: Mood
    told_all_is_well: int  # how many people who were asked to look now hear that all is well


@dataclass(frozen=True, slots=True)
class ReachOut:
    names: list[str]
    coordinators: bool


async def _own_checkin(
    session: AsyncSession, telegram_user_id: int, checkin_id: int
) -> tuple[Checkin, Member]:
    member = await membership.find(session, telegram_user_id)
    checkin = await session.get(Checkin, checkin_id, with_for_update=True)
    if member is None or checkin is None or checkin.member_id != member.id:
        raise StaleButton(checkin_id)
    return checkin, member


async def answer(
    session: AsyncSession, telegram_user_id: int, checkin_id: int, mood: Mood, *, now: datetime
) -> Answered:
    """The member taps how they are. Whoever was asked to look in on them hears that all is well."""
    checkin, member = await _own_checkin(session, telegram_user_id, checkin_id)
    if checkin.status == CheckinStatus.ANSWERED:
        raise AlreadyAnswered
    if checkin.status != CheckinStatus.OPEN:
        raise StaleButton(checkin_id)
    checkin.status, checkin.mood, checkin.answered_at = CheckinStatus.ANSWERED, mood, now
    checkin.next_step_at = None
    tally.add(session, "checkins_answered")
    alerted = (
        await session.scalars(
            select(Member)
            .join(CheckinAlert, CheckinAlert.contact_id == Member.id)
            .where(CheckinAlert.checkin_id == checkin.id)
        )
    ).all()
    for person in alerted:
        await outbox.enqueue(
            session,
            chat_id=person.telegram_user_id,
            now=now,
            payload=messages.all_is_well_message(person.language, member.display_name or "?"),
            dedupe_key=f"checkin:{member.id}:well:{checkin.id}:{person.id}",
        )
    return Answered(mood, len(alerted))


async def reach_out(
    session: AsyncSession, telegram_user_id: int, checkin_id: int, *, now: datetime
) -> ReachOut:
    """After 'not so good' and a yes: their contacts (or, without any, the coordinators) get in touch."""
    checkin, member = await _own_checkin(session, telegram_user_id, checkin_id)
    if checkin.status != CheckinStatus.ANSWERED:
        raise StaleButton(checkin_id)
    contacts = await ladder.accepted_contacts(session, member)
    reachable = [c for c in contacts if await ladder.reachable_contact(session, c, member)]
    targets = reachable or await ladder.coordinators(session, member)
    for target in targets:
        await notify.to_member(
            session,
            target.telegram_user_id,
            messages.reach_out_message(target.language, member.display_name or "?"),
            now=now,
            dedupe_key=f"checkin:{member.id}:reach:{checkin.id}:{target.id}",
        )
    return ReachOut([c.display_name or "?" for c in reachable], coordinators=not reachable and bool(targets))


async def contact_responds(
    session: AsyncSession,
    contact_telegram_id: int,
    checkin_id: int,
    *,
    looking: bool,
    now: datetime,
    zone: ZoneInfo,
) -> str:
    """'I will go and look' stops the ladder; 'I can't' moves it on at once. Returns the member's name."""
    contact = await membership.find(session, contact_telegram_id)
    checkin = await session.get(Checkin, checkin_id, with_for_update=True)
    alert = await session.get(CheckinAlert, (checkin_id, contact.id)) if contact and checkin else None
    if contact is None or checkin is None or alert is None:
        raise StaleButton(checkin_id)
    member = await session.get(Member, checkin.member_id)
    name = (member.display_name if member else None) or "?"
    if checkin.status != CheckinStatus.OPEN:
        raise AllWell(name)
    if alert.response is not None:
        return name
    alert.response = AlertResponse.LOOKING if looking else AlertResponse.CANNOT
    alert.responded_at = now
    if looking:
        checkin.next_step_at = None  # a neighbour is on their way; nobody else needs to be asked
        return name
    plan = await session.get(CheckinPlan, checkin.member_id)
    if (
        member is not None
        and plan is not None
        and alert.step == checkin.step
        and checkin.next_step_at is not None
    ):
        await ladder.next_step(session, checkin, plan, member, now=now, zone=zone)
    return name
