"""Buurt groups: a coordinator links the group with /koppel; it stays linked as a supergroup, and
unlinks with /ontkoppel or when the bot is removed. In the group the bot shows no personal data."""

from __future__ import annotations

from bot.db.models import BuurtGroup
from bot.runtime import Runtime
from tests.buttons import sealed
from tests.conversation import People
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import (
    GROUP,
    a_buurt,
    a_coordinator,
    a_member,
    audit_actions,
    buurtbot,
    operator,
)
from tests.waiting import eventually

__all__ = ["buurtbot", "operator"]  # fixtures


async def linked(runtime: Runtime, chat_id: int = GROUP) -> int | None:
    async with runtime.db.begin() as session:
        group = await session.get(BuurtGroup, chat_id)
        return group.buurt_id if group is not None else None


async def test_a_coordinator_links_and_unlinks_the_group(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    carla = people("Carla")
    await a_coordinator(buurtbot, carla)

    reply = await carla.says_in(GROUP, "/koppel")

    assert reply.startswith("✅ Deze groep is nu gekoppeld aan Transvaal.")
    assert "Carla" not in reply  # nothing personal in a group
    assert telegram.last_message(GROUP)["reply_markup"]["inline_keyboard"][0][0]["url"].startswith(
        "https://t.me/"
    )
    assert await linked(buurtbot) == transvaal
    assert "niet meer gekoppeld aan Transvaal" in await carla.says_in(GROUP, "/ontkoppel")
    assert await linked(buurtbot) is None
    assert "niet aan een buurt gekoppeld" in await carla.says_in(GROUP, "/ontkoppel")
    assert [a for _, a in await audit_actions(buurtbot)] == ["group.link", "group.unlink"]


async def test_anyone_else_is_refused_kindly(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")
    carla, anna, otto = people("Carla"), people("Anna"), people("Otto")
    await a_coordinator(buurtbot, carla)
    await a_member(buurtbot, anna)
    await a_coordinator(buurtbot, otto, "Schilderswijk")

    assert "alleen een coördinator van de buurt" in await anna.says_in(GROUP, "/koppel")
    assert await linked(buurtbot) is None

    await carla.says_in(GROUP, "/koppel")
    assert "alleen een coördinator van de buurt" in await anna.says_in(GROUP, "/ontkoppel")
    assert "alleen een coördinator van de buurt" in await otto.says_in(GROUP, "/ontkoppel")
    assert await linked(buurtbot) == transvaal


async def test_a_coordinator_of_two_buurten_chooses_and_a_forged_choice_is_refused(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    schilderswijk = await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")
    carla, otto = people("Carla"), people("Otto")
    await a_coordinator(buurtbot, carla, "Transvaal")
    await a_coordinator(buurtbot, carla, "Schilderswijk")
    await a_coordinator(buurtbot, otto, "Schilderswijk")

    assert "Voor welke buurt is deze groep?" in await carla.says_in(GROUP, "/koppel")
    telegram.callback(
        otto.user_id,
        sealed(GROUP, f"grp:k:{transvaal}"),
        message=telegram.last_message(GROUP),
        first_name="Otto",
    )
    await telegram.wait_for(
        lambda: any(
            "alleen een coördinator" in str(c.params.get("text"))
            for c in telegram.calls("answerCallbackQuery")
        )
    )
    assert await linked(buurtbot) is None

    telegram.callback(
        carla.user_id,
        sealed(GROUP, f"grp:k:{schilderswijk}"),
        message=telegram.last_message(GROUP),
        first_name="Carla",
    )
    await telegram.wait_for(lambda: "gekoppeld aan Schilderswijk" in telegram.sent_texts(GROUP)[-1])
    assert await linked(buurtbot) == schilderswijk


async def test_a_group_that_becomes_a_supergroup_keeps_its_link(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    transvaal = await a_buurt(buurtbot, "Transvaal")
    carla = people("Carla")
    await a_coordinator(buurtbot, carla)
    await carla.says_in(GROUP, "/koppel")

    telegram.migrate_group(GROUP, -1000600)

    async def moved() -> bool:
        return await linked(buurtbot, -1000600) == transvaal

    await eventually(moved)
    assert await linked(buurtbot) is None


async def test_removing_the_bot_from_the_group_unlinks_it(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot, "Transvaal")
    carla, anna = people("Carla"), people("Anna")
    await a_coordinator(buurtbot, carla)
    await carla.says_in(GROUP, "/koppel")

    telegram.chat_member_update(
        GROUP, anna.user_id, old_status="member", new_status="kicked", chat_type="group"
    )

    async def unlinked() -> bool:
        return await linked(buurtbot) is None

    await eventually(unlinked)
    assert (anna.user_id, "group.removed") in await audit_actions(buurtbot)


async def test_in_a_private_chat_koppel_explains_where_to_send_it(buurtbot: Runtime, people: People) -> None:
    carla = people("Carla")
    assert "Voeg mij toe aan de Telegramgroep" in await carla.sends("/koppel")
