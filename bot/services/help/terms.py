"""The words of neighbour help: kinds of help, when it is needed, days and parts of the day.

Keys are stored in the database and used in buttons; labels are translated where they are shown.
"""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date

from bot.i18n import N_, Translator

CATEGORIES: dict[str, str] = {
    "boodschappen": N_("🛒 Groceries"),
    "klusje": N_("🔧 Small job in the house"),
    "vervoer": N_("🚗 Transport or going along"),
    "gezelschap": N_("🚶 Company or a walk"),
    "digitaal": N_("📱 Help with phone or computer"),
    "post": N_("📝 Forms and post"),
    "dieren": N_("🐕 Pets"),
    "lenen": N_("🔨 Borrowing something"),
    "anders": N_("💬 Something else"),
}

WHEN: dict[str, str] = {
    "vandaag": N_("Today"),
    "morgen": N_("Tomorrow"),
    "week": N_("This week"),
    "datum": N_("On a date"),
    "maakt_niet_uit": N_("Any time"),
}

# Monday first, as in the Netherlands; bit i of a days mask is DAYS[i].
DAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
DAY_PARTS = (N_("Morning"), N_("Afternoon"), N_("Evening"))
ALL_DAYS = 0b1111111


def category_label(t: Translator, key: str) -> str:
    return t(CATEGORIES.get(key, CATEGORIES["anders"]))


def wanted_on(when: str, today: date, chosen: date | None = None) -> date | None:
    """The day a request points at (None: no particular day)."""
    if when == "vandaag":
        return today
    if when == "morgen":
        return today + timedelta(days=1)
    if when == "datum":
        return chosen
    return None


def days_needed(when: str, today: date, on: date | None) -> int:
    """Which weekdays a helper must be available on to take this request, as a days mask."""
    if when in ("vandaag", "morgen", "datum") and on is not None:
        return 1 << on.weekday()
    if when == "week":
        return sum(1 << day for day in range(today.weekday(), 7))
    return ALL_DAYS


def last_useful_day(when: str, today: date, on: date | None) -> date | None:
    """After this day the request has passed; we ask whether it worked out the day after."""
    if on is not None:
        return on
    if when == "week":
        return today + timedelta(days=6 - today.weekday())
    return None


def days_label(t: Translator, mask: int) -> str:
    if mask == ALL_DAYS:
        return t("every day")
    return ", ".join(t(DAYS[day]) for day in range(7) if mask & (1 << day)) or "-"


def parts_label(t: Translator, mask: int) -> str:
    return ", ".join(t(DAY_PARTS[part]).lower() for part in range(3) if mask & (1 << part)) or "-"


def when_label(t: Translator, when: str, on: date | None) -> str:
    """'Today', 'This week', or the day itself in the reader's language ('woensdag 2 december')."""
    if when == "datum" and on is not None:
        return format_date(on, "EEEE d MMMM", locale=t.language)
    return t(WHEN.get(when, WHEN["maakt_niet_uit"]))
