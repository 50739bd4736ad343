"""/buurten: the operator adds and changes buurten and appoints coordinators, all with buttons."""

from __future__ import annotations

from bot.runtime import Runtime
from bot.services.buurten import buurten
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


async def overview(runtime: Runtime) -> dict[str, tuple[tuple[str, ...], str]]:
    async with runtime.db.begin() as session:
        return {
            row.name: (row.postcodes, row.join_policy)
            for row in await buurten.overview(session, runtime.clock.now())
        }


async def test_the_operator_adds_a_buurt_and_sets_it_up(buurtbot: Runtime, operator: Person) -> None:
    assert "Er zijn nog geen buurten" in await operator.sends("/buurten")
    assert "Typ de naam van de nieuwe buurt" in await operator.taps("Nieuwe buurt")
    details = await operator.sends("Duindorp")
    assert "Duindorp" in details and "Postcodes: -" in details

    assert "Typ de postcodes" in await operator.taps("Postcodes")
    assert "is geen postcode" in await operator.sends("2583, 12a4")
    assert "Postcodes: 2583, 2584" in await operator.sends("2583, 2584AB")

    assert "een coördinator laat elke nieuwkomer toe" in await operator.taps(
        "Nieuwkomers hebben een ja nodig"
    )
    assert "Typ de nieuwe naam" in await operator.taps("Naam")
    assert "Duindorp-Zuid" in await operator.sends("Duindorp-Zuid")

    assert await overview(buurtbot) == {"Duindorp-Zuid": (("2583", "2584"), "approval")}
    assert await audit_actions(buurtbot) == [
        (OPERATOR_ID, "buurt.add"),
        (OPERATOR_ID, "buurt.postcodes"),
        (OPERATOR_ID, "buurt.policy"),
        (OPERATOR_ID, "buurt.rename"),
    ]


async def test_a_name_that_exists_is_refused_kindly(buurtbot: Runtime, operator: Person) -> None:
    await a_buurt(buurtbot, "Transvaal")
    await operator.sends("/buurten")
    await operator.taps("Nieuwe buurt")
    assert "bestaat al een buurt met die naam" in await operator.sends("transvaal")
    assert "Schilderswijk" in await operator.sends("Schilderswijk")


async def test_the_operator_appoints_a_member_with_one_tap_and_they_hear_it(
    buurtbot: Runtime, operator: Person, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla = people("Carla")
    await a_member(buurtbot, carla)
    await operator.sends("/buurten")
    await operator.taps("Transvaal")
    assert "Wie wordt coördinator?" in await operator.taps("Coördinator aanwijzen")

    assert "Coördinatoren: Carla" in await operator.taps("Carla")
    await telegram.wait_for(lambda: "Je bent nu coördinator van Transvaal" in carla.last_text)

    assert "Coördinatoren: nog niemand" in await operator.taps("Carla weghalen")
    await telegram.wait_for(lambda: "Je bent geen coördinator meer van Transvaal" in carla.last_text)
    assert [action for _, action in await audit_actions(buurtbot)] == [
        "coordinator.appoint",
        "coordinator.remove",
    ]


async def test_a_coordinator_can_be_appointed_by_telegram_id(buurtbot: Runtime, operator: Person) -> None:
    await a_buurt(buurtbot, "Transvaal")
    await operator.sends("/buurten")
    await operator.taps("Transvaal")
    await operator.taps("Coördinator aanwijzen")
    assert "alleen het nummer" in await operator.sends("@carla")
    assert "Coördinatoren: 4242" in await operator.sends("4242")


async def test_only_operators_may_use_buurten(buurtbot: Runtime, people: People, operator: Person) -> None:
    buurt_id = await a_buurt(buurtbot, "Transvaal")
    carla = people("Carla")
    await a_coordinator(buurtbot, carla)

    assert "alleen de beheerders" in await carla.sends("/buurten")
    # A forged button does not help either.
    assert "alleen de beheerders" in await carla.taps_data(f"buurt:beleid:{buurt_id}:approval")
    assert await overview(buurtbot) == {"Transvaal": (("2571",), "open")}


async def test_in_a_group_buurten_points_to_the_private_chat(
    buurtbot: Runtime, telegram: FakeTelegram
) -> None:
    telegram.user_message(OPERATOR_ID, "/buurten", chat_id=-500, chat_type="group")
    await telegram.wait_for(lambda: "privéchat" in telegram.last_message(-500)["text"])


def scoped_commands(telegram: FakeTelegram, chat_id: int) -> list[str]:
    """The command names last set for one person's own chat."""
    calls = [
        c for c in telegram.calls("setMyCommands") if (c.params.get("scope") or {}).get("chat_id") == chat_id
    ]
    return [command["command"] for command in calls[-1].params["commands"]] if calls else []


async def test_operators_and_new_coordinators_see_their_commands_in_the_menu(
    buurtbot: Runtime, operator: Person, people: People, telegram: FakeTelegram
) -> None:
    assert {"buurten", "leden", "uitnodigen", "omroep", "koppel"} <= set(
        scoped_commands(telegram, OPERATOR_ID)
    )
    await a_buurt(buurtbot, "Transvaal")
    carla = people("Carla")
    await a_member(buurtbot, carla)
    await operator.sends("/buurten")
    await operator.taps("Transvaal")
    await operator.taps("Coördinator aanwijzen")
    await operator.taps("Carla")

    await telegram.wait_for(lambda: "leden" in scoped_commands(telegram, carla.user_id))
    assert "buurten" not in scoped_commands(telegram, carla.user_id)
    await operator.taps("Carla weghalen")
    await telegram.wait_for(lambda: bool(telegram.calls("deleteMyCommands")))
