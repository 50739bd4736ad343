"""Buurten: the neighbourhoods people join, the postcodes they cover and how they let people in."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Buurt, BuurtPostcode, InviteCode, Member
from bot.services.buurten import invites
from bot.services.buurten.postcodes import parse_pc4

JOIN_POLICIES = ("open", "approval")
NAME_LENGTH = (2, 80)


class BuurtExists(Exception):
    """A buurt with this name exists already (names are compared regardless of case)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class InvalidBuurtName(ValueError):
    def __init__(self, reason: Literal["length", "control_characters"]) -> None:
        super().__init__(reason)
        self.reason = reason


class UnknownJoinPolicy(ValueError):
    def __init__(self, policy: str) -> None:
        super().__init__(policy)
        self.policy = policy


@dataclass(frozen=True, slots=True)
class BuurtOverview:
    id: int
    name: str
    postcodes: tuple[str, ...]
    join_policy: str
    member_count: int
    invite_code: str | None  # the oldest code that still lets people in, if any


def clean_name(name: str) -> str:
    """The name as it will be shown: without surrounding space and with single spaces inside."""
    # Line breaks, tabs and invisible characters would make a name look different from what it is,
    # in a chat message as well as in the operator's table.
    if any(_hidden(char) for char in name):
        raise InvalidBuurtName("control_characters")
    cleaned = " ".join(name.split())
    if not NAME_LENGTH[0] <= len(cleaned) <= NAME_LENGTH[1]:
        raise InvalidBuurtName("length")
    return cleaned


def _hidden(char: str) -> bool:
    category = unicodedata.category(char)
    return category.startswith("C") or category in ("Zl", "Zp")  # control, format, ...; line breaks


async def add_buurt(
    session: AsyncSession, name: str, postcodes: Iterable[str], policy: str, now: datetime
) -> Buurt:
    """A new buurt with its first invite code (any number of uses, no expiry) for the operator to hand out."""
    name = clean_name(name)
    if policy not in JOIN_POLICIES:
        raise UnknownJoinPolicy(policy)
    pc4s = sorted({parse_pc4(postcode) for postcode in postcodes})
    # Compared in Python: SQLite's lower() leaves accented letters alone, and there are few buurten.
    existing = await session.scalars(select(Buurt.name))
    if any(other.casefold() == name.casefold() for other in existing):
        raise BuurtExists(name)
    buurt = Buurt(name=name, join_policy=policy, created_at=now)
    session.add(buurt)
    await session.flush()
    session.add_all(BuurtPostcode(buurt_id=buurt.id, pc4=pc4) for pc4 in pc4s)
    await invites.create_invite(session, buurt.id, now)
    return buurt


async def overview(session: AsyncSession, now: datetime) -> list[BuurtOverview]:
    """Every buurt by name, with what an operator needs to see about it."""
    buurten = (await session.scalars(select(Buurt))).all()
    postcodes: dict[int, list[str]] = {}
    for buurt_id, pc4 in await session.execute(
        select(BuurtPostcode.buurt_id, BuurtPostcode.pc4).order_by(BuurtPostcode.pc4)
    ):
        postcodes.setdefault(buurt_id, []).append(pc4)
    counted = select(Member.buurt_id, func.count().label("members")).group_by(Member.buurt_id)
    members = {row.buurt_id: row.members for row in await session.execute(counted)}
    codes: dict[int, str] = {}
    for buurt_id, code in await session.execute(
        select(InviteCode.buurt_id, InviteCode.code).where(invites.usable(now)).order_by(InviteCode.id)
    ):
        codes.setdefault(buurt_id, code)
    return [
        BuurtOverview(
            id=buurt.id,
            name=buurt.name,
            postcodes=tuple(postcodes.get(buurt.id, ())),
            join_policy=buurt.join_policy,
            member_count=members.get(buurt.id, 0),
            invite_code=codes.get(buurt.id),
        )
        for buurt in sorted(buurten, key=lambda buurt: buurt.name.casefold())
    ]


async def covering(session: AsyncSession, pc4: str) -> list[Buurt]:
    """The buurten that cover a postcode (as given by parse_pc4), by name."""
    rows = await session.scalars(
        select(Buurt).join(BuurtPostcode, BuurtPostcode.buurt_id == Buurt.id).where(BuurtPostcode.pc4 == pc4)
    )
    return sorted(rows, key=lambda buurt: buurt.name.casefold())
