"""The Application's bot: python-telegram-bot's ExtBot, plus a way to send without reading the answer,
and a memory of which button taps it has answered."""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from telegram.ext import ExtBot

log = logging.getLogger(__name__)

# Taps remembered as answered. Telegram takes an answer only within seconds of the tap, and one chat's
# updates are handled one at a time, so this covers every tap that could still be answered.
_REMEMBERED_TAPS = 4096


class AppBot(ExtBot[Any]):
    """`send_message` turns Telegram's answer into a `Message` (with its chat, sender, entities and
    buttons). A reply to the person who just wrote never reads that answer, and parsing it was 6% of
    the CPU time of a `/start` (bench/throughput.py). `send` posts the same request and keeps what
    the rest of the bot relies on: the rate limiter, the defaults, and the same errors (RetryAfter,
    Forbidden, BadRequest, ...).

    Telegram takes one answer per button tap and refuses a second with 400, which used to fail the
    handler after the person's change was made. `answer_callback_query` therefore sends only the
    first answer to a tap; `handlers/replies.py`, the one place that answers, asks `has_answered`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self._answered_taps: OrderedDict[str, None] = OrderedDict()

    async def send(self, method: str, **parameters: Any) -> None:
        """Call a Bot API `method` (such as "sendMessage") whose answer is not needed."""
        # _post is ExtBot's own path for every method: defaults, then the rate limiter, then the request.
        await self._post(method, parameters)

    def has_answered(self, callback_query_id: str) -> bool:
        return callback_query_id in self._answered_taps

    async def answer_callback_query(self, callback_query_id: str, *args: Any, **kwargs: Any) -> bool:
        """The first answer to a tap goes to Telegram; a second one is a bug, logged and not sent."""
        if callback_query_id in self._answered_taps:
            log.error("a second answer to one button tap was not sent; answer through handlers/replies.py")
            return False
        self._answered_taps[callback_query_id] = None
        if len(self._answered_taps) > _REMEMBERED_TAPS:
            self._answered_taps.popitem(last=False)
        return await super().answer_callback_query(callback_query_id, *args, **kwargs)
