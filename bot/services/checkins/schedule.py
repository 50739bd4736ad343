"""When check-ins and the steps of their ladder are due: local wall-clock rules, stored as UTC moments.

Pure functions, no database. A check-in "around 10:00" stays at 10:00 on the clock on the wall when the
clocks change; waiting times (a reminder after an hour) are real hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.db.enums import Frequency
from bot.ids import parse_number

THRICE_DAYS = frozenset({0, 2, 4})  # Monday, Wednesday, Friday

EXACT = "exact"


@dataclass(frozen=True, slots=True)
class Slot:
    at_minute: int
    window_minutes: int  # how long after `at_minute` a late check-in may still go out


# Around what time: a moment in the middle of the part of the day, and how late it may still come.
SLOTS = {
    "morning": Slot(10 * 60, 120),
    "midday": Slot(12 * 60 + 30, 90),
    "afternoon": Slot(15 * 60, 120),
    "evening": Slot(19 * 60, 90),
}
EXACT_WINDOW_MINUTES = 60
QUIET_START, QUIET_END = 21 * 60, 9 * 60

# The ladder: (reminder, first contact, next step), in minutes; the member chooses one of these.
LADDERS = {"standard": (60, 180, 360), "shorter": (30, 120, 240), "longer": (120, 240, 480)}


class Schedule(Protocol):
    frequency: Frequency
    weekday: int
    at_minute: int
    window_minutes: int
    quiet_start_minute: int
    quiet_end_minute: int
    reminder_after_minutes: int
    first_alert_after_minutes: int
    next_alert_after_minutes: int


def is_checkin_day(frequency: Frequency, weekday: int, day: date) -> bool:
    if frequency == Frequency.DAILY:
        return True
    if frequency == Frequency.THRICE:
        return day.weekday() in THRICE_DAYS
    return day.weekday() == weekday


def at_local(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC moment of a wall-clock time on a day (a time skipped in spring counts as an hour later)."""
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    return local.astimezone(UTC)


def next_due(plan: Schedule, after: datetime, zone: ZoneInfo) -> datetime:
    """The first check-in moment strictly after `after`."""
    day = after.astimezone(zone).date()
    for offset in range(8):
        candidate_day = day + timedelta(days=offset)
        if is_checkin_day(plan.frequency, plan.weekday, candidate_day):
            moment = at_local(candidate_day, plan.at_minute, zone)
            if moment > after:
                return moment
    raise AssertionError("every frequency has a day within a week")


def latest_missed(plan: Schedule, first_due: datetime, now: datetime, zone: ZoneInfo) -> datetime:
    """The most recent check-in moment at or before `now`, starting from one that is due."""
    latest = first_due
    while (following := next_due(plan, latest, zone)) <= now:
        latest = following
    return latest


def minute_of_day(moment: datetime, zone: ZoneInfo) -> int:
    local = moment.astimezone(zone)
    return local.hour * 60 + local.minute


def in_quiet_hours(plan: Schedule, moment: datetime, zone: ZoneInfo) -> bool:
    start, end, minute = plan.quiet_start_minute, plan.quiet_end_minute, minute_of_day(moment, zone)
    if start == end:
        return False
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def outside_quiet_hours(plan: Schedule, moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment`, or the end of the quiet hours it falls in."""
    if not in_quiet_hours(plan, moment, zone):
        return moment
    day = moment.astimezone(zone).date()
    for offset in range(2):
        end = at_local(day + timedelta(days=offset), plan.quiet_end_minute, zone)
        if end > moment:
            return end
    raise AssertionError("quiet hours end within a day")


def step_due(plan: Schedule, sent_at: datetime, step: int, zone: ZoneInfo) -> datetime:
    """When ladder step `step` (1 reminder, 2 first contact, 3 and on: the next ones) is due.

    Nothing is sent in the member's quiet hours: a step that falls in them waits until they end.
    """
    first, following = plan.first_alert_after_minutes, plan.next_alert_after_minutes
    if step == 1:
        minutes = plan.reminder_after_minutes
    elif step == 2:
        minutes = first
    else:
        minutes = following + (step - 3) * max(following - first, 60)
    return outside_quiet_hours(plan, sent_at + timedelta(minutes=minutes), zone)


def parse_clock_time(text: str) -> int | None:
    """'10:30', '10.30', '9' → minutes after midnight; None when it is not a time."""
    cleaned = text.strip().replace(".", ":").replace("u", ":").rstrip(":")
    hours, _, minutes = cleaned.partition(":")
    hour = parse_number(hours, most=23)
    minute = parse_number(minutes or "0", most=59) if len(minutes) <= 2 else None
    if hour is None or minute is None:
        return None
    return hour * 60 + minute


def parse_quiet_hours(text: str) -> tuple[int, int] | None:
    """'22:00-08:00' → (start, end) in minutes; None when it is not two times."""
    for separator in ("-", "–", " tot ", " to "):
        if separator in text:
            start_text, _, end_text = text.partition(separator)
            start, end = parse_clock_time(start_text), parse_clock_time(end_text)
            if start is None or end is None or start == end:
                return None
            return start, end
    return None


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
