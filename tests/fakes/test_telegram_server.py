"""The fake Bot API answers like Telegram: over real HTTP, judged against the official spec."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import aiohttp
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.fakes.api_client import ANNA, BRAM, BUURTGROEP, TOKEN, BotApiClient, inline_keyboard
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import ChatLimits, FakeTelegram

# -- the envelope, methods and tokens ----------------------------------------------------------------


async def test_get_me_describes_the_bot_as_telegram_does(api: BotApiClient) -> None:
    me = await api.result("getMe")

    assert me == {
        "id": 7000001,
        "is_bot": True,
        "first_name": "Buurtbot",
        "username": "buurtbot_test_bot",
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def test_method_names_match_case_insensitively(api: BotApiClient, fake: FakeTelegram) -> None:
    await api.result("sendmessage", chat_id=ANNA, text="Hoi")

    assert [call.method for call in fake.calls()] == ["sendMessage"]


async def test_an_unknown_method_is_not_found(api: BotApiClient, fake: FakeTelegram) -> None:
    assert await api.error("sendTelegram", chat_id=ANNA) == (404, "Not Found")
    assert fake.calls(ok=False)[0].status == 404


async def test_a_malformed_token_is_unauthorized(api: BotApiClient) -> None:
    status, body = await api.get("getMe", {}, token="not-a-token")

    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


async def test_file_downloads_and_other_paths_answer_not_found(fake: FakeTelegram) -> None:
    url = f"{fake.base_url}/file/bot{TOKEN}/photos/file_1.jpg"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 404
        assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_every_request_is_recorded_in_arrival_order_including_rejected_ones(
    api: BotApiClient, fake: FakeTelegram
) -> None:
    await api.call("sendMessage", chat_id=ANNA, text="een")
    await api.call("sendMessage", chat_id=ANNA)
    await api.call("getMe")

    assert [(r.method, r.status) for r in fake.requests] == [
        ("sendMessage", 200),
        ("sendMessage", 400),
        ("getMe", 200),
    ]
    assert fake.requests[0].token == TOKEN
    assert fake.requests[1].response["description"] == "Bad Request: message text is empty"
    assert len(fake.calls("sendMessage")) == 1
    assert len(fake.calls("sendMessage", ok=None)) == 2


# -- parameters: presence, types, encodings ------------------------------------------------------------


async def test_a_missing_text_is_an_empty_message(api: BotApiClient) -> None:
    assert await api.error("sendMessage", chat_id=ANNA) == (400, "Bad Request: message text is empty")


async def test_a_missing_chat_id_is_reported_by_name(api: BotApiClient) -> None:
    assert await api.error("sendMessage", text="Hoi") == (400, "Bad Request: chat_id is empty")


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"chat_id": ANNA, "text": ["Hoi"]}, 'Bad Request: field "text" must be of type String'),
        (
            {"chat_id": {"id": ANNA}, "text": "Hoi"},
            'Bad Request: field "chat_id" must be of type Integer or String',
        ),
        (
            {"chat_id": ANNA, "text": "Hoi", "disable_notification": "soms"},
            'Bad Request: field "disable_notification" must be of type Boolean',
        ),
        (
            {
                "chat_id": ANNA,
                "text": "Hoi",
                "reply_markup": inline_keyboard({"text": 1, "callback_data": "x"}),
            },
            "Bad Request: can't parse reply_markup: "
            'field "reply_markup.inline_keyboard[0][0].text" must be of type String',
        ),
    ],
)
async def test_a_value_of_the_wrong_type_is_rejected(
    api: BotApiClient, params: dict[str, Any], description: str
) -> None:
    assert await api.error("sendMessage", **params) == (400, description)


async def test_form_fields_are_read_as_their_spec_types(api: BotApiClient, fake: FakeTelegram) -> None:
    keyboard = inline_keyboard({"text": "Ik help", "callback_data": "help:1"})
    status, _ = await api.form(
        "sendMessage",
        {
            "chat_id": "1001",
            "text": "123",
            "disable_notification": "true",
            "reply_markup": json.dumps(keyboard),
        },
    )

    assert status == 200
    assert fake.calls("sendMessage")[0].params == {
        "chat_id": 1001,
        "text": "123",
        "disable_notification": True,
        "reply_markup": keyboard,
    }


async def test_form_integer_fields_must_hold_digits(api: BotApiClient) -> None:
    status, body = await api.form("deleteMessage", {"chat_id": "1001", "message_id": "twaalf"})

    assert (status, body["description"]) == (400, 'Bad Request: field "message_id" must be of type Integer')


async def test_get_requests_with_a_query_string_work(api: BotApiClient, fake: FakeTelegram) -> None:
    status, body = await api.get("sendMessage", {"chat_id": str(ANNA), "text": "Via GET"})

    assert (status, body["result"]["text"]) == (200, "Via GET")
    assert fake.sent_texts(ANNA) == ["Via GET"]


async def test_multipart_uploads_become_documents(api: BotApiClient, fake: FakeTelegram) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", str(ANNA))
    form.add_field("caption", "Het rooster")
    form.add_field("document", b"%PDF-1.4 rooster", filename="rooster.pdf", content_type="application/pdf")
    async with (
        aiohttp.ClientSession() as session,
        session.post(api.url("sendDocument"), data=form) as response,
    ):
        body = await response.json()

    assert body["ok"], body
    document = body["result"]["document"]
    assert (document["file_name"], document["file_size"]) == ("rooster.pdf", 16)
    assert body["result"]["caption"] == "Het rooster"
    assert fake.last_message(ANNA)["document"] == document


# -- text limits ---------------------------------------------------------------------------------------


async def test_a_text_of_exactly_4096_characters_is_sent(api: BotApiClient) -> None:
    message = await api.result("sendMessage", chat_id=ANNA, text="a" * 4096)

    assert len(message["text"]) == 4096


async def test_a_text_of_4097_characters_is_too_long(api: BotApiClient) -> None:
    assert await api.error("sendMessage", chat_id=ANNA, text="a" * 4097) == (
        400,
        "Bad Request: message is too long",
    )


async def test_html_markup_does_not_count_towards_the_limit(api: BotApiClient) -> None:
    text = "<b>" + "a" * 4000 + "</b>" + "&lt;" * 96

    message = await api.result("sendMessage", chat_id=ANNA, text=text, parse_mode="HTML")

    assert len(message["text"]) == 4096


async def test_a_text_that_is_empty_after_parsing_is_rejected(api: BotApiClient) -> None:
    assert await api.error("sendMessage", chat_id=ANNA, text="<b> </b>", parse_mode="HTML") == (
        400,
        "Bad Request: message text is empty",
    )


async def test_captions_are_limited_to_1024_characters(api: BotApiClient) -> None:
    await api.result("sendPhoto", chat_id=ANNA, photo="AgACAgQAAxkBAAIBfoto", caption="b" * 1024)

    assert await api.error("sendPhoto", chat_id=ANNA, photo="AgACAgQAAxkBAAIBfoto", caption="b" * 1025) == (
        400,
        "Bad Request: message caption is too long",
    )


async def test_callback_answers_are_limited_to_200_characters(api: BotApiClient, fake: FakeTelegram) -> None:
    await api.result("sendMessage", chat_id=ANNA, text="Kies")
    query_id = fake.callback(ANNA, "ja")["callback_query"]["id"]

    assert await api.result("answerCallbackQuery", callback_query_id=query_id, text="x" * 200) is True
    assert await api.error("answerCallbackQuery", callback_query_id=query_id, text="x" * 201) == (
        400,
        "Bad Request: text is too long",
    )


# -- keyboards -----------------------------------------------------------------------------------------


async def test_callback_data_may_hold_64_bytes(api: BotApiClient) -> None:
    data = "é" * 32  # two bytes each in UTF-8

    message = await api.result(
        "sendMessage",
        chat_id=ANNA,
        text="Kies",
        reply_markup=inline_keyboard({"text": "Ja", "callback_data": data}),
    )

    assert message["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == data


async def test_callback_data_of_65_bytes_is_invalid_even_when_it_is_33_characters(api: BotApiClient) -> None:
    data = "é" * 32 + "x"

    assert await api.error(
        "sendMessage",
        chat_id=ANNA,
        text="Kies",
        reply_markup=inline_keyboard({"text": "Ja", "callback_data": data}),
    ) == (400, "Bad Request: BUTTON_DATA_INVALID")


@pytest.mark.parametrize(
    ("button", "reason"),
    [
        ({"text": "Ja"}, "Text buttons are unallowed in the inline keyboard"),
        ({"text": "", "callback_data": "ja"}, "Text must be non-empty"),
        (
            {"text": "Ja", "callback_data": "ja", "url": "https://buurt.nl"},
            "exactly one of url, callback_data",
        ),
    ],
)
async def test_an_inline_button_needs_text_and_exactly_one_action(
    api: BotApiClient, button: dict[str, Any], reason: str
) -> None:
    status, description = await api.error(
        "sendMessage", chat_id=ANNA, text="Kies", reply_markup=inline_keyboard(button)
    )

    assert status == 400
    assert description.startswith(f"Bad Request: can't parse inline keyboard button: {reason}")


async def test_reply_keyboards_take_strings_and_button_objects(api: BotApiClient) -> None:
    keyboard = {
        "keyboard": [["Ja", {"text": "Deel locatie", "request_location": True}]],
        "resize_keyboard": True,
    }

    message = await api.result("sendMessage", chat_id=ANNA, text="Waar ben je?", reply_markup=keyboard)

    assert "reply_markup" not in message  # only inline keyboards are part of a Message


# -- formatting ----------------------------------------------------------------------------------------


async def test_an_unknown_parse_mode_is_unsupported(api: BotApiClient) -> None:
    assert await api.error("sendMessage", chat_id=ANNA, text="Hoi", parse_mode="HTML5") == (
        400,
        "Bad Request: unsupported parse_mode",
    )


async def test_parse_modes_are_case_insensitive(api: BotApiClient) -> None:
    message = await api.result("sendMessage", chat_id=ANNA, text="<i>Hoi</i>", parse_mode="html")

    assert message["entities"] == [{"type": "italic", "offset": 0, "length": 3}]


async def test_valid_nested_html_becomes_text_and_entities(api: BotApiClient) -> None:
    text = (
        '<b>Hulp <i>gevraagd</i></b> &amp; <a href="https://buurt.nl/?a=1&amp;b=2">bekijk</a> '
        "<tg-spoiler>geheim</tg-spoiler> <code>code</code> &#128512; <blockquote expandable>lang</blockquote>"
    )

    message = await api.result("sendMessage", chat_id=ANNA, text=text, parse_mode="HTML")

    assert message["text"] == "Hulp gevraagd & bekijk geheim code 😀 lang"
    assert message["entities"] == [
        {"type": "bold", "offset": 0, "length": 13},
        {"type": "italic", "offset": 5, "length": 8},
        {"type": "text_link", "offset": 16, "length": 6, "url": "https://buurt.nl/?a=1&b=2"},
        {"type": "spoiler", "offset": 23, "length": 6},
        {"type": "code", "offset": 30, "length": 4},
        {"type": "expandable_blockquote", "offset": 38, "length": 4},  # the emoji is two UTF-16 units
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("Hoi <b>Anna", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Tom & Jerry", 'Character "&" at byte offset 4 must be escaped as "&amp;"'),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="rood">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("café <p>", 'Unsupported start tag "p" at byte offset 6'),
    ],
)
async def test_malformed_html_cannot_be_parsed(api: BotApiClient, text: str, reason: str) -> None:
    assert await api.error("sendMessage", chat_id=ANNA, text=text, parse_mode="HTML") == (
        400,
        f"Bad Request: can't parse entities: {reason}",
    )


async def test_markdown_v2_needs_reserved_characters_escaped(api: BotApiClient) -> None:
    assert await api.error("sendMessage", chat_id=ANNA, text="Tot morgen.", parse_mode="MarkdownV2") == (
        400,
        "Bad Request: can't parse entities: "
        "Character '.' is reserved and must be escaped with the preceding '\\'",
    )
    message = await api.result("sendMessage", chat_id=ANNA, text="*Tot* morgen\\.", parse_mode="MarkdownV2")
    assert (message["text"], message["entities"]) == (
        "Tot morgen.",
        [{"type": "bold", "offset": 0, "length": 3}],
    )


# -- sent messages and edits ---------------------------------------------------------------------------


async def test_a_sent_message_looks_like_telegrams(api: BotApiClient, fake: FakeTelegram) -> None:
    keyboard = inline_keyboard({"text": "Ik help", "callback_data": "help:1"})

    first = await api.result("sendMessage", chat_id=ANNA, text="Hoi <b>Anna</b>", parse_mode="HTML")
    second = await api.result("sendMessage", chat_id=ANNA, text="Wie helpt?", reply_markup=keyboard)
    elsewhere = await api.result("sendMessage", chat_id=BUURTGROEP, text="Hallo buurt")

    assert first["text"] == "Hoi Anna"
    assert first["entities"] == [{"type": "bold", "offset": 4, "length": 4}]
    assert first["from"]["id"] == fake.bot_id
    assert first["chat"] == {"id": ANNA, "type": "private", "first_name": "Anna"}
    assert isinstance(first["date"], int)
    assert (first["message_id"], second["message_id"], elsewhere["message_id"]) == (1, 2, 1)
    assert second["reply_markup"] == keyboard
    assert elsewhere["chat"]["type"] == "group"
    assert fake.sent_texts(ANNA) == ["Hoi Anna", "Wie helpt?"]
    assert fake.last_message(ANNA) == second


async def test_other_send_methods_answer_with_their_content(api: BotApiClient) -> None:
    location = await api.result("sendLocation", chat_id=ANNA, latitude=52.09, longitude=5.12)
    voice = await api.result("sendVoice", chat_id=ANNA, voice="AwACAgQAAxkBAAIBstem")
    photo = await api.result(
        "sendPhoto", chat_id=ANNA, photo="https://buurt.nl/foto.jpg", caption="<b>Kijk</b>", parse_mode="HTML"
    )

    assert location["location"] == {"latitude": 52.09, "longitude": 5.12}
    assert voice["voice"]["file_id"] == "AwACAgQAAxkBAAIBstem"
    assert len(photo["photo"]) == 3
    assert (photo["caption"], photo["caption_entities"]) == (
        "Kijk",
        [{"type": "bold", "offset": 0, "length": 4}],
    )


async def test_copy_message_answers_with_a_message_id(api: BotApiClient, fake: FakeTelegram) -> None:
    original = fake.user_message(ANNA, "Melk en brood, morgen")["message"]

    copied = await api.result(
        "copyMessage", chat_id=BRAM, from_chat_id=ANNA, message_id=original["message_id"]
    )

    assert copied == {"message_id": 1}
    assert fake.last_message(BRAM)["text"] == "Melk en brood, morgen"


async def test_editing_a_text_updates_what_the_chat_shows(api: BotApiClient, fake: FakeTelegram) -> None:
    keyboard = inline_keyboard({"text": "Ik help", "callback_data": "help:1"})
    sent = await api.result("sendMessage", chat_id=ANNA, text="Wie helpt?", reply_markup=keyboard)

    edited = await api.result(
        "editMessageText",
        chat_id=ANNA,
        message_id=sent["message_id"],
        text="<i>Bram helpt</i>",
        parse_mode="HTML",
    )

    assert (edited["message_id"], edited["text"]) == (sent["message_id"], "Bram helpt")
    assert "reply_markup" not in edited  # an edit without reply_markup removes the keyboard, as on Telegram
    assert "edit_date" in edited
    assert fake.last_message(ANNA) == edited
    assert fake.sent_texts(ANNA) == ["Wie helpt?", "Bram helpt"]


async def test_an_edit_that_changes_nothing_is_not_modified(api: BotApiClient) -> None:
    sent = await api.result("sendMessage", chat_id=ANNA, text="Wie helpt?")

    status, description = await api.error(
        "editMessageText", chat_id=ANNA, message_id=sent["message_id"], text="Wie helpt?"
    )

    assert status == 400
    assert description.startswith("Bad Request: message is not modified")


async def test_editing_an_unknown_message_is_not_found(api: BotApiClient) -> None:
    assert await api.error("editMessageText", chat_id=ANNA, message_id=99, text="Nieuw") == (
        400,
        "Bad Request: message to edit not found",
    )


async def test_editing_the_reply_markup_keeps_the_text(api: BotApiClient, fake: FakeTelegram) -> None:
    keyboard = inline_keyboard({"text": "Ik help", "callback_data": "help:1"})
    sent = await api.result("sendMessage", chat_id=ANNA, text="Wie helpt?", reply_markup=keyboard)

    edited = await api.result("editMessageReplyMarkup", chat_id=ANNA, message_id=sent["message_id"])

    assert (edited["text"], "reply_markup" in edited) == ("Wie helpt?", False)
    assert fake.sent_texts(ANNA) == ["Wie helpt?"]


async def test_deleting_a_message_forgets_it(api: BotApiClient) -> None:
    sent = await api.result("sendMessage", chat_id=ANNA, text="Oeps")

    assert await api.result("deleteMessage", chat_id=ANNA, message_id=sent["message_id"]) is True
    assert await api.error("deleteMessage", chat_id=ANNA, message_id=sent["message_id"]) == (
        400,
        "Bad Request: message to delete not found",
    )


async def test_commands_are_kept_per_scope_and_language(api: BotApiClient) -> None:
    dutch = [{"command": "hulp", "description": "Vraag hulp"}]
    english = [{"command": "help", "description": "Ask for help"}]
    private = {"type": "all_private_chats"}

    assert await api.result("setMyCommands", commands=dutch, scope=private, language_code="nl") is True
    await api.result("setMyCommands", commands=english, scope=private)

    assert await api.result("getMyCommands", scope=private, language_code="nl") == dutch
    assert await api.result("getMyCommands", scope=private) == english
    assert await api.result("getMyCommands") == []
    await api.result("deleteMyCommands", scope=private, language_code="nl")
    assert await api.result("getMyCommands", scope=private, language_code="nl") == []


async def test_other_known_methods_succeed(api: BotApiClient) -> None:
    assert await api.result("setChatMenuButton", menu_button={"type": "commands"}) is True
    assert await api.result("deleteWebhook") is True
    chat = await api.result("getChat", chat_id=BUURTGROEP)
    assert (chat["id"], chat["type"], chat["accent_color_id"]) == (BUURTGROEP, "group", 0)


async def test_a_command_scope_of_an_unknown_type_is_rejected(api: BotApiClient) -> None:
    status, description = await api.error("setMyCommands", commands=[], scope={"type": "everyone"})

    assert (status, description) == (
        400,
        'Bad Request: can\'t parse scope: field "scope.type" has unsupported value "everyone"',
    )


# -- chats that are closed to the bot ------------------------------------------------------------------


async def test_a_chat_id_of_zero_is_not_found(api: BotApiClient) -> None:
    assert await api.error("sendMessage", chat_id=0, text="Hoi") == (400, "Bad Request: chat not found")


async def test_a_user_who_blocked_the_bot_cannot_be_messaged(api: BotApiClient, fake: FakeTelegram) -> None:
    fake.block(ANNA)
    assert await api.error("sendMessage", chat_id=ANNA, text="Hoi") == (
        403,
        "Forbidden: bot was blocked by the user",
    )

    fake.unblock(ANNA)
    await api.result("sendMessage", chat_id=ANNA, text="Hoi")


async def test_a_user_blocking_the_bot_arrives_as_an_update_and_closes_the_chat(
    api: BotApiClient, fake: FakeTelegram
) -> None:
    update = fake.chat_member_update(ANNA, ANNA, old_status="member", new_status="kicked")

    change = update["my_chat_member"]
    assert (change["old_chat_member"]["status"], change["new_chat_member"]["status"]) == ("member", "kicked")
    assert change["new_chat_member"]["until_date"] == 0
    assert (await api.error("sendMessage", chat_id=ANNA, text="Hoi"))[0] == 403


async def test_a_migrated_group_points_to_its_supergroup(api: BotApiClient, fake: FakeTelegram) -> None:
    supergroup = -1001234567890
    update = fake.migrate_group(BUURTGROEP, supergroup)

    status, body = await api.call("sendMessage", chat_id=BUURTGROEP, text="Hallo")

    assert update["message"]["migrate_to_chat_id"] == supergroup
    assert (status, body) == (
        400,
        {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": {"migrate_to_chat_id": supergroup},
        },
    )
    assert fake.pending_updates[-1]["message"]["migrate_from_chat_id"] == BUURTGROEP
    await api.result("sendMessage", chat_id=supergroup, text="Hallo")


async def test_a_reply_needs_a_message_to_reply_to(api: BotApiClient, fake: FakeTelegram) -> None:
    fake.push_update(
        {"message": {"message_id": 41, "date": 0, "chat": {"id": ANNA, "type": "private"}, "text": "Hoi"}}
    )

    await api.result("sendMessage", chat_id=ANNA, text="Ja?", reply_parameters={"message_id": 41})
    assert await api.error("sendMessage", chat_id=ANNA, text="Ja?", reply_parameters={"message_id": 40}) == (
        400,
        "Bad Request: message to be replied not found",
    )
    await api.result(
        "sendMessage",
        chat_id=ANNA,
        text="Ja?",
        reply_parameters={"message_id": 40, "allow_sending_without_reply": True},
    )


# -- updates -------------------------------------------------------------------------------------------


async def test_a_user_message_is_a_realistic_update(fake: FakeTelegram) -> None:
    update = fake.user_message(ANNA, "/start@buurtbot_test_bot welkom", first_name="Anna")

    message = update["message"]
    assert update["update_id"] == 1
    assert message["from"] == {"id": ANNA, "is_bot": False, "first_name": "Anna", "language_code": "nl"}
    assert message["chat"] == {"id": ANNA, "type": "private", "first_name": "Anna"}
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 24}]
    assert fake.user_message(BRAM, "Hoi", chat_id=BUURTGROEP, chat_type="group")["update_id"] == 2


async def test_users_send_media_with_realistic_payloads(fake: FakeTelegram) -> None:
    sticker = fake.user_sends(ANNA, "sticker", emoji="🌷")["message"]["sticker"]
    voice = fake.user_sends(ANNA, "voice", duration=7)["message"]["voice"]
    photo = fake.user_sends(ANNA, "photo", caption="Lekkage")["message"]
    location = fake.user_sends(ANNA, "location")["message"]["location"]
    document = fake.user_sends(ANNA, "document", file_name="brief.pdf")["message"]["document"]

    assert (sticker["emoji"], sticker["type"]) == ("🌷", "regular")
    assert voice["duration"] == 7
    assert (len(photo["photo"]), photo["caption"]) == (3, "Lekkage")
    assert set(location) == {"latitude", "longitude"}
    assert document["file_name"] == "brief.pdf"
    with pytest.raises(ValueError, match="unknown kind"):
        fake.user_sends(ANNA, "hologram")


async def test_a_callback_belongs_to_the_last_message_the_bot_sent(
    api: BotApiClient, fake: FakeTelegram
) -> None:
    keyboard = inline_keyboard({"text": "Ik help", "callback_data": "help:1"})
    sent = await api.result("sendMessage", chat_id=ANNA, text="Wie helpt?", reply_markup=keyboard)

    query = fake.callback(ANNA, "help:1")["callback_query"]

    assert (query["data"], query["message"], query["from"]["id"]) == ("help:1", sent, ANNA)
    assert await api.result("answerCallbackQuery", callback_query_id=query["id"]) is True
    assert await api.error("answerCallbackQuery", callback_query_id="123") == (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )


async def test_get_updates_returns_pending_updates_until_an_offset_confirms_them(
    api: BotApiClient, fake: FakeTelegram
) -> None:
    for text in ("een", "twee", "drie"):
        fake.user_message(ANNA, text)

    first_two = await api.result("getUpdates", limit=2)
    again = await api.result("getUpdates", offset=first_two[-1]["update_id"] + 1)

    assert [update["message"]["text"] for update in first_two] == ["een", "twee"]
    assert [update["message"]["text"] for update in again] == ["drie"]
    assert [update["update_id"] for update in fake.pending_updates] == [3]
    await api.result("getUpdates", offset=4)
    await fake.wait_until_confirmed()


async def test_a_negative_offset_keeps_only_the_last_updates(api: BotApiClient, fake: FakeTelegram) -> None:
    for text in ("een", "twee", "drie"):
        fake.user_message(ANNA, text)

    updates = await api.result("getUpdates", offset=-1)

    assert [update["update_id"] for update in updates] == [3]
    assert [update["update_id"] for update in fake.pending_updates] == [3]


async def test_allowed_updates_filters_and_is_remembered(api: BotApiClient, fake: FakeTelegram) -> None:
    fake.user_message(ANNA, "Hoi")
    await api.result("sendMessage", chat_id=ANNA, text="Kies")
    fake.callback(ANNA, "ja")

    updates = await api.result("getUpdates", allowed_updates=["callback_query"])
    fake.user_message(ANNA, "Nog een")
    later = await api.result("getUpdates", offset=updates[-1]["update_id"] + 1)

    assert [next(iter(set(update) - {"update_id"})) for update in updates] == ["callback_query"]
    assert later == []


async def test_delete_webhook_can_drop_pending_updates(api: BotApiClient, fake: FakeTelegram) -> None:
    fake.user_message(ANNA, "Oud")

    await api.result("deleteWebhook", drop_pending_updates=True)

    assert fake.pending_updates == []
    assert await api.result("getUpdates") == []


async def test_a_lone_slash_is_not_a_command(fake: FakeTelegram) -> None:
    assert "entities" not in fake.user_message(ANNA, "/ hallo")["message"]


async def test_a_long_poll_with_nothing_pending_answers_empty_after_its_timeout(api: BotApiClient) -> None:
    assert await api.result("getUpdates", timeout=0.05) == []


async def test_a_long_poll_answers_as_soon_as_an_update_arrives(
    api: BotApiClient, fake: FakeTelegram
) -> None:
    poll = asyncio.create_task(api.result("getUpdates", timeout=30))
    await fake.wait_for(lambda: len(fake.requests) == 1)

    fake.user_message(ANNA, "Hoi")

    assert [update["message"]["text"] for update in await poll] == ["Hoi"]


async def test_a_second_get_updates_terminates_the_first_with_a_conflict(
    api: BotApiClient, fake: FakeTelegram
) -> None:
    first = asyncio.create_task(api.call("getUpdates", timeout=30))
    await fake.wait_for(lambda: len(fake.requests) == 1)

    second = asyncio.create_task(api.call("getUpdates", timeout=30))
    status, body = await first
    fake.user_message(ANNA, "Hoi")

    assert (status, body["description"]) == (
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    )
    assert (await second)[1]["result"][0]["message"]["text"] == "Hoi"


async def test_stopping_the_server_releases_a_held_long_poll() -> None:
    async with FakeTelegram() as fake, aiohttp.ClientSession() as session:
        client = BotApiClient(session, fake.base_url)
        poll = asyncio.create_task(client.result("getUpdates", timeout=60))
        await fake.wait_for(lambda: len(fake.requests) == 1)

        await fake.stop()

        assert await poll == []


async def test_wait_for_explains_what_it_was_waiting_for(api: BotApiClient, fake: FakeTelegram) -> None:
    await api.call("sendMessage", chat_id=ANNA, text="Hoi")

    with pytest.raises(
        AssertionError, match=r"(?s)Timed out.*sent_texts.*sendMessage chat_id=1001 'Hoi' -> ok"
    ):
        await fake.wait_for(lambda: fake.sent_texts(ANNA) == ["Doei"], timeout=0.01)


async def test_wait_for_treats_a_missing_message_as_not_yet(api: BotApiClient, fake: FakeTelegram) -> None:
    waiting = asyncio.create_task(fake.wait_for(lambda: fake.last_message(ANNA)["text"] == "Hoi"))
    await api.result("sendMessage", chat_id=ANNA, text="Hoi")

    await waiting


async def test_calls_keeps_up_when_a_test_clears_the_record(api: BotApiClient, fake: FakeTelegram) -> None:
    await api.result("sendMessage", chat_id=ANNA, text="een")
    fake.requests.clear()
    await api.result("sendMessage", chat_id=ANNA, text="twee")

    assert [call.params["text"] for call in fake.calls("sendMessage", chat_id=ANNA)] == ["twee"]


# -- injected faults -----------------------------------------------------------------------------------


async def test_fail_next_answers_with_the_given_error(api: BotApiClient, fake: FakeTelegram) -> None:
    fake.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 5", retry_after=5
    )

    status, body = await api.call("sendMessage", chat_id=ANNA, text="Hoi")
    await api.result("sendMessage", chat_id=ANNA, text="Hoi")

    assert (status, body) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 5",
            "parameters": {"retry_after": 5},
        },
    )


async def test_fail_next_can_target_a_chat_and_repeat(api: BotApiClient, fake: FakeTelegram) -> None:
    fake.fail_next(error_code=500, description="Internal Server Error", chat_id=BRAM, times=2)

    await api.result("sendMessage", chat_id=ANNA, text="Hoi")
    assert (await api.error("sendMessage", chat_id=BRAM, text="Hoi"))[0] == 500
    assert (await api.error("sendChatAction", chat_id=BRAM, action="typing"))[0] == 500
    await api.result("sendMessage", chat_id=BRAM, text="Hoi")


async def test_disconnect_next_drops_the_connection_unanswered(api: BotApiClient, fake: FakeTelegram) -> None:
    fake.disconnect_next("sendMessage")

    with pytest.raises(aiohttp.ClientError):
        await api.call("sendMessage", chat_id=ANNA, text="Hoi")

    assert (fake.requests[0].status, fake.sent_texts(ANNA)) == (0, [])
    await api.result("sendMessage", chat_id=ANNA, text="Hoi")


async def test_delay_next_answers_too_late_for_an_impatient_client(fake: FakeTelegram) -> None:
    fake.delay_next("sendMessage", seconds=30)
    impatient = aiohttp.ClientTimeout(total=0.05)

    async with aiohttp.ClientSession(timeout=impatient) as session:
        with pytest.raises(TimeoutError):
            await BotApiClient(session, fake.base_url).call("sendMessage", chat_id=ANNA, text="Hoi")

    assert fake.sent_texts(ANNA) == ["Hoi"]  # like a slow Telegram: the message did go out


async def test_flood_limit_rejects_sends_beyond_the_limit_per_second(
    api: BotApiClient, fake: FakeTelegram
) -> None:
    fake.flood_limit = 3

    answers = [await api.call("sendMessage", chat_id=ANNA, text=str(n)) for n in range(4)]
    await api.result("getMe")

    assert [status for status, _ in answers] == [200, 200, 200, 429]
    assert answers[3][1]["description"] == "Too Many Requests: retry after 1"
    assert answers[3][1]["parameters"] == {"retry_after": 1}
    assert fake.flood_rejections == 1


@pytest.fixture
def limited(fake: FakeTelegram) -> FakeClock:
    """Telegram's per-chat limits on, judged on a clock the test moves."""
    clock = FakeClock()
    fake.time_source = clock.monotonic
    fake.chat_limits = ChatLimits()
    return clock


