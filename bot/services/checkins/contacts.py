"""Contacts ("maatjes") for check-ins: a member asks a neighbour, who accepts themselves or not.

A contact is a member of the same buurt. A member has at most two; a contact can step down any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.enums import ContactStatus
from bot.db.models import CheckinContact, Member
from bot.delivery import outbox
from bot.services.checkins import messages
from bot.services.common import notify
from bot.services.common.validation import name_to_find
from bot.services.people import membership

MAX_CONTACTS = 2


class NoSuchNeighbour(LookupError):
    """Nobody in their buurt has that name (or it is themselves)."""


class SeveralNeighbours(LookupError):
    """More than one neighbour has that name."""


class TooManyContacts(Exception):
    """They have two contacts (or asked two) already."""


class StaleRequest(LookupError):
    """The request to be a contact is no longer open."""


@dataclass(frozen=True, slots=True)
class Contact:
    member_id: int  # the contact's own member id
    name: str
    accepted: bool


async def ask(session: AsyncSession, telegram_user_id: int, name: str, *, now: datetime) -> str:
    """Ask the neighbour called `name` to be a contact; returns their name as stored."""
    member = await membership.find(session, telegram_user_id)
    if member is None or member.membership != membership.ACTIVE or member.buurt_id is None:
        raise membership.NotAMember(telegram_user_id)
    count = await session.scalar(
        select(func.count()).select_from(CheckinContact).where(CheckinContact.member_id == member.id)
    )
    if (count or 0) >= MAX_CONTACTS:
        raise TooManyContacts
    typed = name_to_find(name)
    if typed is None:
        raise NoSuchNeighbour(name)
    found = (
        await session.scalars(
            select(Member).where(
                func.lower(Member.display_name) == typed,
                Member.buurt_id == member.buurt_id,
                Member.membership == membership.ACTIVE,
                Member.id != member.id,
            )
        )
    ).all()
    if not found:
        raise NoSuchNeighbour(name)
    if len(found) > 1:
        raise SeveralNeighbours(name)
    contact = found[0]
    if await session.get(CheckinContact, (member.id, contact.id)) is None:
        session.add(
            CheckinContact(
                member_id=member.id, contact_id=contact.id, status=ContactStatus.ASKED, asked_at=now
            )
        )
    await notify.to_member(
        session,
        contact.telegram_user_id,
        messages.contact_request_message(contact.language, member.id, member.display_name or "?"),
        now=now,
        dedupe_key=f"checkin:{member.id}:ask:{contact.id}:{now.isoformat()}",
    )
    return contact.display_name or "?"


async def respond(
    session: AsyncSession, contact_telegram_id: int, member_id: int, *, accept: bool, now: datetime
) -> str:
    """The neighbour says yes or no; the member hears it. Returns the member's name."""
    contact = await membership.find(session, contact_telegram_id)
    row = (
        await session.get(CheckinContact, (member_id, contact.id), with_for_update=True) if contact else None
    )
    member = await session.get(Member, member_id)
    if contact is None or row is None or member is None or row.status != ContactStatus.ASKED:
        raise StaleRequest(member_id)
    if accept:
        row.status, row.accepted_at = ContactStatus.ACCEPTED, now
    else:
        await session.delete(row)
    await outbox.enqueue(
        session,
        chat_id=member.telegram_user_id,
        now=now,
        payload=messages.contact_answer_message(member.language, contact.display_name or "?", accept),
        dedupe_key=f"checkin:{contact.id}:answered:{member.id}:{now.isoformat()}",
    )
    return member.display_name or "?"


async def step_down(session: AsyncSession, contact_telegram_id: int, member_id: int, *, now: datetime) -> str:
    """A contact stops being one; the member hears it kindly. Returns the member's name."""
    contact = await membership.find(session, contact_telegram_id)
    row = await session.get(CheckinContact, (member_id, contact.id)) if contact else None
    member = await session.get(Member, member_id)
    if contact is None or row is None or member is None:
        raise StaleRequest(member_id)
    await session.delete(row)
    await outbox.enqueue(
        session,
        chat_id=member.telegram_user_id,
        now=now,
        payload=messages.contact_stepped_down_message(member.language, contact.display_name or "?"),
        dedupe_key=f"checkin:{contact.id}:stepped-down:{member.id}:{now.isoformat()}",
    )
    return member.display_name or "?"


async def remove(session: AsyncSession, telegram_user_id: int, contact_id: int) -> bool:
    """Stop asking that contact; False when they were none (also for someone forgotten meanwhile)."""
    member = await membership.find(session, telegram_user_id)
    if member is None:
        return False
    result = await session.execute(
        delete(CheckinContact).where(
            CheckinContact.member_id == member.id, CheckinContact.contact_id == contact_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def contacts_of(session: AsyncSession, telegram_user_id: int) -> list[Contact]:
    member = await membership.find(session, telegram_user_id)
    if member is None:
        return []
    rows = await session.execute(
        select(Member.id, Member.display_name, CheckinContact.status)
        .join(CheckinContact, CheckinContact.contact_id == Member.id)
        .where(CheckinContact.member_id == member.id)
        .order_by(CheckinContact.asked_at)
    )
    return [Contact(i, name or "?", status == ContactStatus.ACCEPTED) for i, name, status in rows.all()]


async def looking_after(session: AsyncSession, telegram_user_id: int) -> list[Contact]:
    """The members this person is a contact for (the people they look after)."""
    contact = await membership.find(session, telegram_user_id)
    if contact is None:
        return []
    rows = await session.execute(
        select(Member.id, Member.display_name)
        .join(CheckinContact, CheckinContact.member_id == Member.id)
        .where(CheckinContact.contact_id == contact.id, CheckinContact.status == ContactStatus.ACCEPTED)
    )
    return [Contact(i, name or "?", True) for i, name in rows.all()]


async def tell_members_their_contact_left(
    session: AsyncSession, contact_member_id: int, *, now: datetime
) -> None:
    """Before someone is forgotten: the members they looked after hear it, without their name."""
    rows = await session.execute(
        select(Member.telegram_user_id, Member.language)
        .join(CheckinContact, CheckinContact.member_id == Member.id)
        .where(
            CheckinContact.contact_id == contact_member_id, CheckinContact.status == ContactStatus.ACCEPTED
        )
    )
    for telegram_user_id, language in rows.all():
        await outbox.enqueue(
            session, chat_id=telegram_user_id, now=now, payload=messages.contact_gone_message(language, None)
        )
