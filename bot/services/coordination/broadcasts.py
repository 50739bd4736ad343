"""/omroep: a coordinator's message to every member of the buurt, and afterwards how it went.

The text is only kept in the outbox (and, while the coordinator confirms, in their conversation):
the broadcasts table and the audit log know who sent something to which buurt, never what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Broadcast, Buurt, Member, OutboxMessage
from bot.delivery import outbox
from bot.delivery.outbox import Priority
from bot.delivery.payloads import text_message
from bot.i18n import translator
from bot.services.common import audit, conversations, notify
from bot.services.common.conversations import State
from bot.services.common.validation import clean_text
from bot.services.people import membership
from bot.services.people.authority import Actor, check_manages

FLOW = "omroep"
SEND = "broadcast.send"
MAX_LENGTH = 3000  # leaves room for the heading within Telegram's 4096


class NothingToSend(Exception):
    """The confirmation came without a message waiting (already sent, stopped, or forgotten)."""


@dataclass(frozen=True, slots=True)
class Preview:
    buurt_name: str
    text: str
    recipients: int  # who will get it
    paused: int  # on a break now, so they will not


@dataclass(frozen=True, slots=True)
class Sent:
    broadcast_id: int
    queued: int
    skipped: int  # on a break


@dataclass(frozen=True, slots=True)
class Report:
    author_telegram_id: int
    buurt_name: str
    delivered: int
    unreachable: int
    skipped: int


def _key_prefix(broadcast_id: int) -> str:
    return f"omroep:{broadcast_id}:"


async def begin(session: AsyncSession, actor: Actor, buurt_id: int, *, now: datetime) -> str:
    """Ask for the text; returns the buurt's name."""
    buurt = await check_manages(session, actor, buurt_id)
    assert actor.telegram_user_id is not None
    await conversations.go_to(
        session, actor.telegram_user_id, State(FLOW, "text", {"buurt_id": buurt_id}), now=now
    )
    return buurt.name


async def text_given(
    session: AsyncSession, actor: Actor, state: State, text: str, *, now: datetime
) -> Preview:
    """Keep the text for the confirmation (InvalidText when it is empty or too long)."""
    buurt = await check_manages(session, actor, int(state.data["buurt_id"]))
    cleaned = clean_text(text, max_length=MAX_LENGTH, allow_newlines=True)
    assert actor.telegram_user_id is not None
    await conversations.go_to(
        session,
        actor.telegram_user_id,
        State(FLOW, "confirm", {"buurt_id": buurt.id, "text": cleaned}),
        now=now,
    )
    audience = [telegram_id for telegram_id, _ in await _audience(session, buurt.id, actor.telegram_user_id)]
    listed = await session.scalars(select(Member).where(Member.telegram_user_id.in_(audience)))
    paused = sum(notify.is_paused(member, now) for member in listed.all())
    return Preview(buurt.name, cleaned, len(audience) - paused, paused)


async def confirm(session: AsyncSession, actor: Actor, *, now: datetime) -> Sent:
    """Queue the message for every member (bulk priority); members on a break get nothing."""
    assert actor.telegram_user_id is not None
    state = await conversations.current(session, actor.telegram_user_id, now=now)
    if state is None or state.flow != FLOW or state.step != "confirm":
        raise NothingToSend
    buurt = await check_manages(session, actor, int(state.data["buurt_id"]))
    await conversations.end(session, actor.telegram_user_id)
    broadcast = Broadcast(buurt_id=buurt.id, author_telegram_id=actor.telegram_user_id, created_at=now)
    session.add(broadcast)
    await session.flush()
    text, queued, skipped = escape(str(state.data["text"])), 0, 0
    for telegram_id, language in await _audience(session, buurt.id, actor.telegram_user_id):
        t = translator(language)
        heading = t("📢 A message for everyone in {buurt}:").format(buurt=escape(buurt.name))
        if await notify.to_member(
            session,
            telegram_id,
            text_message(f"<b>{heading}</b>\n\n{text}"),
            now=now,
            priority=Priority.BULK,
            dedupe_key=f"{_key_prefix(broadcast.id)}{telegram_id}",
        ):
            queued += 1
        else:
            skipped += 1
    broadcast.skipped = skipped
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=SEND,
        buurt_id=buurt.id,
        target=f"broadcast:{broadcast.id}",
        now=now,
    )
    return Sent(broadcast.id, queued, skipped)


async def _audience(session: AsyncSession, buurt_id: int, author: int) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Member.telegram_user_id, Member.language).where(
            Member.buurt_id == buurt_id,
            Member.membership == membership.ACTIVE,
            Member.telegram_user_id != author,
        )
    )
    return [(int(user_id), str(language)) for user_id, language in rows.all()]


async def report_finished(session: AsyncSession, *, now: datetime) -> list[Report]:
    """Tell each author whose broadcast is no longer on its way how many got it. Returns what was told."""
    reports = []
    for broadcast in (await session.scalars(select(Broadcast).where(Broadcast.reported_at.is_(None)))).all():
        counts = dict(
            (
                await session.execute(
                    select(OutboxMessage.status, func.count())
                    .where(OutboxMessage.dedupe_key.startswith(_key_prefix(broadcast.id)))
                    .group_by(OutboxMessage.status)
                )
            ).all()
        )
        if counts.get("pending"):
            continue
        buurt_name = await session.scalar(select(Buurt.name).where(Buurt.id == broadcast.buurt_id)) or "?"
        report = Report(
            broadcast.author_telegram_id,
            buurt_name,
            delivered=int(counts.get("sent", 0)),
            unreachable=int(counts.get("unreachable", 0)) + int(counts.get("failed", 0)),
            skipped=broadcast.skipped,
        )
        broadcast.reported_at = now
        language = await session.scalar(
            select(Member.language).where(Member.telegram_user_id == report.author_telegram_id)
        )
        t = translator(language or "nl")
        text = t(
            "📢 Your message to {buurt} has been sent.\n"
            "✅ Delivered: {delivered}\n"
            "⚠️ Could not be reached: {unreachable}\n"
            "⏸️ On a break, so not sent: {skipped}"
        ).format(
            buurt=escape(buurt_name),
            delivered=report.delivered,
            unreachable=report.unreachable,
            skipped=report.skipped,
        )
        # Straight to the outbox: the author asked for this answer, a break does not hold it back.
        await outbox.enqueue(
            session,
            chat_id=report.author_telegram_id,
            now=now,
            payload=text_message(text),
            dedupe_key=f"omroep-report:{broadcast.id}",
        )
        reports.append(report)
    return reports
