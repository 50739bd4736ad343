"""The test vocabulary itself: `sends` and `taps` hold the bot to exactly the answers a test expects,
`receives` and `hears` wait for what comes through the outbox, `eventually` says what never came true."""

from __future__ import annotations

import pytest

from bot.db.database import Database
from bot.runtime import Runtime
from bot.services.buurten import buurten
from bot.services.people import membership
from tests.conversation import People, Person
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import GROUP, a_buurt, a_coordinator, buurtbot, operator
from tests.neighbours import asks_for_help, helper, joins, resident
from tests.waiting import eventually

__all__ = ["buurtbot", "operator"]  # fixtures

TWO_ANSWERS = r"expected 1 answer\(s\), the bot gave 2: "


async def test_sends_fails_when_the_bot_answers_twice(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot)
    carla = people("Carla")
    await a_coordinator(buurtbot, carla)
    # /digest answers with a word about the digest, then the digest itself.
    with pytest.raises(AssertionError, match=TWO_ANSWERS):
        await carla.sends("/digest")
    assert "Deze week in Transvaal" in await carla.sends("/digest", answers=2)


async def test_taps_fails_when_the_bot_answers_twice(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal")
    await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")
    carla = people("Carla")
    await a_coordinator(buurtbot, carla, "Transvaal")
    await a_coordinator(buurtbot, carla, "Schilderswijk")
    assert "Welke buurt?" in await carla.sends("/digest")
    with pytest.raises(AssertionError, match=TWO_ANSWERS):
        await carla.taps("Schilderswijk")


async def test_an_edit_telegram_refuses_as_not_modified_is_the_answer(
    buurtbot: Runtime, operator: Person, telegram: FakeTelegram
) -> None:
    await operator.sends("/help")
    refused = "Die knop werkt niet meer"
    assert refused in await operator.taps_data("buurt:b:²")
    assert refused in await operator.taps_data("buurt:b:²")  # the message says so already
    not_modified = telegram.calls("editMessageText", chat_id=operator.user_id, ok=False)
    assert len(not_modified) == 1
    assert "message is not modified" in not_modified[0].response["description"]


async def test_says_in_expects_the_answer_in_the_group(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    vera = people("Vera")
    assert "privégesprek" in await vera.says_in(GROUP, "/start")
    assert telegram.calls("sendMessage", chat_id=vera.user_id) == []


async def test_receives_waits_for_the_last_message_and_hears_finds_an_earlier_one(
    buurtbot: Runtime, people: People
) -> None:
    transvaal = await a_buurt(buurtbot)
    anna = await resident(buurtbot, people("Anna"), transvaal)
    bram = await helper(buurtbot, people("Bram"), transvaal)
    await asks_for_help(anna)
    asked = await bram.receives("vraagt om hulp")  # through the outbox: no answer to Bram's own doing
    assert "Anna" in asked
    await bram.sends("/help")
    assert "vraagt om hulp" not in bram.last_text
    assert await bram.hears("vraagt om hulp") == asked


async def test_eventually_waits_for_a_plain_or_an_async_condition() -> None:
    looks: list[int] = []

    async def third_look() -> bool:
        looks.append(1)
        return len(looks) >= 3

    await eventually(third_look)
    await eventually(lambda: len(looks) == 3)
    assert len(looks) == 3


async def test_eventually_says_what_never_came_true() -> None:
    def the_moon_is_cheese() -> bool:
        return False

    with pytest.raises(AssertionError, match=r"not so within 0\.05 s: def the_moon_is_cheese"):
        await eventually(the_moon_is_cheese, within=0.05)


async def test_joins_makes_a_named_member_who_agreed(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        oost = await buurten.add_buurt(session, "Oost", ["2572"], "open", now=clock.now())
        waiting = await buurten.add_buurt(session, "West", ["2573"], "approval", now=clock.now())
        await joins(session, 41, oost.id, "Anna", language="en", now=clock.now())
        await joins(session, 42, waiting.id, "Bram", now=clock.now())
    async with db.begin() as session:
        anna, bram = await membership.member_of(session, 41), await membership.member_of(session, 42)
        assert (anna.display_name, anna.language, anna.buurt_id, anna.membership) == (
            "Anna",
            "en",
            oost.id,
            membership.ACTIVE,
        )
        assert anna.consent_at == clock.now()
        assert (bram.buurt_id, bram.membership) == (waiting.id, membership.PENDING)
