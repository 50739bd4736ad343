"""What the delivery loops report as they go: that they make progress (for /healthz), and what they
took in, handled and heard from Telegram (for /metrics).

The base class hears nothing; `bot.ops.observer.Observer` listens. Every report is a plain method call
on the event loop, cheap enough for every update and every request. Nothing in a report names a person:
update kinds, Bot API method names and outcomes only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

# The update kinds the bot asks Telegram for (poller.ALLOWED_UPDATES); anything else counts as "other".
KNOWN_KINDS = frozenset({"message", "edited_message", "callback_query", "my_chat_member"})
_METHOD_NAME = re.compile(r"[A-Za-z]{1,64}")


def kind_of(update: Mapping[str, Any]) -> str:
    """The update's kind ("message", "callback_query", ...): its one key besides update_id."""
    for key in update:
        if key != "update_id":
            return key if key in KNOWN_KINDS else "other"
    return "other"


def method_of(url: str) -> str:
    """The Bot API method a request URL calls (`.../bot<token>/sendMessage`), never the token; "file" for
    a file download, "other" for anything that is not a method name."""
    if "/file/bot" in url:
        return "file"
    last = url.rsplit("/", 1)[-1]
    return last if _METHOD_NAME.fullmatch(last) else "other"


class DeliverySignals:
    """Reports from the poller, the webhook, the dispatcher, the sender and the Bot API client."""

    def progressed(self, loop: str) -> None:
        """`loop` ("poller", "dispatcher", "sender", ...) went round once: it is not stuck."""

    def updates_taken(self, updates: Sequence[Mapping[str, Any]], *, via: str) -> None:
        """These updates were stored in the inbox (`via` "polling" or "webhook")."""

    def update_handled(self, kind: str, seconds: float) -> None:
        """The handlers finished an update of this kind, after `seconds`."""

    def telegram_answered(self, method: str, status: int | None) -> None:
        """The Bot API answered a request with this HTTP status; None: no answer (a network error)."""

    def webhook_answered(self, outcome: str, seconds: float) -> None:
        """A POST to the webhook was answered (`outcome`: "stored", "duplicate", "unauthorized", ...),
        `seconds` after it arrived."""

    def webhook_state(self, *, pending_updates: int, last_error_at: datetime | None) -> None:
        """What Telegram says of the webhook (getWebhookInfo): updates it still holds for us, and when it
        last failed to deliver one."""
