"""Activities: a coordinator plans a koffieochtend, members say "Ik kom", the organiser sees the count,
and once it is over it disappears."""

from __future__ import annotations

from bot.db.models import Activity, ActivityAttendee
from bot.jobs.activities import forget_past_activities
from bot.runtime import Runtime
from tests.conversation import People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import a_buurt, a_coordinator, a_member, audit_actions, buurtbot, operator
from tests.neighbours import JobContext, count

__all__ = ["buurtbot", "operator"]  # fixtures


async def plans(coordinator: Person, title: str, starts: str, place: str) -> None:
    """The coordinator plans an activity through /activiteit, without a text."""
    await coordinator.sends("/activiteit")
    await coordinator.taps("Nieuwe activiteit")
    for answer in (title, starts, place, "-"):
        await coordinator.sends(answer)


async def test_an_activity_is_planned_members_come_and_afterwards_it_is_gone(
    buurtbot: Runtime, people: People
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla, anna = people("Carla"), people("Anna")
    await a_coordinator(buurtbot, carla)
    await a_member(buurtbot, anna)

    assert "Nog niets gepland" in await carla.sends("/activiteit")
    assert "Hoe heet de activiteit?" in await carla.taps("Nieuwe activiteit")
    assert "Wanneer begint het?" in await carla.sends("Koffieochtend")
    assert "Typ de datum en tijd zo" in await carla.sends("zaterdag")
    assert "al voorbij" in await carla.sends("24-11-2026 10:00")
    assert "Waar is het?" in await carla.sends("28-11 10:00")
    assert "korte tekst" in await carla.sends("Buurthuis De Linde")
    assert "✅ Gepland: Koffieochtend" in await carla.sends("Koffie & een praatje")

    listing = await anna.sends("/activiteiten")
    assert "Koffieochtend" in listing and "zaterdag 28 november, 10:00" in listing
    assert "Buurthuis De Linde" in listing and "Koffie & een praatje" in listing
    assert "Komen: 0" in listing
    assert "Komen: 1" in await anna.taps("Ik kom: Koffieochtend")
    assert [label for label, _ in anna.buttons()] == ["✖️ Ik kom niet: Koffieochtend"]
    assert "Komen: 1" in await carla.sends("/activiteit")

    buurtbot.clock.advance(4 * 24 * 3600)  # type: ignore[attr-defined]  # the FakeClock of the fixture
    assert "Er staat nu niets gepland in Transvaal" in await anna.sends("/activiteiten")
    await forget_past_activities(JobContext(buurtbot))  # type: ignore[arg-type]
    assert await count(buurtbot, Activity) == 0
    assert await count(buurtbot, ActivityAttendee) == 0
    assert (carla.user_id, "activity.create") in await audit_actions(buurtbot)


async def test_cancelling_tells_whoever_was_coming(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla, anna = people("Carla"), people("Anna")
    await a_coordinator(buurtbot, carla)
    await a_member(buurtbot, anna)
    await plans(carla, "Wandeling", "29-11 14:00", "Bij de kerk")
    await anna.sends("/activiteiten")
    await anna.taps("Ik kom: Wandeling")

    await carla.sends("/activiteit")
    assert "Afgezegd: Wandeling" in await carla.taps("Wandeling afzeggen")
    await telegram.wait_for(lambda: "Wandeling op zondag 29 november, 14:00 gaat niet door" in anna.last_text)


async def test_only_members_of_the_buurt_can_come_and_only_coordinators_plan(
    buurtbot: Runtime, people: People
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")
    carla, anna, sam = people("Carla"), people("Anna"), people("Sam")
    await a_coordinator(buurtbot, carla)
    await a_member(buurtbot, anna)
    await a_member(buurtbot, sam, "Schilderswijk")
    await plans(carla, "Repair café", "30-11 13:00", "Buurthuis")
    await anna.sends("/activiteiten")
    coming = next(data for label, data in anna.buttons() if "Ik kom" in label)

    assert "Dit is voor coördinatoren" in await anna.sends("/activiteit")
    assert "Er staat nu niets gepland in Schilderswijk" in await sam.sends("/activiteiten")
    assert "voorbij of afgezegd" in await sam.taps_data(coming)
    assert "Komen: 0" in await carla.sends("/activiteit")


async def test_members_find_the_activities_in_the_menu_and_past_ones_are_gone(
    buurtbot: Runtime, people: People
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla, anna = people("Carla"), people("Anna")
    await a_coordinator(buurtbot, carla)
    await a_member(buurtbot, anna)
    await plans(carla, "Koffieochtend", "26-11 10:00", "Buurthuis")
    await anna.sends("/menu")
    assert ["💬 Even checken", "📅 Activiteiten"] in anna.keyboard()

    listing = await anna.sends("📅 Activiteiten")

    assert "Koffieochtend" in listing and "donderdag 26 november, 10:00" in listing
    assert "Komen: 1" in await anna.taps("Ik kom: Koffieochtend")
    assert "Komen: 1" in await carla.sends("/activiteit")  # the organiser sees the count
    buurtbot.clock.advance(3 * 24 * 3600)  # type: ignore[attr-defined]  # the FakeClock of the fixture
    assert "Er staat nu niets gepland in Transvaal" in await anna.sends("📅 Activiteiten")
