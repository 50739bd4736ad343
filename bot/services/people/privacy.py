"""A member's rights: see everything stored about them, and have it deleted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.enums import UNFINISHED, WITH_HELPER, RequestStatus
from bot.db.models import (
    Activity,
    ActivityAttendee,
    AuditEntry,
    Broadcast,
    Buurt,
    BuurtRole,
    Conversation,
    HelperCategory,
    HelperOffer,
    HelpRequest,
    InboxUpdate,
    Member,
    OutboxMessage,
    RelayedMessage,
    TelegramChat,
)
from bot.services.checkins import contacts as checkin_contacts
from bot.services.checkins import export as checkin_export
from bot.services.checkins import reach
from bot.services.common import history
from bot.services.help import matching
from bot.services.people.membership import UnknownMember


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def export(session: AsyncSession, telegram_user_id: int, *, now: datetime) -> dict[str, Any]:
    """Everything stored about someone, readable, with dates."""
    member = await session.scalar(select(Member).where(Member.telegram_user_id == telegram_user_id))
    if member is None:
        raise UnknownMember(telegram_user_id)
    buurt = await session.get(Buurt, member.buurt_id) if member.buurt_id is not None else None
    roles = (
        await session.execute(
            select(Buurt.name, BuurtRole.role, BuurtRole.granted_at)
            .join(Buurt, Buurt.id == BuurtRole.buurt_id)
            .where(BuurtRole.member_id == member.id)
        )
    ).all()
    conversation = await session.get(Conversation, telegram_user_id)
    messages = (
        await session.scalars(
            select(OutboxMessage).where(OutboxMessage.chat_id == telegram_user_id).order_by(OutboxMessage.id)
        )
    ).all()
    chat = await session.get(TelegramChat, telegram_user_id)
    admin_actions = (
        await session.execute(
            select(AuditEntry.at, AuditEntry.action, Buurt.name)
            .outerjoin(Buurt, Buurt.id == AuditEntry.buurt_id)
            .where(AuditEntry.actor_telegram_id == telegram_user_id)
            .order_by(AuditEntry.id)
        )
    ).all()
    activities = (
        await session.execute(
            select(Activity.title, Activity.starts_at, Activity.organiser_telegram_id == telegram_user_id)
            .outerjoin(
                ActivityAttendee,
                (ActivityAttendee.activity_id == Activity.id) & (ActivityAttendee.member_id == member.id),
            )
            .where(
                (Activity.organiser_telegram_id == telegram_user_id) | ActivityAttendee.member_id.is_not(None)
            )
            .order_by(Activity.starts_at)
        )
    ).all()
    help_requests = (
        await session.scalars(
            select(HelpRequest).where(HelpRequest.requester_id == member.id).order_by(HelpRequest.id)
        )
    ).all()
    offer = await session.get(HelperOffer, member.id)
    categories = (
        await session.scalars(select(HelperCategory.category).where(HelperCategory.member_id == member.id))
    ).all()
    relayed = await session.scalar(
        select(func.count()).select_from(RelayedMessage).where(RelayedMessage.sender_id == member.id)
    )
    buurt_history = await history.of_member(session, member.id)
    return {
        "exported_at": _when(now),
        "profile": {
            "telegram_user_id": member.telegram_user_id,
            "name_neighbours_see": member.display_name,
            "language": member.language,
            "first_contact": _when(member.joined_at),
            "buurt": buurt.name if buurt else None,
            "membership": member.membership,
            "paused_since": _when(member.paused_since),
            "paused_until": _when(member.paused_until),
            "weekly_digest": member.weekly_digest,
            "unreachable_since": _when(chat.unreachable_since) if chat else None,
        },
        "consents": [{"what": "storing your data for neighbour help", "given_at": _when(member.consent_at)}]
        if member.consent_at
        else [],
        "roles": [{"buurt": name, "role": role, "since": _when(since)} for name, role, since in roles],
        # Kept for the buurt's figures; wiped of your id when you ask to be forgotten.
        "member_and_helper_history": [
            {"buurt": name, "as": role, "change": change, "at": _when(at)}
            for name, role, change, at in buurt_history
        ],
        "conversation_in_progress": {
            "flow": conversation.flow,
            "step": conversation.step,
            "data": conversation.data,
        }
        if conversation
        else None,
        "admin_actions": [
            {"at": _when(at), "action": action, "buurt": buurt_name}
            for at, action, buurt_name in admin_actions
        ],
        "activities": [
            {"title": title, "starts_at": _when(starts_at), "you": "organise" if organiser else "are coming"}
            for title, starts_at, organiser in activities
        ],
        "help_requests": [
            {
                "posted_at": _when(r.created_at),
                "kind": r.category,
                "text": r.text,
                "voice_message": r.voice_file_id is not None,
                "when": r.when,
                "day": r.wanted_on.isoformat() if r.wanted_on else None,
                "status": r.status,
                "closed_at": _when(r.closed_at),
                "thank_you_note": r.thanks,
                "thank_you_in_weekly_news": r.thanks_public,
            }
            for r in help_requests
        ],
        "help_offer": {
            "kinds": sorted(categories),
            "days_mask_monday_first": offer.days,
            "day_parts_mask_morning_afternoon_evening": offer.day_parts,
            "max_per_week": offer.max_per_week,
            "quiet_hours_minutes": [offer.quiet_start, offer.quiet_end],
            "paused": offer.paused,
            "last_asked_at": _when(offer.last_asked_at),
        }
        if offer
        else None,
        "messages_you_sent_through_buurtbot": int(relayed or 0),
        "messages_sent_to_you": [
            {"queued_at": _when(m.created_at), "status": m.status, "text": m.payload.get("text")}
            for m in messages
        ],
        "checkins": await checkin_export.export(session, member),
        "ways_to_reach_you": reach.export(await reach.of(session, member.id)),
    }


async def forget(session: AsyncSession, telegram_user_id: int, *, now: datetime) -> bool:
    """Delete the member and every trace that points to them. False when there was nothing to delete."""
    member = await session.scalar(select(Member).where(Member.telegram_user_id == telegram_user_id))
    await session.execute(delete(Conversation).where(Conversation.telegram_user_id == telegram_user_id))
    await session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == telegram_user_id))
    await session.execute(delete(TelegramChat).where(TelegramChat.chat_id == telegram_user_id))
    # Handled updates keep no payload; what is left (their chat id) goes too.
    await session.execute(
        delete(InboxUpdate).where(InboxUpdate.chat_id == telegram_user_id, InboxUpdate.status != "pending")
    )
    if member is None:
        return False
    # Questions to coordinators about letting them in name them: withdraw those not yet sent.
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.dedupe_key.startswith(f"join-request:{member.id}:"),
            OutboxMessage.status == "pending",
        )
    )
    # Messages about them to others (check-ins: alerts, requests to be a contact) go, sent or not.
    await session.execute(
        delete(OutboxMessage).where(OutboxMessage.dedupe_key.startswith(f"checkin:{member.id}:"))
    )
    # The members they were a check-in contact for hear (without their name) that they left.
    await checkin_contacts.tell_members_their_contact_left(session, member.id, now=now)
    # The audit log keeps what coordinators did, but no longer says to whom.
    await session.execute(
        update(AuditEntry)
        .where(
            or_(AuditEntry.target == f"user:{telegram_user_id}", AuditEntry.target == f"member:{member.id}")
        )
        .values(target="forgotten")
    )
    await session.execute(delete(Broadcast).where(Broadcast.author_telegram_id == telegram_user_id))
    await _forget_help(session, member, now=now)
    # Figures for past periods keep counting them, without anything that says who they were.
    await history.forget(session, member.id, now=now)
    await session.delete(member)  # their check-ins, answers, contacts and alerts go with them (cascade)
    return True


async def _forget_help(session: AsyncSession, member: Member, *, now: datetime) -> None:
    """Their requests close (helpers hear it without a name); a request they helped with looks for
    someone else; then every queued or sent message that carries their name or words is deleted."""
    own = (await session.scalars(select(HelpRequest).where(HelpRequest.requester_id == member.id))).all()
    for request in own:
        if request.status in UNFINISHED:
            await matching.close(session, request, RequestStatus.WITHDRAWN, now=now, anonymous=True)
    helped = (
        await session.scalars(
            select(HelpRequest).where(HelpRequest.helper_id == member.id, HelpRequest.status.in_(WITH_HELPER))
        )
    ).all()
    for request in helped:
        await matching.helper_gone(session, request, now=now)
    relayed = (
        await session.scalars(select(RelayedMessage.id).where(RelayedMessage.sender_id == member.id))
    ).all()
    key = OutboxMessage.dedupe_key
    about_them: list[ColumnElement[bool]] = [
        # Kept: the nameless notes to helpers that a request is no longer needed.
        and_(key.like(f"req:{r.id}:%"), ~key.like(f"req:{r.id}:released:%"), ~key.like(f"req:{r.id}:gone:%"))
        for r in own
    ]
    about_them += [key.like(f"req:%:{kind}:{member.id}") for kind in ("offered", "left", "contact")]
    about_them += [key.like(f"req:%:relay:{relayed_id}") for relayed_id in relayed]
    about_them += [key.like(f"req:%:report%:{relayed_id}:%") for relayed_id in relayed]
    if about_them:
        await session.execute(delete(OutboxMessage).where(or_(*about_them)))
