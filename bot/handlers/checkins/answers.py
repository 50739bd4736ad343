"""Answers to a check-in: the member's mood, a yes to being contacted, and contacts who go to look."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import BotContext
from bot.db.enums import Mood
from bot.handlers import keyboards
from bot.handlers.checkins.common import kindly, passed
from bot.handlers.help import requests as asking
from bot.handlers.replies import answer
from bot.services.checkins import answers, buttons
from bot.services.checkins.buttons import Kind

CALLBACK_PATTERN = buttons.pattern(Kind.MOOD, Kind.REACH, Kind.LOOK, Kind.ASK_BUURT)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    data = query.data
    if (mood := buttons.parse_mood(data)) is not None:
        await _mood(update, context, *mood)
    elif (reach := buttons.parse_reach(data)) is not None:
        await _reach(update, context, *reach)
    elif (look := buttons.parse_look(data)) is not None:
        await _look(update, context, *look)
    elif buttons.parse_ask_buurt(data) is not None:
        # From "Gaat wel" into the ordinary request (/vraag), with its own checks (member, limits).
        # It starts only the tapper's own request, so an old button works as well as a new one.
        await asking.begin(update, context)
    else:
        await passed(update, context)


async def _mood(update: Update, context: BotContext, checkin_id: int, mood: Mood) -> None:
    assert update.effective_user is not None
    t = context.t
    try:
        async with context.unit_of_work() as session:
            await answers.answer(
                session, update.effective_user.id, checkin_id, mood, now=context.deps.clock.now()
            )
    except answers.AlreadyAnswered:
        await kindly(update, t("You already answered this one. Thank you! 💚"))
        return
    except answers.StaleButton:
        await passed(update, context)
        return
    yes_no = keyboards.buttons(
        [
            [
                (t("✅ Yes, please"), buttons.reach(checkin_id, yes=True)),
                (t("No, thank you"), buttons.reach(checkin_id, yes=False)),
            ]
        ]
    )
    if mood == Mood.GOOD:
        await answer(update, t("Thank you! Nice to hear. 😊 Have a good day."))
    elif mood == Mood.OKAY:
        # A kind word, and two ways to more: a request to the whole buurt, or a contact who calls.
        offer = keyboards.buttons(
            [
                [(t("🙋 Yes, ask the buurt for help"), buttons.ask_buurt(checkin_id))],
                [(t("💬 Someone may get in touch"), buttons.reach(checkin_id, yes=True))],
                [(t("No, thank you"), buttons.reach(checkin_id, yes=False))],
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


async def _reach(update: Update, context: BotContext, checkin_id: int, yes: bool) -> None:
    assert update.effective_user is not None
    t = context.t
    if not yes:
        await answer(update, t("Okay. Take care! You can always send /checkin."))
        return
    try:
        async with context.unit_of_work() as session:
            asked = await answers.reach_out(
                session, update.effective_user.id, checkin_id, now=context.deps.clock.now()
            )
    except answers.StaleButton:
        await passed(update, context)
        return
    if asked.names:
        text = t("I asked {names} to get in touch with you. 💚").format(names=escape(", ".join(asked.names)))
    elif asked.coordinators:
        text = t("I asked a coordinator of your buurt to get in touch with you. 💚")
    else:
        text = t("I could not find anyone to ask right now. Send /checkin to choose a contact.")
    await answer(update, text)


async def _look(update: Update, context: BotContext, checkin_id: int, looking: bool) -> None:
    assert update.effective_user is not None
    t = context.t
    try:
        async with context.unit_of_work() as session:
            name = await answers.contact_responds(
                session,
                update.effective_user.id,
                checkin_id,
                looking=looking,
                now=context.deps.clock.now(),
                zone=context.deps.settings.zone,
            )
    except answers.AllWell as well:
        await answer(
            update,
            t("{name} has answered meanwhile: all is well. Thank you! 💚").format(name=escape(well.name)),
        )
        return
    except answers.StaleButton:
        await kindly(update, t("This question has passed. Nothing changed. Thank you!"))
        return
    if looking:
        await answer(update, t("Thank you for going to look in on {name}! 💚").format(name=escape(name)))
    else:
        await answer(update, t("Okay, thank you for letting me know. I will ask someone else."))
