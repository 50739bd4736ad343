"""What /metrics shows, in the Prometheus text format (prometheus-client does the format).

Names start with `buurtbot_`, are in base units (seconds, counts) and counters end in `_total`. Labels
are kinds, methods, outcomes, steps and sweep names: never a person, a chat, an id or a text. Each
runtime has its own registry (tests run two side by side). Counters count what this instance did since
it started; the gauges read from the database are the same on every instance.
"""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.exposition import choose_encoder

from bot import __version__
from bot.db.tally import Key
from bot.delivery.signals import KNOWN_KINDS
from bot.ops.snapshot import Snapshot

# What a Bot API request came to: an answer 200, Telegram's 429, another 4xx, a 5xx, or no answer at all.
OUTCOMES = ("ok", "429", "4xx", "5xx", "network")
WEBHOOK_OUTCOMES = ("stored", "duplicate", "unauthorized", "too_large", "bad_request", "unavailable")
_KINDS = (*sorted(KNOWN_KINDS), "other")
# A handler answers within milliseconds; one that sends a file or waits out a 429 takes seconds.
_HANDLER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_STORE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


def outcome_of(status: int | None) -> str:
    if status is None:
        return "network"
    if status == 200:
        return "ok"
    if status == 429:
        return "429"
    return "4xx" if status < 500 else "5xx"