async def test_a_private_chat_gets_at_most_one_message_a_second(
    api: BotApiClient, fake: FakeTelegram, limited: FakeClock
) -> None:
    await api.result("sendMessage", chat_id=ANNA, text="1")
    limited.advance(0.4)
    status, body = await api.call("sendMessage", chat_id=ANNA, text="2")
    await api.result("sendMessage", chat_id=BRAM, text="1")  # another chat is not held up
    limited.advance(0.6)
    await api.result("sendMessage", chat_id=ANNA, text="2")

    assert (status, body["parameters"]) == (429, {"retry_after": 1})
    assert body["description"] == "Too Many Requests: retry after 1"
    assert (fake.chat_rejections, fake.flood_rejections) == (1, 0)
    assert fake.sent_texts(ANNA) == ["1", "2"]


async def test_a_group_gets_at_most_twenty_messages_a_minute(
    api: BotApiClient, fake: FakeTelegram, limited: FakeClock
) -> None:
    for n in range(20):
        await api.result("sendMessage", chat_id=BUURTGROEP, text=str(n))
        limited.advance(1.0)
    limited.advance(10.5)  # 30.5 s after the first

    status, body = await api.call("sendMessage", chat_id=BUURTGROEP, text="20")
    limited.advance(29.5)  # the first has left the window
    await api.result("sendMessage", chat_id=BUURTGROEP, text="20")
    crowded = await api.call("sendMessage", chat_id=BUURTGROEP, text="21")

    assert (status, body["parameters"]) == (429, {"retry_after": 30})
    assert crowded[0] == 429 and crowded[1]["parameters"] == {"retry_after": 1}
    assert fake.chat_rejections == 2
    assert len(fake.sent_texts(BUURTGROEP)) == 21


