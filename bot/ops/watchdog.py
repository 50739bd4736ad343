"""The watchdog: every instance looks every few seconds whether the work goes on, and speaks up.

It watches what a resident would notice first: messages not going out (the oldest due outbox message),
updates not being handled (the oldest waiting inbox update), a sweep that stopped (check-ins above
all), Telegram refusing the bot's requests, Telegram unable to reach the webhook, and, on a standby,
a lease holder that went silent while still holding the lease (so that the standby cannot take over).
What it finds becomes an alarm in the database (bot/ops/alarms.py): the operators hear each raise
once and its all-clear once, whichever instance saw it first, and /readyz answers 503 meanwhile.

Its messages go through the outbox like every other. When the outbox itself is what is stuck, they
would wait with everything else; so a watchdog message still waiting after OVERDUE is delivered by
the watchdog itself (bot/ops/alarm_delivery.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.db.database import Database
from bot.db.models import Lease
from bot.delivery.bot_api import DeliveryBot
from bot.ops import alarm_delivery, alarms, heartbeats, snapshot
from bot.ops.alarm_messages import Detail
from bot.ops.observer import UNKNOWN, WELL, Finding, Observer, Verdict

log = logging.getLogger(__name__)

LOOK_EVERY_SECONDS = 15.0
# A lease holder whose heartbeat is older than this has gone silent (its lease lasts 30 s).
LEADER_SILENT = timedelta(minutes=2)
# A sweep that runs more often than this still gets this long before it counts as stopped.
SWEEP_PATIENCE_AT_LEAST = timedelta(minutes=2)
# A watchdog message the sender has not delivered after this long goes out directly.
OVERDUE = timedelta(minutes=2)


class Watchdog:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        clock: Clock,
        observer: Observer,
        *,
        instance: str,
        lease_name: str,
        leading: Callable[[], bool],
        sweeps: Sequence[tuple[str, timedelta]],
        bot: DeliveryBot,
        wake_sender: Callable[[], None],
    ) -> None:
        self._settings = settings
        self._db = db
        self._clock = clock
        self._observer = observer
        self._instance = instance
        self._lease_name = lease_name
        self._leading = leading
        self._sweeps = list(sweeps)
        self._bot = bot
        self._wake_sender = wake_sender
        self._started_at = clock.now()
        self.kinds = ("outbox", "inbox", "telegram", "webhook", "leader", *(f"sweep:{n}" for n, _ in sweeps))

    async def run(self) -> None:
        while True:
            await asyncio.sleep(LOOK_EVERY_SECONDS)  # nothing can be late in the first seconds
            try:
                await self.check()
            except Exception:  # the database may be away; the next look will tell
                log.warning("the watchdog could not look this time", exc_info=True)

    async def check(self) -> dict[str, Finding]:
        """One look: write this instance's heartbeat, judge everything, raise and clear alarms, and
        deliver watchdog messages the sender has left waiting. Returns what it found (for tests)."""
        self._observer.progressed("watchdog")
        now = self._clock.now()
        healthy = not self._observer.quiet_loops()
        async with self._db.begin() as session:
            if healthy:
                await heartbeats.beat(session, self._instance, now=now, leading=self._leading())
            await heartbeats.forget_old(session, now=now)
            seen = await snapshot.take(session, now=now)
            findings = {
                "outbox": self._waited(seen.outbox_oldest_due, seen.outbox_oldest_due_bulk, now),
                "inbox": self._waited(seen.inbox_oldest_waiting, None, now),
                "telegram": self._observer.telegram_finding(self._patience_for_telegram),
                "webhook": self._observer.webhook_finding(self._patience_for_telegram)
                if self._settings.webhook
                else WELL,
                "leader": await self._leader(session, now, healthy),
            }
            for name, every in self._sweeps:
                findings[f"sweep:{name}"] = self._sweep(name, every, seen.sweeps_last_run.get(name), now)
            told = await self._act(session, findings, now)
        if told:
            self._wake_sender()
        await alarm_delivery.deliver_overdue(self._db, self._bot, self._clock, after=OVERDUE)
        return findings

    @property
    def _patience(self) -> timedelta:
        return timedelta(minutes=self._settings.watchdog_outbox_minutes)

    @property
    def _patience_for_telegram(self) -> timedelta:
        return timedelta(minutes=self._settings.watchdog_telegram_minutes)

    def _waited(self, oldest: datetime | None, oldest_bulk: datetime | None, now: datetime) -> Finding:
        """Messages to people may wait `watchdog_outbox_minutes`; bulk (a digest, an /omroep to a whole
        buurt) rightly waits behind them and behind each other, so it gets six times as long."""
        worst = WELL
        for waiting_since, patience in ((oldest, self._patience), (oldest_bulk, 6 * self._patience)):
            finding = self._overdue(waiting_since, patience, now)
            if finding.verdict is Verdict.STUCK:
                return finding
            if finding.verdict is Verdict.TROUBLE:
                worst = finding
        return worst

    def _sweep(self, name: str, every: timedelta, last: datetime | None, now: datetime) -> Finding:
        patience = max(self._settings.watchdog_sweep_intervals * every, SWEEP_PATIENCE_AT_LEAST)
        return self._overdue(last, patience, now, never_is_late=True)

    async def _leader(self, session: AsyncSession, now: datetime, healthy: bool) -> Finding:
        if self._leading():
            return WELL if healthy else UNKNOWN
        row = (
            await session.execute(
                select(Lease.holder, Lease.expires_at).where(Lease.name == self._lease_name)
            )
        ).one_or_none()
        if row is None or row.expires_at < now:
            # Nobody holds it: this standby takes it within seconds, unless it cannot.
            expired = row.expires_at if row is not None else None
            finding = self._overdue(expired, LEADER_SILENT, now, never_is_late=True)
            return finding if finding.verdict is Verdict.STUCK else UNKNOWN
        beat = await heartbeats.last_beat(session, row.holder)
        return self._overdue(beat, LEADER_SILENT, now, never_is_late=True)

    def _overdue(
        self, since: datetime | None, patience: timedelta, now: datetime, *, never_is_late: bool = False
    ) -> Finding:
        """Something that should have happened after `since` (None: never yet) within `patience`.

        Stuck only when that is also true counted from this instance's start: after a night down, what
        waited meanwhile is going now, and a restarted instance does not raise what it has not seen. It
        looks well again only by the real age, so that a restart never sounds a false all-clear.
        """
        if since is not None and now - since <= patience:
            return WELL
        if since is None and not never_is_late:
            return WELL
        counted_from = max(since, self._started_at) if since is not None else self._started_at
        if now - counted_from > patience:  # the message tells the whole wait
            return Finding(Verdict.STUCK, since if since is not None else counted_from)
        return Finding(Verdict.TROUBLE, counted_from)

    async def _act(self, session: AsyncSession, findings: dict[str, Finding], now: datetime) -> bool:
        told = False
        settings = self._settings
        for kind, finding in findings.items():
            if finding.verdict is Verdict.STUCK:
                minutes = max(int((now - (finding.since or now)).total_seconds() // 60), 1)
                episode = await alarms.raise_alarm(
                    session,
                    kind,
                    now=now,
                    operators=settings.admin_ids,
                    default_language=settings.default_language,
                    detail=Detail(minutes, finding.detail),
                )
                if episode is not None:
                    told = True
                    log.error("watchdog: %s is stuck (for %d minutes); the operators are told", kind, minutes)
            elif finding.verdict is Verdict.TROUBLE:
                await alarms.still_in_trouble(session, kind)
            elif finding.verdict is Verdict.WELL:
                episode = await alarms.all_well(
                    session,
                    kind,
                    now=now,
                    operators=settings.admin_ids,
                    default_language=settings.default_language,
                )
                if episode is not None:
                    told = True
                    log.warning("watchdog: %s works again; the operators are told", kind)
        if told and not settings.admin_ids:
            log.warning("watchdog: no operators to tell (BUURTBOT_ADMIN_IDS is empty)")
        return told
