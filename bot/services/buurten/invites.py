"""Invite codes: the way into a buurt through a link or a QR code on a poster."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Buurt, InviteCode

# No 0/o, 1/l/i: a code copied by hand from a poster should survive. Lower case only, because
# Telegram passes the code on exactly as typed. 31 signs ** 12 is about 2 ** 59: not guessable.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 12

Reason = Literal["unknown", "expired", "used_up", "revoked"]
# What a t.me/<bot>?start=<code> link can carry. Anything else was typed after /start by hand: no code
# of ours, and not looked up (PostgreSQL refuses a NUL in a query).
_LINK_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


class InviteNotValid(Exception):
    """A code that does not let anyone in (any more). `reason` is for the caller to put into words."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason: Reason = reason


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def invite_link(bot_username: str, code: str) -> str:
    """The link that opens a private chat with the bot and sends /start <code>."""
    return f"https://t.me/{bot_username.removeprefix('@')}?start={code}"


def usable(now: datetime) -> ColumnElement[bool]:
    """SQL condition: the code still lets someone in at `now`."""
    return and_(
        InviteCode.revoked_at.is_(None),
        or_(InviteCode.expires_at.is_(None), InviteCode.expires_at > now),
        or_(InviteCode.max_uses.is_(None), InviteCode.uses < InviteCode.max_uses),
    )


async def create_invite(
    session: AsyncSession,
    buurt_id: int,
    now: datetime,
    max_uses: int | None = None,
    valid_for: timedelta | None = None,
) -> InviteCode:
    """A new code for the buurt; without `max_uses` it works for anyone, without `valid_for` forever."""
    if max_uses is not None and max_uses < 1:
        raise ValueError("max_uses must be at least 1, or None for no limit")
    if valid_for is not None and valid_for <= timedelta(0):
        raise ValueError("valid_for must be positive, or None for no expiry")
    invite = InviteCode(
        # A repeat of an existing code (chance about 1 in 2 ** 59) fails on the unique key; no retry.
        code=new_code(),
        buurt_id=buurt_id,
        max_uses=max_uses,
        uses=0,
        expires_at=now + valid_for if valid_for is not None else None,
        created_at=now,
    )
    session.add(invite)
    await session.flush()
    return invite


async def peek(session: AsyncSession, code: str, now: datetime) -> Buurt:
    """The buurt `code` would let someone into at `now`, without using it; or raise InviteNotValid."""
    if _LINK_PAYLOAD.fullmatch(code) is None:
        raise InviteNotValid("unknown")
    invite = await _find(session, code)
    problem = _problem(invite, now)
    if problem is not None:
        raise InviteNotValid(problem)
    assert invite is not None  # _problem says "unknown" otherwise
    return await _buurt(session, invite.buurt_id)


async def redeem(session: AsyncSession, code: str, now: datetime) -> Buurt:
    """Use one use of `code` and return its buurt, or raise InviteNotValid.

    Checking and counting are one conditional UPDATE, so two people using the last use at the same moment
    cannot both get in: on PostgreSQL the second UPDATE waits for the first's row lock and then finds the
    condition false; SQLite lets one writer in at a time.
    """
    if _LINK_PAYLOAD.fullmatch(code) is None:
        raise InviteNotValid("unknown")
    result = await session.execute(
        update(InviteCode)
        .where(InviteCode.code == code, usable(now))
        .values(uses=InviteCode.uses + 1)
        .returning(InviteCode.buurt_id)
        .execution_options(synchronize_session="fetch")
    )
    buurt_id = result.scalar_one_or_none()
    if buurt_id is None:
        # Only a use taken by someone else between the UPDATE and this look can leave no other reason.
        raise InviteNotValid(_problem(await _find(session, code), now) or "used_up")
    return await _buurt(session, buurt_id)


async def _find(session: AsyncSession, code: str) -> InviteCode | None:
    # populate_existing: a copy loaded earlier in this transaction may predate someone else's use.
    return await session.scalar(
        select(InviteCode).where(InviteCode.code == code).execution_options(populate_existing=True)
    )


def _problem(invite: InviteCode | None, now: datetime) -> Reason | None:
    """Why the code lets nobody in, in the order a person would want to hear it; None when it does."""
    if invite is None:
        return "unknown"
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at is not None and invite.expires_at <= now:
        return "expired"
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return "used_up"
    return None


async def _buurt(session: AsyncSession, buurt_id: int) -> Buurt:
    buurt = await session.get(Buurt, buurt_id)
    assert buurt is not None  # the foreign key cascades: no code outlives its buurt
    return buurt


async def revoke(session: AsyncSession, code: str, now: datetime) -> InviteCode:
    """Stop a code from letting anyone in. Revoking it again keeps the first moment."""
    invite = await session.scalar(select(InviteCode).where(InviteCode.code == code).with_for_update())
    if invite is None:
        raise InviteNotValid("unknown")
    if invite.revoked_at is None:
        invite.revoked_at = now
    return invite


async def invites_of(session: AsyncSession, buurt_id: int) -> list[InviteCode]:
    """Every code of the buurt, usable or not, oldest first."""
    rows = await session.scalars(
        select(InviteCode).where(InviteCode.buurt_id == buurt_id).order_by(InviteCode.id)
    )
    return list(rows)


def lets_in(invite: InviteCode, now: datetime) -> bool:
    """Whether the code still lets someone in at `now` (the Python twin of `usable`)."""
    return _problem(invite, now) is None
