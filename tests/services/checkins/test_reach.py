"""Ways to reach me: checked kindly, changeable one by one, in /mijngegevens, gone with /vergeetmij."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Buurt, Member, ReachDetails
from bot.services.checkins import reach
from bot.services.checkins.reach import Field, InvalidReach
from bot.services.people import privacy
from tests.fakes.clock import FakeClock
from tests.services.checkin_helpers import resident


@pytest.mark.parametrize(
    "written",
    [
        "0612345678",
        "06-12345678",
        "06 12 34 56 78",
        "020-1234567",
        "(020) 123 45 67",
        "+31 6 12345678",
        "+31 (0)6 12 34 56 78",
        "0031 6 12345678",
        "+48 512 345 678",
        "+90 532 123 45 67",
        "00380 44 123 4567",
    ],
)
def test_dutch_and_international_phone_numbers_are_taken_as_written(written: str) -> None:
    assert reach.clean_phone(f"  {written} ") == written


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("bel me maar", "phone_letters"),
        ("06-1234567a", "phone_letters"),
        ("٠٦١٢٣٤٥٦٧٨", "phone_letters"),  # Arabic-Indic digits: not what a phone dials
        ("0612345", "phone_short"),
        ("06123456789", "phone_long"),
        ("612345678", "phone_form"),
        ("+0612345678", "phone_form"),
        ("+31 6", "phone_short"),
        ("+1234567890123456", "phone_long"),
        ("+31 6 1234 5678 9012 3456", "too_long"),
    ],
)
def test_a_phone_number_that_cannot_be_dialled_is_refused_with_a_reason(written: str, reason: str) -> None:
    with pytest.raises(InvalidReach) as refused:
        reach.clean_phone(written)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("<b>Dorpsstraat</b> 12", "markup"),
        ("/start 12", "markup"),
        ("kijk op https://example.org", "link"),
        ("www.voorbeeld.nl", "link"),
        ("t.me/iemand", "link"),
        ("vraag @henk", "link"),
        ("x" * 121, "too_long"),
        ("Dorpsstraat\u202e 12", "control"),
        ("", "empty"),
    ],
)
def test_an_address_with_markup_a_link_or_too_long_is_refused(written: str, reason: str) -> None:
    with pytest.raises(InvalidReach) as refused:
        reach.clean_line(written, max_length=reach.ADDRESS_MAX)
    assert refused.value.reason == reason


async def _member_id(db: Database, telegram_id: int) -> int:
    async with db.begin() as session:
        member_id = await session.scalar(select(Member.id).where(Member.telegram_user_id == telegram_id))
    assert member_id is not None
    return member_id


async def test_each_way_is_given_changed_and_removed_on_its_own(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    await resident(db, clock, oost, 501, "Mia")
    mia = await _member_id(db, 501)
    async with db.begin() as session:
        assert (await reach.of(session, mia)).empty
        await reach.give(session, mia, Field.PHONE, "06 12 34 56 78", now=clock.now())
        await reach.give(session, mia, Field.ADDRESS, "bel aan bij nummer 12", now=clock.now())
        given = await reach.give(session, mia, Field.NOTE, "sleutel bij de buren op 14", now=clock.now())
    assert given == reach.Reach("06 12 34 56 78", "bel aan bij nummer 12", "sleutel bij de buren op 14")

    async with db.begin() as session:
        changed = await reach.give(session, mia, Field.PHONE, "+31 6 87654321", now=clock.now())
        assert changed.phone == "+31 6 87654321"
        with pytest.raises(InvalidReach):
            await reach.give(session, mia, Field.PHONE, "geen nummer", now=clock.now())
    async with db.begin() as session:
        assert (await reach.of(session, mia)).phone == "+31 6 87654321"  # a refused number changes nothing
        left = await reach.remove(session, mia, Field.ADDRESS, now=clock.now())
    assert left == reach.Reach("+31 6 87654321", None, "sleutel bij de buren op 14")

    async with db.begin() as session:
        await reach.remove(session, mia, Field.PHONE, now=clock.now())
        assert (await reach.remove(session, mia, Field.NOTE, now=clock.now())).empty
    async with db.begin() as session:
        assert await session.get(ReachDetails, mia) is None  # nothing left, no row kept


async def test_the_ways_to_reach_me_are_in_my_data_and_go_when_i_am_forgotten(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    await resident(db, clock, oost, 502, "Mia")
    mia = await _member_id(db, 502)
    async with db.begin() as session:
        assert (await privacy.export(session, 502, now=clock.now()))["ways_to_reach_you"] is None
        await reach.give(session, mia, Field.PHONE, "0612345678", now=clock.now())
        await reach.give(session, mia, Field.NOTE, "sleutel bij Henk", now=clock.now())
    async with db.begin() as session:
        exported = await privacy.export(session, 502, now=clock.now())
    given = {"phone": "0612345678", "address": None, "note": "sleutel bij Henk"}
    assert exported["ways_to_reach_you"] == given

    async with db.begin() as session:
        assert await privacy.forget(session, 502, now=clock.now())
    async with db.begin() as session:
        assert (await session.scalars(select(ReachDetails))).all() == []
