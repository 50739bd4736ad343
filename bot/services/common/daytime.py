"""Time as people live it: daytime hours and quiet hours in the buurt's time zone (also across DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_STARTS, DAY_ENDS = time(8, 0), time(21, 0)


def _at(day: date, clock_time: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=zone).astimezone(UTC)


def add_daytime(start: datetime, duration: timedelta, zone: ZoneInfo) -> datetime:
    """The moment when `duration` of daytime (08:00-21:00 local) has passed since `start`.

    A request posted at 20:00 with 4 hours to wait runs one hour that evening and three the next morning:
    nobody's neighbours are woken, and nobody's request is given up on overnight.
    """
    left = duration
    moment = start.astimezone(UTC)
    while True:
        day = moment.astimezone(zone).date()
        opens, closes = _at(day, DAY_STARTS, zone), _at(day, DAY_ENDS, zone)
        if moment < opens:
            moment = opens
        if moment >= closes:
            moment = _at(day + timedelta(days=1), DAY_STARTS, zone)
            continue
        if moment + left <= closes:
            return moment + left
        left -= closes - moment
        moment = _at(day + timedelta(days=1), DAY_STARTS, zone)


def minutes(clock_time: time) -> int:
    return clock_time.hour * 60 + clock_time.minute


def outside_quiet_hours(moment: datetime, quiet_start: int, quiet_end: int, zone: ZoneInfo) -> datetime:
    """`moment`, or the end of the quiet hours it falls in (minutes after local midnight; equal: none)."""
    if quiet_start == quiet_end:
        return moment
    local = moment.astimezone(zone)
    now_minutes = local.hour * 60 + local.minute
    if quiet_start < quiet_end:  # e.g. 13:00-14:00
        quiet = quiet_start <= now_minutes < quiet_end
        end_day = local.date()
    else:  # across midnight, e.g. 21:00-09:00
        quiet = now_minutes >= quiet_start or now_minutes < quiet_end
        end_day = local.date() + timedelta(days=1) if now_minutes >= quiet_start else local.date()
    if not quiet:
        return moment
    return _at(end_day, time(quiet_end // 60, quiet_end % 60), zone)
