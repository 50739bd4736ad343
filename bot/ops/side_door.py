"""The HTTP side door: /healthz, /readyz, /metrics, and the webhook's path, on one aiohttp server.

It answers only these paths (anything else is 404, a wrong method 405) and never says more than a
state, a reason in a few words, and counts: no token, id, name or message. The server's own name and
version are not given away either.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.delivery.webhook import MAX_BODY_BYTES

log = logging.getLogger(__name__)

# Seconds a stopping side door lets requests in progress (a webhook POST being stored) finish.
SHUTDOWN_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Report:
    """An answer of /healthz or /readyz: 200 when `ok`, 503 otherwise, with `facts` as JSON."""

    ok: bool
    facts: dict[str, Any] = field(default_factory=dict)


class SideDoorUnavailable(Exception):
    """The side door cannot listen where it was told to (a port in use, an address not on this host)."""


class SideDoor:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        health: Callable[[], Report],
        readiness: Callable[[], Awaitable[Report]],
        metrics: Callable[[str], Awaitable[tuple[bytes, str]]],  # Accept header -> page, content type
        webhook: tuple[str, Callable[[web.Request], Awaitable[web.StreamResponse]]] | None = None,
    ) -> None:
        self._host, self._port = host, port
        self._health, self._readiness, self._metrics = health, readiness, metrics
        self._webhook = webhook
        self._runner: web.AppRunner | None = None
        self.port: int | None = None  # the port it listens on, once open (port 0 picks a free one)

    async def open(self) -> None:
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics_page)
        if self._webhook is not None:
            path, receive = self._webhook
            app.router.add_post(path, receive)
        app.on_response_prepare.append(_anonymous_server)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self._host, self._port).start()
        except OSError as error:
            await self._runner.cleanup()
            self._runner = None
            reason = error.strerror or str(error)
            raise SideDoorUnavailable(
                f"cannot open the HTTP side door on {self._host}:{self._port}: {reason} "
                "(change BUURTBOT_HTTP_PORT or BUURTBOT_HTTP_HOST)"
            ) from None
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        """Stop listening; requests in progress get SHUTDOWN_SECONDS to finish."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _healthz(self, _request: web.Request) -> web.Response:
        return _json(self._health())

    async def _readyz(self, _request: web.Request) -> web.Response:
        return _json(await self._readiness())

    async def _metrics_page(self, request: web.Request) -> web.Response:
        body, content_type = await self._metrics(request.headers.get("Accept", ""))
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response


def _json(report: Report) -> web.Response:
    return web.json_response(
        report.facts, status=200 if report.ok else 503, dumps=lambda value: json.dumps(value, sort_keys=True)
    )


async def _anonymous_server(_request: web.Request, response: web.StreamResponse) -> None:
    response.headers["Server"] = "buurtbot"
