"""python-telegram-bot's HTTP requests made with aiohttp instead of httpx.

Why: the bot talks to the Bot API over many connections at once (replies to up to 32 chats in flight,
the outbox sender, the long poll). httpx's connection pool (httpcore) scans every pooled connection at
the start and the end of each request, so its cost per request grows with the number of connections;
in `bench/throughput.py` it was the largest cost after the database. aiohttp's pool hands out an idle
connection in constant time and parses HTTP in C.

python-telegram-bot supports this through `BaseRequest`: it builds the request (`RequestData`), and
turns the status code and body returned here into its own exceptions (RetryAfter, Forbidden, ...).
What is left here: send it, map transport failures to `TimedOut` / `NetworkError` as `HTTPXRequest`
does, and keep its timeouts and defaults. And seal every button's callback data for its chat on the way
out (delivery/buttons.py): this is the one door every request of the bot goes through.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

from bot.delivery.buttons import ButtonSeal
from bot.delivery.signals import DeliverySignals, method_of

_DEFAULT = BaseRequest.DEFAULT_NONE
_TOKEN_IN_URL = re.compile(r"bot\d+:[A-Za-z0-9_-]+")


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` over one `aiohttp.ClientSession` with at most `connection_pool_size` connections.

    Timeouts have the meaning (and the defaults) of `HTTPXRequest`: connecting, waiting for a free
    connection from the pool, sending (longer for files) and waiting for the answer. aiohttp has no
    timeout for sending alone, so sending counts towards a bound on the whole request.
    """

    __slots__ = (
        "_buttons",
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxies",
        "_read_timeout",
        "_session",
        "_signals",
        "_write_timeout",
    )

    def __init__(
        self,
        *,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        buttons: ButtonSeal | None = None,
    ) -> None:
        self._buttons = buttons  # None only for requests that never carry buttons (getUpdates)
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, tuple[URL | None, aiohttp.BasicAuth | None]] = {}
        self._signals = DeliverySignals()

    def report_to(self, signals: DeliverySignals) -> None:
        """Tell `signals` the outcome of every request from now on (for /metrics and the watchdog)."""
        self._signals = signals

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=self._pool_size)
            # Not trust_env: with it aiohttp reads ~/.netrc and the proxy variables on a worker thread for
            # every request, two thread hops that cost more than the request itself (see _proxy). No
            # cookies either: the Bot API sets none.
            self._session = aiohttp.ClientSession(
                connector=connector, trust_env=False, cookie_jar=aiohttp.DummyCookieJar()
            )
            self._proxies.clear()

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = _DEFAULT,
        write_timeout: Any = _DEFAULT,
        connect_timeout: Any = _DEFAULT,
        pool_timeout: Any = _DEFAULT,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        read = self._read_timeout if read_timeout is _DEFAULT else read_timeout
        write = (
            (self._media_write_timeout if files else self._write_timeout)
            if write_timeout is _DEFAULT
            else write_timeout
        )
        connect = self._connect_timeout if connect_timeout is _DEFAULT else connect_timeout
        pool = self._pool_timeout if pool_timeout is _DEFAULT else pool_timeout
        proxy, proxy_auth = await self._proxy(url)
        # aiohttp's `connect` covers waiting for a pooled connection plus opening one; `sock_read` is the
        # longest silence while waiting for the answer (a long poll asks for a longer one).
        timeout = aiohttp.ClientTimeout(
            total=_sum(connect, pool, write, read),
            connect=_sum(connect, pool),
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with session.request(
                method,
                url,
                data=_body(request_data, self._buttons),
                headers={"User-Agent": self.USER_AGENT},
                timeout=timeout,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as response:
                body = await response.read()
        except TimeoutError as error:
            self._signals.telegram_answered(method_of(url), None)
            raise TimedOut from error
        except aiohttp.ClientError as error:
            self._signals.telegram_answered(method_of(url), None)
            # The class name helps when the message is empty, as it often is for dropped connections. Some
            # messages hold the URL, and the URL holds the token: the error may be stored (outbox.error).
            message = _TOKEN_IN_URL.sub("bot[token]", str(error))
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {message}") from error
        self._signals.telegram_answered(method_of(url), response.status)
        return response.status, body

    async def _proxy(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """The proxy for this URL's server from HTTP_PROXY / HTTPS_PROXY / NO_PROXY, as httpx (the
        default of python-telegram-bot) honours them: read once per server, not for every request."""
        scheme, _, rest = url.partition("://")
        server = f"{scheme}://{rest.partition('/')[0]}"
        if server not in self._proxies:
            found: tuple[URL | None, aiohttp.BasicAuth | None] = (None, None)
            with contextlib.suppress(LookupError):  # no proxy for this server
                found = await asyncio.to_thread(get_env_proxy_for_url, URL(server))
            self._proxies[server] = found
        return self._proxies[server]


def _sum(*timeouts: float | None) -> float | None:
    """The time all of these may take together; None (no bound) when one of them has none."""
    return None if any(timeout is None for timeout in timeouts) else sum(timeouts)  # type: ignore[arg-type]


def _body(
    request_data: RequestData | None, buttons: ButtonSeal | None
) -> aiohttp.FormData | dict[str, str] | None:
    """The parameters form-encoded (as python-telegram-bot sends them), as multipart when there are files."""
    if request_data is None:
        return None
    parameters = request_data.json_parameters
    if buttons is not None and "reply_markup" in parameters:
        parameters = buttons.seal_parameters(request_data.parameters, parameters)
    if not request_data.contains_files:
        return parameters
    form = aiohttp.FormData(quote_fields=False)
    for name, value in parameters.items():
        form.add_field(name, value)
    for name, part in request_data.multipart_data.items():
        filename, content, mime_type = part
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
