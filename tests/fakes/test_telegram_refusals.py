"""The fake refuses what Telegram refuses, with Telegram's codes and words: the fake is the contract."""

from __future__ import annotations

from typing import Any

import pytest
import telegram
from telegram.error import BadRequest, Forbidden

from tests.fakes.api_client import ANNA, BRAM, BUURTGROEP, TOKEN, BotApiClient, inline_keyboard
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram

CAROL = 1003  # has never started the bot
SUPERGROEP = -1001234567890
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
TWO_DAYS = 48 * 60 * 60
KEYBOARD = inline_keyboard({"text": "Ik help", "callback_data": "help:1"})
REPLY_KEYBOARD = {"keyboard": [["Ja", "Nee"]], "resize_keyboard": True}


@pytest.fixture
def clock(fake: FakeTelegram) -> FakeClock:
    """The fake's time, moved by hand: taps age on `time_source`, messages on `wall_time`."""
    clock = FakeClock()
    fake.time_source = clock.monotonic
    fake.wall_time = lambda: clock.now().timestamp()
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


# -- edits ---------------------------------------------------------------------------------------------


async def test_a_text_message_has_no_caption_to_edit(api: BotApiClient) -> None:
    sent = await api.result("sendMessage", chat_id=ANNA, text="Wie helpt?")

    assert await api.error(
        "editMessageCaption", chat_id=ANNA, message_id=sent["message_id"], caption="Bram helpt"
    ) == (400, "Bad Request: there is no caption in the message to edit")


async def test_a_photo_has_no_text_to_edit_but_a_caption_even_without_one(api: BotApiClient) -> None:
    photo = await api.result("sendPhoto", chat_id=ANNA, photo="AgACAgQAAxkBAAIBfoto")

    assert await api.error(
        "editMessageText", chat_id=ANNA, message_id=photo["message_id"], text="Bram helpt"
    ) == (400, "Bad Request: there is no text in the message to edit")
    edited = await api.result(
        "editMessageCaption", chat_id=ANNA, message_id=photo["message_id"], caption="Lekkage"
    )
    assert edited["caption"] == "Lekkage"


@pytest.mark.parametrize("method", ["editMessageText", "editMessageCaption"])
async def test_a_sticker_or_location_cannot_be_edited(api: BotApiClient, method: str) -> None:
    location = await api.result("sendLocation", chat_id=ANNA, latitude=52.09, longitude=5.12)
    new_content = {"text": "Hier"} if method == "editMessageText" else {"caption": "Hier"}

    assert await api.error(method, chat_id=ANNA, message_id=location["message_id"], **new_content) == (
        400,
        "Bad Request: message can't be edited",
    )


async def test_an_edit_takes_only_an_inline_keyboard(api: BotApiClient) -> None:
    sent = await api.result("sendMessage", chat_id=ANNA, text="Wie helpt?", reply_markup=KEYBOARD)

    for method, content in (("editMessageText", {"text": "Kies"}), ("editMessageReplyMarkup", {})):
        assert await api.error(
            method, chat_id=ANNA, message_id=sent["message_id"], reply_markup=REPLY_KEYBOARD, **content
        ) == (400, "Bad Request: inline keyboard expected")
    assert await api.error(
        "editMessageReplyMarkup",
        chat_id=ANNA,
        message_id=sent["message_id"],
        reply_markup={"remove_keyboard": True},
    ) == (400, "Bad Request: inline keyboard expected")


@pytest.mark.parametrize(
    "markup", [REPLY_KEYBOARD, {"remove_keyboard": True}, {"force_reply": True}], ids=lambda m: next(iter(m))
)
async def test_a_message_sent_with_another_keyboard_cannot_be_edited(
    api: BotApiClient, markup: dict[str, Any]
) -> None:
    sent = await api.result("sendMessage", chat_id=ANNA, text="Kies maar", reply_markup=markup)

    assert await api.error(
        "editMessageText", chat_id=ANNA, message_id=sent["message_id"], text="Gekozen"
    ) == (400, "Bad Request: message can't be edited")
    assert await api.error(
        "editMessageReplyMarkup", chat_id=ANNA, message_id=sent["message_id"], reply_markup=KEYBOARD
    ) == (400, "Bad Request: message can't be edited")


