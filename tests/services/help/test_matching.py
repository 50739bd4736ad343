"""The rules of matching and asking, against a real database and nothing else."""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.models import Buurt, HelpInvitation, HelpRequest, Member
from bot.delivery import chats
from bot.services.common.validation import InvalidText
from bot.services.help import offers, requests
from bot.services.help import terms as help_terms
from bot.services.help.offers import Draft
from tests.fakes.clock import FakeClock
from tests.neighbours import joins

ZONE = ZoneInfo("Europe/Amsterdam")


async def offer(
    session: AsyncSession, user_id: int, buurt: Buurt, clock: FakeClock, **choices: object
) -> None:
    await joins(session, user_id, buurt.id, f"Helper {user_id}", now=clock.now())
    await offers.save(session, user_id, Draft(categories=["boodschappen"], **choices), clock.now())  # type: ignore[arg-type]


async def post(
    session: AsyncSession, user_id: int, clock: FakeClock, when: str = "maakt_niet_uit"
) -> HelpRequest:
    now = clock.now()
    await requests.begin(session, user_id, now=now)
    await requests.category_chosen(session, user_id, "boodschappen", now=now)
    await requests.described(session, user_id, now=now, text="Melk en brood")
    await requests.when_chosen(session, user_id, when, now=now, zone=ZONE)
    step = await requests.post(session, user_id, now=now, zone=ZONE, round_hours=4)
    assert step.posted is not None
    request = await session.get(HelpRequest, step.posted.request_id)
    assert request is not None
    return request


async def asked_about(session: AsyncSession, request: HelpRequest) -> set[int]:
    rows = await session.scalars(
        select(Member.telegram_user_id)
        .join(HelpInvitation, HelpInvitation.helper_id == Member.id)
        .where(HelpInvitation.request_id == request.id)
    )
    return set(rows.all())


async def test_helpers_asked_least_recently_go_first(db: Database, clock: FakeClock, oost: Buurt) -> None:
    async with db.begin() as session:
        await joins(session, 1, oost.id, "Anna", now=clock.now())
        for user_id in (11, 12, 13, 14):
            await offer(session, user_id, oost, clock, max_per_week=7)
        first = await post(session, 1, clock)
        assert await asked_about(session, first) == {11, 12, 13}
    clock.advance(60)
    async with db.begin() as session:
        second = await post(session, 1, clock)
        # 14 was not asked yet, so goes first; then two of those asked a minute ago.
        asked = await asked_about(session, second)
        assert 14 in asked
        assert len(asked) == 3


async def test_unreachable_over_their_limit_or_the_requester_are_never_picked(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    async with db.begin() as session:
        await offer(session, 1, oost, clock)  # the requester offers groceries too
        await offer(session, 11, oost, clock)
        await offer(session, 12, oost, clock, max_per_week=1)
        await offer(session, 13, oost, clock)
        await chats.mark_unreachable(session, 13, clock.now())
        request = await post(session, 1, clock)
        # 13 blocked the bot; 1 is the requester.
        assert await asked_about(session, request) == {11, 12}
    async with db.begin() as session:
        second = await post(session, 1, clock)
        # 12 allowed one question a week and had it.
        assert await asked_about(session, second) == {11}


async def test_empty_text_and_a_bare_link_are_refused() -> None:
    with pytest.raises(InvalidText) as empty:
        requests.clean_request_text("   \n ")
    assert empty.value.reason == "empty"
    with pytest.raises(InvalidText) as link:
        requests.clean_request_text("  www.example.org  ")
    assert link.value.reason == "only_link"
    assert (
        requests.clean_request_text("Zie www.example.org voor de kast") == "Zie www.example.org voor de kast"
    )


async def test_more_than_ten_requests_in_an_hour_is_slowed_down(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    async with db.begin() as session:
        await joins(session, 1, oost.id, "Anna", now=clock.now())
        for _ in range(requests.MAX_PER_HOUR):
            request = await post(session, 1, clock)
            await requests.withdraw(session, 1, request.id, now=clock.now())
        with pytest.raises(requests.SlowDown):
            await requests.begin(session, 1, now=clock.now())
    clock.advance(timedelta(hours=1, seconds=1).total_seconds())
    async with db.begin() as session:
        assert (await requests.begin(session, 1, now=clock.now())).name == "category"


async def test_a_request_for_this_week_points_at_the_remaining_days(clock: FakeClock) -> None:
    wednesday = clock.now().astimezone(UTC).date()
    assert help_terms.days_needed("week", wednesday, None) == 0b1111100
    assert help_terms.days_needed("morgen", wednesday, wednesday + timedelta(days=1)) == 0b0001000
    assert help_terms.days_needed("maakt_niet_uit", wednesday, None) == 0b1111111
