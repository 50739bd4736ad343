"""A member's rights: see everything stored about them, and have it deleted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Activity,
    ActivityAttendee,
    AuditEntry,
    Broadcast,
    Buurt,
    BuurtRole,
    Conversation,
    InboxUpdate,
    Member,
    OutboxMessage,
    TelegramChat,
)
from bot.services.membership import UnknownMember


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
            "unreachable_since": _when(chat.unreachable_since) if chat else None,
        },
        "consents": [{"what": "storing your data for neighbour help", "given_at": _when(member.consent_at)}]
        if member.consent_at
        else [],
        "roles": [{"buurt": name, "role": role, "since": _when(since)} for name, role, since in roles],
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
        "messages_sent_to_you": [
            {"queued_at": _when(m.created_at), "status": m.status, "text": m.payload.get("text")}
            for m in messages
        ],
    }


async def forget(session: AsyncSession, telegram_user_id: int) -> bool:
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
    # The audit log keeps what coordinators did, but no longer says to whom.
    await session.execute(
        update(AuditEntry)
        .where(
            or_(AuditEntry.target == f"user:{telegram_user_id}", AuditEntry.target == f"member:{member.id}")
        )
        .values(target="forgotten")
    )
    await session.execute(delete(Broadcast).where(Broadcast.author_telegram_id == telegram_user_id))
    await session.delete(member)
    return True