async def test_a_message_of_someone_else_cannot_be_edited(api: BotApiClient, fake: FakeTelegram) -> None:
    theirs = fake.user_message(ANNA, "Hoi")["message"]

    assert await api.error("editMessageText", chat_id=ANNA, message_id=theirs["message_id"], text="Doei") == (
        400,
        "Bad Request: message can't be edited",
    )


async def test_editing_the_buttons_keeps_the_formatting(api: BotApiClient) -> None:
    sent = await api.result(
        "sendMessage", chat_id=ANNA, text="<b>Wie</b> helpt?", parse_mode="HTML", reply_markup=KEYBOARD
    )

    edited = await api.result("editMessageReplyMarkup", chat_id=ANNA, message_id=sent["message_id"])

    assert (edited["text"], edited["entities"]) == (sent["text"], sent["entities"])


async def test_an_edit_is_dated_by_the_wall_clock(
    api: BotApiClient, fake: FakeTelegram, clock: FakeClock
) -> None:
    sent = await api.result("sendMessage", chat_id=ANNA, text="Wie helpt?")
    clock.advance(60)

    edited = await api.result("editMessageText", chat_id=ANNA, message_id=sent["message_id"], text="Bram")

    assert sent["date"] == int(clock.now().timestamp()) - 60
    assert edited["edit_date"] == sent["date"] + 60


# -- deleting ------------------------------------------------------------------------------------------


async def test_a_message_can_be_deleted_for_two_days(
    api: BotApiClient, fake: FakeTelegram, clock: FakeClock
) -> None:
    in_time = await api.result("sendMessage", chat_id=ANNA, text="Oeps")
    too_old = await api.result("sendMessage", chat_id=ANNA, text="Oud")
    clock.advance(TWO_DAYS)
    await api.result("deleteMessage", chat_id=ANNA, message_id=in_time["message_id"])
    clock.advance(1)

    assert await api.error("deleteMessage", chat_id=ANNA, message_id=too_old["message_id"]) == (
        400,
        "Bad Request: message can't be deleted for everyone",
    )
    assert fake.messages_in(ANNA) == [too_old]


async def test_an_old_message_from_the_user_cannot_be_deleted_either(
    api: BotApiClient, fake: FakeTelegram, clock: FakeClock
) -> None:
    three_days_ago = int(clock.now().timestamp()) - 3 * 24 * 60 * 60
    message = {
        "message_id": 7,
        "date": three_days_ago,
        "chat": {"id": ANNA, "type": "private"},
        "text": "Hoi",
    }
    fake.push_update({"message": message})

    assert await api.error("deleteMessage", chat_id=ANNA, message_id=7) == (
        400,
        "Bad Request: message can't be deleted for everyone",
    )


async def test_in_a_supergroup_a_message_of_two_days_is_too_old(
    api: BotApiClient, fake: FakeTelegram, clock: FakeClock
) -> None:
    fake.bot_in_group(SUPERGROEP)
    sent = await api.result("sendMessage", chat_id=SUPERGROEP, text="Hallo buurt")
    clock.advance(TWO_DAYS)

    assert await api.error("deleteMessage", chat_id=SUPERGROEP, message_id=sent["message_id"]) == (
        400,
        "Bad Request: message can't be deleted",
    )


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


# -- command menus -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "description"),
    [
        ("Hulp", "BOT_COMMAND_INVALID"),
        ("hulp-vragen", "BOT_COMMAND_INVALID"),
        ("перевод", "BOT_COMMAND_INVALID"),
        ("/", "command must be non-empty"),
        ("h" * 33, "command length must not exceed 32"),
    ],
)
async def test_a_command_is_1_to_32_lowercase_letters_digits_or_underscores(
    api: BotApiClient, command: str, description: str
) -> None:
    commands = [{"command": command, "description": "Vraag hulp"}]

    assert await api.error("setMyCommands", commands=commands) == (400, f"Bad Request: {description}")


