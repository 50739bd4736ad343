"""Invite codes let people into a buurt: as often and as long as the coordinator decided, and no longer."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Buurt, InviteCode
from bot.services.buurten import invites
from tests.fakes.clock import FakeClock

DAY = 24 * 3600


async def new_invite(
    db: Database, clock: FakeClock, buurt: Buurt, *, max_uses: int | None = None, days: int | None = None
) -> str:
    async with db.begin() as session:
        invite = await invites.create_invite(
            session,
            buurt.id,
            now=clock.now(),
            max_uses=max_uses,
            valid_for=timedelta(days=days) if days is not None else None,
        )
        return invite.code


async def redeem(db: Database, clock: FakeClock, code: str) -> Buurt:
    async with db.begin() as session:
        return await invites.redeem(session, code, now=clock.now())


async def refusal(db: Database, clock: FakeClock, code: str) -> str:
    with pytest.raises(invites.InviteNotValid) as refused:
        await redeem(db, clock, code)
    return refused.value.reason


async def uses_of(db: Database, code: str) -> int | None:
    async with db.begin() as session:
        return await session.scalar(select(InviteCode.uses).where(InviteCode.code == code))


async def test_a_code_fits_in_a_telegram_start_link_and_is_easy_to_copy(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    codes = {await new_invite(db, clock, oost) for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", code), "Telegram's /start payload allows only these"
        assert len(code) == 12
        assert not set(code) & set("0o1li"), "signs that look alike on a poster"


def test_the_invite_link_opens_the_bot_with_the_code() -> None:
    assert invites.invite_link("buurtbot_oost_bot", "k3m9") == "https://t.me/buurtbot_oost_bot?start=k3m9"
    assert invites.invite_link("@buurtbot_oost_bot", "k3m9") == "https://t.me/buurtbot_oost_bot?start=k3m9"


async def test_a_code_without_limits_lets_everyone_in_and_counts_them(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    code = await new_invite(db, clock, oost)
    for _ in range(3):
        assert (await redeem(db, clock, code)).name == "Oost"
    assert await uses_of(db, code) == 3


async def test_a_single_use_code_lets_one_person_in(db: Database, clock: FakeClock, oost: Buurt) -> None:
    code = await new_invite(db, clock, oost, max_uses=1)
    assert (await redeem(db, clock, code)).id == oost.id
    assert await refusal(db, clock, code) == "used_up"
    assert await uses_of(db, code) == 1


async def test_a_code_works_until_it_expires(db: Database, clock: FakeClock, oost: Buurt) -> None:
    code = await new_invite(db, clock, oost, days=7)
    clock.advance(7 * DAY - 1)
    assert (await redeem(db, clock, code)).id == oost.id
    clock.advance(1)
    assert await refusal(db, clock, code) == "expired"


async def test_a_revoked_code_lets_nobody_in(db: Database, clock: FakeClock, oost: Buurt) -> None:
    code = await new_invite(db, clock, oost)
    async with db.begin() as session:
        await invites.revoke(session, code, now=clock.now())
    assert await refusal(db, clock, code) == "revoked"
    assert await uses_of(db, code) == 0


async def test_revoking_twice_keeps_the_first_moment(db: Database, clock: FakeClock, oost: Buurt) -> None:
    code = await new_invite(db, clock, oost)
    first = clock.now()
    async with db.begin() as session:
        await invites.revoke(session, code, now=first)
    clock.advance(60)
    async with db.begin() as session:
        assert (await invites.revoke(session, code, now=clock.now())).revoked_at == first


async def test_an_unknown_code_is_refused(db: Database, clock: FakeClock, oost: Buurt) -> None:
    assert await refusal(db, clock, "nietbestaand") == "unknown"
    async with db.begin() as session:
        with pytest.raises(invites.InviteNotValid, match="unknown"):
            await invites.revoke(session, "nietbestaand", now=clock.now())


async def test_a_revoked_code_says_revoked_even_when_it_also_expired(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    code = await new_invite(db, clock, oost, max_uses=1, days=1)
    await redeem(db, clock, code)
    async with db.begin() as session:
        await invites.revoke(session, code, now=clock.now())
    clock.advance(2 * DAY)
    assert await refusal(db, clock, code) == "revoked"


async def test_peeking_at_a_code_shows_its_buurt_without_using_it(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    code = await new_invite(db, clock, oost, max_uses=1)
    async with db.begin() as session:
        assert (await invites.peek(session, code, now=clock.now())).id == oost.id
    assert await uses_of(db, code) == 0
    await redeem(db, clock, code)
    async with db.begin() as session:
        with pytest.raises(invites.InviteNotValid, match="used_up"):
            await invites.peek(session, code, now=clock.now())


async def test_two_people_racing_for_a_single_use_code_get_in_one_at_most(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    code = await new_invite(db, clock, oost, max_uses=1)
    # On PostgreSQL both transactions are open and have seen the unused code before either redeems it.
    # SQLite runs one transaction at a time (Database.begin takes turns), so waiting there would hang.
    both_looked = asyncio.Barrier(1 if db.is_sqlite else 2)
    uses_seen: list[int | None] = []

    async def join() -> str:
        async with db.begin() as session:
            uses_seen.append(await session.scalar(select(InviteCode.uses).where(InviteCode.code == code)))
            await both_looked.wait()
            try:
                await invites.redeem(session, code, now=clock.now())
            except invites.InviteNotValid as refused:
                return refused.reason
            return "joined"

    outcomes = await asyncio.gather(join(), join())

    assert sorted(outcomes) == ["joined", "used_up"]
    assert await uses_of(db, code) == 1
    if not db.is_sqlite:
        assert uses_seen == [0, 0], "both transactions were under way before either redeemed"


async def test_the_codes_of_a_buurt_are_listed_oldest_first(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    single = await new_invite(db, clock, oost, max_uses=1, days=3)
    async with db.begin() as session:
        listed = await invites.invites_of(session, oost.id)
    assert [invite.code for invite in listed][1:] == [single]
    assert (listed[1].max_uses, listed[1].expires_at) == (1, clock.now() + timedelta(days=3))


@pytest.mark.parametrize(("max_uses", "valid_for"), [(0, None), (None, timedelta(0))])
async def test_a_code_that_could_never_be_used_is_not_made(
    db: Database, clock: FakeClock, oost: Buurt, max_uses: int | None, valid_for: timedelta | None
) -> None:
    async with db.begin() as session:
        with pytest.raises(ValueError, match="must be"):
            await invites.create_invite(session, oost.id, clock.now(), max_uses=max_uses, valid_for=valid_for)
