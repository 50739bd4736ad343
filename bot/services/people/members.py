"""Members: who talks to the bot, and in which language."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member
from bot.db.upsert import add_unless_duplicate
from bot.i18n import SUPPORTED_LANGUAGES


class UnsupportedLanguage(ValueError):
    """A language we have no texts for."""


@dataclass(frozen=True, slots=True)
class Registration:
    member_id: int
    language: str
    is_new: bool


async def language_of(session: AsyncSession, telegram_user_id: int) -> str | None:
    return await session.scalar(select(Member.language).where(Member.telegram_user_id == telegram_user_id))


async def languages_of(session: AsyncSession, telegram_user_ids: Collection[int]) -> dict[int, str]:
    """The chosen language of each of these people who is a member (others are left out)."""
    if not telegram_user_ids:
        return {}
    rows = await session.execute(
        select(Member.telegram_user_id, Member.language).where(
            Member.telegram_user_id.in_(list(telegram_user_ids))
        )
    )
    return {int(user_id): language for user_id, language in rows.all()}


async def register(
    session: AsyncSession, telegram_user_id: int, *, language: str, now: datetime
) -> Registration:
    """Register someone on first contact; someone known keeps the language they chose."""
    member, is_new = await find_or_add(session, telegram_user_id, language=language, now=now)
    return Registration(member.id, member.language, is_new=is_new)


# Built once: this runs for every /start.
_MEMBER_LOCKED = (
    select(Member).where(Member.telegram_user_id == bindparam("telegram_user_id")).with_for_update()
)


async def find_or_add(
    session: AsyncSession, telegram_user_id: int, *, language: str, now: datetime
) -> tuple[Member, bool]:
    """The member (locked for this transaction), added on first contact; True when just added."""
    _check(language)
    # INSERT first, skipping someone known: two first messages at once cannot both insert. A row this
    # transaction inserted is locked by it until the commit.
    row = {"telegram_user_id": telegram_user_id, "language": language, "joined_at": now, "membership": "none"}
    added = await add_unless_duplicate(session, Member, row)
    if added is not None:
        return added, True
    member = await session.scalar(_MEMBER_LOCKED, {"telegram_user_id": telegram_user_id})
    if member is None:  # pragma: no cover - found by the INSERT's conflict, in this transaction
        raise LookupError(telegram_user_id)
    return member, False


async def choose_language(
    session: AsyncSession, telegram_user_id: int, language: str, *, now: datetime
) -> None:
    _check(language)
    member = await session.scalar(
        select(Member).where(Member.telegram_user_id == telegram_user_id).with_for_update()
    )
    if member is None:
        session.add(Member(telegram_user_id=telegram_user_id, language=language, joined_at=now))
    else:
        member.language = language


def _check(language: str) -> None:
    if language not in SUPPORTED_LANGUAGES:
        raise UnsupportedLanguage(language)
