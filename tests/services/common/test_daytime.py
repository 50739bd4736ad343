"""Daytime and quiet hours in Europe/Amsterdam, also on the nights the clocks change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.common.daytime import add_daytime, outside_quiet_hours

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (local(2026, 11, 25, 10, 0), 4, local(2026, 11, 25, 14, 0)),  # within one day
        (local(2026, 11, 25, 20, 0), 4, local(2026, 11, 26, 11, 0)),  # 1 hour tonight, 3 tomorrow morning
        (local(2026, 11, 25, 23, 30), 4, local(2026, 11, 26, 12, 0)),  # posted at night: counts from 08:00
        (local(2026, 11, 25, 6, 0), 2, local(2026, 11, 25, 10, 0)),  # early morning: counts from 08:00
        (local(2026, 11, 25, 10, 0), 15, local(2026, 11, 26, 12, 0)),  # longer than one day's 13 hours
        # The night the clocks go forward (29 March 2026) and back (25 October 2026): still 08:00 local.
        (local(2026, 3, 28, 20, 0), 2, local(2026, 3, 29, 9, 0)),
        (local(2026, 10, 24, 20, 0), 2, local(2026, 10, 25, 9, 0)),
    ],
)
def test_only_daytime_counts(start: datetime, hours: int, expected: datetime) -> None:
    result = add_daytime(start.astimezone(UTC), timedelta(hours=hours), AMSTERDAM)
    assert result == expected.astimezone(UTC)
    assert result.tzinfo is not None


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 11, 25, 12, 0), local(2026, 11, 25, 12, 0)),  # not quiet
        (local(2026, 11, 25, 22, 0), local(2026, 11, 26, 9, 0)),  # evening: the next morning
        (local(2026, 11, 26, 3, 0), local(2026, 11, 26, 9, 0)),  # after midnight: the same morning
        (local(2026, 3, 28, 23, 0), local(2026, 3, 29, 9, 0)),  # across the spring change
        (local(2026, 10, 24, 23, 0), local(2026, 10, 25, 9, 0)),  # across the autumn change
    ],
)
def test_quiet_hours_move_a_message_to_their_end(moment: datetime, expected: datetime) -> None:
    result = outside_quiet_hours(moment.astimezone(UTC), 21 * 60, 9 * 60, AMSTERDAM)
    assert result == expected.astimezone(UTC)


def test_quiet_hours_within_one_day_and_none_at_all() -> None:
    lunch = local(2026, 11, 25, 13, 30).astimezone(UTC)
    assert outside_quiet_hours(lunch, 13 * 60, 14 * 60, AMSTERDAM) == local(2026, 11, 25, 14, 0).astimezone(
        UTC
    )
    assert outside_quiet_hours(lunch, 0, 0, AMSTERDAM) == lunch
