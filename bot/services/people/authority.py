"""Who may do what: operators everything, a coordinator only in their own buurt(en).

Every admin action asks here on the server, whatever the buttons someone was shown said.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Buurt, BuurtRole, Member
from bot.services.people import membership
from bot.services.people.membership import NotAllowed, UnknownBuurt

COORDINATOR = "coordinator"

__all__ = ["COORDINATOR", "Actor", "Admin", "NotAllowed", "UnknownBuurt"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks: a Telegram user, or the command line on the server (telegram_user_id None)."""

    telegram_user_id: int | None
    operators: Collection[int] = ()

    @property
    def is_operator(self) -> bool:
        return self.telegram_user_id is None or self.telegram_user_id in self.operators


COMMAND_LINE = Actor(None)


def check_operator(actor: Actor) -> None:
    if not actor.is_operator:
        raise NotAllowed


async def check_manages(session: AsyncSession, actor: Actor, buurt_id: int) -> Buurt:
    """The buurt, if the actor may manage it; NotAllowed otherwise (also for a buurt that is gone)."""
    buurt = await session.get(Buurt, buurt_id)
    if buurt is None:
        if actor.is_operator:
            raise UnknownBuurt(buurt_id)
        raise NotAllowed  # no hint to a resident about which buurt ids exist
    if actor.is_operator:
        return buurt
    assert actor.telegram_user_id is not None
    if not await membership.may_manage(session, actor.telegram_user_id, buurt_id, actor.operators):
        raise NotAllowed
    return buurt


async def managed_buurten(session: AsyncSession, actor: Actor) -> list[Buurt]:
    """The buurten the actor manages, by name: all of them for an operator."""
    query = select(Buurt)
    if not actor.is_operator:
        query = (
            query.join(BuurtRole, BuurtRole.buurt_id == Buurt.id)
            .join(Member, Member.id == BuurtRole.member_id)
            .where(Member.telegram_user_id == actor.telegram_user_id, BuurtRole.role == COORDINATOR)
        )
    buurten = (await session.scalars(query)).all()
    return sorted(buurten, key=lambda buurt: buurt.name.casefold())


async def coordinates_any(session: AsyncSession, telegram_user_id: int) -> bool:
    """Whether this person coordinates at least one buurt (for what /help lists)."""
    found = await session.scalar(
        select(BuurtRole.buurt_id)
        .join(Member, Member.id == BuurtRole.member_id)
        .where(Member.telegram_user_id == telegram_user_id, BuurtRole.role == COORDINATOR)
        .limit(1)
    )
    return found is not None


@dataclass(frozen=True, slots=True)
class Admin:
    telegram_user_id: int
    language: str
    operator: bool


async def admins(session: AsyncSession, operators: Collection[int], *, default_language: str) -> list[Admin]:
    """Every operator and coordinator, with their language: for the menu of extra commands."""
    coordinators = set(
        await session.scalars(
            select(Member.telegram_user_id)
            .join(BuurtRole, BuurtRole.member_id == Member.id)
            .where(BuurtRole.role == COORDINATOR)
        )
    )
    everyone = sorted(set(operators) | coordinators)
    rows = await session.execute(
        select(Member.telegram_user_id, Member.language).where(Member.telegram_user_id.in_(everyone))
    )
    languages = {int(telegram_id): str(language) for telegram_id, language in rows.all()}
    return [
        Admin(telegram_id, languages.get(telegram_id, default_language), telegram_id in operators)
        for telegram_id in everyone
    ]
