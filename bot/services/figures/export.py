"""/export: a buurt's figures per week and per category as CSV, safe to hand to the gemeente or a funder.

Anonymous: no names and no ids, and no count of 1 to 4 (those few people could be recognised): such a
cell reads "<5". A total is only written when every part of it is; otherwise it reads "x", so that a
hidden count can never be worked out as the total minus the counts that are shown.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from bot.services.figures.statistics import CategoryCount, Figures
from bot.services.help import terms as help_terms

SMALL = "<5"  # 1 to 4 people
HIDDEN = "x"  # a total that would give away a small count
THRESHOLD = 5
ALL = "all"
HEADER = ("week", "figure", "category", "count")
REQUEST_FIGURES = ("requests_asked", "requests_matched", "requests_done")


def shown(count: int) -> str:
    """A count as it may be published: 0 and 5 or more as they are, 1 to 4 as "<5"."""
    return SMALL if 0 < count < THRESHOLD else str(count)


def rows(weeks: Iterable[Figures]) -> list[tuple[str, str, str, str]]:
    """One row per week, figure and (for requests) category; see the module's note on "<5" and "x"."""
    out: list[tuple[str, str, str, str]] = []
    for week in weeks:
        day = week.period.first_day.isoformat()
        # Who was a member or a helper at some moment of that week (see services/history.py).
        out.append((day, "members", "", shown(week.members)))
        out.append((day, "new_members", "", shown(week.new_members)))
        out.append((day, "helpers", "", shown(week.helpers)))
        by_category = {c.category: c for c in week.categories}
        categories = list(help_terms.CATEGORIES) + sorted(set(by_category) - set(help_terms.CATEGORIES))
        counts = [_counts(by_category.get(key)) for key in categories]
        for index, figure in enumerate(REQUEST_FIGURES):
            parts = [count[index] for count in counts]
            cells = [shown(count) for count in parts]
            out += [(day, figure, key, cell) for key, cell in zip(categories, cells, strict=True)]
            total = HIDDEN if SMALL in cells else shown(sum(parts))
            out.append((day, figure, ALL, total))
        out.append((day, "median_minutes_to_match", ALL, _median(week)))
        out.append((day, "checkins_sent", "", shown(week.checkins_sent)))
        out.append((day, "checkins_answered", "", shown(week.checkins_answered)))
        out.append((day, "escalations", "", shown(week.escalations)))
    return out


def csv_bytes(weeks: Iterable[Figures]) -> bytes:
    """UTF-8 with a byte order mark, so that a spreadsheet opens it with the right letters."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows(weeks))
    return text.getvalue().encode("utf-8-sig")


def _median(week: Figures) -> str:
    """A median of fewer than 5 requests tells too much about each of them."""
    if week.median_to_match is None:
        return ""
    if week.matched < THRESHOLD:
        return SMALL
    return str(round(week.median_to_match.total_seconds() / 60))


def _counts(count: CategoryCount | None) -> tuple[int, int, int]:
    return (count.asked, count.matched, count.done) if count is not None else (0, 0, 0)
