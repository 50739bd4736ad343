"""In a buurt group the bot shows nothing personal: every command gets a short pointer to the private
chat, chatter between neighbours is ignored, and a button changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db.models import Conversation
from bot.handlers.commands import COMMANDS, COORDINATOR_COMMANDS, OPERATOR_COMMANDS
from bot.runtime import Runtime
from bot.services.people import membership
from tests.buttons import sealed
from tests.conversation import People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import (
    GROUP,
    a_buurt,
    a_coordinator,
    a_member,
    asked_for_groceries,
    audit_actions,
    buurtbot,
    operator,
)

__all__ = ["buurtbot", "operator"]  # fixtures

BOT = "buurtbot_test_bot"
PRIVATE_CHAT = f"https://t.me/{BOT}"
LINKING = {"koppel", "ontkoppel"}
# Every command in the menus, and the other names some of them have.
EVERY_COMMAND = sorted(
    {name for name, _ in COMMANDS + COORDINATOR_COMMANDS + OPERATOR_COMMANDS} - LINKING
    | {"hulp", "language", "settings", "vergeetmij", "namens", "melding", "blokkeer", "deblokkeer"}
)


@dataclass(frozen=True)
class Group:
    buurt_id: int
    carla: Person  # coordinator
    anna: Person  # a member with a request of her own


@pytest.fixture
async def group(buurtbot: Runtime, people: People, telegram: FakeTelegram) -> Group:
    """Transvaal's group, linked by Carla; Anna Jansen asked for groceries."""
    buurt_id = await a_buurt(buurtbot, "Transvaal")
    carla, anna = people("Carla"), people("Anna Jansen")
    await a_coordinator(buurtbot, carla)
    await asked_for_groceries(buurtbot, await a_member(buurtbot, anna))
    await carla.says_in(GROUP, "/koppel")
    return Group(buurt_id, carla, anna)


def message_in_group(
    telegram: FakeTelegram, person: Person, text: str, *, reply_to: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A message the fake's helpers cannot write: a reply to the bot, or one that mentions it."""
    message: dict[str, Any] = {
        "message_id": 10_000 + len(telegram.messages_in(GROUP)),
        "from": {
            "id": person.user_id,
            "is_bot": False,
            "first_name": person.first_name,
            "language_code": "nl",
        },
        "chat": {"id": GROUP, "type": "group", "title": "Buurtgroep"},
        "date": 1_795_000_000,
        "text": text,
    }
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    mention = text.find(f"@{BOT}")
    if mention >= 0:
        message["entities"] = [{"type": "mention", "offset": mention, "length": len(BOT) + 1}]
    return {"message": message}


def points_to_the_private_chat(message: dict[str, Any]) -> bool:
    buttons = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [[button.get("url") for button in row] for row in buttons] == [[PRIVATE_CHAT]]


def said_anywhere_but_the_groups(telegram: FakeTelegram) -> list[str]:
    """Whatever went to a private chat (a group's chat id is negative)."""
    return [
        f"{call.method} to {call.params['chat_id']}"
        for call in telegram.calls()
        if "chat_id" in call.params and int(str(call.params["chat_id"])) > 0
    ]


async def test_every_command_in_a_group_gets_only_a_pointer_to_the_private_chat(
    buurtbot: Runtime, group: Group, telegram: FakeTelegram
) -> None:
    # Each command in a group of its own: Telegram lets a bot send 20 messages a minute to one group.
    for number, command in enumerate(EVERY_COMMAND):
        for person in (group.carla, group.anna):
            chat_id = GROUP - 1 - number
            reply = await person.says_in(chat_id, f"/{command}")

            assert "privé" in reply, command
            assert points_to_the_private_chat(telegram.last_message(chat_id)), command
            assert not any(word in reply for word in ("Anna", "Jansen", "Carla", "Transvaal", "boodschappen"))
    assert said_anywhere_but_the_groups(telegram) == []
    async with buurtbot.db.begin() as session:  # nothing was started, for later in a private chat either
        assert await session.scalar(select(func.count()).select_from(Conversation)) == 0
    assert [action for _, action in await audit_actions(buurtbot)] == ["group.link"]


async def test_start_and_help_greet_and_point_to_the_private_chat(
    group: Group, telegram: FakeTelegram, people: People
) -> None:
    stranger = people("Vera")  # not a member: the same kind answer

    for text in ("/start", "/help", f"/start@{BOT} abc123"):
        reply = await stranger.says_in(GROUP, text)
        assert reply == "Hallo! Praat met mij in een privégesprek om te beginnen."
    assert "privéchat" in await stranger.says_in(GROUP, "/mijngegevens")


async def test_chatter_between_neighbours_and_commands_for_other_bots_are_ignored(
    group: Group, telegram: FakeTelegram
) -> None:
    carla, anna = group.carla, group.anna
    before = len(telegram.sent_texts(GROUP))

    telegram.user_message(
        anna.user_id, "Hallo buren! Wie heeft er een ladder?", chat_id=GROUP, chat_type="group"
    )
    telegram.user_message(anna.user_id, "🙋 Ik zoek hulp", chat_id=GROUP, chat_type="group")  # a menu label
    telegram.user_sends(anna.user_id, "photo", chat_id=GROUP, chat_type="group")
    telegram.user_message(anna.user_id, "/help@een_andere_bot", chat_id=GROUP, chat_type="group")
    await carla.says_in(GROUP, "/help")  # handled after the others: the group is one queue

    assert len(telegram.sent_texts(GROUP)) == before + 1
    assert said_anywhere_but_the_groups(telegram) == []


async def test_a_reply_to_the_bot_or_a_mention_gets_a_pointer(group: Group, telegram: FakeTelegram) -> None:
    ours = telegram.last_message(GROUP)  # "This group is now linked ..."

    for text, reply_to in (("Ik wil graag helpen!", ours), (f"Hoi @{BOT}, wat kun je?", None)):
        before = len(telegram.sent_texts(GROUP))
        telegram.push_update(message_in_group(telegram, group.anna, text, reply_to=reply_to))
        await telegram.wait_for(lambda: len(telegram.sent_texts(GROUP)) > before)  # noqa: B023 (awaited in this same iteration)
        assert "niemand anders meeleest" in telegram.sent_texts(GROUP)[-1]
        assert points_to_the_private_chat(telegram.last_message(GROUP))


async def test_a_button_in_a_group_changes_nothing(
    buurtbot: Runtime, group: Group, telegram: FakeTelegram
) -> None:
    # Taps on buttons of ours (old ones, say): this year's figures, and "yes, forget me". Each would have
    # answered in the group. And the same taps made up, without our seal.
    taps = [
        (sealed(GROUP, data), "privé") for data in (f"adm:stat:p:year:{group.buurt_id}", "vergeet:ja")
    ] + [(f"adm:stat:p:year:{group.buurt_id}", "werkt niet meer")]
    for count, (data, answer) in enumerate(taps, start=1):
        telegram.callback(group.carla.user_id, data, message=telegram.last_message(GROUP), first_name="Carla")
        await telegram.wait_for(lambda: len(telegram.calls("answerCallbackQuery")) == count)  # noqa: B023 (awaited in this same iteration)
        assert answer in telegram.calls("answerCallbackQuery")[-1].params["text"]

    assert [action for _, action in await audit_actions(buurtbot)] == ["group.link"]
    async with buurtbot.db.begin() as session:  # Carla is still there
        assert await membership.find(session, group.carla.user_id) is not None
    assert telegram.calls("editMessageText") == []
    assert said_anywhere_but_the_groups(telegram) == []
