"""Answers to check-ins: the member's mood, a yes to being contacted, and contacts who go to look."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.checkins import settings as checkin_settings
from bot.handlers.help import requests as asking
from bot.handlers.replies import answer, popup
from bot.ids import parse_id
from bot.services.checkins import contacts, ladder, messages

CALLBACK_PATTERN = r"^ci:[mrckih]:"


def _parts(data: str, prefix: str) -> tuple[int, str] | None:
    """'<prefix><id>:<choice>' → (id, choice); None for anything else (an old or forged button)."""
    number_text, _, choice = data.removeprefix(prefix).partition(":")
    number = parse_id(number_text)
    return None if number is None else (number, choice)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    data = query.data
    if data.startswith(messages.INVITED):
        await _invited(update, context, data.removeprefix(messages.INVITED) == "y")
        return
    for prefix, act in (
        (messages.MOOD, _mood),
        (messages.REACH, _reach),
        (messages.LOOK, _look),
        (messages.ACCEPT, _accept),
        (messages.ASK_BUURT, _ask_buurt),
    ):
        parts = _parts(data, prefix) if data.startswith(prefix) else None
        if parts is not None:
            await act(update, context, *parts)
            return
    await _passed(update, context)


async def _passed(update: Update, context: BotContext) -> None:
    await _kindly(
        update, context.t("This check-in has passed. Nothing changed. You will get a new one soon. 🌷")
    )


async def _kindly(update: Update, text: str) -> None:
    """An old or forged button: a small note on the screen; the message and everything else stay."""
    if update.callback_query is not None:
        await popup(update, text)


async def _mood(update: Update, context: BotContext, checkin_id: int, code: str) -> None:
    assert update.effective_user is not None
    t = context.t
    mood = messages.MOOD_CODES.get(code)
    if mood is None:
        await _passed(update, context)
        return
    try:
        async with context.unit_of_work() as session:
            await ladder.answer(
                session, update.effective_user.id, checkin_id, mood, now=context.deps.clock.now()
            )
    except ladder.AlreadyAnswered:
        await _kindly(update, t("You already answered this one. Thank you! 💚"))
        return
    except ladder.StaleButton:
        await _passed(update, context)
        return
    yes_no = keyboards.buttons(
        [
            [
                (t("✅ Yes, please"), f"{messages.REACH}{checkin_id}:y"),
                (t("No, thank you"), f"{messages.REACH}{checkin_id}:n"),
            ]
        ]
    )
    if mood == "good":
        await answer(update, t("Thank you! Nice to hear. 😊 Have a good day."))
    elif mood == "okay":
        # A kind word, and two ways to more: a request to the whole buurt, or a contact who calls.
        offer = keyboards.buttons(
            [
                [(t("🙋 Yes, ask the buurt for help"), f"{messages.ASK_BUURT}{checkin_id}")],
                [(t("💬 Someone may get in touch"), f"{messages.REACH}{checkin_id}:y")],
                [(t("No, thank you"), f"{messages.REACH}{checkin_id}:n")],
            ]
        )
        await answer(
            update,
            t(
                "Thank you for telling me. I hope the day gets a little better. 🌷\n"
                "Can a neighbour help you with something?"
            ),
            offer,
        )
    else:
        await answer(
            update, t("Thank you for telling me. 💚\nMay your contact get in touch with you?"), yes_no
        )


async def _reach(update: Update, context: BotContext, checkin_id: int, choice: str) -> None:
    assert update.effective_user is not None
    t = context.t
    if choice != "y":
        await answer(update, t("Okay. Take care! You can always send /checkin."))
        return
    try:
        async with context.unit_of_work() as session:
            asked = await ladder.reach_out(
                session, update.effective_user.id, checkin_id, now=context.deps.clock.now()
            )
    except ladder.StaleButton:
        await _passed(update, context)
        return
    if asked.names:
        text = t("I asked {names} to get in touch with you. 💚").format(names=escape(", ".join(asked.names)))
    elif asked.coordinators:
        text = t("I asked a coordinator of your buurt to get in touch with you. 💚")
    else:
        text = t("I could not find anyone to ask right now. Send /checkin to choose a contact.")
    await answer(update, text)


async def _ask_buurt(update: Update, context: BotContext, checkin_id: int, choice: str) -> None:
    """From "Gaat wel" into the ordinary request (/vraag), with its own checks (member, limits).

    It starts only the tapper's own request, so an old button works as well as a new one.
    """
    await asking.begin(update, context)


async def _look(update: Update, context: BotContext, checkin_id: int, choice: str) -> None:
    assert update.effective_user is not None
    t = context.t
    try:
        async with context.unit_of_work() as session:
            name = await ladder.contact_responds(
                session,
                update.effective_user.id,
                checkin_id,
                looking=choice == "l",
                now=context.deps.clock.now(),
                zone=context.deps.settings.zone,
            )
    except ladder.AllWell as well:
        await answer(
            update,
            t("{name} has answered meanwhile: all is well. Thank you! 💚").format(name=escape(well.name)),
        )
        return
    except ladder.StaleButton:
        await _kindly(update, t("This question has passed. Nothing changed. Thank you!"))
        return
    if choice == "l":
        await answer(update, t("Thank you for going to look in on {name}! 💚").format(name=escape(name)))
    else:
        await answer(update, t("Okay, thank you for letting me know. I will ask someone else."))


async def _accept(update: Update, context: BotContext, member_id: int, choice: str) -> None:
    assert update.effective_user is not None
    t = context.t
    try:
        async with context.unit_of_work() as session:
            name = await contacts.respond(
                session,
                update.effective_user.id,
                member_id,
                accept=choice == "y",
                now=context.deps.clock.now(),
            )
    except contacts.StaleRequest:
        await _kindly(update, t("This question has passed. Nothing changed. Thank you!"))
        return
    if choice == "y":
        text = t(
            "Thank you! You are now the contact of {name}. If {name} does not answer a check-in, "
            "I ask you to look in on them. You can stop with /checkin."
        )
    else:
        text = t("Okay. I told {name} kindly.")
    await answer(update, text.format(name=escape(name)))


async def _invited(update: Update, context: BotContext, yes: bool) -> None:
    if yes:
        await checkin_settings.ask_frequency(update, context)
    else:
        await answer(update, context.t("Okay, no check-ins. You can always start with /checkin."))
