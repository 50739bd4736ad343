"""Offering help: which kinds, on which days and parts of the day, how often at most, and quiet hours.

The choices are gathered step by step in the member's conversation and saved at the end; an existing
offer is the starting point when they change it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelperCategory, HelperOffer
from bot.ids import parse_number
from bot.services.common import conversations, history
from bot.services.common.conversations import State
from bot.services.help import terms as help_terms
from bot.services.help.buttons import EVERY_DAY, OfferChoice
from bot.services.people import membership

FLOW = "offer"
STEPS = ("categories", "days", "parts", "max", "quiet")
MAX_PER_WEEK = (1, 2, 3, 5, 7)
# Minutes after local midnight: (start, end). Equal means no quiet hours.
QUIET_HOURS = {
    "21-9": (21 * 60, 9 * 60),
    "22-8": (22 * 60, 8 * 60),
    "20-10": (20 * 60, 10 * 60),
    "geen": (0, 0),
}


@dataclass
class Draft:
    categories: list[str] = field(default_factory=list)
    days: int = help_terms.ALL_DAYS
    parts: int = 0b111
    max_per_week: int = 2
    quiet: str = "21-9"

    @classmethod
    def of(cls, data: dict[str, Any]) -> Draft:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})

    def as_data(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.__dataclass_fields__}


@dataclass(frozen=True)
class Step:
    """What to show: one of STEPS, "saved", or "stale" (an old button)."""

    name: str
    draft: Draft = field(default_factory=Draft)
    problem: str | None = None


@dataclass(frozen=True)
class Offer:
    categories: list[str]
    days: int
    parts: int
    max_per_week: int
    quiet: str
    paused: bool


def _quiet_key(start: int, end: int) -> str:
    return next((key for key, hours in QUIET_HOURS.items() if hours == (start, end)), "21-9")


async def current(session: AsyncSession, telegram_user_id: int) -> Offer | None:
    member = await membership.find(session, telegram_user_id)
    if member is None:
        return None
    offer = await session.get(HelperOffer, member.id)
    if offer is None:
        return None
    categories = await session.scalars(
        select(HelperCategory.category).where(HelperCategory.member_id == member.id)
    )
    known = set(categories.all())
    return Offer(
        categories=[key for key in help_terms.CATEGORIES if key in known],
        days=offer.days,
        parts=offer.day_parts,
        max_per_week=offer.max_per_week,
        quiet=_quiet_key(offer.quiet_start, offer.quiet_end),
        paused=offer.paused,
    )


async def shown_to(session: AsyncSession, telegram_user_id: int) -> Offer | None:
    """What /aanbod shows: their offer, or None. Raises membership.Blocked for a blocked member."""
    member = await membership.find(session, telegram_user_id)
    if member is not None:
        membership.check_not_blocked(member)
    return await current(session, telegram_user_id)


async def begin(session: AsyncSession, telegram_user_id: int, *, now: datetime) -> Step:
    """Start (or change) the offer, beginning with what they already offer."""
    await membership.taking_part(session, telegram_user_id)
    existing = await current(session, telegram_user_id)
    draft = Draft()
    if existing is not None:
        draft = Draft(
            existing.categories, existing.days, existing.parts, existing.max_per_week, existing.quiet
        )
    return await _go(session, telegram_user_id, "categories", draft, now)


async def _go(session: AsyncSession, telegram_user_id: int, step: str, draft: Draft, now: datetime) -> Step:
    await conversations.go_to(session, telegram_user_id, State(FLOW, step, draft.as_data()), now=now)
    return Step(step, draft)


async def choose(
    session: AsyncSession, telegram_user_id: int, kind: str, value: str, *, now: datetime
) -> Step:
    """One tap in the offer flow (the choice's word and value, as `buttons.read_offer` reads them):
    toggle a category, day or part of the day, go on, or pick a number."""
    state = await conversations.current(session, telegram_user_id, now=now)
    if state is None or state.flow != FLOW:
        return Step("stale")
    draft, step = Draft.of(state.data), state.step
    if step == "categories" and kind == OfferChoice.CATEGORY and value in help_terms.CATEGORIES:
        chosen = set(draft.categories) ^ {value}
        draft.categories = [key for key in help_terms.CATEGORIES if key in chosen]
        return await _go(session, telegram_user_id, step, draft, now)
    if step == "days" and kind == OfferChoice.DAY and (day := parse_number(value, most=6)) is not None:
        draft.days ^= 1 << day
        return await _go(session, telegram_user_id, step, draft, now)
    if step == "days" and kind == OfferChoice.DAY and value == EVERY_DAY:
        draft.days = 0 if draft.days == help_terms.ALL_DAYS else help_terms.ALL_DAYS
        return await _go(session, telegram_user_id, step, draft, now)
    if step == "parts" and kind == OfferChoice.PART and (part := parse_number(value, most=2)) is not None:
        draft.parts ^= 1 << part
        return await _go(session, telegram_user_id, step, draft, now)
    if kind == OfferChoice.NEXT and step in ("categories", "days", "parts"):
        empty = {"categories": not draft.categories, "days": not draft.days, "parts": not draft.parts}[step]
        if empty:
            return Step(step, draft, problem="choose")
        return await _go(session, telegram_user_id, STEPS[STEPS.index(step) + 1], draft, now)
    times = parse_number(value, most=max(MAX_PER_WEEK)) if step == "max" and kind == OfferChoice.MAX else None
    if times is not None and times in MAX_PER_WEEK:
        draft.max_per_week = times
        return await _go(session, telegram_user_id, "quiet", draft, now)
    if step == "quiet" and kind == OfferChoice.QUIET and value in QUIET_HOURS:
        draft.quiet = value
        await save(session, telegram_user_id, draft, now)
        await conversations.end(session, telegram_user_id)
        return Step("saved", draft)
    return Step("stale")


async def save(session: AsyncSession, telegram_user_id: int, draft: Draft, now: datetime) -> None:
    member = await membership.taking_part(session, telegram_user_id)
    assert member.buurt_id is not None
    start, end = QUIET_HOURS[draft.quiet]
    offer = await session.get(HelperOffer, member.id)
    if offer is None:
        offer = HelperOffer(member_id=member.id, paused=False, updated_at=now)
        session.add(offer)
    offer.days, offer.day_parts, offer.max_per_week = draft.days, draft.parts, draft.max_per_week
    offer.quiet_start, offer.quiet_end, offer.updated_at = start, end, now
    await session.flush()
    await session.execute(delete(HelperCategory).where(HelperCategory.member_id == member.id))
    session.add_all(
        HelperCategory(member_id=member.id, category=key, buurt_id=member.buurt_id)
        for key in draft.categories
    )
    await history.follow(session, member, now=now)


async def set_paused(session: AsyncSession, telegram_user_id: int, paused: bool, *, now: datetime) -> bool:
    """Pause or resume being asked; False when they have no offer."""
    member = await membership.find(session, telegram_user_id)
    if member is None:
        return False
    result = await session.execute(
        update(HelperOffer).where(HelperOffer.member_id == member.id).values(paused=paused, updated_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def stop(session: AsyncSession, telegram_user_id: int, *, now: datetime) -> bool:
    member = await membership.find(session, telegram_user_id)
    if member is None:
        return False
    result = await session.execute(delete(HelperOffer).where(HelperOffer.member_id == member.id))
    await history.follow(session, member, now=now)
    return bool(result.rowcount)  # type: ignore[attr-defined]
