"""Long lists under admin commands come a page at a time (◀️/▶️), so every buurt and member can be reached;
a page button is read again on the server for whoever taps it."""

from __future__ import annotations

from bot.runtime import Runtime
from bot.services.buurten import buurten, invites
from bot.services.coordination import moderation
from bot.services.people import membership
from bot.services.people.authority import Actor
from tests.conversation import People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import (
    GROUP,
    OPERATOR_ID,
    a_buurt,
    a_coordinator,
    a_member,
    buurtbot,
    operator,
)

__all__ = ["buurtbot", "operator"]  # fixtures

NEXT, BACK = "Meer ▶️", "◀️ Terug"


async def many_buurten(runtime: Runtime, count: int) -> None:
    async with runtime.db.begin() as session:
        for number in range(1, count + 1):
            await buurten.add_buurt(
                session, f"Buurt {number:02d}", [str(1000 + number)], "open", now=runtime.clock.now()
            )


async def pages_to_the_end(person: Person) -> list[str]:
    """Taps ▶️ until there is none; returns every page's text (the first one too)."""
    seen = [person.last_text]
    while any(NEXT in label for label, _ in person.buttons()):
        seen.append(await person.taps(NEXT))
    return seen


def labels(person: Person) -> list[str]:
    return [label for label, _ in person.buttons()]


async def test_an_operator_with_95_buurten_reaches_the_last_one(buurtbot: Runtime, operator: Person) -> None:
    await many_buurten(buurtbot, 95)

    first = await operator.sends("/leden")
    assert "Welke buurt?" in first and "Pagina 1 van 10" in first
    assert labels(operator)[:2] == ["Buurt 01", "Buurt 02"] and BACK not in labels(operator)
    pages = await pages_to_the_end(operator)

    assert len(pages) == 10 and "Pagina 10 van 10" in pages[-1]
    assert labels(operator) == [f"Buurt {n}" for n in range(91, 96)] + [BACK]
    assert "Leden van Buurt 95: 0" in await operator.taps("Buurt 95")


async def test_every_button_of_every_page_fits_in_telegrams_64_bytes(
    buurtbot: Runtime, operator: Person
) -> None:
    await many_buurten(buurtbot, 25)
    await operator.sends("/digest zondag 23:59")  # the longest prefix: the moment rides along
    await pages_to_the_end(operator)
    await operator.taps(BACK)
    assert all(len(data.encode()) <= 64 for _, data in operator.buttons())
    assert "komt nu elke zondag om 23:59" in await operator.taps("Buurt 20")


async def test_buurten_lists_every_buurt_a_page_at_a_time(buurtbot: Runtime, operator: Person) -> None:
    await many_buurten(buurtbot, 95)

    assert "Pagina 1 van 10" in await operator.sends("/buurten")
    assert "Nieuwe buurt" in labels(operator)[-1]  # adding stays within reach on every page
    await pages_to_the_end(operator)

    assert "Buurt 95" in await operator.taps("Buurt 95")
    assert "Lid worden" in operator.last_text


async def test_a_coordinator_of_many_buurten_pages_too_and_a_resident_gets_nothing_from_a_page_button(
    buurtbot: Runtime, people: People
) -> None:
    await many_buurten(buurtbot, 12)
    carla, anna = people("Carla"), people("Anna")
    for number in range(1, 13):
        await a_coordinator(buurtbot, carla, f"Buurt {number:02d}")
    await a_member(buurtbot, anna, "Buurt 01")

    assert "Pagina 1 van 2" in await carla.sends("/uitnodigen")
    assert "Pagina 2 van 2" in await carla.taps(NEXT)
    assert "Buren uitnodigen" in await carla.taps("Buurt 12")

    await anna.sends("/menu")
    assert "alleen een coördinator" in await anna.taps_data("pg:1:inv:b:")
    assert "werkt niet meer" in await carla.taps_data("pg:1:<b>zomaar</b>")


