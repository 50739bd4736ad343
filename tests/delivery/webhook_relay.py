"""Telegram's side of webhook mode, for tests: the fake Bot API keeps the updates people cause (as it
does for getUpdates), and this relay POSTs each one, in order, to the bot's webhook with the secret
header, as Telegram does. An answer other than 200 is retried after a moment, as Telegram retries."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.delivery.webhook import SECRET_HEADER
from tests.fakes.telegram_server import FakeTelegram

RETRY_SECONDS = 0.05


@dataclass
class WebhookRelay:
    telegram: FakeTelegram
    url: str
    secret: str
    answers: list[tuple[int, int]] = field(default_factory=list)  # (update_id, HTTP status), in order
    _delivered: int = 0

    async def run(self) -> None:
        async with aiohttp.ClientSession() as http:
            while True:
                with contextlib.suppress(AssertionError):  # wait_for's timeout: keep waiting
                    await self.telegram.wait_for(lambda: len(self.telegram.pending_updates) > self._delivered)
                for update in self.telegram.pending_updates[self._delivered :]:
                    await self._deliver(http, update)
                    self._delivered += 1

    async def _deliver(self, http: aiohttp.ClientSession, update: dict[str, Any]) -> None:
        while True:
            try:
                async with http.post(self.url, json=update, headers={SECRET_HEADER: self.secret}) as response:
                    self.answers.append((int(update["update_id"]), response.status))
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                self.answers.append((int(update["update_id"]), 0))
            await asyncio.sleep(RETRY_SECONDS)


@contextlib.asynccontextmanager
async def relaying(telegram: FakeTelegram, url: str, secret: str) -> AsyncIterator[WebhookRelay]:
    relay = WebhookRelay(telegram, url, secret)
    task = asyncio.create_task(relay.run())
    try:
        yield relay
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