async def test_a_rejected_message_counts_for_no_limit(
    api: BotApiClient, fake: FakeTelegram, limited: FakeClock
) -> None:
    fake.flood_limit = 2
    await api.result("sendMessage", chat_id=ANNA, text="1")
    held = await api.call("sendMessage", chat_id=ANNA, text="2")  # by the chat's limit: not in the flood's
    await api.result("sendMessage", chat_id=BRAM, text="1")
    flooded = await api.call("sendMessage", chat_id=BUURTGROEP, text="1")  # by the flood's: not the group's
    limited.advance(1.0)

    await api.result("sendMessage", chat_id=ANNA, text="2")
    for n in range(20):
        await api.result("sendMessage", chat_id=BUURTGROEP, text=str(n))
        limited.advance(1.0)

    assert (held[0], flooded[0]) == (429, 429)
    assert (fake.chat_rejections, fake.flood_rejections) == (1, 1)


async def test_chat_limits_count_messages_not_chat_actions(
    api: BotApiClient, fake: FakeTelegram, limited: FakeClock
) -> None:
    await api.result("sendChatAction", chat_id=ANNA, action="typing")
    await api.result("sendMessage", chat_id=ANNA, text="Hoi")
    await api.result("sendChatAction", chat_id=ANNA, action="typing")

    assert (await api.call("copyMessage", chat_id=ANNA, from_chat_id=ANNA, message_id=1))[0] == 429


