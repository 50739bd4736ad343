"""Ways to reach me: a phone number, an address and a free line a member gives by their own choice.

Their maatjes and their buurt's coordinators see them only in an alert about that member, never at
any other moment: only the alert reads them for someone else. Each is optional, can be changed and
deleted one by one, is part of /mijngegevens and goes with /vergeetmij. Checked before it is stored,
with a reason that can be explained kindly; never logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ReachDetails
from bot.services.common.validation import InvalidText, clean_text

PHONE_MAX = 20  # the longest number people type with spaces: "+31 (0)6 12 34 56 78" is 20
ADDRESS_MAX = 120
NOTE_MAX = 200


class Field(StrEnum):
    PHONE = "phone"
    ADDRESS = "address"
    NOTE = "note"


class InvalidReach(ValueError):
    """`reason`: empty, too_long, control, markup, link, or for a phone number: phone_letters,
    phone_short, phone_long, phone_form."""

    def __init__(self, reason: str, limit: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


@dataclass(frozen=True)
class Reach:
    """What a member gave; each None when not given."""

    phone: str | None = None
    address: str | None = None
    note: str | None = None

    @property
    def empty(self) -> bool:
        return self.phone is None and self.address is None and self.note is None


# What people write around the digits of a phone number: spaces, dashes, dots, brackets, a slash.
_PHONE_DECORATION = re.compile(r"[\s\-./()]")
_LINK = re.compile(r"https?:|www\.|t\.me/|@\w|\w\.(nl|com|org|net|eu|be)\b", re.IGNORECASE)


def clean_phone(text: str) -> str:
    """A phone number as the member wrote it (trimmed), or InvalidReach.

    Dutch forms (06 12345678, 020-1234567, +31 6 12345678, 0031 6 ...) and international ones (+48 ...,
    00 90 ...): 10 digits starting with 0, or a country code after + or 00 with 8 to 15 digits in all
    (ITU E.164). "(0)" after a country code, as in +31 (0)6, is read as people mean it."""
    written = " ".join(text.split())
    if not written:
        raise InvalidReach("empty")
    if len(written) > PHONE_MAX:
        raise InvalidReach("too_long", PHONE_MAX)
    plain = _PHONE_DECORATION.sub("", written.replace("(0)", ""))
    if plain.startswith("+"):
        digits, international = plain[1:], True
    elif plain.startswith("00"):
        digits, international = plain[2:], True
    else:
        digits, international = plain, False
    if not digits.isascii() or not digits.isdigit():
        raise InvalidReach("phone_letters")
    if international:
        if digits.startswith("0"):
            raise InvalidReach("phone_form")
        if len(digits) < 8:
            raise InvalidReach("phone_short")
        if len(digits) > 15:
            raise InvalidReach("phone_long")
    else:
        if not digits.startswith("0"):
            raise InvalidReach("phone_form")
        if len(digits) < 10:
            raise InvalidReach("phone_short")
        if len(digits) > 10:
            raise InvalidReach("phone_long")
    return written


def clean_line(text: str, *, max_length: int) -> str:
    """An address or a free line: one line, no markup, no link (it is shown to others), or InvalidReach."""
    try:
        line = clean_text(text, max_length=max_length)
    except InvalidText as error:
        raise InvalidReach(error.reason, error.limit) from error
    if any(ch in "<>" for ch in line) or line.startswith("/"):
        raise InvalidReach("markup")
    if _LINK.search(line):
        raise InvalidReach("link")
    return line


def _cleaned(field: Field, text: str) -> str:
    if field is Field.PHONE:
        return clean_phone(text)
    return clean_line(text, max_length=ADDRESS_MAX if field is Field.ADDRESS else NOTE_MAX)


async def of(session: AsyncSession, member_id: int) -> Reach:
    """What the member gave, for the member themself (settings, /mijngegevens)."""
    row = await session.get(ReachDetails, member_id)
    if row is None:
        return Reach()
    return Reach(phone=row.phone, address=row.address, note=row.note)


async def give(session: AsyncSession, member_id: int, field: Field, text: str, *, now: datetime) -> Reach:
    """Store one of the three, checked; InvalidReach says what is wrong."""
    value = _cleaned(field, text)
    row = await session.get(ReachDetails, member_id)
    if row is None:
        row = ReachDetails(member_id=member_id, updated_at=now)
        session.add(row)
    setattr(row, field.value, value)
    row.updated_at = now
    await session.flush()
    return Reach(phone=row.phone, address=row.address, note=row.note)


async def remove(
    session: AsyncSession, member_id: int, field: Field | None = None, *, now: datetime
) -> Reach:
    """Delete one of the three, or all of them (field None); the row goes when nothing is left."""
    row = await session.get(ReachDetails, member_id)
    if row is None:
        return Reach()
    if field is None:
        await session.execute(delete(ReachDetails).where(ReachDetails.member_id == member_id))
        return Reach()
    setattr(row, field.value, None)
    row.updated_at = now
    if row.phone is None and row.address is None and row.note is None:
        await session.delete(row)
        await session.flush()
        return Reach()
    await session.flush()
    return Reach(phone=row.phone, address=row.address, note=row.note)


def export(reach: Reach) -> dict[str, str | None] | None:
    """For /mijngegevens."""
    if reach.empty:
        return None
    return {"phone": reach.phone, "address": reach.address, "note": reach.note}
