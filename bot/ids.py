"""Reading a number from text that anyone can write: callback data, a command's arguments, a typed answer.

`str.isdigit()` says yes to "²" and `int()` to "٣" or " 7\n"; a regex's `\\d` matches any script's
digits. And an id past the database's range makes SQLite raise OverflowError and PostgreSQL a DBAPIError
before any service can say "unknown". So every id is read here, once: plain ASCII digits, within the
range of a key (BIGINT on PostgreSQL, SQLite's 64-bit INTEGER), or None, which the caller treats like
an id that does not exist.

No `telegram` import: the services read typed ids here too.
"""

from __future__ import annotations

import re

MAX_ID = 2**63 - 1  # the largest BIGINT; Telegram's user and chat ids fit with room to spare
_DIGITS = re.compile(r"[0-9]{1,19}")  # MAX_ID has 19 digits


def parse_id(text: str) -> int | None:
    """A database id or a Telegram user id, 1 to MAX_ID; None for anything else (signs, spaces too)."""
    number = parse_number(text, most=MAX_ID)
    return number if number is not None and number >= 1 else None


def parse_number(text: str, *, most: int) -> int | None:
    """A small number such as a page, a weekday or a minute: 0 to `most`, in plain ASCII digits."""
    if _DIGITS.fullmatch(text) is None:
        return None
    number = int(text)
    return number if number <= most else None
