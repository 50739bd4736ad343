"""Taps the bot cannot answer by editing the tapped message: a message it can no longer see (Telegram sends
only its chat, id and date 0), one without buttons left, one in inline mode. An answer, never an apology."""

from __future__ import annotations

from bot.runtime import Runtime
from tests import hostile
from tests.buttons import sealed
from tests.conversation import People
from tests.fakes.telegram_server import FakeTelegram
from tests.neighbours import a_buurt, coordinator, resident


async def test_a_tap_under_a_message_the_bot_can_no_longer_see_is_answered_in_a_new_one(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = await resident(buurtbot, people("Anna"), await a_buurt(buurtbot))
    await anna.sends("/help")
    gone = {"chat": {"id": anna.user_id, "type": "private", "first_name": "Anna"}, "message_id": 1, "date": 0}
    for data, answer in (
        ("hv:lijst:0", "Er zijn nu geen open hulpvragen in je buurt."),
        ("taal:xx", "Die knop werkt niet meer. Kies nog een keer."),
        ("taal:en", "Done! From now on I speak English with you."),
    ):
        telegram.callback(anna.user_id, sealed(anna.user_id, data), message=gone, first_name="Anna")
        await anna.hears(answer)
    assert not telegram.calls("editMessageText", ok=None)
    assert hostile.apologies(telegram) == 0


async def test_a_tap_under_an_inline_message_gets_a_pop_up_and_changes_nothing(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    """We send nothing in inline mode, so such a tap is forged: without a chat it has no seal of ours and
    reaches no handler (the figures and the poster were an AssertionError)."""
    carla = await coordinator(buurtbot, await resident(buurtbot, people("Carla"), await a_buurt(buurtbot)))
    user = {"id": carla.user_id, "is_bot": False, "first_name": "Carla", "language_code": "nl"}
    with hostile.watching() as trouble:
        for number, data in enumerate(("adm:stat:p:week:1", "inv:m:1:1:week", "hv:lijst:0")):
            query = {"id": f"48293010009990{number}", "from": user, "data": data}
            query |= {"inline_message_id": "AgAAAHl0AAA1001", "chat_instance": "-4071163930462180000"}
            telegram.push_update({"callback_query": query})
        await telegram.wait_for(lambda: len(telegram.calls("answerCallbackQuery")) == 3)
    assert {call.params.get("text") for call in telegram.calls("answerCallbackQuery")} == {
        "Deze knop werkt niet meer. Stuur /help om te zien wat ik kan doen."
    }
    assert not trouble.records


async def test_a_tap_that_closes_a_question_under_a_message_without_buttons_is_answered(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    """The second tap of a double tap, or a forged one: there are no buttons left to take away."""
    transvaal = await a_buurt(buurtbot, "Transvaal", "2571")
    schilderswijk = await a_buurt(buurtbot, "Schilderswijk", "2571")
    anna = await resident(buurtbot, people("Anna"), transvaal)
    await anna.sends("/verhuizen")
    assert "In welke buurt woon je?" in await anna.sends("2571")
    await anna.sends("/help")  # the bot's last message has no buttons
    assert "Welkom in Schilderswijk, Anna!" in await anna.taps_data(f"ob:buurt:{schilderswijk}")
    assert hostile.apologies(telegram) == 0
