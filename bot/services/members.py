"""Members: who talks to the bot, and in which language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member
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


async def register(
    session: AsyncSession, telegram_user_id: int, *, language: str, now: datetime
) -> Registration:
    """Register someone on first contact; someone known keeps the language they chose."""
    member = await session.scalar(
        select(Member).where(Member.telegram_user_id == telegram_user_id).with_for_update()
    )
    if member is not None:
        return Registration(member.id, member.language, is_new=False)
    _check(language)
    member = Member(telegram_user_id=telegram_user_id, language=language, joined_at=now)
    session.add(member)
    await session.flush()
    return Registration(member.id, member.language, is_new=True)


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
