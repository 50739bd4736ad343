"""An operator adds buurten; residents are offered the buurten that cover their postcode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from bot.db.database import Database
from bot.db.models import Buurt, BuurtPostcode, InviteCode, Member
from bot.services.buurten import buurten, invites
from bot.services.buurten.postcodes import InvalidPostcode
from tests.fakes.clock import FakeClock


async def test_a_new_buurt_comes_with_an_invite_for_anyone_that_never_expires(
    db: Database, clock: FakeClock
) -> None:
    async with db.begin() as session:
        buurt = await buurten.add_buurt(session, "Oost", ["1235", "1234AB"], "approval", now=clock.now())
    async with db.begin() as session:
        stored = await session.get(Buurt, buurt.id)
        assert stored is not None
        assert (stored.name, stored.join_policy, stored.created_at) == ("Oost", "approval", clock.now())
        postcodes = await session.scalars(select(BuurtPostcode.pc4).where(BuurtPostcode.buurt_id == buurt.id))
        assert sorted(postcodes) == ["1234", "1235"]
        [invite] = await invites.invites_of(session, buurt.id)
        assert (invite.max_uses, invite.expires_at, invite.revoked_at) == (None, None, None)


async def test_a_buurt_name_loses_stray_spaces(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        buurt = await buurten.add_buurt(session, "  Oud   West ", [], "open", now=clock.now())
    assert buurt.name == "Oud West"


@pytest.mark.parametrize("taken", ["Oost", "oost", " OOST "])
async def test_two_buurten_cannot_share_a_name_whatever_the_case(
    db: Database, clock: FakeClock, oost: Buurt, taken: str
) -> None:
    async with db.begin() as session:
        with pytest.raises(buurten.BuurtExists):
            await buurten.add_buurt(session, taken, [], "open", now=clock.now())


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("O", "length"),
        ("   ", "length"),
        ("x" * 81, "length"),
        ("Oost\nWest", "control_characters"),
        ("Oost\tWest", "control_characters"),
        ("Oost\u202eWest", "control_characters"),  # turns the text after it around
    ],
)
async def test_a_buurt_name_must_be_readable(db: Database, clock: FakeClock, name: str, reason: str) -> None:
    async with db.begin() as session:
        with pytest.raises(buurten.InvalidBuurtName) as refused:
            await buurten.add_buurt(session, name, [], "open", now=clock.now())
    assert refused.value.reason == reason


async def test_a_buurt_needs_a_known_join_policy(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        with pytest.raises(buurten.UnknownJoinPolicy):
            await buurten.add_buurt(session, "Oost", [], "closed", now=clock.now())


async def test_a_buurt_needs_real_postcodes(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        with pytest.raises(InvalidPostcode):
            await buurten.add_buurt(session, "Oost", ["1234", "0123"], "open", now=clock.now())


async def test_a_postcode_is_covered_by_every_buurt_that_lists_it_by_name(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    async with db.begin() as session:
        await buurten.add_buurt(session, "centrum", ["1235", "1236"], "open", now=clock.now())
    async with db.begin() as session:
        assert [b.name for b in await buurten.covering(session, "1235")] == ["centrum", "Oost"]
        assert [b.name for b in await buurten.covering(session, "1234")] == ["Oost"]
        assert await buurten.covering(session, "9999") == []


async def test_the_overview_shows_each_buurt_with_members_and_a_working_invite(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    async with db.begin() as session:
        west = await buurten.add_buurt(session, "West", [], "approval", now=clock.now())
        first_west_code = (await invites.invites_of(session, west.id))[0].code
        await invites.revoke(session, first_west_code, now=clock.now())
        later = await invites.create_invite(session, west.id, now=clock.now(), valid_for=timedelta(days=7))
        session.add_all(
            Member(telegram_user_id=user, language="nl", joined_at=clock.now(), buurt_id=oost.id)
            for user in (1, 2, 3)
        )
        session.add(Member(telegram_user_id=4, language="nl", joined_at=clock.now()))
    async with db.begin() as session:
        [oost_row, west_row] = await buurten.overview(session, now=clock.now())
    [oost_code] = await _codes(db, oost.id)
    assert oost_row == buurten.BuurtOverview(oost.id, "Oost", ("1234", "1235"), "open", 3, oost_code)
    assert west_row == buurten.BuurtOverview(west.id, "West", (), "approval", 0, later.code)


async def test_the_overview_shows_no_invite_when_none_works_any_more(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    [first_code] = await _codes(db, oost.id)
    async with db.begin() as session:
        await invites.revoke(session, first_code, now=clock.now())
        await invites.create_invite(session, oost.id, now=clock.now(), valid_for=timedelta(hours=1))
    clock.advance(3600)
    async with db.begin() as session:
        [row] = await buurten.overview(session, now=clock.now())
    assert row.invite_code is None


async def test_removing_a_buurt_removes_its_postcodes_and_invites_but_not_its_members(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    async with db.begin() as session:
        session.add(Member(telegram_user_id=1, language="nl", joined_at=clock.now(), buurt_id=oost.id))
    async with db.begin() as session:
        await session.execute(delete(Buurt).where(Buurt.id == oost.id))
    async with db.begin() as session:
        assert (await session.scalars(select(BuurtPostcode))).all() == []
        assert (await session.scalars(select(InviteCode))).all() == []
        assert await session.scalar(select(Member.buurt_id).where(Member.telegram_user_id == 1)) is None


async def _codes(db: Database, buurt_id: int) -> list[str]:
    async with db.begin() as session:
        return [invite.code for invite in await invites.invites_of(session, buurt_id)]
