"""What this instance knows about itself, from the reports of its loops (bot/delivery/signals.py):
which loops have gone quiet (/healthz), how Telegram has been answering (the watchdog), and the counts
for /metrics."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.delivery.signals import DeliverySignals, kind_of
from bot.ops.metrics import Metrics, outcome_of

# Answers that show Telegram takes our requests: a 400 or 403 is about one message or one chat.
_ACCEPTED = frozenset({200, 400, 403})
# How recent an accepted answer must be to count as evidence that Telegram is fine now.
_FRESH_EVIDENCE = timedelta(minutes=2)


class Verdict(enum.Enum):
    """What one look at something the watchdog watches found."""

    STUCK = "stuck"  # stuck for longer than we wait: tell the operators
    TROUBLE = "trouble"  # not well, not for long enough yet: an alarm that is raised stays raised
    WELL = "well"
    UNKNOWN = "unknown"  # this instance cannot tell (a standby sends no requests)


@dataclass(frozen=True, slots=True)
class Finding:
    verdict: Verdict
    since: datetime | None = None  # STUCK/TROUBLE: since when
    detail: str = ""  # a code for the operators' message ("429", "network", ...), never personal


WELL = Finding(Verdict.WELL)
UNKNOWN = Finding(Verdict.UNKNOWN)


class _Trouble:
    """A condition that is bad from its first bad report until the next good one."""

    def __init__(self) -> None:
        self.bad_since: datetime | None = None
        self.detail = ""
        self.good_at: datetime | None = None

    def bad(self, now: datetime, detail: str) -> None:
        if self.bad_since is None:
            self.bad_since = now
        self.detail = detail

    def good(self, now: datetime) -> None:
        self.bad_since, self.good_at = None, now

    def finding(self, now: datetime, patience: timedelta) -> Finding:
        if self.bad_since is not None:
            verdict = Verdict.STUCK if now - self.bad_since >= patience else Verdict.TROUBLE
            return Finding(verdict, self.bad_since, self.detail)
        if self.good_at is not None and now - self.good_at <= _FRESH_EVIDENCE:
            return WELL
        return UNKNOWN


class Observer(DeliverySignals):
    def __init__(self, clock: Clock, metrics: Metrics) -> None:
        self._clock = clock
        self.metrics = metrics
        self._beats: dict[str, float] = {}  # loop -> monotonic time of its last round
        self._patience: dict[str, float] = {}  # loop -> seconds it may stay quiet
        self._telegram = _Trouble()
        self._webhook = _Trouble()

    # -- loops ----------------------------------------------------------------------------------------

    def expect(self, loop: str, *, within: float) -> None:
        """From now on `loop` must report progress at least every `within` seconds."""
        self._patience[loop] = within
        self._beats[loop] = self._clock.monotonic()

    def forget(self, loop: str) -> None:
        self._patience.pop(loop, None)
        self._beats.pop(loop, None)

    def progressed(self, loop: str) -> None:
        self._beats[loop] = self._clock.monotonic()

    def quiet_loops(self) -> list[tuple[str, float]]:
        """The loops that have not reported for longer than they may, with the seconds since."""
        now = self._clock.monotonic()
        quiet = [(loop, now - self._beats.get(loop, now)) for loop in self._patience]
        return sorted((loop, silent) for loop, silent in quiet if silent > self._patience[loop])

    def job_ran(self, name: str) -> None:
        self.progressed(f"sweep:{name}")
        self.metrics.sweep_runs.labels(name).inc()

    # -- counts and Telegram's answers ----------------------------------------------------------------

    def updates_taken(self, updates: Sequence[Mapping[str, Any]], *, via: str) -> None:
        for update in updates:
            self.metrics.updates_taken.labels(kind_of(update), via).inc()

    def update_handled(self, kind: str, seconds: float) -> None:
        self.metrics.updates_handled.labels(kind).inc()
        self.metrics.handler_seconds.labels(kind).observe(seconds)

    def webhook_answered(self, outcome: str, seconds: float) -> None:
        self.metrics.webhook_requests.labels(outcome).inc()
        if outcome in ("stored", "duplicate"):
            self.metrics.webhook_store_seconds.observe(seconds)

    def telegram_answered(self, method: str, status: int | None) -> None:
        outcome = outcome_of(status)
        self.metrics.telegram_requests.labels(method, outcome).inc()
        now = self._clock.now()
        if status in _ACCEPTED:
            self._telegram.good(now)
        else:  # 401/404 (token revoked), 409 (someone else polls), 429, 5xx, no answer
            self._telegram.bad(now, outcome if status is None or status >= 500 else str(status))

    def webhook_state(self, *, pending_updates: int, last_error_at: datetime | None) -> None:
        self.metrics.webhook_pending.set(pending_updates)
        now = self._clock.now()
        # Telegram could not deliver lately and is holding updates: residents are not being heard.
        if pending_updates > 0 and last_error_at is not None and now - last_error_at < _FRESH_EVIDENCE:
            self._webhook.bad(now, "webhook")
        else:
            self._webhook.good(now)

    def telegram_finding(self, patience: timedelta) -> Finding:
        return self._telegram.finding(self._clock.now(), patience)

    def webhook_finding(self, patience: timedelta) -> Finding:
        return self._webhook.finding(self._clock.now(), patience)
