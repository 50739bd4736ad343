"""Everything that lets an operator run one Buurtbot process as a service, put together for the runtime:
its metrics and what it knows of its own loops, the side door, the webhook, and the watchdog."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from telegram.ext import JobQueue

from bot.clock import Clock
from bot.config import Settings
from bot.db import tally
from bot.db.database import Database
from bot.delivery.bot_api import DeliveryBot
from bot.delivery.poller import Poller
from bot.delivery.webhook import WebhookIntake
from bot.delivery.webhook_registration import LOOK_EVERY_SECONDS, WebhookRegistration
from bot.ops import readiness, snapshot
from bot.ops.metrics import Metrics
from bot.ops.observer import Observer
from bot.ops.side_door import Report, SideDoor
from bot.ops.watchdog import SWEEP_PATIENCE_AT_LEAST, Watchdog

log = logging.getLogger(__name__)

# Seconds each loop may go without a round before /healthz says it is stuck. The dispatcher and the
# sender go round at least every second when idle; a round may wait out a slow answer (15 s at most).
LOOP_PATIENCE = {"dispatcher": 120.0, "sender": 120.0, "lease": 60.0, "watchdog": 120.0}
METRICS_WITHIN_SECONDS = 3.0


class Operations:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        clock: Clock,
        *,
        instance: str,
        lease_name: str,
        leading: Callable[[], bool],
        bot: DeliveryBot,
        wake_dispatcher: Callable[[], None],
        wake_sender: Callable[[], None],
        sweeps: Sequence[tuple[str, timedelta, timedelta]],  # name, every, first
    ) -> None:
        self._settings = settings
        self._db = db
        self._clock = clock
        self._leading = leading
        self._sweeps = list(sweeps)
        self.metrics = Metrics(sweeps=tuple(name for name, _, _ in sweeps))
        self.observer = Observer(clock, self.metrics)
        tally.listen(db.engine.sync_engine, self.metrics.count_committed)
        self.watchdog = Watchdog(
            settings,
            db,
            clock,
            self.observer,
            instance=instance,
            lease_name=lease_name,
            leading=leading,
            sweeps=[(name, every) for name, every, _ in sweeps],
            bot=bot,
            wake_sender=wake_sender,
        )
        self.webhook: WebhookRegistration | None = None
        intake: WebhookIntake | None = None
        if settings.webhook:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
            intake = WebhookIntake(db, clock, secret=secret, on_stored=wake_dispatcher, signals=self.observer)
            self.webhook = WebhookRegistration(
                bot,
                url=settings.webhook_url or "",
                secret=secret,
                max_connections=settings.webhook_max_connections,
                signals=self.observer,
            )
        self.side_door: SideDoor | None = None
        if settings.http_port is not None:
            self.side_door = SideDoor(
                host=settings.http_host,
                port=settings.http_port,
                health=self.health,
                readiness=self.readiness,
                metrics=self.metrics_page,
                webhook=(settings.webhook_path, intake.receive) if intake is not None else None,
            )
        self.metrics.describe_instance(mode=self.mode)
        self._state = "starting"  # then "running", then "stopping"
        self._watching: asyncio.Task[None] | None = None
        self._metrics_turn = asyncio.Lock()

    @property
    def mode(self) -> str:
        return "webhook" if self._settings.webhook else "polling"

    # -- the runtime's life ---------------------------------------------------------------------------

    async def open_side_door(self) -> None:
        """Before the Bot API is reached: /healthz says "starting", and webhook POSTs are stored."""
        if self.side_door is not None:
            await self.side_door.open()

    def started(self, job_queue: JobQueue[Any] | None) -> None:
        """The runtime runs: say so in one line, and start watching."""
        log.info(self._mode_line())
        self._state = "running"
        for loop in ("lease", "watchdog"):
            self.observer.expect(loop, within=LOOP_PATIENCE[loop])
        if job_queue is not None:
            intervals = self._settings.watchdog_sweep_intervals
            for name, every, first in self._sweeps:
                patience = max(intervals * every, SWEEP_PATIENCE_AT_LEAST) + first
                self.observer.expect(f"sweep:{name}", within=patience.total_seconds())
            job_queue.scheduler.add_listener(self._job_ran(job_queue), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        self._watching = asyncio.create_task(self.watchdog.run(), name="watchdog")

    def intake(self, poller: Poller) -> Coroutine[Any, Any, None]:
        """What the lease holder runs to take in updates: the poller, or the webhook's registration."""
        if self.webhook is not None:
            self.observer.expect("webhook", within=LOOK_EVERY_SECONDS + 120.0)
            return self.webhook.run()
        self.observer.expect("poller", within=2.0 * self._settings.polling_timeout + 90.0)
        return poller.run()

    def began_leading(self) -> None:
        for loop in ("dispatcher", "sender"):
            self.observer.expect(loop, within=LOOP_PATIENCE[loop])

    def stopped_leading(self) -> None:
        for loop in ("dispatcher", "sender", "poller", "webhook"):
            self.observer.forget(loop)

    async def close_side_door(self) -> None:
        """First thing when stopping: no new webhook POSTs (Telegram sends them again later)."""
        self._state = "stopping"
        if self.side_door is not None:
            await self.side_door.close()

    async def stop(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
            await asyncio.gather(self._watching, return_exceptions=True)

    # -- what the side door answers -------------------------------------------------------------------

    def health(self) -> Report:
        facts: dict[str, object] = {"mode": self.mode, "leading": self._leading()}
        if self._state != "running":
            reason = "waiting for the Bot API" if self._state == "starting" else "stopping"
            return Report(False, {**facts, "status": self._state, "reason": reason})
        quiet = self.observer.quiet_loops()
        if quiet:
            reason = "; ".join(f"{loop}: no progress for {seconds:.0f} s" for loop, seconds in quiet)
            return Report(False, {**facts, "status": "stuck", "reason": reason})
        return Report(True, {**facts, "status": "ok"})

    async def readiness(self) -> Report:
        facts: dict[str, object] = {"mode": self.mode, "leading": self._leading()}
        if self._state != "running":
            return Report(False, {**facts, "status": "not ready", "reason": self._state})
        ready, found = await readiness.check(self._db)
        return Report(ready, {**facts, **found, "status": "ready" if ready else "not ready"})

    async def metrics_page(self, accept: str = "") -> tuple[bytes, str]:
        async with self._metrics_turn:  # scrapes at once share the database's answer
            seen: snapshot.Snapshot | None = None
            with contextlib.suppress(Exception):
                async with asyncio.timeout(METRICS_WITHIN_SECONDS), self._db.begin() as session:
                    seen = await snapshot.take(session, now=self._clock.now())
            self.metrics.lease_held.set(1 if self._leading() else 0)
            self.metrics.show(seen, alarm_kinds=self.watchdog.kinds)
            return self.metrics.exposition(accept)

    # -- helpers --------------------------------------------------------------------------------------

    def _job_ran(self, job_queue: JobQueue[Any]) -> Callable[[Any], None]:
        def ran(event: Any) -> None:
            job = job_queue.scheduler.get_job(event.job_id)
            if job is not None:
                self.observer.job_ran(str(job.name))

        return ran

    def _mode_line(self) -> str:
        door = self.side_door
        where = f"HTTP side door on {self._settings.http_host}:{door.port}" if door else "HTTP side door off"
        if self._settings.webhook:
            url = urlsplit(self._settings.webhook_url or "")
            return f"updates come by webhook to https://{url.netloc}{self._settings.webhook_path} ({where})"
        return f"updates come by long polling ({where})"
