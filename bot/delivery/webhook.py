"""Webhook intake: Telegram POSTs each update; it is stored in the inbox before the 200.

Telegram sends an update again until it gets a 2xx (for up to a day), so answering only after the
commit loses nothing: a crash, a full disk or a database that is away means no 200, and Telegram tries
again. An update_id stored before is acknowledged and not stored again, so it is handled once.

POSTs that arrive while an earlier batch is being written wait for the next transaction together
(a group commit): under load, one transaction stores many updates, as one getUpdates answer does.

Before anything else the secret Telegram sends along (`X-Telegram-Bot-Api-Secret-Token`, set with
setWebhook) is compared in constant time; a POST without it gets 401 before its body is read or the
database is touched, so a flood of forged POSTs costs a header comparison each. Bodies are bounded.
Any instance may take in updates; the lease holder's dispatcher handles them, as after polling.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.clock import Clock
from bot.db.database import Database
from bot.delivery import chats, inbox
from bot.delivery.signals import DeliverySignals

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (the name of a header, not a secret)
# An update is a few kilobytes (a 4,096-character text with its entities, a quoted message); far more
# than that is not Telegram.
MAX_BODY_BYTES = 256 * 1024
# A sender that takes longer than this for one update's body is holding a connection, not sending.
READ_SECONDS = 10.0


class WebhookIntake:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        secret: str,
        on_stored: Callable[[], None],
        signals: DeliverySignals | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self._db = db
        self._clock = clock
        self._secret = secret.encode()
        self._on_stored = on_stored
        self._signals = signals or DeliverySignals()
        self._max_body = max_body_bytes
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def receive(self, request: web.Request) -> web.StreamResponse:
        """The aiohttp handler for POST <webhook path>."""
        arrived = self._clock.monotonic()
        outcome, response = await self._answer(request)
        self._signals.webhook_answered(outcome, self._clock.monotonic() - arrived)
        return response

    async def _answer(self, request: web.Request) -> tuple[str, web.StreamResponse]:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return "unauthorized", _refuse(401, "wrong or missing secret token")
        if request.content_length is not None and request.content_length > self._max_body:
            return "too_large", _refuse(400, "body too large")
        try:
            body = await self._read(request)
        except _TooLarge:
            return "too_large", _refuse(400, "body too large")
        except (TimeoutError, ConnectionError):
            return "bad_request", _refuse(400, "body not received in time")
        update = _update_in(body)
        if update is None:
            return "bad_request", _refuse(400, "not a JSON update")
        try:
            stored = await self._store(update)
        except Exception:
            # Telegram tries again later: nothing is lost. The log says why, without the update.
            log.exception(
                "could not store webhook update %s; Telegram will send it again", update["update_id"]
            )
            return "unavailable", web.json_response({"error": "try again later"}, status=503)
        if stored:
            self._on_stored()
        return ("stored" if stored else "duplicate"), web.Response(status=200)

    async def _read(self, request: web.Request) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async with asyncio.timeout(READ_SECONDS):
            async for chunk in request.content.iter_chunked(64 * 1024):
                size += len(chunk)
                if size > self._max_body:
                    raise _TooLarge
                chunks.append(chunk)
        return b"".join(chunks)

    async def _store(self, update: dict[str, Any]) -> bool:
        """True once `update` is committed to the inbox, False when it was there before."""
        stored: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((update, stored))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting(), name="webhook-intake")
        return await asyncio.shield(stored)  # a POST given up on is still written, with the others

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            updates = [update for update, _ in batch]
            try:
                new = await self._write(updates)
            except Exception as error:
                for _, stored in batch:
                    if not stored.done():
                        stored.set_exception(error)
                continue
            for update, stored in batch:
                if not stored.done():
                    stored.set_result(int(update["update_id"]) in new)
                    new.discard(int(update["update_id"]))  # the same update twice: the second is old

    async def _write(self, updates: list[dict[str, Any]]) -> set[int]:
        private_chats = {chat for chat in map(inbox.chat_of, updates) if chat is not None and chat > 0}
        async with self._db.begin() as session:
            new = await inbox.store_new(session, updates, self._clock.now())
            # Someone who blocked us and now writes again can be reached again (as after polling).
            await chats.mark_reachable(session, private_chats)
        if new:
            self._signals.updates_taken([u for u in updates if int(u["update_id"]) in new], via="webhook")
        return new


class _TooLarge(Exception):
    pass


def _update_in(body: bytes) -> dict[str, Any] | None:
    """The update in a POST body: a JSON object with a non-negative integer update_id; else None."""
    try:
        update = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(update, dict):
        return None
    update_id = update.get("update_id")
    if type(update_id) is not int or update_id < 0:  # bool is an int too; it is not an update id
        return None
    return update


def _refuse(status: int, reason: str) -> web.Response:
    response = web.json_response({"error": reason}, status=status)
    # Do not read on: whatever else this sender has to say (a large body) is not wanted.
    response.force_close()
    return response