class Metrics:
    def __init__(self, *, sweeps: tuple[str, ...] = ()) -> None:
        # No *_created series next to every counter: noise for a small setup. (Untyped in the library.)
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = registry = CollectorRegistry()
        for collector in (ProcessCollector, PlatformCollector, GCCollector):
            collector(registry=registry)
        self.info = Info(
            "buurtbot", "This instance: its version and how updates reach it.", registry=registry
        )
        self.updates_taken = Counter(
            "buurtbot_updates_taken",
            "Updates stored in the inbox by this instance, by kind and how they came (polling, webhook).",
            ["kind", "via"],
            registry=registry,
        )
        self.updates_handled = Counter(
            "buurtbot_updates_handled",
            "Updates the handlers of this instance finished, by kind.",
            ["kind"],
            registry=registry,
        )
        self.handler_seconds = Histogram(
            "buurtbot_handler_duration_seconds",
            "Time the handlers took for one update, by kind.",
            ["kind"],
            buckets=_HANDLER_BUCKETS,
            registry=registry,
        )
        self.telegram_requests = Counter(
            "buurtbot_telegram_requests",
            "Bot API requests of this instance, by method and outcome (ok, 429, 4xx, 5xx, network).",
            ["method", "outcome"],
            registry=registry,
        )
        self.webhook_requests = Counter(
            "buurtbot_webhook_requests",
            "POSTs to the webhook path, by what came of them.",
            ["outcome"],
            registry=registry,
        )
        self.webhook_store_seconds = Histogram(
            "buurtbot_webhook_store_duration_seconds",
            "From a webhook POST's arrival to its update stored (the 200 follows at once).",
            buckets=_STORE_BUCKETS,
            registry=registry,
        )
        self.webhook_pending = Gauge(
            "buurtbot_webhook_pending_updates",
            "Updates Telegram still holds for the webhook (getWebhookInfo; the lease holder asks).",
            registry=registry,
        )
        self.lease_held = Gauge(
            "buurtbot_lease_held",
            "1 while this instance holds the lease: it dispatches and sends; 0 on a standby.",
            registry=registry,
        )
        self.checkins_sent = Counter(
            "buurtbot_checkins_sent", "Check-ins sent (queued) by this instance's sweeps.", registry=registry
        )
        self.checkins_answered = Counter(
            "buurtbot_checkins_answered", "Check-ins answered by the member.", registry=registry
        )
        self.checkin_escalations = Counter(
            "buurtbot_checkin_escalations",
            "Ladder steps taken for check-ins without an answer: 1 the reminder, 2 the first contact, "
            "then the next contact, the last one the coordinators.",
            ["step"],
            registry=registry,
        )
        self.sweep_runs = Counter(
            "buurtbot_sweep_runs",
            "Runs of each scheduled sweep on this instance.",
            ["sweep"],
            registry=registry,
        )
        self.sweep_last_run = Gauge(
            "buurtbot_sweep_last_run_timestamp_seconds",
            "When each sweep last finished without an error, on any instance (Unix time).",
            ["sweep"],
            registry=registry,
        )
        self.database_up = Gauge(
            "buurtbot_database_up", "1 when the database answered this scrape's questions.", registry=registry
        )
        self.inbox_waiting = Gauge(
            "buurtbot_inbox_waiting", "Updates stored and not yet handled.", registry=registry
        )
        self.inbox_oldest_age = Gauge(
            "buurtbot_inbox_oldest_waiting_age_seconds",
            "How long the oldest update not yet handled has waited.",
            registry=registry,
        )
        self.inbox_failed = Gauge(
            "buurtbot_inbox_failed",
            "Updates set aside after they stopped the bot 5 times (kept 2 days).",
            registry=registry,
        )
        self.outbox_waiting = Gauge(
            "buurtbot_outbox_waiting", "Messages in the outbox not sent yet, due or later.", registry=registry
        )
        self.outbox_due = Gauge(
            "buurtbot_outbox_due", "Messages in the outbox that are due now.", registry=registry
        )
        self.outbox_oldest_due_age = Gauge(
            "buurtbot_outbox_oldest_due_age_seconds",
            "How long the oldest due message in the outbox has been due.",
            registry=registry,
        )
        self.alarm = Gauge(
            "buurtbot_watchdog_alarm",
            "1 while the watchdog's alarm of this kind is raised (the operators were told).",
            ["alarm"],
            registry=registry,
        )
        # Every series exists from the start, at 0: a rate over a series that appears late is wrong.
        for kind in _KINDS:
            self.updates_handled.labels(kind)
            for via in ("polling", "webhook"):
                self.updates_taken.labels(kind, via)
        for outcome in WEBHOOK_OUTCOMES:
            self.webhook_requests.labels(outcome)
        for sweep in sweeps:
            self.sweep_runs.labels(sweep)

    def describe_instance(self, *, mode: str) -> None:
        self.info.info({"version": __version__, "mode": mode})

    def count_committed(self, counts: Mapping[Key, int]) -> None:
        """Counts from committed transactions (bot.db.tally): check-ins sent, answered, escalated."""
        for (name, labels), amount in counts.items():
            if name == "checkins_sent":
                self.checkins_sent.inc(amount)
            elif name == "checkins_answered":
                self.checkins_answered.inc(amount)
            elif name == "checkin_escalations":
                self.checkin_escalations.labels(dict(labels).get("step", "?")).inc(amount)

    def show(self, snapshot: Snapshot | None, *, alarm_kinds: tuple[str, ...]) -> None:
        """The gauges read from the database; None: the database did not answer."""
        self.database_up.set(0 if snapshot is None else 1)
        if snapshot is None:
            return
        self.inbox_waiting.set(snapshot.inbox_waiting)
        self.inbox_oldest_age.set(snapshot.inbox_oldest_age)
        self.inbox_failed.set(snapshot.inbox_failed)
        self.outbox_waiting.set(snapshot.outbox_waiting)
        self.outbox_due.set(snapshot.outbox_due)
        self.outbox_oldest_due_age.set(snapshot.outbox_oldest_due_age)
        for sweep, at in snapshot.sweeps_last_run.items():
            self.sweep_last_run.labels(sweep).set(at.timestamp())
        for kind in {*alarm_kinds, *snapshot.alarms_raised}:
            self.alarm.labels(kind).set(1 if kind in snapshot.alarms_raised else 0)

    def exposition(self, accept: str = "") -> tuple[bytes, str]:
        """The page and its content type, in the format the scraper asks for (`Accept`): Prometheus'
        text format, or OpenMetrics."""
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type
