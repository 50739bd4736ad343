"""The pacing rules themselves, with times chosen by the test."""

from __future__ import annotations

import itertools
import math

from bot.delivery.limits import RateLimits


def send_all(limits: RateLimits, chats: list[int], *, lateness: float) -> list[float]:
    """Send as soon as allowed, but every wake-up comes `lateness` seconds late (as real sleeps do);
    Telegram answers at once."""
    now, sent = 0.0, []
    for chat in chats:
        now = max(now, limits.overall_ready_at(), limits.chat_ready_at(chat)) + lateness
        limits.record(chat, now)
        limits.answered(chat, now)
        sent.append(now)
    return sent


def test_late_wake_ups_do_not_slow_the_overall_rate_down() -> None:
    sent = send_all(RateLimits(), list(range(1, 291)), lateness=0.002)
    assert 290 / (sent[-1] - sent[0]) > 28.0


def test_never_more_than_thirty_in_any_second() -> None:
    sent = send_all(RateLimits(), list(range(1, 601)), lateness=0.002)
    assert max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent) <= 30


def test_catching_up_after_a_stall_never_bunches_more_than_twenty_nine_into_a_second() -> None:
    limits, now, sent = RateLimits(), 0.0, []
    for chat in range(1, 601):
        now = max(now, limits.overall_ready_at(), limits.chat_ready_at(chat))
        if chat % 50 == 0:
            now += 0.3  # the event loop was busy elsewhere for a moment
        limits.record(chat, now)
        limits.answered(chat, now)
        sent.append(now)
    assert max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent) <= 29


def test_one_chat_waits_a_second_between_messages() -> None:
    sent = send_all(RateLimits(), [7, 7, 7], lateness=0.0)
    assert [round(b - a, 6) for a, b in itertools.pairwise(sent)] == [1.0, 1.0]


def test_a_group_gets_twenty_per_minute() -> None:
    sent = send_all(RateLimits(), [-100] * 21, lateness=0.0)
    assert sent[20] - sent[0] >= 60.0


def test_a_chat_gets_nothing_more_while_a_message_to_it_is_on_its_way() -> None:
    limits = RateLimits()
    limits.record(7, 10.0)
    assert limits.chat_ready_at(7) == math.inf
    assert limits.chat_ready_at(8) == 0.0


def test_a_chats_next_message_waits_a_second_after_the_answer_not_the_departure() -> None:
    # However late the first message arrived, it arrived before its answer: one second after the
    # answer, the next one cannot arrive within a second of it.
    limits = RateLimits()
    limits.record(7, 10.0)
    limits.answered(7, 10.4)
    assert limits.chat_ready_at(7) == 11.4


def test_a_groups_minute_is_counted_from_the_answers() -> None:
    limits = RateLimits()
    for n in range(20):
        limits.record(-100, float(n))
        limits.answered(-100, n + 0.5)
    assert limits.chat_ready_at(-100) == 60.5


def test_a_429_pauses_everything() -> None:
    limits = RateLimits()
    limits.pause_all(until=30.0)
    assert limits.overall_ready_at() == 30.0
