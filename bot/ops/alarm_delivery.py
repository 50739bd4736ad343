"""The watchdog's own messages, delivered by the watchdog when the sender leaves them waiting.

An alarm about a stuck outbox goes into that same outbox: if the sender is what is stuck, or the
instance holding the lease hangs, the operators would hear nothing. So a watchdog message (its dedupe
key starts with `watchdog:`) still pending after a while is claimed (its next attempt moved an hour
on, so that a sender waking up leaves it alone), sent directly, and recorded like the sender records
its own. At least once, as everywhere: a process that dies between sending and recording sends it
again later. These are a few messages per alarm, so the rate limits of the sender are not needed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select, update
from telegram.error import Forbidden, NetworkError, TelegramError

from bot.clock import Clock
from bot.db.database import Database
from bot.db.models import OutboxMessage
from bot.delivery import outbox
from bot.delivery.bot_api import DeliveryBot
from bot.ops.alarms import DEDUPE_PREFIX

log = logging.getLogger(__name__)

CLAIMED_FOR = timedelta(hours=1)
TRY_AGAIN_AFTER = timedelta(minutes=1)
AT_ONCE = 20


async def deliver_overdue(db: Database, bot: DeliveryBot, clock: Clock, *, after: timedelta) -> int:
    """Send watchdog messages pending for longer than `after`; returns how many Telegram accepted.

    One at a time, each claimed first: when Telegram cannot be reached, one attempt fails and the rest
    wait for the next look, instead of a look that hangs on each of them in turn.
    """
    now = clock.now()
    async with db.begin() as session:
        overdue = list(
            await session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.dedupe_key.like(f"{DEDUPE_PREFIX}%"),
                    OutboxMessage.status == "pending",
                    OutboxMessage.created_at <= now - after,
                    OutboxMessage.next_attempt_at <= now,
                )
                .order_by(OutboxMessage.id)
                .limit(AT_ONCE)
            )
        )
    delivered = 0
    for message_id in overdue:
        async with db.begin() as session:
            # Claimed: a sender that wakes up leaves it alone until it is due again.
            claimed = (
                await session.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id == message_id,
                        OutboxMessage.status == "pending",
                        OutboxMessage.next_attempt_at <= now,
                    )
                    .values(next_attempt_at=now + CLAIMED_FOR)
                    .returning(OutboxMessage.chat_id, OutboxMessage.method, OutboxMessage.payload)
                )
            ).one_or_none()
        if claimed is None:  # the sender took it meanwhile
            continue
        try:
            answer = await bot.call(claimed.method, {"chat_id": claimed.chat_id, **claimed.payload})
        except Forbidden as exc:  # the operator blocked the bot
            async with db.begin() as session:
                await outbox.mark_chat_unreachable(
                    session, claimed.chat_id, now=clock.now(), error=exc.message
                )
            continue
        except TelegramError as exc:
            async with db.begin() as session:
                await outbox.retry_later(
                    session, message_id, at=clock.now() + TRY_AGAIN_AFTER, error=exc.message, count=False
                )
            if isinstance(exc, NetworkError):  # Telegram is away: the others wait for the next look
                break
            continue
        sent_id = answer.get("message_id") if isinstance(answer, dict) else None
        async with db.begin() as session:
            await outbox.mark_sent(session, message_id, now=clock.now(), sent_message_id=sent_id)
        delivered += 1
    if delivered:
        log.warning("watchdog: the outbox was not moving; delivered %d of its messages itself", delivered)
    return delivered
