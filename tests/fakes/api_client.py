"""A bare Bot API client for the fake's own tests, and the people and chats in them."""

from __future__ import annotations

from typing import Any

import aiohttp

TOKEN = "7000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
ANNA = 1001
BRAM = 1002
BUURTGROEP = -4012345678


class BotApiClient:
    """A bare HTTP client, so these tests see exactly what Telegram would put on the wire."""

    def __init__(self, session: aiohttp.ClientSession, root: str) -> None:
        self._session = session
        self.root = root

    def url(self, method: str, token: str = TOKEN) -> str:
        return f"{self.root}/bot{token}/{method}"

    async def call(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        async with self._session.post(self.url(method), json=params) as response:
            return response.status, await response.json()

    async def form(self, method: str, fields: dict[str, str]) -> tuple[int, dict[str, Any]]:
        async with self._session.post(self.url(method), data=fields) as response:
            return response.status, await response.json()

    async def get(self, method: str, query: dict[str, str], token: str = TOKEN) -> tuple[int, dict[str, Any]]:
        async with self._session.get(self.url(method, token), params=query) as response:
            return response.status, await response.json()

    async def result(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, **params)
        assert (status, body["ok"]) == (200, True), body
        return body["result"]

    async def error(self, method: str, **params: Any) -> tuple[int, str]:
        status, body = await self.call(method, **params)
        assert body["ok"] is False, body
        assert body["error_code"] == status, body
        return status, body["description"]


def inline_keyboard(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"inline_keyboard": [list(buttons)]}
