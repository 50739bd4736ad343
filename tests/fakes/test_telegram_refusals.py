"""The fake refuses what Telegram refuses, with Telegram's codes and words: the fake is the contract."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import BadRequest, Forbidden

from tests.fakes.api_client import ANNA, BRAM, BUURTGROEP, TOKEN, BotApiClient, inline_keyboard
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram

CAROL = 1003  # has never started the bot
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
KEYBOARD = inline_keyboard({"text": "Ik help", "callback_data": "help:1"})


@pytest.fixture
def clock(fake: FakeTelegram) -> FakeClock:
    """The fake's time, moved by hand: taps age on `time_source`."""
    clock = FakeClock()
    fake.time_source = clock.monotonic
    return clock


async def tap(api: BotApiClient, fake: FakeTelegram, user_id: int = ANNA) -> str:
    """The bot asks with a button, the user taps it; returns the callback query's id."""
    await api.result("sendMessage", chat_id=user_id, text="Wie helpt?", reply_markup=KEYBOARD)
    return str(fake.callback(user_id, "help:1")["callback_query"]["id"])


# -- answering a tap -----------------------------------------------------------------------------------


async def test_a_tap_is_answered_once(api: BotApiClient, fake: FakeTelegram) -> None:
    query_id = await tap(api, fake)

    assert await api.result("answerCallbackQuery", callback_query_id=query_id) is True
    assert await api.error("answerCallbackQuery", callback_query_id=query_id, text="Nog eens") == (
        400,
        QUERY_INVALID,
    )


async def test_two_taps_are_two_queries_each_answered_once(api: BotApiClient, fake: FakeTelegram) -> None:
    first = await tap(api, fake)
    second = str(fake.callback(ANNA, "help:1")["callback_query"]["id"])

    assert await api.result("answerCallbackQuery", callback_query_id=second) is True
    assert await api.result("answerCallbackQuery", callback_query_id=first) is True


async def test_an_answer_after_fifteen_seconds_comes_too_late(
    api: BotApiClient, fake: FakeTelegram, clock: FakeClock
) -> None:
    in_time, late = await tap(api, fake), await tap(api, fake)
    clock.advance(15)
    await api.result("answerCallbackQuery", callback_query_id=in_time)
    clock.advance(0.1)

    assert await api.error("answerCallbackQuery", callback_query_id=late) == (400, QUERY_INVALID)


async def test_a_test_may_shorten_the_answer_window(
    api: BotApiClient, fake: FakeTelegram, clock: FakeClock
) -> None:
    fake.callback_answer_seconds = 2
    query_id = await tap(api, fake)
    clock.advance(2.5)

    assert await api.error("answerCallbackQuery", callback_query_id=query_id) == (400, QUERY_INVALID)


async def test_python_telegram_bot_raises_bad_request_for_a_second_answer(fake: FakeTelegram) -> None:
    async with telegram.Bot(TOKEN, base_url=f"{fake.base_url}/bot") as bot:
        await bot.send_message(
            ANNA, "Wie helpt?", reply_markup=telegram.InlineKeyboardMarkup.de_json(KEYBOARD)
        )
        query_id = fake.callback(ANNA, "help:1")["callback_query"]["id"]
        await bot.answer_callback_query(query_id)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(query_id, text="Dank je")


# -- a tap on a message that is gone -------------------------------------------------------------------


async def test_a_tap_on_a_deleted_message_carries_an_inaccessible_message(
    api: BotApiClient, fake: FakeTelegram
) -> None:
    sent = await api.result("sendMessage", chat_id=ANNA, text="Wie helpt?", reply_markup=KEYBOARD)
    await api.result("deleteMessage", chat_id=ANNA, message_id=sent["message_id"])

    query = fake.callback(ANNA, "help:1")["callback_query"]

    assert query["message"] == {"chat": sent["chat"], "message_id": sent["message_id"], "date": 0}
    assert await api.error(
        "editMessageText", chat_id=ANNA, message_id=sent["message_id"], text="Bram helpt"
    ) == (400, "Bad Request: message to edit not found")
    assert await api.result("answerCallbackQuery", callback_query_id=query["id"]) is True


async def test_a_test_can_send_an_inaccessible_message_for_any_tap(
    api: BotApiClient, fake: FakeTelegram
) -> None:
    sent = await api.result("sendMessage", chat_id=ANNA, text="Wie helpt?", reply_markup=KEYBOARD)

    query = fake.callback(ANNA, "help:1", inaccessible=True)["callback_query"]

    assert query["message"] == {"chat": sent["chat"], "message_id": sent["message_id"], "date": 0}


async def test_python_telegram_bot_sees_that_the_message_is_inaccessible(fake: FakeTelegram) -> None:
    fake.user_message(ANNA, "/start")
    async with telegram.Bot(TOKEN, base_url=f"{fake.base_url}/bot") as bot:
        sent = await bot.send_message(
            ANNA, "Wie helpt?", reply_markup=telegram.InlineKeyboardMarkup.de_json(KEYBOARD)
        )
        await sent.delete()
        fake.callback(ANNA, "help:1")
        updates = await bot.get_updates(timeout=0)

    query = updates[-1].callback_query
    assert query is not None and query.message is not None
    assert query.message.is_accessible is False  # PTB 22 keeps it a Message, with date 0 and no text


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


# -- polling ------------------------------------------------------------------------------------------


async def test_get_updates_conflicts_with_a_webhook(api: BotApiClient, fake: FakeTelegram) -> None:
    fake.user_message(ANNA, "Hoi")
    await api.result("setWebhook", url="https://buurtbot.example/hook")

    assert await api.error("getUpdates") == (
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )
    await api.result("deleteWebhook")
    assert [update["message"]["text"] for update in await api.result("getUpdates")] == ["Hoi"]
