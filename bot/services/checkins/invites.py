"""/checkin <name>: a coordinator asks a member whether they would like check-ins.

Only the member's own yes starts them (`checkins.start`). Like every admin action, the caller's role is
checked for the member's buurt (`authority.check_manages`), and the invitation is written to the audit
log: who, whom, when and which buurt, never the words of the message.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member
from bot.services.checkins.messages import invite_text
from bot.services.common import audit, notify
from bot.services.common.validation import name_to_find
from bot.services.people import authority, membership
from bot.services.people.authority import Actor, NotAllowed

INVITE = "checkin.invite"  # the name in the audit log


class NoSuchMember(LookupError):
    """Not exactly one active member with that name in the buurten the caller manages."""


async def find(session: AsyncSession, actor: Actor, name: str) -> int:
    """The id of the one active member called `name` in a buurt the actor manages.

    NotAllowed when they manage no buurt at all. A name only known in other buurten is NoSuchMember:
    a coordinator does not learn who lives elsewhere.
    """
    managed = [buurt.id for buurt in await authority.managed_buurten(session, actor)]
    if not managed:
        raise NotAllowed
    typed = name_to_find(name)
    if typed is None:
        raise NoSuchMember(name)
    query = select(Member.id).where(
        func.lower(Member.display_name) == typed,
        Member.membership == membership.ACTIVE,
        Member.buurt_id.is_not(None),
    )
    if not actor.is_operator:
        query = query.where(Member.buurt_id.in_(managed))
    found = (await session.scalars(query.limit(2))).all()
    if len(found) != 1:
        raise NoSuchMember(name)
    return found[0]


async def invite(session: AsyncSession, actor: Actor, member_id: int, *, now: datetime) -> str:
    """Ask the member (through the outbox) and write it to the audit log; returns their name, escaped."""
    member = await session.get(Member, member_id)
    if member is None or member.buurt_id is None:
        raise NotAllowed  # no hint about which member ids exist
    await authority.check_manages(session, actor, member.buurt_id)
    if member.membership != membership.ACTIVE:
        raise NoSuchMember(member_id)
    await notify.to_member(
        session,
        member.telegram_user_id,
        invite_text(member.language),
        now=now,
        dedupe_key=f"checkin:{member.id}:invite:{now.isoformat()}",
    )
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=INVITE,
        buurt_id=member.buurt_id,
        now=now,
        target=f"member:{member.id}",
    )
    return escape(member.display_name or "?")
