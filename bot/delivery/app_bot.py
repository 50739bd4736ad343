"""The Application's bot: python-telegram-bot's ExtBot, plus a way to send without reading the answer."""

from __future__ import annotations

from typing import Any

from telegram.ext import ExtBot


class AppBot(ExtBot[Any]):
    """`send_message` turns Telegram's answer into a `Message` (with its chat, sender, entities and
    buttons). A reply to the person who just wrote never reads that answer, and parsing it was 6% of
    the CPU time of a `/start` (bench/throughput.py). `send` posts the same request and keeps what
    the rest of the bot relies on: the rate limiter, the defaults, and the same errors (RetryAfter,
    Forbidden, BadRequest, ...).
    """

    async def send(self, method: str, **parameters: Any) -> None:
        """Call a Bot API `method` (such as "sendMessage") whose answer is not needed."""
        # _post is ExtBot's own path for every method: defaults, then the rate limiter, then the request.
        await self._post(method, parameters)
