"""The durable inbox: every update is stored before Telegram is told we have it."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import InboxUpdate
from bot.db.upsert import dialect_insert, insert_ignoring_duplicates

_inbox_table = cast(Table, InboxUpdate.__table__)
_inbox = _inbox_table.c
# Core statements on the table, built once: the dispatcher runs them for every batch it takes.
_PENDING = (
    select(_inbox.update_id, _inbox.chat_id, _inbox.payload, _inbox.attempts)
    .where(_inbox.status == "pending")
    .order_by(_inbox.update_id)
)


@dataclass(frozen=True, slots=True)
class PendingUpdate:
    update_id: int
    chat_id: int | None
    payload: dict[str, Any]


def chat_of(update: dict[str, Any]) -> int | None:
    """The chat an update belongs to, so that one chat's updates are handled in order."""
    for kind, value in update.items():
        if kind == "update_id" or not isinstance(value, dict):
            continue
        chat = value.get("chat") or (value.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return int(chat["id"])
        sender = value.get("from") or value.get("user")
        if isinstance(sender, dict) and "id" in sender:
            return int(sender["id"])
    return None


def sender_of(update: dict[str, Any]) -> int | None:
    """The Telegram user who caused an update, if it names one."""
    for kind, value in update.items():
        if kind == "update_id" or not isinstance(value, dict):
            continue
        sender = value.get("from") or value.get("user")
        return int(sender["id"]) if isinstance(sender, dict) and "id" in sender else None
    return None


def _row(raw: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "update_id": int(raw["update_id"]),
        "chat_id": chat_of(raw),
        "payload": json.dumps(raw, ensure_ascii=False, separators=(",", ":")),
        "status": "pending",
        "applied_steps": 0,
        "attempts": 0,
        "received_at": now,
    }


async def store(session: AsyncSession, updates: Sequence[dict[str, Any]], now: datetime) -> int:
    """Store raw updates. One Telegram sends again (after a crash before the offset moved) is kept once."""
    return await insert_ignoring_duplicates(session, InboxUpdate, [_row(raw, now) for raw in updates])


async def store_new(session: AsyncSession, updates: Sequence[dict[str, Any]], now: datetime) -> set[int]:
    """`store`, telling which update ids were new (the others were stored before)."""
    rows = list({int(raw["update_id"]): _row(raw, now) for raw in reversed(updates)}.values())
    if not rows:
        return set()
    statement = dialect_insert(session, _inbox_table).on_conflict_do_nothing().returning(_inbox.update_id)
    return {int(update_id) for (update_id,) in await session.execute(statement, rows)}


async def next_offset(session: AsyncSession) -> int | None:
    """The getUpdates offset that confirms everything already stored."""
    highest = await session.scalar(select(func.max(InboxUpdate.update_id)))
    return None if highest is None else int(highest) + 1


async def take_pending(
    session: AsyncSession, *, exclude: Collection[int], limit: int, max_attempts: int, now: datetime
) -> tuple[list[PendingUpdate], list[int]]:
    """The oldest unhandled updates, counting this attempt.

    An update that was started `max_attempts` times without finishing has crashed the process each time;
    it is set aside as failed so that one poisoned update cannot stop the whole buurt.
    Returns (to handle, given up).
    """
    query = _PENDING
    if exclude:
        query = query.where(_inbox.update_id.not_in(list(exclude)))
    ready: list[PendingUpdate] = []
    given_up: list[int] = []
    for update_id, chat_id, payload, attempts in await session.execute(query.limit(limit)):
        if attempts >= max_attempts:
            given_up.append(update_id)
        else:
            ready.append(PendingUpdate(update_id, chat_id, json.loads(payload or "{}")))
    if ready:
        await session.execute(
            update(_inbox_table)
            .where(_inbox.update_id.in_([pending.update_id for pending in ready]))
            .values(attempts=_inbox.attempts + 1)
        )
    if given_up:
        await _set_aside(session, given_up, "failed", now)
    return ready, given_up


async def give_back(session: AsyncSession, update_ids: Collection[int]) -> None:
    """Updates that were taken but never started (the dispatcher stopped first): that take does not
    count as an attempt, so that restarts during a burst never set an update aside as failed."""
    if update_ids:
        await session.execute(
            update(_inbox_table)
            .where(_inbox.update_id.in_(list(update_ids)), _inbox.status == "pending", _inbox.attempts > 0)
            .values(attempts=_inbox.attempts - 1)
        )


async def mark_done(session: AsyncSession, update_ids: Collection[int], now: datetime) -> None:
    if update_ids:
        await _set_aside(session, update_ids, "done", now)


async def _set_aside(session: AsyncSession, update_ids: Collection[int], status: str, now: datetime) -> None:
    await session.execute(
        update(_inbox_table)
        .where(_inbox.update_id.in_(list(update_ids)))
        # The payload holds names and texts, the chat id points to a person; once handled, neither is needed.
        .values(status=status, payload=None, chat_id=None, handled_at=now)
    )


# Built once (a Core statement on the table): it runs for every unit of work.
_CLAIM_STEP = (
    update(_inbox_table)
    .where(_inbox.update_id == bindparam("id"), _inbox.applied_steps < bindparam("step"))
    .values(applied_steps=bindparam("step"))
)


async def begin_step(session: AsyncSession, update_id: int, step: int) -> bool:
    """Record that unit of work number `step` of this update commits with `session`.

    Returns False when that step was already committed before (the update is being handled again after
    a crash): the caller must then not apply its state change a second time.
    """
    # One conditional UPDATE: it locks the row (a second transaction for the same step waits, then finds
    # the step taken) and its row count tells whether this is the first time.
    result = await session.execute(_CLAIM_STEP, {"id": update_id, "step": step})
    if getattr(result, "rowcount", 0) == 1:
        return True
    stored = await session.scalar(select(InboxUpdate.update_id).where(InboxUpdate.update_id == update_id))
    # Not from the inbox (a test calling a handler directly): nothing to guard.
    return stored is None


async def purge_handled(session: AsyncSession, *, before: datetime) -> int:
    result = await session.execute(
        delete(InboxUpdate).where(InboxUpdate.status != "pending", InboxUpdate.handled_at < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)
