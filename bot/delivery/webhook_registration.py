"""Webhook mode on the lease holder: tell Telegram where to send updates, and keep an eye on it.

Instead of polling, the instance that holds the lease calls setWebhook (the URL, the secret, the update
kinds the bot handles, and how many connections at once) and then asks getWebhookInfo every minute:
whether the webhook is still ours (someone who starts the bot in polling mode with the same token
deletes it; it is set again, with a warning) and whether Telegram has trouble reaching us. Going back to
polling deletes the webhook (bot/delivery/poller.py does that before its first getUpdates).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from telegram.error import InvalidToken, RetryAfter, TelegramError

from bot.delivery.bot_api import DeliveryBot
from bot.delivery.poller import ALLOWED_UPDATES
from bot.delivery.signals import DeliverySignals

log = logging.getLogger(__name__)

LOOK_EVERY_SECONDS = 60.0
FIRST_RETRY_SECONDS, LONGEST_RETRY_SECONDS = 2.0, 60.0


class WebhookRegistration:
    def __init__(
        self,
        bot: DeliveryBot,
        *,
        url: str,
        secret: str,
        max_connections: int,
        signals: DeliverySignals | None = None,
        look_every: float = LOOK_EVERY_SECONDS,
    ) -> None:
        self._bot = bot
        self._url = url
        self._secret = secret
        self._max_connections = max_connections
        self._signals = signals or DeliverySignals()
        self._look_every = look_every
        self._last_error_seen: datetime | None = None

    async def run(self) -> None:
        """Set the webhook, then look at it every minute; until cancelled."""
        registered = False
        pause = FIRST_RETRY_SECONDS
        while True:
            self._signals.progressed("webhook")
            try:
                if not registered:
                    await self._register()
                    registered = True
                registered = await self._still_ours()
            except InvalidToken:
                raise  # nothing will work; the runtime stops with a clear message
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
                continue
            except TelegramError as exc:  # network errors and 5xx included
                log.warning("could not set or check the webhook (%s); trying again in %.0f s", exc, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, LONGEST_RETRY_SECONDS)
                continue
            pause = FIRST_RETRY_SECONDS
            if registered:
                await asyncio.sleep(self._look_every)

    async def _register(self) -> None:
        await self._bot.set_webhook(
            url=self._url,
            secret_token=self._secret,
            allowed_updates=ALLOWED_UPDATES,
            max_connections=self._max_connections,
            drop_pending_updates=False,  # what Telegram holds for us is still wanted
        )
        log.info("Telegram sends updates to the webhook now (at most %d at a time)", self._max_connections)

    async def _still_ours(self) -> bool:
        info = await self._bot.get_webhook_info()
        last_error_at = info.last_error_date
        if last_error_at is not None and last_error_at.tzinfo is None:
            last_error_at = last_error_at.replace(tzinfo=UTC)
        self._signals.webhook_state(pending_updates=info.pending_update_count, last_error_at=last_error_at)
        if last_error_at is not None and last_error_at != self._last_error_seen:
            self._last_error_seen = last_error_at
            log.warning(
                "Telegram could not deliver to the webhook at %s: %s (%d updates waiting)",
                last_error_at.isoformat(timespec="seconds"),
                info.last_error_message or "no reason given",
                info.pending_update_count,
            )
        if info.url != self._url:
            log.warning(
                "the webhook was removed or changed by someone else (polling with this token?); "
                "setting it again"
            )
            return False
        return True


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
