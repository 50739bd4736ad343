"""How often and when: the question that starts check-ins, around what time (or an exact one), and
the waiting times of the ladder."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.db.enums import Frequency
from bot.handlers import keyboards
from bot.handlers.checkins.common import FREQUENCY_LABELS, no_longer_works, no_plan, when
from bot.handlers.replies import answer
from bot.i18n import N_
from bot.services.checkins import buttons, contacts, plans, questions, schedule
from bot.services.checkins.buttons import Kind, Setting
from bot.services.checkins.schedule import clock_text
from bot.services.common.conversations import State
from bot.services.people import membership

CALLBACK_PATTERN = buttons.pattern(Kind.FREQUENCY, Kind.TIME, Kind.LADDER)

SLOT_LABELS = {
    "morning": N_("🌅 Morning (10:00)"),
    "midday": N_("☀️ Midday (12:30)"),
    "afternoon": N_("🌤️ Afternoon (15:00)"),
    "evening": N_("🌙 Evening (19:00)"),
    schedule.EXACT: N_("🕐 An exact time"),
}


async def ask_frequency(
    update: Update, context: BotContext, extra: list[list[tuple[str, str]]] | None = None
) -> None:
    t = context.t
    rows = [[(t(label), buttons.frequency(frequency))] for frequency, label in FREQUENCY_LABELS.items()]
    await answer(
        update,
        t(
            "Would you like a short message now and then, to ask how you are?\n"
            "If you do not answer, we ask a neighbour you chose to look in on you.\n\n"
            "How often?"
        ),
        keyboards.buttons([*rows, *(extra or [])]),
    )


async def ask_ladder(update: Update, context: BotContext) -> None:
    t = context.t
    rows = [
        [(t("Standard: 1, 3 and 6 hours"), buttons.ladder("standard"))],
        [(t("Sooner: ½, 2 and 4 hours"), buttons.ladder("shorter"))],
        [(t("Later: 2, 4 and 8 hours"), buttons.ladder("longer"))],
    ]
    await answer(
        update,
        t(
            "When you do not answer, I send a reminder, then I ask your first contact, "
            "then the next one or the coordinators. After how long?"
        ),
        keyboards.buttons(rows),
    )


async def on_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    data = query.data
    if (frequency := buttons.parse_frequency(data)) is not None:
        t = context.t
        rows = [[(t(label), buttons.time(frequency, slot))] for slot, label in SLOT_LABELS.items()]
        await answer(update, t("Around what time?"), keyboards.buttons(rows))
    elif (time := buttons.parse_time(data)) is not None:
        await _time_chosen(update, context, *time)
    elif (ladder := buttons.parse_ladder(data)) is not None:
        try:
            async with context.unit_of_work() as session:
                await plans.set_ladder(session, user.id, ladder)
        except plans.NoPlan:
            await no_plan(update, context)
            return
        await answer(update, context.t("Done. The new waiting times count from the next check-in."))
    else:
        await no_longer_works(update, context)


async def _time_chosen(update: Update, context: BotContext, frequency: Frequency, slot: str) -> None:
    assert update.effective_user is not None
    if slot == schedule.EXACT:
        async with context.unit_of_work() as session:
            await questions.ask_exact_time(
                session, update.effective_user.id, frequency, now=context.deps.clock.now()
            )
        await answer(update, context.t("Type the time, for example 10:30."))
        return
    await _start(update, context, frequency, plans.slot_for(slot))


async def exact_time_typed(update: Update, context: BotContext, state: State, text: str) -> None:
    minute = schedule.parse_clock_time(text)
    if minute is None:
        await answer(update, context.t("I did not understand that time. Please type it like 10:30."))
        return
    frequency = questions.frequency_asked(state)
    await _start(update, context, frequency, plans.slot_for(schedule.EXACT, minute))


async def _start(update: Update, context: BotContext, frequency: Frequency, slot: schedule.Slot) -> None:
    assert update.effective_user is not None
    t = context.t
    try:
        async with context.unit_of_work() as session:
            plan = await questions.time_given(
                session,
                update.effective_user.id,
                frequency=frequency,
                slot=slot,
                now=context.deps.clock.now(),
                zone=context.deps.settings.zone,
            )
            has_contacts = bool(await contacts.contacts_of(session, update.effective_user.id))
    except membership.NotAMember:
        await answer(update, t("First choose your buurt: send /start."))
        return
    except plans.InQuietHours:
        await answer(
            update, t("That time is in your quiet hours. Please type another time, for example 10:30.")
        )
        return
    text = t(
        "Done! 💚 Your first check-in comes {when}.\n"
        "I never send anything between {start} and {end}. You can stop at any time with /checkin."
    ).format(
        when=when(context, plan.next_due_at),
        start=clock_text(plan.quiet_start_minute),
        end=clock_text(plan.quiet_end_minute),
    )
    if has_contacts:
        await answer(update, text)
        return
    text += "\n\n" + t("Would you like to choose a neighbour who looks in on you when you do not answer?")
    await answer(
        update, text, keyboards.buttons([[(t("🤝 Choose a contact"), buttons.setting(Setting.ADD))]])
    )
