"""A break from check-ins, starting again, and stopping them (contacts stay, in case one starts again)."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.checkins.common import no_longer_works, no_plan, when
from bot.handlers.replies import answer
from bot.services.checkins import buttons, plans
from bot.services.checkins.buttons import Kind

CALLBACK_PATTERN = buttons.pattern(Kind.PAUSE)


async def ask(update: Update, context: BotContext) -> None:
    t = context.t
    rows = [
        [
            (t("1 week"), buttons.pause("week")),
            (t("2 weeks"), buttons.pause("twee")),
            (t("4 weeks"), buttons.pause("maand")),
        ]
    ]
    await answer(update, t("How long do you want no check-ins?"), keyboards.buttons(rows))


async def on_button(update: Update, context: BotContext) -> None:
    """How long a pause: no check-ins until then, and an open one stops asking anyone."""
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    choice = buttons.parse_pause(query.data)
    if choice is None:
        await no_longer_works(update, context)
        return
    try:
        async with context.unit_of_work() as session:
            until = await plans.pause(session, user.id, choice, now=context.deps.clock.now())
    except plans.NoPlan:
        await no_plan(update, context)
        return
    await answer(
        update, context.t("Okay. No check-ins until {when}. Enjoy! 🌴").format(when=when(context, until))
    )


async def resume(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    try:
        async with context.unit_of_work() as session:
            await plans.resume(session, update.effective_user.id)
    except plans.NoPlan:
        await no_plan(update, context)
        return
    await answer(update, context.t("Welcome back! The check-ins start again."))


async def stop(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    async with context.unit_of_work() as session:
        await plans.stop(session, update.effective_user.id)
    await answer(update, context.t("Okay, no more check-ins. You can start again any time with /checkin."))