async def test_chat_limits_are_off_by_default(api: BotApiClient, fake: FakeTelegram) -> None:
    for n in range(21):
        await api.result("sendMessage", chat_id=BUURTGROEP, text=str(n))
    await api.result("sendMessage", chat_id=ANNA, text="1")
    await api.result("sendMessage", chat_id=ANNA, text="2")

    assert fake.chat_rejections == 0


async def test_python_telegram_bot_hears_a_chat_limit_as_retry_after(
    fake: FakeTelegram, limited: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # as in the test of injected faults below
    async with telegram.Bot(TOKEN, base_url=f"{fake.base_url}/bot") as bot:
        await bot.send_message(ANNA, "1")
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(ANNA, "2")

    assert retry.value.retry_after == dt.timedelta(seconds=1)


# -- python-telegram-bot talks to it -------------------------------------------------------------------


async def test_python_telegram_bot_works_against_the_fake(fake: FakeTelegram) -> None:
    fake.user_message(ANNA, "/start")
    async with telegram.Bot(TOKEN, base_url=f"{fake.base_url}/bot") as bot:
        me = await bot.get_me()
        updates = await bot.get_updates(timeout=0)
        confirmed = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ik help", callback_data="help:1")]])
        sent = await bot.send_message(
            ANNA, "Hoi <b>Anna</b>", parse_mode=ParseMode.HTML, reply_markup=keyboard
        )

    assert (me.username, me.is_bot) == ("buurtbot_test_bot", True)
    assert updates[0].message is not None
    assert updates[0].message.text == "/start"
    assert confirmed == ()
    assert (sent.text, sent.reply_markup) == ("Hoi Anna", keyboard)
    assert fake.calls("sendMessage")[0].params["reply_markup"] == keyboard.to_dict()


async def test_python_telegram_bot_raises_its_errors_for_the_injected_faults(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22 warns about RetryAfter.retry_after becoming a timedelta unless the new behaviour is chosen.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    fake.block(BRAM)
    fake.migrate_group(BUURTGROEP, -1001234567890)
    fake.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 3", retry_after=3
    )
    async with telegram.Bot(TOKEN, base_url=f"{fake.base_url}/bot") as bot:
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(ANNA, "Hoi")
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await bot.send_message(ANNA, "<b>Hoi", parse_mode=ParseMode.HTML)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(BRAM, "Hoi")
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(BUURTGROEP, "Hoi")
        fake.disconnect_next("sendMessage")
        with pytest.raises(NetworkError):
            await bot.send_message(ANNA, "Hoi")
        fake.delay_next("sendMessage", seconds=30)
        with pytest.raises(TimedOut):
            await bot.send_message(ANNA, "Hoi", read_timeout=0.05)

    assert retry.value.retry_after == dt.timedelta(seconds=3)
    assert migrated.value.new_chat_id == -1001234567890


async def test_a_python_telegram_bot_application_polls_answers_and_edits(fake: FakeTelegram) -> None:
    async def start(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="ja")]])
        await update.message.reply_html("Welkom, <b>buur</b>!", reply_markup=keyboard)

    async def chosen(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Gekozen: ja")

    application = Application.builder().token(TOKEN).base_url(f"{fake.base_url}/bot").build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(chosen))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)

        fake.user_message(ANNA, "/start")
        await fake.wait_for(lambda: fake.sent_texts(ANNA) == ["Welkom, buur!"])
        fake.callback(ANNA, "ja")
        await fake.wait_for(lambda: fake.sent_texts(ANNA) == ["Welkom, buur!", "Gekozen: ja"])
        await fake.wait_until_confirmed()

        await application.updater.stop()
        await application.stop()

    assert fake.calls("answerCallbackQuery")
    assert "reply_markup" not in fake.last_message(ANNA)
