"""Ids that are not quite ids, in buttons, commands and typed answers: a kind "this no longer works",
never the apology for a crash. "²" is a digit to `str.isdigit()` and no number to `int()`; 2**63 is a
number past the database's keys (OverflowError on SQLite, DBAPIError on PostgreSQL)."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime
from bot.services.people import roles
from tests import hostile
from tests.conversation import People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import OPERATOR_ID, a_buurt, a_coordinator, a_member, buurtbot, operator
from tests.neighbours import has_started

__all__ = ["buurtbot", "operator"]  # fixtures

ODD = ("²", str(2**63))
NO_LONGER = "knop werkt niet meer"  # "Deze knop werkt niet meer." and "Die knop werkt niet meer. Stuur ..."
PASSED = "Dit berichtje is voorbij"  # a check-in button

# (callback data with {x} for the odd id, who taps, what they read)
BUTTONS = [
    ("buurt:b:{x}", "operator", NO_LONGER),
    ("buurt:beleid:{x}:approval", "operator", NO_LONGER),
    ("buurt:aan:{x}:0", "operator", NO_LONGER),
    ("buurt:kies:1:{x}", "operator", NO_LONGER),
    ("buurt:weg:{x}:5001", "operator", NO_LONGER),
    ("adm:leden:{x}", "coordinator", NO_LONGER),
    ("adm:leden:p:{x}:0", "coordinator", NO_LONGER),
    ("inv:b:{x}", "coordinator", NO_LONGER),
    ("inv:x:{x}", "coordinator", NO_LONGER),
    ("inv:m:{x}:n:week", "coordinator", NO_LONGER),
    ("inv:l:{x}:0", "coordinator", NO_LONGER),
    ("adm:stat:p:week:{x}", "coordinator", NO_LONGER),
    ("omr:b:{x}", "coordinator", NO_LONGER),
    ("adm:akt:weg:{x}", "coordinator", NO_LONGER),
    ("adm:kom:ja:{x}", "resident", NO_LONGER),
    ("adm:dg:b:{x}", "coordinator", NO_LONGER),
    ("adm:dg:m:{x}:600:1", "coordinator", NO_LONGER),
    ("pg:{x}:inv:b:", "coordinator", NO_LONGER),
    ("vr:namens:{x}", "coordinator", NO_LONGER),
    ("grp:k:{x}", "coordinator", NO_LONGER),
    ("mod:vrij:{x}", "coordinator", NO_LONGER),
    ("mod:vrijp:{x}", "coordinator", NO_LONGER),
    ("lid:ja:{x}", "coordinator", NO_LONGER),
    ("hv:ja:{x}", "resident", NO_LONGER),
    ("hv:nee:{x}", "resident", NO_LONGER),
    ("hv:dank:{x}", "resident", NO_LONGER),
    ("hv:publiek:ja:{x}", "resident", NO_LONGER),
    ("hv:meld:{x}", "resident", NO_LONGER),
    ("hv:lijst:{x}", "resident", NO_LONGER),
    ("ci:x:{x}", "resident", NO_LONGER),
    ("ci:d:{x}", "resident", NO_LONGER),
    ("ci:k:{x}:y", "resident", PASSED),
    ("ci:m:{x}:g", "resident", PASSED),
    ("ob:buurt:{x}", "resident", "Die vraag is verlopen"),
]


async def cast(buurtbot: Runtime, people: People) -> dict[str, Person]:
    await a_buurt(buurtbot)
    coordinator, resident = people("Carla"), people("Anna")
    await a_coordinator(buurtbot, coordinator)
    await a_member(buurtbot, resident)
    return {
        "operator": has_started(people.with_id(OPERATOR_ID, "Olga")),
        "coordinator": coordinator,
        "resident": resident,
    }


@pytest.mark.parametrize("odd", ODD)
async def test_a_forged_button_with_an_odd_id_no_longer_works(
    buurtbot: Runtime, people: People, telegram: FakeTelegram, odd: str
) -> None:
    everyone = await cast(buurtbot, people)
    for person in everyone.values():
        await person.sends("/help")  # a message of the bot to tap under
    wrong = []
    for data, who, expected in BUTTONS:
        answer = await everyone[who].taps_data(data.format(x=odd))
        if expected not in answer:
            wrong.append((data, answer))
    assert not wrong, "\n".join(f"{data}: {answer}" for data, answer in wrong)
    assert hostile.apologies(telegram) == 0


async def test_a_digest_link_with_an_odd_request_id_says_the_request_is_closed(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot)
    anna = people("Anna")
    await a_member(buurtbot, anna)
    for odd in ("99999999999999999999", str(2**63), "0"):
        assert "Deze hulpvraag is al gesloten" in await anna.sends(f"/start hv_{odd}")
    assert hostile.apologies(telegram) == 0


async def test_a_typed_coordinator_id_must_be_plain_digits_in_range(
    buurtbot: Runtime, operator: Person, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot)
    await operator.sends("/buurten")
    assert "Wie wordt coördinator?" in await operator.taps_data("buurt:aan:1")
    for odd in ("²", "٣", str(2**63), "-5"):
        assert "Dat is geen Telegram-gebruikersnummer" in await operator.sends(odd)
    async with buurtbot.db.begin() as session:
        assert await roles.coordinators_of(session, 1) == []  # not user 3, for "٣"
    assert hostile.apologies(telegram) == 0


async def test_a_typed_time_must_be_plain_digits(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot)
    anna = people("Anna")
    await a_member(buurtbot, anna)
    await anna.sends("/checkin")
    assert "Typ de tijd" in await anna.taps_data("ci:t:daily:exact")
    assert "Die tijd begreep ik niet" in await anna.sends("²:00")
    assert "Die tijd begreep ik niet" in await anna.sends("10:³⁰")
    assert "Klaar!" in await anna.sends("10:30")
    assert "Typ je rustige uren" in await anna.taps_data("ci:s:quiet")
    assert "Dat begreep ik niet" in await anna.sends("²²:00-08:00")
    assert hostile.apologies(telegram) == 0


async def test_an_offer_button_with_an_odd_day_no_longer_works(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot)
    anna = people("Anna")
    await a_member(buurtbot, anna)
    await anna.sends("/aanbod")
    await anna.taps("Boodschappen")
    assert "Op welke dagen" in await anna.taps("Verder")
    for data in ("ab:day:²", "ab:day:٣"):  # "٣" was Thursday to int()
        assert "Die knop werkt niet meer" in await anna.taps_data(data)
    await anna.sends("/aanbod")
    await anna.taps("Boodschappen")
    await anna.taps("Verder")
    await anna.taps_data("ab:day:0")
    await anna.taps("Verder")
    assert "Die knop werkt niet meer" in await anna.taps_data("ab:part:²")
    assert hostile.apologies(telegram) == 0