async def test_the_operator_pages_through_members_to_appoint(
    buurtbot: Runtime, operator: Person, people: People
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    for name in [f"Lid {n:02d}" for n in range(1, 16)]:
        await a_member(buurtbot, people(name))

    await operator.sends("/buurten")
    await operator.taps("Transvaal")
    assert "Pagina 1 van 2" in await operator.taps("Coördinator aanwijzen")
    await operator.taps(NEXT)
    assert labels(operator) == [f"Lid {n}" for n in range(11, 16)] + [BACK]
    assert "Coördinatoren: Lid 15" in await operator.taps("Lid 15")


async def test_leden_shows_every_member_and_every_newcomer_waiting(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal", policy="approval")
    carla = people("Carla")
    await a_coordinator(buurtbot, carla)
    for n in range(1, 41):
        await a_member(buurtbot, people(f"Lid {n:02d}"))
    for n in range(1, 13):
        await a_member(buurtbot, people(f"Nieuw {n:02d}"), status=membership.PENDING)

    first = await carla.sends("/leden")
    assert "Leden van Transvaal: 41" in first and "Wacht op een ja: 12" in first and "Pagina 1 van 2" in first
    assert "• Lid 29" in first and "• Lid 30" not in first
    second = await carla.taps(NEXT)
    assert "• Lid 40" in second and "• Nieuw 12" in second and "• Nieuw 10" not in second
    assert "Nieuw 12 is nu lid van Transvaal" in await carla.taps("Nieuw 12 toelaten")


async def test_every_invite_link_can_be_stopped(buurtbot: Runtime, people: People) -> None:
    buurt_id = await a_buurt(buurtbot, "Transvaal")
    carla = people("Carla")
    await a_coordinator(buurtbot, carla)
    async with buurtbot.db.begin() as session:
        made = [await invites.create_invite(session, buurt_id, buurtbot.clock.now()) for _ in range(12)]

    await carla.sends("/uitnodigen")
    # 13: a new buurt has an invite link of its own.
    assert "Pagina 1 van 2" in await carla.taps("Links die nu werken: 13")
    await carla.taps(NEXT)
    last = made[-1].code[-4:]
    assert any(f"Stop …{last}" in label for label in labels(carla)) and labels(carla)[-1] == BACK
    assert f"Met de link …{last} kan niemand meer lid worden" in await carla.taps(f"Stop …{last}")


async def test_every_block_can_be_lifted(buurtbot: Runtime, people: People) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla = people("Carla")
    await a_coordinator(buurtbot, carla)
    member_ids = [await a_member(buurtbot, people(f"Lid {n:02d}")) for n in range(1, 13)]
    async with buurtbot.db.begin() as session:
        for member_id in member_ids:
            await moderation.block(
                session, Actor(OPERATOR_ID, {OPERATOR_ID}), member_id, "spam", now=buurtbot.clock.now()
            )

    assert "Pagina 1 van 2" in await carla.sends("/deblokkeer")
    await carla.taps(NEXT)
    assert "Lid is niet meer geblokkeerd" in await carla.taps("Lid 12")  # matching.first: the first name


async def test_koppel_in_a_group_pages_through_the_buurten_too(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await many_buurten(buurtbot, 12)
    carla = people("Carla")
    for number in range(1, 13):
        await a_coordinator(buurtbot, carla, f"Buurt {number:02d}")

    question = await carla.says_in(GROUP, "/koppel")
    assert "Voor welke buurt is deze groep?" in question and "Pagina 1 van 2" in question

    def group_buttons() -> dict[str, str]:
        markup = telegram.last_message(GROUP)["reply_markup"]
        return {
            button["text"]: button["callback_data"] for row in markup["inline_keyboard"] for button in row
        }

    telegram.callback(carla.user_id, group_buttons()[NEXT], message=telegram.last_message(GROUP))
    await telegram.wait_for(lambda: "Buurt 12" in group_buttons())
    telegram.callback(carla.user_id, group_buttons()["Buurt 12"], message=telegram.last_message(GROUP))
    await telegram.wait_for(lambda: "gekoppeld aan Buurt 12" in telegram.sent_texts(GROUP)[-1])
