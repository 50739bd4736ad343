"""The Bot API connection used by polling and the outbox."""

from __future__ import annotations

import os
from typing import Any

from telegram import Bot

from bot.config import Settings
from bot.delivery.buttons import button_seal
from bot.delivery.http_client import AiohttpRequest

# Opt in to python-telegram-bot's coming behaviour (retry_after as a timedelta) instead of a warning.
os.environ.setdefault("PTB_TIMEDELTA", "1")


def api_urls(settings: Settings) -> tuple[str, str]:
    """`<root>/bot<token>/<method>` and the file download root, for Telegram or a self-hosted server."""
    return f"{settings.api_base_url}/bot", f"{settings.api_base_url}/file/bot"


class DeliveryBot(Bot):
    """A plain Bot for polling and the outbox: they handle limits and errors themselves."""

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """Any Bot API method with JSON parameters, as stored in the outbox."""
        # do_api_request warns for every method the library also offers by name; the outbox
        # deliberately stores plain method names and parameters, so go one level lower.
        return await self._post(method, api_kwargs=params)

    async def raw_updates(
        self,
        *,
        offset: int | None,
        limit: int,
        long_poll_seconds: int,
        allowed_updates: list[str],
        read_timeout: float,
    ) -> list[dict[str, Any]]:
        """getUpdates as Telegram sent them, as dicts.

        Every field is kept, also those this library version does not know yet, and no Update objects
        are built only to be turned back into dicts for the inbox (the dispatcher builds them once).
        """
        data: dict[str, Any] = {
            "offset": offset,
            "limit": limit,
            "timeout": long_poll_seconds,
            "allowed_updates": allowed_updates,
        }
        updates = await self._post("getUpdates", data, read_timeout=read_timeout)
        return list(updates)


def delivery_bot(settings: Settings) -> DeliveryBot:
    base_url, base_file_url = api_urls(settings)
    token = settings.require_token()
    return DeliveryBot(
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=AiohttpRequest(connection_pool_size=32, read_timeout=15, buttons=button_seal(token)),
        get_updates_request=AiohttpRequest(connection_pool_size=2),
    )
