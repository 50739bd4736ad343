"""Long lists of buttons, a page at a time: Telegram takes at most 100 buttons under one message.

A page button carries only a page number (and what the list is about); the list itself is read again
on the server, for the person who tapped, so an old or forged page button shows nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.i18n import Translator
from bot.ids import parse_number

T = TypeVar("T")

PAGE_SIZE = 10  # buttons a page: short enough to read on a phone
MOST_PAGES = 99_999  # what a page button may carry: far more than any list, and never past SQL's OFFSET


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int  # from 0
    count: int  # at least 1


def page_of(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """The items on page `number`; a number past either end shows the nearest page."""
    count = pages(len(items), size)
    number = min(max(number, 0), count - 1)
    return Page(items[number * size : (number + 1) * size], number, count)


def pages(count: int, size: int) -> int:
    """How many pages `count` items fill; at least one (an empty list is one empty page)."""
    return max(1, -(-count // size))


Rows = list[list[tuple[str, str]]]


def nav_row(number: int, count: int, t: Translator, data: Callable[[int], str]) -> Rows:
    """One row with ◀️ and ▶️ where there is an earlier or a later page; no row for a single page."""
    row = []
    if number > 0:
        row.append((t("◀️ Back"), data(number - 1)))
    if number < count - 1:
        row.append((t("More ▶️"), data(number + 1)))
    return [row] if row else []


def position(number: int, count: int, t: Translator) -> str:
    """The words "Page 2 of 5", or nothing for a single page."""
    if count <= 1:
        return ""
    return t("Page {number} of {count}").format(number=number + 1, count=count)


def page_number(text: str) -> int | None:
    """A page number from callback data; None when it is not one."""
    return parse_number(text, most=MOST_PAGES)