@pytest.mark.parametrize(
    ("description", "error"),
    [
        ("  ", "command description must be non-empty"),
        ("x" * 257, "command description length must not exceed 256"),
    ],
)
async def test_a_command_description_is_1_to_256_characters(
    api: BotApiClient, description: str, error: str
) -> None:
    commands = [{"command": "hulp", "description": description}]

    assert await api.error("setMyCommands", commands=commands) == (400, f"Bad Request: {error}")


async def test_commands_are_stored_trimmed_and_without_their_slash(api: BotApiClient) -> None:
    longest = [{"command": f" /{'h' * 32} ", "description": " " + "x" * 256}]

    await api.result("setMyCommands", commands=longest)

    assert await api.result("getMyCommands") == [{"command": "h" * 32, "description": "x" * 256}]


async def test_a_menu_holds_at_most_100_commands(api: BotApiClient) -> None:
    commands = [{"command": f"c{n}", "description": "Iets"} for n in range(101)]

    await api.result("setMyCommands", commands=commands[:100])
    assert await api.error("setMyCommands", commands=commands) == (400, "Bad Request: BOT_COMMANDS_TOO_MUCH")


async def test_a_menu_language_is_two_lowercase_letters(api: BotApiClient) -> None:
    commands = [{"command": "hulp", "description": "Vraag hulp"}]

    for language in ("NL", "nld", "nl-BE"):
        assert await api.error("setMyCommands", commands=commands, language_code=language) == (
            400,
            "Bad Request: invalid language code specified",
        )


async def test_a_menu_for_one_chat_needs_a_chat_the_bot_knows(api: BotApiClient) -> None:
    commands = [{"command": "hulp", "description": "Vraag hulp"}]

    await api.result("setMyCommands", commands=commands, scope={"type": "chat", "chat_id": ANNA})
    assert await api.error("setMyCommands", commands=commands, scope={"type": "chat", "chat_id": CAROL}) == (
        400,
        "Bad Request: chat not found",
    )
    assert await api.error("deleteMyCommands", scope={"type": "chat", "chat_id": CAROL}) == (
        400,
        "Bad Request: chat not found",
    )


# -- keyboards -----------------------------------------------------------------------------------------


def buttons(count: int) -> list[dict[str, Any]]:
    return [{"text": str(n), "callback_data": f"b:{n}"} for n in range(count)]


@pytest.mark.parametrize(
    "rows",
    [
        [buttons(9)],  # nine in a row
        [buttons(8) for _ in range(12)] + [buttons(5)],  # 101 in all
        [[{"text": "x" * 100, "callback_data": "d" * 64}] for _ in range(80)],  # over 10 KB
    ],
    ids=["row", "count", "size"],
)
async def test_an_inline_keyboard_has_at_most_8_a_row_and_100_buttons(
    api: BotApiClient, rows: list[list[dict[str, Any]]]
) -> None:
    assert await api.error(
        "sendMessage", chat_id=ANNA, text="Kies", reply_markup={"inline_keyboard": rows}
    ) == (400, "Bad Request: reply markup is too long")


async def test_the_largest_inline_keyboard_is_sent(api: BotApiClient) -> None:
    rows = [buttons(8) for _ in range(12)] + [buttons(4)]

    message = await api.result(
        "sendMessage", chat_id=ANNA, text="Kies", reply_markup={"inline_keyboard": rows}
    )

    assert sum(len(row) for row in message["reply_markup"]["inline_keyboard"]) == 100


async def test_a_reply_keyboard_has_at_most_12_a_row(api: BotApiClient) -> None:
    await api.result(
        "sendMessage", chat_id=ANNA, text="Kies", reply_markup={"keyboard": [[str(n) for n in range(12)]]}
    )

    assert await api.error(
        "sendMessage", chat_id=ANNA, text="Kies", reply_markup={"keyboard": [[str(n) for n in range(13)]]}
    ) == (400, "Bad Request: reply markup is too long")


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
