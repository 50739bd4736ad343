"""The fake refuses what Telegram refuses, with Telegram's codes and words: the fake is the contract."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import BadRequest, Forbidden

from tests.fakes.api_client import ANNA, BRAM, BUURTGROEP, TOKEN, BotApiClient, inline_keyboard
from tests.fakes.telegram_server import FakeTelegram

CAROL = 1003  # has never started the bot
KEYBOARD = inline_keyboard({"text": "Ik help", "callback_data": "help:1"})


# -- who the bot may write to --------------------------------------------------------------------------


async def test_the_bot_cannot_write_first(api: BotApiClient, fake: FakeTelegram) -> None:
    cant = (403, "Forbidden: bot can't initiate conversation with a user")

    assert await api.error("sendMessage", chat_id=CAROL, text="Hoi") == cant
    assert await api.error("sendPhoto", chat_id=CAROL, photo="AgACAgQAAxkBAAIBfoto") == cant
    assert await api.error("copyMessage", chat_id=CAROL, from_chat_id=ANNA, message_id=1) == cant
    assert await api.error("sendChatAction", chat_id=CAROL, action="typing") == cant
    assert await api.error("getChat", chat_id=CAROL) == (400, "Bad Request: chat not found")


async def test_a_message_or_a_start_opens_the_chat(api: BotApiClient, fake: FakeTelegram) -> None:
    fake.user_message(CAROL, "/start", first_name="Carol")
    await api.result("sendMessage", chat_id=CAROL, text="Welkom")

    fake.user_started(1004, first_name="Dirk", language_code="en")
    message = await api.result("sendMessage", chat_id=1004, text="Welcome")

    assert message["chat"] == {"id": 1004, "type": "private", "first_name": "Dirk"}


async def test_a_tap_in_a_group_opens_no_private_chat(api: BotApiClient, fake: FakeTelegram) -> None:
    await api.result("sendMessage", chat_id=BUURTGROEP, text="Wie helpt?", reply_markup=KEYBOARD)
    fake.callback(CAROL, "help:1", message=fake.last_message(BUURTGROEP), first_name="Carol")

    assert (await api.error("sendMessage", chat_id=CAROL, text="Dank je"))[0] == 403
    chat = await api.result("getChat", chat_id=CAROL)  # but the bot has seen her
    assert chat["id"] == CAROL


async def test_a_deactivated_account_can_no_longer_be_reached(api: BotApiClient, fake: FakeTelegram) -> None:
    sent = await api.result("sendMessage", chat_id=ANNA, text="Wie helpt?")
    fake.deactivate(ANNA)
    gone = (403, "Forbidden: user is deactivated")

    assert await api.error("sendMessage", chat_id=ANNA, text="Hoi") == gone
    assert await api.error("editMessageText", chat_id=ANNA, message_id=sent["message_id"], text="Nee") == gone
    assert await api.error("deleteMessage", chat_id=ANNA, message_id=sent["message_id"]) == gone
    assert (await api.result("getChat", chat_id=ANNA))["id"] == ANNA


async def test_a_group_the_bot_was_never_in_is_not_found(api: BotApiClient, fake: FakeTelegram) -> None:
    elsewhere = -4099999999

    assert await api.error("sendMessage", chat_id=elsewhere, text="Hallo") == (
        400,
        "Bad Request: chat not found",
    )
    assert await api.error("getChatMember", chat_id=elsewhere, user_id=ANNA) == (
        400,
        "Bad Request: chat not found",
    )
    fake.user_message(ANNA, "Hallo bot", chat_id=elsewhere, chat_type="group")
    await api.result("sendMessage", chat_id=elsewhere, text="Hallo")


async def test_python_telegram_bot_raises_forbidden_for_a_stranger(fake: FakeTelegram) -> None:
    fake.deactivate(BRAM)
    async with telegram.Bot(TOKEN, base_url=f"{fake.base_url}/bot") as bot:
        with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
            await bot.send_message(CAROL, "Hoi")
        with pytest.raises(Forbidden, match="user is deactivated"):
            await bot.send_message(BRAM, "Hoi")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(-4099999999, "Hoi")
