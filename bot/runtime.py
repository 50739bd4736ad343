"""Everything that runs in one process.

The Application (handlers, jobs) always runs. The work that only one instance may do at a time,
polling, dispatching and sending, runs while this instance holds the lease in the database; a second
instance sharing the database waits and takes over when the first stops renewing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Coroutine
from datetime import timedelta
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.app import BotApplication, build_application
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import Dependencies
from bot.db.database import Database
from bot.delivery import lease
from bot.delivery.bot_api import delivery_bot
from bot.delivery.buttons import button_seal
from bot.delivery.dispatcher import CHATS_AT_ONCE, Dispatcher
from bot.delivery.http_client import AiohttpRequest
from bot.delivery.limits import RateLimits
from bot.delivery.poller import Poller
from bot.delivery.sender import Sender, SenderSettings
from bot.handlers.commands import publish_admin_commands, publish_commands
from bot.jobs import sweeps
from bot.ops.operations import Operations
from bot.services.common import bot_facts
from bot.services.people import authority, members

log = logging.getLogger(__name__)

LEASE = "worker"
# Waits between tries to reach the Bot API at start: 2, 4, 8, ... seconds, at most a minute.
FIRST_RETRY_SECONDS, LONGEST_RETRY_SECONDS = 2.0, 60.0
_ALIVE_HERE: set[str] = set()  # runtimes of this process (tests run two side by side)


def _died_on_this_machine(holder: str, me: str) -> bool:
    """Whether a lease holder ("host:pid:nonce") was an earlier process on this host that is gone.

    After a crash the lease would otherwise block a restarted bot until it expires (30 s). In a
    container the restarted bot often has the same pid as its predecessor: then the nonce differs.
    """
    host, _, rest = holder.partition(":")
    pid_text, _, _nonce = rest.partition(":")
    my_host, _, _ = me.partition(":")
    if host != my_host or not pid_text.isdigit() or holder in _ALIVE_HERE:
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, run by another user
    return False


class Runtime:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        limits: RateLimits | None = None,
        sender_settings: SenderSettings | None = None,
        lease_ttl: timedelta = timedelta(seconds=30),
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        # A connection for each chat the dispatcher handles at once, and for the poller, the sender, the
        # lease and scheduled jobs.
        self.db = Database(settings.database_url, pool_size=CHATS_AT_ONCE + 8)
        self._delivery_bot = delivery_bot(settings)
        # Health, metrics, the side door, the webhook and the watchdog (bot/ops); the loops report to it.
        self.ops = Operations(
            settings,
            self.db,
            self.clock,
            instance=self.instance,
            lease_name=LEASE,
            leading=lambda: self.leading,
            bot=self._delivery_bot,
            wake_dispatcher=lambda: self.dispatcher.wake(),
            wake_sender=lambda: self.sender.wake(),
            sweeps=[(s.name, s.every, s.first) for s in sweeps(settings)],
        )
        signals = self.ops.observer
        self.sender = Sender(
            self._delivery_bot, self.db, self.clock, limits=limits, settings=sender_settings, signals=signals
        )
        deps = Dependencies(settings=settings, db=self.db, clock=self.clock, wake_sender=self.sender.wake)
        self.application: BotApplication = build_application(deps)
        for bot in (self.application.bot, self._delivery_bot):
            for request in bot._request:  # python-telegram-bot has no public way to reach both
                if isinstance(request, AiohttpRequest):
                    request.report_to(signals)
        self.dispatcher = Dispatcher(
            self.application,
            self.db,
            self.clock,
            buttons=button_seal(settings.require_token()),
            languages=members.languages_of,
            signals=signals,
        )
        self.poller = Poller(
            self._delivery_bot,
            self.db,
            self.clock,
            on_stored=self.dispatcher.wake,
            timeout=settings.polling_timeout,
            signals=signals,
        )
        self._lease_ttl = lease_ttl
        self._leading: list[asyncio.Task[None]] = []
        self._lease_keeper: asyncio.Task[None] | None = None
        self.lease_rounds = 0
        self._stopped = False  # how often this instance asked for the lease (tests wait on it)
        self._crashed: asyncio.Future[BaseException] = asyncio.get_running_loop().create_future()

    async def __aenter__(self) -> Runtime:
        try:
            await self.start()
        except BaseException:
            await self.stop()  # __aexit__ is not called when __aenter__ fails
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Reach the Bot API (waiting for it as long as it takes), then start every part.

        Raises InvalidToken at once when Telegram refuses the token: no wait helps against that. On any
        failure or cancellation, call stop().
        """
        await self.ops.open_side_door()  # /healthz answers (and webhook POSTs are stored) while we wait
        await self._reach_the_bot_api()
        await self._remember_username()
        try:
            await publish_commands(self.application.bot, self.settings.default_language)
        except TelegramError as exc:  # the menu is a nicety; the bot works without it
            log.warning("could not publish the command list: %s", exc)
        await self._publish_admin_commands()
        await self.application.start()
        _ALIVE_HERE.add(self.instance)
        self.ops.started(self.application.job_queue)
        self._lease_keeper = asyncio.create_task(self._keep_lease(), name="lease")

    async def _reach_the_bot_api(self) -> None:
        """Both bots ask getMe when they are initialized. A Bot API that cannot be reached at start (the
        network not up yet after a reboot, a self-hosted Bot API server still starting, Telegram's own
        5xx) is waited for with growing pauses, one log line each, instead of stopping the bot."""
        pause = FIRST_RETRY_SECONDS
        while True:
            try:
                await self._delivery_bot.initialize()  # does nothing once it has succeeded
                await self.application.initialize()
                log.info("signed in to the Bot API as @%s", self.application.bot.username)
                return
            except InvalidToken:
                raise
            except RetryAfter as exc:
                wait = max(_seconds(exc.retry_after), 1.0)
                log.warning("the Bot API asks to wait %.0f s before the next request; waiting", wait)
            except NetworkError as exc:  # also TimedOut, and every 5xx
                wait = pause
                pause = min(pause * 2, LONGEST_RETRY_SECONDS)
                log.warning(
                    "cannot reach the Bot API at %s (%s: %s); trying again in %.0f s",
                    _server(self.settings.api_base_url),
                    type(exc).__name__,
                    exc.message,
                    wait,
                )
            await self.clock.sleep(wait)

    async def _publish_admin_commands(self) -> None:
        try:
            async with self.db.begin() as session:
                admins = await authority.admins(
                    session, self.settings.admin_ids, default_language=self.settings.default_language
                )
            await publish_admin_commands(self.application.bot, admins)
        except Exception as exc:  # a nicety, like the command list itself
            log.warning("could not publish the admin commands: %s", exc)

    async def _remember_username(self) -> None:
        """Store the bot's username, so that the command line can print invite links without Telegram."""
        username = self.application.bot.username
        try:
            async with self.db.begin() as session:
                await bot_facts.remember(session, bot_facts.USERNAME, username, now=self.clock.now())
        except Exception as exc:  # the links printed by the command line are a nicety; the bot runs on
            log.warning("could not store the bot's username for the command line: %s", exc)

    @property
    def leading(self) -> bool:
        """Whether this instance is the one that polls, dispatches and sends."""
        return bool(self._leading)

    @property
    def failure(self) -> BaseException | None:
        """The error of a part that stopped by itself, if any."""
        return self._crashed.result() if self._crashed.done() else None

    async def wait(self) -> None:
        """Until a part that must not fail has failed (then raise its error)."""
        raise await self._crashed

    async def stop(self) -> None:
        """Stop everything, letting running work finish; calling it again does nothing."""
        if self._stopped:
            return
        self._stopped = True
        await self.ops.close_side_door()
        if self._lease_keeper is not None:
            self._lease_keeper.cancel()
            await asyncio.gather(self._lease_keeper, return_exceptions=True)
        await self._stop_leading()
        _ALIVE_HERE.discard(self.instance)
        with contextlib.suppress(Exception):
            async with self.db.begin() as session:
                await lease.release(session, LEASE, self.instance)
        await self.ops.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self._delivery_bot.shutdown()
        for bot in (self.application.bot, self._delivery_bot):
            await _close_connections(bot)
        await self.db.dispose()

    async def _keep_lease(self) -> None:
        while True:
            try:
                async with self.db.begin() as session:
                    now = self.clock.now()
                    holding = await lease.acquire(session, LEASE, self.instance, now=now, ttl=self._lease_ttl)
                    if not holding:
                        previous = await lease.holder_of(session, LEASE)
                        if previous is not None and _died_on_this_machine(previous, self.instance):
                            log.info(
                                "the previous run on this machine stopped without letting go; taking over"
                            )
                            holding = await lease.take_over(
                                session,
                                LEASE,
                                from_holder=previous,
                                holder=self.instance,
                                now=now,
                                ttl=self._lease_ttl,
                            )
            except Exception:
                log.exception("could not renew the lease; trying again")
                holding = bool(self._leading)
            self.lease_rounds += 1
            self.ops.observer.progressed("lease")
            if holding and not self._leading:
                log.info("this instance now polls, dispatches and sends")
                self._start_leading()
            elif not holding and self._leading:
                log.warning("another instance took over; this one stands by")
                await self._stop_leading()
            await asyncio.sleep(self._lease_ttl.total_seconds() / 3)

    def _start_leading(self) -> None:
        self.ops.began_leading()
        self._leading = [
            self._supervise(self.dispatcher.run(), "dispatcher"),
            self._supervise(self.sender.run(), "sender"),
            # Long polling, or in webhook mode telling Telegram where to send updates.
            self._supervise(self.ops.intake(self.poller), "intake"),
        ]

    def _supervise(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(work, name=name)

        def _done(finished: asyncio.Task[None]) -> None:
            if not finished.cancelled() and finished.exception() is not None and not self._crashed.done():
                self._crashed.set_result(finished.exception())  # type: ignore[arg-type]

        task.add_done_callback(_done)
        return task

    async def _stop_leading(self) -> None:
        if not self._leading:
            return
        dispatcher, sender, intake = self._leading
        # First stop taking in updates, then stop handling them, then finish what is on the wire.
        for task, part in ((intake, None), (dispatcher, self.dispatcher), (sender, self.sender)):
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            if part is not None:
                await part.stop()
        self._leading = []
        self.ops.stopped_leading()


async def _close_connections(bot: Bot) -> None:
    """Close a bot's HTTP sessions also when it never got through initialize().

    Bot.initialize opens them before it asks getMe, and Bot.shutdown does nothing for a bot whose getMe
    failed (an unreachable Bot API, a refused token). Closing them twice is harmless.
    """
    for request in bot._request:  # python-telegram-bot has no public way to reach both
        await request.shutdown()


def _server(api_base_url: str) -> str:
    """host:port of the Bot API, for a log line (the URL of a request would hold the token)."""
    url = urlsplit(api_base_url)
    return f"{url.hostname}:{url.port}" if url.port is not None else str(url.hostname)


def _seconds(retry_after: float | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
