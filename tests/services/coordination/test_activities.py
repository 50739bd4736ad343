"""Reading the date and time a coordinator types for an activity."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.coordination.activities import InvalidWhen, parse_when

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Amsterdam


@pytest.mark.parametrize(
    ("typed", "local"),
    [
        ("28-11 10:00", datetime(2026, 11, 28, 10, 0)),
        (" 28/11 9.30 ", datetime(2026, 11, 28, 9, 30)),
        ("28-11-2026 10:00", datetime(2026, 11, 28, 10, 0)),
        ("2-1 10:00", datetime(2027, 1, 2, 10, 0)),  # no year: the next 2 January
        ("25-11 10:30", datetime(2026, 11, 25, 10, 30)),  # later today
    ],
)
def test_dates_as_people_type_them(typed: str, local: datetime) -> None:
    assert parse_when(typed, now=NOW, zone=AMSTERDAM) == local.replace(tzinfo=AMSTERDAM).astimezone(UTC)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("zaterdag", "format"), ("31-02 10:00", "format"), ("28-11", "format"), ("24-11-2026 10:00", "past")],
)
def test_what_cannot_be_read_or_is_past(typed: str, reason: str) -> None:
    with pytest.raises(InvalidWhen) as error:
        parse_when(typed, now=NOW, zone=AMSTERDAM)
    assert error.value.reason == reason
