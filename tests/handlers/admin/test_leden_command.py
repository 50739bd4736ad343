"""/leden: a coordinator sees who is in their buurt and lets waiting newcomers in."""

from __future__ import annotations

from bot.runtime import Runtime
from bot.services.coordination import moderation
from bot.services.help import offers
from bot.services.help.offers import Draft
from bot.services.people import membership
from bot.services.people.authority import Actor
from tests.conversation import People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import (
    OPERATOR_ID,
    a_buurt,
    a_coordinator,
    a_member,
    audit_actions,
    buurtbot,
    operator,
)

__all__ = ["buurtbot", "operator"]  # fixtures


async def test_the_coordinator_sees_members_and_lets_a_newcomer_in(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot, "Transvaal", policy="approval")
    carla, anna, bram, nina = people("Carla"), people("Anna"), people("Bram"), people("Nina")
    dirk = people("Dirk")
    await a_coordinator(buurtbot, carla)
    await a_member(buurtbot, anna)
    await a_member(buurtbot, bram)
    await a_member(buurtbot, nina, status=membership.PENDING)
    dirk_id = await a_member(buurtbot, dirk)
    async with buurtbot.db.begin() as session:
        await membership.pause(session, bram.user_id, now=buurtbot.clock.now(), until=None)
        await moderation.block(
            session, Actor(OPERATOR_ID, {OPERATOR_ID}), dirk_id, "spam", now=buurtbot.clock.now()
        )
        await offers.save(session, anna.user_id, Draft(categories=["boodschappen"]), buurtbot.clock.now())

    listing = await carla.sends("/leden")

    assert "Leden van Transvaal: 4" in listing
    assert "• Carla – sinds 25 nov 2026 – coördinator" in listing
    assert "• Anna – sinds 25 nov 2026 – helper" in listing
    assert "• Bram – sinds 25 nov 2026 – ⏸️ met pauze" in listing
    assert "• Dirk – sinds 25 nov 2026 – 🚫 geblokkeerd" in listing
    assert "Wacht op een ja: 1" in listing and "• Nina" in listing
    assert "Nina is nu lid van Transvaal" in await carla.taps("Nina toelaten")
    await telegram.wait_for(lambda: "Goed nieuws!" in nina.last_text)
    assert (carla.user_id, "member.approve") in await audit_actions(buurtbot)
    assert (carla.user_id, "members.view") in await audit_actions(buurtbot)


async def test_a_coordinator_of_two_buurten_chooses_one(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal")
    await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")
    carla = people("Carla")
    await a_coordinator(buurtbot, carla, "Transvaal")
    await a_coordinator(buurtbot, carla, "Schilderswijk")  # she moved, and kept both roles

    assert "Welke buurt?" in await carla.sends("/leden")
    assert "Leden van Schilderswijk: 1" in await carla.taps("Schilderswijk")


async def test_the_operator_sees_every_buurt(buurtbot: Runtime, operator: Person) -> None:
    await a_buurt(buurtbot, "Transvaal")
    await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")
    assert "Welke buurt?" in await operator.sends("/leden")
    assert "Leden van Transvaal: 0" in await operator.taps("Transvaal")


async def test_residents_and_other_coordinators_see_nothing(buurtbot: Runtime, people: People) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")
    anna, otto = people("Anna"), people("Otto")
    await a_member(buurtbot, anna)
    await a_coordinator(buurtbot, otto, "Schilderswijk")

    assert "Dit is voor coördinatoren" in await anna.sends("/leden")
    await otto.sends("/menu")
    assert "alleen een coördinator van deze buurt" in await otto.taps_data(f"adm:leden:{transvaal}")
    assert all(action != "members.view" for _, action in await audit_actions(buurtbot))
