"""What an instance knows of itself: quiet loops, and how Telegram has been answering."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.ops.metrics import Metrics
from bot.ops.observer import Observer, Verdict
from tests.fakes.clock import FakeClock

FIVE_MINUTES = timedelta(minutes=5)


@pytest.fixture
def observer(clock: FakeClock) -> Observer:
    return Observer(clock, Metrics())


def test_a_loop_is_quiet_only_after_its_own_patience(observer: Observer, clock: FakeClock) -> None:
    observer.expect("sender", within=120)
    observer.expect("lease", within=60)
    clock.advance(61)
    observer.progressed("sender")
    assert observer.quiet_loops() == [("lease", 61.0)]
    clock.advance(60)
    assert observer.quiet_loops() == [("lease", 121.0)]
    observer.progressed("lease")
    observer.forget("sender")
    clock.advance(100)
    assert observer.quiet_loops() == [("lease", 100.0)]


def test_a_loop_nobody_expects_is_never_quiet(observer: Observer, clock: FakeClock) -> None:
    observer.progressed("poller")  # a standby's poller does not run; its last beat does not matter
    clock.advance(3600)
    assert observer.quiet_loops() == []


@pytest.mark.parametrize(
    ("status", "detail"), [(429, "429"), (401, "401"), (409, "409"), (502, "5xx"), (None, "network")]
)
def test_refusals_count_until_an_answer_shows_telegram_takes_requests_again(
    observer: Observer, clock: FakeClock, status: int | None, detail: str
) -> None:
    observer.telegram_answered("getUpdates", status)
    clock.advance(60)
    assert observer.telegram_finding(FIVE_MINUTES).verdict is Verdict.TROUBLE
    observer.telegram_answered("getUpdates", status)
    clock.advance(241)
    stuck = observer.telegram_finding(FIVE_MINUTES)
    assert (stuck.verdict, stuck.detail) == (Verdict.STUCK, detail)
    observer.telegram_answered("sendMessage", 403)  # one person blocked the bot: Telegram answered us
    assert observer.telegram_finding(FIVE_MINUTES).verdict is Verdict.WELL


def test_without_recent_answers_an_instance_cannot_tell(observer: Observer, clock: FakeClock) -> None:
    assert observer.telegram_finding(FIVE_MINUTES).verdict is Verdict.UNKNOWN
    observer.telegram_answered("getMe", 200)  # a standby asks getMe at start, then nothing
    assert observer.telegram_finding(FIVE_MINUTES).verdict is Verdict.WELL
    clock.advance(121)
    assert observer.telegram_finding(FIVE_MINUTES).verdict is Verdict.UNKNOWN


def test_a_webhook_telegram_cannot_deliver_to_while_it_holds_updates_is_trouble(
    observer: Observer, clock: FakeClock
) -> None:
    observer.webhook_state(pending_updates=3, last_error_at=clock.now())
    assert observer.webhook_finding(FIVE_MINUTES).verdict is Verdict.TROUBLE
    clock.advance(301)
    observer.webhook_state(pending_updates=9, last_error_at=clock.now() - timedelta(seconds=20))
    assert observer.webhook_finding(FIVE_MINUTES).verdict is Verdict.STUCK
    observer.webhook_state(pending_updates=0, last_error_at=clock.now() - timedelta(seconds=20))
    assert observer.webhook_finding(FIVE_MINUTES).verdict is Verdict.WELL
