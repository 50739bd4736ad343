"""Every admin command's buttons for one buurt, tapped by a resident, a coordinator of another buurt, a
coordinator of this buurt and an operator: the server decides, whatever buttons someone was shown."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime
from tests.conversation import People, Person
from tests.handlers.coordination import OPERATOR_ID, a_buurt, a_coordinator, a_member, buurtbot

__all__ = ["buurtbot"]  # fixture

COORDINATOR_REFUSAL = "alleen een coördinator van deze buurt"
OPERATOR_REFUSAL = "alleen de beheerders"

# (callback data for the buurt, who may, what they see when allowed)
BUTTONS = [
    ("buurt:b:{buurt}", "operator", "Lid worden: iedereen is meteen lid"),
    ("adm:leden:{buurt}", "coordinator", "Leden van Transvaal"),
    ("inv:l:{buurt}", "coordinator", "Links die nu werken"),
    ("inv:m:{buurt}:n:week", "coordinator", "Hier is je uitnodigingslink voor Transvaal"),
    ("omr:b:{buurt}", "coordinator", "Typ je bericht voor iedereen in Transvaal"),
    ("adm:akt:b:{buurt}", "coordinator", "Activiteiten in Transvaal"),
    ("adm:akt:nieuw:{buurt}", "coordinator", "Hoe heet de activiteit?"),
]
CALLERS = ["resident", "coordinator of another buurt", "coordinator of this buurt", "operator"]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(
    ("data", "who_may", "allowed_answer"), BUTTONS, ids=[b[0].split("{")[0] for b in BUTTONS]
)
async def test_buttons_for_a_buurt_are_checked_on_the_server(
    buurtbot: Runtime, people: People, caller: str, data: str, who_may: str, allowed_answer: str
) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")
    person = people("Pim")
    if caller == "operator":
        person = Person(person.telegram, OPERATOR_ID, "Olga", "nl")
    elif caller == "resident":
        await a_member(buurtbot, person)
    elif caller == "coordinator of another buurt":
        await a_coordinator(buurtbot, person, "Schilderswijk")
    else:
        await a_coordinator(buurtbot, person, "Transvaal")
    await person.sends("/menu")  # a message of the bot to put the button under

    answer = await person.taps_data(data.format(buurt=transvaal))

    allowed = caller == "operator" or (caller == "coordinator of this buurt" and who_may == "coordinator")
    if allowed:
        assert allowed_answer in answer
        if data.startswith("inv:m:"):
            # The poster follows the link; let its upload finish before the bot is stopped.
            await person.telegram.wait_for(
                lambda: bool(person.telegram.calls("sendDocument", chat_id=person.user_id))
            )
    else:
        assert (OPERATOR_REFUSAL if who_may == "operator" else COORDINATOR_REFUSAL) in answer
