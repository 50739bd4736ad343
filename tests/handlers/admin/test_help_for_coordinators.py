"""/help lists every command of a resident's menu, and the admin commands to whoever may use them:
coordinators theirs, operators also /buurten; residents see none of them."""

from __future__ import annotations

from bot.handlers.commands import COMMANDS
from bot.runtime import Runtime
from tests.conversation import People, Person
from tests.handlers.coordination import a_buurt, a_coordinator, a_member, buurtbot, operator

__all__ = ["buurtbot", "operator"]  # fixtures

COORDINATOR_LINES = (
    "/leden – De leden van je buurt, en wie er wacht",
    "/uitnodigen",
    "/omroep",
    "/activiteit",
    "/melding",
    "/blokkeer",
    "/koppel",
)


async def test_a_resident_sees_only_what_residents_do(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal")
    anna = people("Anna")
    await a_member(buurtbot, anna)

    answer = await anna.sends("/help")

    assert "/vraag – vraag je buren om hulp" in answer
    assert "/checkin – af en toe een berichtje: hoe gaat het?" in answer
    assert "/activiteiten – wat er te doen is in je buurt" in answer
    assert "/weekbericht – één keer per week nieuws uit je buurt" in answer
    assert "coördinatoren" not in answer and "/leden" not in answer and "/buurten" not in answer


async def test_help_names_every_command_of_a_residents_menu(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal")
    anna = people("Anna")
    await a_member(buurtbot, anna)

    answer = await anna.sends("/help")

    missing = [command for command, _ in COMMANDS if command != "help" and f"/{command} – " not in answer]
    assert missing == []


async def test_a_coordinator_also_reads_the_coordinator_commands(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla = people("Carla")
    await a_coordinator(buurtbot, carla)

    answer = await carla.sends("❓ Hulp")

    assert "/vraag" in answer and "Voor coördinatoren:" in answer
    assert all(line in answer for line in COORDINATOR_LINES)
    assert "/buurten" not in answer


async def test_an_operator_also_reads_buurten(buurtbot: Runtime, operator: Person) -> None:
    answer = await operator.sends("/help")

    assert all(line in answer for line in COORDINATOR_LINES)
    assert "Voor beheerders:\n/buurten – " in answer


async def test_in_english_too(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla = people("Carla", language_code="en")
    await a_coordinator(buurtbot, carla)

    answer = await carla.sends("/help")

    assert "For coordinators:\n/leden – Members of your buurt, and who is waiting" in answer
