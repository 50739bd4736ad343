"""The durable outbox: messages to other people, written in the same transaction as their cause."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OutboxMessage, TelegramChat
from bot.db.upsert import dialect_insert, insert_ignoring_duplicates
from bot.delivery import chats

_QUEUED = "outbox_queued"  # in session.info: this transaction queued a message


class Priority(IntEnum):
    """Lower goes first when the sender has to choose."""

    ANSWER = 0  # someone is waiting for it right now
    NOTIFICATION = 10  # a helper, a contact, a coordinator
    BULK = 20  # digests and broadcasts


@dataclass(frozen=True, slots=True)
class Outgoing:
    id: int
    chat_id: int
    method: str
    payload: dict[str, Any]
    attempts: int


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    now: datetime,
    method: str = "sendMessage",
    payload: dict[str, Any],
    priority: Priority = Priority.NOTIFICATION,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Queue one Bot API call (`payload` holds its parameters except chat_id), sent from `not_before` on.

    Returns False when a message with the same `dedupe_key` was queued before (nothing is added).
    A chat that blocked the bot gets nothing: the row is kept as 'unreachable' so that counts add up.
    """
    session.info[_QUEUED] = True
    chat_id = await chats.current_chat_id(session, chat_id)
    status = "unreachable" if await chats.is_unreachable(session, chat_id) else "pending"
    row = {
        "chat_id": chat_id,
        "method": method,
        "payload": payload,
        "priority": int(priority),
        "status": status,
        "attempts": 0,
        "next_attempt_at": max(now, not_before) if not_before is not None else now,
        "created_at": now,
        "dedupe_key": dedupe_key,
    }
    if dedupe_key is None:
        session.add(OutboxMessage(**row))
        return True
    return await insert_ignoring_duplicates(session, OutboxMessage, [row]) == 1


@dataclass(frozen=True, slots=True)
class Delivered:
    chat_id: int
    message_id: int
    method: str


async def recall(session: AsyncSession, dedupe_keys: Collection[str]) -> dict[str, Delivered]:
    """Take back queued messages: those not sent yet never will be; for those sent, where they are
    (to edit them). Rows are locked in id order, the order the sender writes its results in, so that
    the two never wait for each other."""
    if not dedupe_keys:
        return {}
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.dedupe_key.in_(list(dedupe_keys)))
        .order_by(OutboxMessage.id)
        .with_for_update()
    )
    delivered: dict[str, Delivered] = {}
    for row in rows.all():
        if row.status == "pending":
            row.status = "recalled"
        elif row.status == "sent" and row.sent_message_id is not None and row.dedupe_key is not None:
            delivered[row.dedupe_key] = Delivered(row.chat_id, row.sent_message_id, row.method)
    return delivered


def queued_in(session: AsyncSession) -> bool:
    """Whether `enqueue` was called in this session: only then is there news for the sender."""
    return bool(session.info.get(_QUEUED))


async def due(
    session: AsyncSession, *, now: datetime, exclude: Collection[int], limit: int
) -> list[Outgoing]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.priority, OutboxMessage.id)
        .limit(limit)
    )
    if exclude:
        query = query.where(OutboxMessage.id.not_in(list(exclude)))
    return [
        Outgoing(row.id, row.chat_id, row.method, row.payload, row.attempts)
        for row in (await session.scalars(query)).all()
    ]


async def next_due_at(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(OutboxMessage.next_attempt_at)
        .where(OutboxMessage.status == "pending")
        .order_by(OutboxMessage.next_attempt_at)
        .limit(1)
    )


async def mark_sent(
    session: AsyncSession, message_id: int, *, now: datetime, sent_message_id: int | None
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            status="sent", sent_at=now, sent_message_id=sent_message_id, attempts=OutboxMessage.attempts + 1
        )
    )


async def retry_later(
    session: AsyncSession, message_id: int, *, at: datetime, error: str, count: bool
) -> None:
    values: dict[str, Any] = {"next_attempt_at": at, "last_error": error[:200]}
    if count:
        values["attempts"] = OutboxMessage.attempts + 1
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))


async def mark_failed(session: AsyncSession, message_id: int, *, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status="failed", last_error=error[:200], attempts=OutboxMessage.attempts + 1)
    )


async def mark_chat_unreachable(session: AsyncSession, chat_id: int, *, now: datetime, error: str) -> None:
    """The person blocked the bot: stop everything queued for them."""
    await chats.mark_unreachable(session, chat_id, now)
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status == "pending")
        .values(status="unreachable", last_error=error[:200])
    )


async def follow_migration(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: everything queued for it goes to the new chat id."""
    await chats.record_migration(session, old_chat_id, new_chat_id)
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == old_chat_id, OutboxMessage.status == "pending")
        .values(chat_id=new_chat_id)
    )


async def purge_finished(session: AsyncSession, *, before: datetime) -> int:
    result = await session.execute(
        delete(OutboxMessage).where(OutboxMessage.status != "pending", OutboxMessage.created_at < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True, slots=True)
class Queued:
    chat_id: int
    payload: dict[str, Any]
    dedupe_key: str | None = None


async def enqueue_many(
    session: AsyncSession,
    messages: Collection[Queued],
    *,
    now: datetime,
    priority: Priority = Priority.NOTIFICATION,
    unreachable: Collection[int] | None = None,
) -> int:
    """`enqueue` for many private chats at once, in two statements; returns how many were added.

    `unreachable`: the chats among them that blocked the bot, when the caller already knows.
    """
    if not messages:
        return 0
    blocked = (
        set(unreachable)
        if unreachable is not None
        else set(
            (
                await session.scalars(
                    select(TelegramChat.chat_id).where(
                        TelegramChat.chat_id.in_([m.chat_id for m in messages]),
                        TelegramChat.unreachable_since.is_not(None),
                    )
                )
            ).all()
        )
    )
    rows = [
        {
            "chat_id": m.chat_id,
            "method": "sendMessage",
            "payload": m.payload,
            "priority": int(priority),
            "status": "unreachable" if m.chat_id in blocked else "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "dedupe_key": m.dedupe_key,
        }
        for m in messages
    ]
    # executemany of one cached statement: a VALUES list of this size would be compiled anew each time.
    table = OutboxMessage.metadata.tables[OutboxMessage.__tablename__]
    statement = dialect_insert(session, table).on_conflict_do_nothing().returning(table.c.id)
    return len((await session.execute(statement, rows)).all())
