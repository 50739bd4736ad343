"""The first conversation: greeting, help, language, and kind answers to everything else."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.db.models import Member
from bot.runtime import Runtime
from tests.buttons import sealed
from tests.conversation import People
from tests.fakes.telegram_server import FakeTelegram

pytestmark = pytest.mark.usefixtures("buurtbot")


async def member_languages(runtime: Runtime) -> dict[int, str]:
    async with runtime.db.begin() as session:
        return {m.telegram_user_id: m.language for m in (await session.scalars(select(Member))).all()}


async def test_start_greets_in_dutch_and_registers(people: People, buurtbot: Runtime) -> None:
    anna = people("Anna", language_code="nl")
    answer = await anna.sends("/start")
    assert "Hallo Anna!" in answer
    assert "Wat is je postcode?" in answer
    assert await member_languages(buurtbot) == {anna.user_id: "nl"}


async def test_start_greets_in_english_when_telegram_speaks_english(
    people: People, buurtbot: Runtime
) -> None:
    john = people("John", language_code="en-GB")
    assert "Hello John!" in await john.sends("/start")
    assert await member_languages(buurtbot) == {john.user_id: "en"}


async def test_a_language_we_do_not_have_falls_back_to_dutch(people: People) -> None:
    hans = people("Hans", language_code="de")
    assert "Hallo Hans!" in await hans.sends("/start")


async def test_a_second_start_asks_again_without_registering_twice(people: People, buurtbot: Runtime) -> None:
    anna = people("Anna")
    await anna.sends("/start")
    assert "Wat is je postcode?" in await anna.sends("/start")
    assert len(await member_languages(buurtbot)) == 1


async def test_a_name_with_html_in_it_is_shown_as_written(people: People) -> None:
    tricky = people("<b>Bob</b> & co")
    assert "Hallo <b>Bob</b> & co!" in await tricky.sends("/start")


async def test_help_says_what_the_bot_can_do(people: People) -> None:
    answer = await people("Anna").sends("/help")
    assert "/start" in answer and "/taal" in answer


async def test_taal_switches_to_english_and_stays_english(people: People, buurtbot: Runtime) -> None:
    anna = people("Anna")
    await anna.sends("/start")
    assert "Welke taal wil je?" in await anna.sends("/taal")
    assert [text for text, _ in anna.buttons()] == [
        "🇳🇱 Nederlands",
        "🇬🇧 English",
        "🇹🇷 Türkçe",
        "🇲🇦 العربية",
        "🇵🇱 Polski",
        "🇺🇦 Українська",
    ]

    assert "From now on I speak English" in await anna.taps("English")
    assert "This is what I can do" in await anna.sends("/help")
    assert await member_languages(buurtbot) == {anna.user_id: "en"}


async def test_a_message_right_after_choosing_a_language_is_answered_in_that_language(
    people: People, buurtbot: Runtime, telegram: FakeTelegram
) -> None:
    """Tap and message arrive together, so the dispatcher takes them in one batch."""
    anna = people("Anna")
    await anna.sends("/start")
    await anna.sends("/taal")
    english = next(data for text, data in anna.buttons() if "English" in text)

    telegram.callback(anna.user_id, sealed(anna.user_id, english), language_code="nl", first_name="Anna")
    telegram.user_message(anna.user_id, "/help", language_code="nl", first_name="Anna")

    await telegram.wait_for(lambda: any("This is what I can do" in text for text in anna.texts))
    assert not any("Dit kan ik" in text for text in anna.texts)


async def test_an_english_speaker_can_choose_dutch(people: People) -> None:
    john = people("John", language_code="en")
    await john.sends("/taal")
    assert "Vanaf nu praat ik Nederlands" in await john.taps("Nederlands")


async def test_a_forged_language_button_changes_nothing(people: People, buurtbot: Runtime) -> None:
    anna = people("Anna")
    await anna.sends("/start")
    await anna.sends("/taal")
    assert "werkt niet meer" in await anna.taps_data("taal:xx")
    assert await member_languages(buurtbot) == {anna.user_id: "nl"}


async def test_a_made_up_or_moved_button_changes_nothing(people: People, buurtbot: Runtime) -> None:
    anna, bram = people("Anna"), people("Bram")
    await anna.sends("/start")
    await bram.sends("/start")
    await anna.sends("/taal")
    assert "werkt niet meer" in await anna.forges("taal:en")  # never sent by the bot
    assert "werkt niet meer" in await bram.forges(sealed(anna.user_id, "taal:en"))  # Anna's, tapped by Bram
    assert await member_languages(buurtbot) == {anna.user_id: "nl", bram.user_id: "nl"}
    assert "Vanaf nu praat ik Nederlands" in await anna.taps("Nederlands")


async def test_an_unknown_button_gets_a_kind_popup(people: People) -> None:
    anna = people("Anna")
    await anna.sends("/help")
    assert "werkt niet meer" in await anna.taps_data("iets-ouds:42")


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location"])
async def test_things_the_bot_does_not_understand_get_a_pointer_to_help(people: People, kind: str) -> None:
    assert "/help" in await people("Anna").sends_a(kind)


@pytest.mark.parametrize("text", ["hallo?", "/onbekend", "   "])
async def test_texts_and_unknown_commands_get_a_pointer_to_help(people: People, text: str) -> None:
    assert "Sorry, dat begreep ik niet" in await people("Anna").sends(text)


async def test_in_a_group_ordinary_chatter_is_left_alone(telegram: FakeTelegram, people: People) -> None:
    telegram.user_message(2001, "Wie komt er morgen koffie drinken?", chat_id=-500, chat_type="group")
    anna = people("Anna")
    await anna.sends("/help")  # handled after the group message: the bot has seen it by now
    assert telegram.calls("sendMessage", chat_id=-500) == []


async def test_a_failing_handler_gets_a_kind_apology_and_the_bot_keeps_running(
    telegram: FakeTelegram, people: People, caplog: pytest.LogCaptureFixture
) -> None:
    anna = people("Anna")
    telegram.fail_next(
        "sendMessage", error_code=400, description="Bad Request: something odd", chat_id=anna.user_id
    )
    with caplog.at_level(logging.ERROR, logger="bot.handlers"):
        assert "er ging bij ons iets mis" in await anna.sends("Mijn adres is Dorpsstraat 1")
    assert "/start" in await anna.sends("/help")

    failure = next(r for r in caplog.records if r.name == "bot.handlers")
    assert "update" in failure.getMessage()
    assert "Dorpsstraat" not in caplog.text


async def test_commands_are_published_in_every_language(telegram: FakeTelegram) -> None:
    published = {
        call.params.get("language_code"): {c["command"]: c["description"] for c in call.params["commands"]}
        for call in telegram.calls("setMyCommands")
    }
    assert published["nl"]["taal"] == "Kies je taal"
    assert published["en"]["taal"] == "Choose your language"
    assert set(published["nl"]) >= {
        "start",
        "help",
        "menu",
        "instellingen",
        "mijngegevens",
        "vergeetmij",
        "stop",
    }
    assert published[None] == published["nl"]


async def test_one_persons_messages_are_answered_in_order(telegram: FakeTelegram, people: People) -> None:
    anna = people("Anna")
    for text in ("/help", "/taal", "/start", "hoi"):
        telegram.user_message(anna.user_id, text, language_code="nl")
    await telegram.wait_for(lambda: len(telegram.calls("sendMessage", chat_id=anna.user_id)) == 4)
    texts = telegram.sent_texts(anna.user_id)
    assert texts[0].startswith("Dit kan ik nu")
    assert texts[1].startswith("Welke taal")
    assert texts[2].startswith("Hallo Anna")
    assert texts[3].startswith("Ik ken die postcode niet")  # the answer to /start's question
