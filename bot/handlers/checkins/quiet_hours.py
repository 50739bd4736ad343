"""Quiet hours: when check-ins and their ladder never send anything, asked and typed as "21:00-09:00"."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers.checkins.common import no_plan
from bot.handlers.replies import answer
from bot.services.checkins import plans, questions, schedule
from bot.services.checkins.schedule import clock_text


async def ask(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    async with context.unit_of_work() as session:
        await questions.ask_quiet_hours(session, update.effective_user.id, now=context.deps.clock.now())
    await answer(update, context.t("Type your quiet hours, for example 21:00-09:00."))


async def typed(update: Update, context: BotContext, text: str) -> None:
    assert update.effective_user is not None
    t = context.t
    hours = schedule.parse_quiet_hours(text)
    if hours is None:
        await answer(update, t("I did not understand that. Please type it like 21:00-09:00."))
        return
    try:
        async with context.unit_of_work() as session:
            await questions.quiet_hours_given(
                session,
                update.effective_user.id,
                *hours,
                now=context.deps.clock.now(),
                zone=context.deps.settings.zone,
            )
    except plans.InQuietHours:
        await answer(
            update, t("Then your check-in time would fall in your quiet hours. Please type other hours.")
        )
        return
    except plans.NoPlan:
        await no_plan(update, context)
        return
    await answer(
        update,
        t("Done. Nothing is sent between {start} and {end}.").format(
            start=clock_text(hours[0]), end=clock_text(hours[1])
        ),
    )
