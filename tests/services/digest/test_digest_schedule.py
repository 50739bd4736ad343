"""When a buurt's digest is due: from its moment in local time until midnight, on its weekday only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.services.digest.sending import Moment, due_week, week_of

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY_TEN = Moment(weekday=0, minute=600)


def test_due_from_ten_local_time_in_winter() -> None:
    assert due_week(MONDAY_TEN, now=datetime(2026, 11, 30, 8, 59, tzinfo=UTC), zone=AMSTERDAM) is None
    assert due_week(MONDAY_TEN, now=datetime(2026, 11, 30, 9, 0, tzinfo=UTC), zone=AMSTERDAM) == "2026-W49"


def test_due_from_ten_local_time_in_summer() -> None:
    assert due_week(MONDAY_TEN, now=datetime(2026, 6, 1, 7, 59, tzinfo=UTC), zone=AMSTERDAM) is None
    assert due_week(MONDAY_TEN, now=datetime(2026, 6, 1, 8, 0, tzinfo=UTC), zone=AMSTERDAM) == "2026-W23"


def test_the_local_day_decides_not_the_utc_day() -> None:
    # Sunday 23:30 UTC is already Monday 00:30 in Amsterdam; Monday 23:30 UTC is Tuesday there.
    late = Moment(weekday=0, minute=0)
    assert due_week(late, now=datetime(2026, 11, 29, 23, 30, tzinfo=UTC), zone=AMSTERDAM) == "2026-W49"
    assert due_week(late, now=datetime(2026, 11, 30, 23, 30, tzinfo=UTC), zone=AMSTERDAM) is None


def test_iso_weeks_cross_the_new_year() -> None:
    assert week_of(date(2026, 12, 31)) == "2026-W53"
    assert week_of(date(2027, 1, 4)) == "2027-W01"
