"""Every tap gets exactly one answer, whatever the button and whatever became of the tapped message."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from telegram.ext import CallbackQueryHandler

from bot.runtime import Runtime
from tests.buttons import sealed
from tests.conversation import People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.neighbours import a_buurt, asks_for_help, coordinator, helper, latest_request, resident

BOT = Path(__file__).resolve().parents[2] / "bot"
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
APOLOGY = "er ging bij ons iets mis"

# One or more taps on every kind of button the bot registers, as a member of the buurt who is not its
# coordinator. Fields: the buurt, an open request, a made-up id.
EXAMPLES = [
    "adm:akt:b:{buurt}",
    "adm:kom:ja:{gone}",
    "buurt:lijst",
    "buurt:b:{buurt}",
    "pg:1:inv:b:",
    "inv:b:{buurt}",
    "adm:leden:{buurt}",
    "adm:stat:b:{buurt}",
    "adm:exp:p:year:{buurt}",
    "lid:ja:{gone}",
    "vr:namens:{buurt}",
    "vr:onzin",
    "omr:ja",
    "ci:m:{gone}:g",
    "ci:r:{gone}:y",
    "ci:c:{gone}:l",
    "ci:k:{gone}:y",
    "ci:i:n",
    "ci:h:{gone}",
    "ci:f:daily",
    "ci:t:morning",
    "ci:s:frequency",
    "ci:l:{gone}",
    "ci:p:week",
    "ci:x:{gone}",
    "ci:d:{gone}",
    "adm:dg:b:{buurt}",
    "adm:dg:m:0:600:{buurt}",
    "wb:aan",
    "wb:uit",
    "grp:k:{buurt}",
    "hv:ja:{request}",
    "hv:nee:{request}",
    "hv:lijst:0",
    "hv:klaar:{request}",
    "hv:publiek:ja:{gone}",
    "hv:re:{gone}",
    "hv:meld:{gone}",
    "hv:onzin:1",
    "taal:en",
    "taal:xx",
    "mod:negeer:{gone}",
    "ab:start",
    "ab:later",
    "ob:ja",
    "ob:buurt:{buurt}",
    "vergeet:nee",
    "set:taal",
    "set:onzin",
    "pauze:dag",
    "iets-ouds:42",
]


def registered_patterns(runtime: Runtime) -> list[re.Pattern[str]]:
    return [
        handler.pattern
        for handlers in runtime.application.handlers.values()
        for handler in handlers
        if isinstance(handler, CallbackQueryHandler) and isinstance(handler.pattern, re.Pattern)
    ]


async def test_every_kind_of_button_gets_exactly_one_answer(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    buurt = await a_buurt(buurtbot)
    anna, bram, carla = people("Anna"), people("Bram"), people("Carla")
    await resident(buurtbot, anna, buurt)
    await helper(buurtbot, bram, buurt)
    await coordinator(buurtbot, await resident(buurtbot, carla, buurt))
    await asks_for_help(anna)
    fields = {"buurt": buurt, "request": (await latest_request(buurtbot)).id, "gone": 987_654}
    examples = [example.format(**fields) for example in EXAMPLES]
    uncovered = [p.pattern for p in registered_patterns(buurtbot) if not any(p.match(e) for e in examples)]
    assert uncovered == ["^!$"], f"no example tap for {uncovered}"  # "!" only comes from a forgery below

    for data in examples:
        await anna.sends("/taal")  # a message of the bot's with buttons to tap under
        for answer in (await anna.taps_data(data), await anna.forges(data)):  # and the same, made up
            assert APOLOGY not in answer, f"{data}: {answer}"


def only_replies_answers(path: Path) -> list[str]:
    """Calls in `path` that answer a callback query themselves (`query.answer()`, answer_callback_query)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        target = ast.unparse(node.func.value)
        if node.func.attr == "answer_callback_query" or (
            node.func.attr == "answer" and target.endswith(("query", "callback_query"))
        ):
            found.append(f"{path.relative_to(BOT.parent)}:{node.lineno} {ast.unparse(node.func)}")
    return found


def test_no_handler_answers_a_tap_but_through_replies() -> None:
    allowed = {BOT / "handlers" / "replies.py", BOT / "delivery" / "app_bot.py"}
    offending = [
        hit for path in sorted(BOT.rglob("*.py")) if path not in allowed for hit in only_replies_answers(path)
    ]
    assert offending == []


async def a_question_for_a_helper(runtime: Runtime, people: People) -> tuple[Person, Person]:
    """Anna asked for groceries; Bram, a helper, got the question with 'Ik help'."""
    buurt = await a_buurt(runtime)
    anna, bram = people("Anna"), people("Bram")
    await resident(runtime, anna, buurt)
    await helper(runtime, bram, buurt)
    await asks_for_help(anna)
    await bram.telegram.wait_for(lambda: any("Ik help" in label for label, _ in bram.buttons()))
    return anna, bram


async def test_a_tap_on_a_message_telegram_no_longer_shows_gets_a_new_message(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    _, bram = await a_question_for_a_helper(buurtbot, people)
    help_now = next(data for label, data in bram.buttons() if "Ik help" in label)
    # As Telegram sends a tap on an old message: an InaccessibleMessage, with date 0 and nothing else.
    update = telegram.callback(
        bram.user_id, sealed(bram.user_id, help_now), inaccessible=True, first_name="Bram"
    )
    await buurtbot.dispatcher.handled(update["update_id"])

    assert "Ik vraag Anna of dat goed is" in bram.last_text
    assert telegram.calls("editMessageText", chat_id=bram.user_id) == []
    assert telegram.calls("editMessageCaption", chat_id=bram.user_id) == []
    assert (await latest_request(buurtbot)).status == "offered"


async def test_a_tap_answered_too_late_still_does_what_it_says(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    _, bram = await a_question_for_a_helper(buurtbot, people)
    telegram.fail_next("answerCallbackQuery", error_code=400, description=TOO_OLD)
    assert "Ik vraag Anna of dat goed is" in await bram.taps("Ik help")
    assert (await latest_request(buurtbot)).status == "offered"


async def test_a_pop_up_that_can_no_longer_be_shown_comes_as_a_message(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = people("Anna")
    await anna.sends("/help")
    telegram.fail_next("answerCallbackQuery", error_code=400, description=TOO_OLD)
    assert "werkt niet meer" in await anna.taps_data("iets-ouds:42")
    assert "werkt niet meer" in anna.last_text  # a message, since the pop-up could not be shown


async def test_a_tap_whose_handler_fails_is_answered_once_with_the_apology(
    buurtbot: Runtime, people: People, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    _, bram = await a_question_for_a_helper(buurtbot, people)
    telegram.fail_next("editMessageText", error_code=500, description="Internal Server Error")
    assert APOLOGY in await bram.taps("Ik help")  # the tap was answered before the edit failed
    assert "handling update" in caplog.text


async def test_the_last_step_of_joining_brings_the_menu_after_one_answer(
    people: People, buurtbot: Runtime
) -> None:
    await a_buurt(buurtbot)
    kees = people("Kees")
    await kees.sends("/start")
    await kees.sends("2571")
    await kees.taps("Nederlands")
    await kees.taps("OK")
    # The question's buttons go, and the welcome comes with the menu keyboard: a new message.
    assert "Welkom in Transvaal, Kees!" in await kees.taps("Kees")
    assert kees.keyboard()[0] == ["🙋 Ik zoek hulp", "🤝 Ik wil helpen"]
