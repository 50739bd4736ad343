"""Dutch postcodes as people type them, reduced to the 4 digits (PC4) that place them in a buurt."""

from __future__ import annotations

import re
from typing import Literal

# Four digits, the first not 0, then optionally two letters, with or without spaces in between.
# Explicit ASCII classes: \d would also accept Arabic-Indic and other digits.
_POSTCODE = re.compile(r"([1-9][0-9]{3}) *([A-Za-z]{2})?")
# PostNL never hands these out: they read as SA, SD and SS.
_UNUSED_LETTERS = frozenset({"SA", "SD", "SS"})

Reason = Literal["empty", "not_a_postcode", "unused_letters"]


class InvalidPostcode(ValueError):
    """Text that is not a Dutch postcode. `reason` is for the caller to put into words.

    The text itself is kept in `text` but left out of the message: what a resident typed stays out of logs.
    """

    def __init__(self, reason: Reason, text: str) -> None:
        super().__init__(reason)
        self.reason: Reason = reason
        self.text = text


def parse_pc4(text: str) -> str:
    """'1234', '1234AB', '1234 ab' and ' 1234ab ' all give '1234'."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidPostcode("empty", text)
    match = _POSTCODE.fullmatch(cleaned)
    if match is None:
        raise InvalidPostcode("not_a_postcode", text)
    digits, letters = match.groups()
    if letters is not None and letters.upper() in _UNUSED_LETTERS:
        raise InvalidPostcode("unused_letters", text)
    return digits


def parse_pc4_list(text: str) -> list[str]:
    """'1234, 1235,1234AB' gives ['1234', '1235']: each postcode once, in the order given."""
    postcodes: list[str] = []
    for part in text.split(","):
        if not part.strip():
            continue  # a trailing comma is not worth an error
        pc4 = parse_pc4(part)
        if pc4 not in postcodes:
            postcodes.append(pc4)
    return postcodes
