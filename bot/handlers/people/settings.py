"""⚙️ Settings: name, language, buurt, pause; and the way to one's own data."""

from __future__ import annotations

from html import escape

from babel.dates import format_datetime
from telegram import Update

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.people import onboarding, privacy
from bot.handlers.people.language import language_keyboard
from bot.handlers.replies import answer
from bot.services.common.conversations import State
from bot.services.people import membership
from bot.services.people import onboarding as joining
from bot.services.people import settings as member_settings
from bot.services.people.settings import NameOutcome

PREFIX, PAUSE = "set:", "pauze:"
CALLBACK_PATTERN = r"^(set|pauze):"


async def show_settings(update: Update, context: BotContext) -> None:
    """/instellingen and the ⚙️ button."""
    user = update.effective_user
    if user is None:
        return
    async with context.db.begin() as session:
        member = await membership.find(session, user.id)
        paused = member is not None and membership.is_paused(member, context.deps.clock.now())
    if member is None or member.membership == membership.NONE:
        await answer(update, context.t("First choose your buurt: send /start."))
        return
    t = context.t
    pause_button = (
        (t("▶️ Messages again"), f"{PREFIX}hervat") if paused else (t("⏸️ Pause messages"), f"{PREFIX}pauze")
    )
    rows = [
        [(t("👤 My name"), f"{PREFIX}naam"), (t("🌐 Language"), f"{PREFIX}taal")],
        [(t("🏠 Move to another buurt"), f"{PREFIX}buurt")],
        [pause_button],
        [(t("📄 My data"), f"{PREFIX}data"), (t("🗑️ Forget me"), f"{PREFIX}vergeet")],
    ]
    await answer(update, t("⚙️ Settings. What do you want to change?"), keyboards.buttons(rows))


async def on_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    try:
        await _choice(update, context, query.data, user.id)
    except membership.UnknownMember:  # a button from before /vergeetmij
        await answer(update, context.t("First choose your buurt: send /start."))


async def _choice(update: Update, context: BotContext, choice: str, user_id: int) -> None:
    now = context.deps.clock.now()
    if choice == f"{PREFIX}naam":
        async with context.unit_of_work() as session:
            await member_settings.ask_name(session, user_id, now=now)
        await answer(update, context.t("Type the name your neighbours may see."))
    elif choice == f"{PREFIX}taal":
        await answer(update, context.t("Which language do you want? Tap a button."), language_keyboard())
    elif choice == f"{PREFIX}buurt":
        ctx = joining.Context(user_id, now, context.deps.settings.admin_ids)
        async with context.unit_of_work() as session:
            step = await joining.begin(session, ctx, code=None, moving=True)
        await onboarding.show(update, context, step)
    elif choice == f"{PREFIX}pauze":
        await ask_pause(update, context)
    elif choice == f"{PREFIX}hervat":
        await resume(update, context)
    elif choice == f"{PREFIX}data":
        await privacy.send_export(update, context)
    elif choice == f"{PREFIX}vergeet":
        await privacy.ask_to_forget(update, context)
    elif choice.startswith(PAUSE) and choice.removeprefix(PAUSE) in member_settings.PAUSES:
        await _pause(update, context, choice.removeprefix(PAUSE))
    else:
        await answer(update, context.t("That button no longer works. Send /instellingen to start again."))


async def ask_pause(update: Update, context: BotContext) -> None:
    """/pauze: how long a break from messages."""
    t = context.t
    rows = [
        [(t("1 day"), f"{PAUSE}dag"), (t("1 week"), f"{PAUSE}week")],
        [(t("Until I say so"), f"{PAUSE}altijd")],
    ]
    await answer(update, t("How long do you want a break from messages?"), keyboards.buttons(rows))


async def _pause(update: Update, context: BotContext, choice: str) -> None:
    assert update.effective_user is not None
    try:
        async with context.unit_of_work() as session:
            until = await member_settings.pause_for(
                session, update.effective_user.id, choice, now=context.deps.clock.now()
            )
    except membership.UnknownMember:
        await answer(update, context.t("First choose your buurt: send /start."))
        return
    if until is None:
        text = context.t("Okay. You get no messages until you send /hervat.")
    else:
        when = format_datetime(
            until, "EEEE d MMMM, HH:mm", tzinfo=context.deps.settings.zone, locale=context.language or "nl"
        )
        text = context.t("Okay. You get no messages until {when}. Send /hervat to start earlier.").format(
            when=when
        )
    await answer(update, text)


async def resume(update: Update, context: BotContext) -> None:
    """/hervat: messages again."""
    if update.effective_user is None:
        return
    try:
        async with context.unit_of_work() as session:
            was_paused = await membership.resume(session, update.effective_user.id)
    except membership.UnknownMember:
        await answer(update, context.t("First choose your buurt: send /start."))
        return
    text = (
        context.t("Welcome back! You get messages again.")
        if was_paused
        else context.t("You were not on a break. You get messages as usual.")
    )
    await answer(update, text)


async def show_name_outcome(update: Update, context: BotContext, outcome: NameOutcome) -> None:
    if outcome.name is None:
        await answer(update, onboarding.name_problem(context.t, outcome.problem))
        return
    await answer(
        update, context.t("Done! Your neighbours now see you as {name}.").format(name=escape(outcome.name))
    )


async def typed(update: Update, context: BotContext, state: State, text: str) -> None:
    """A new name neighbours see, typed after 'Change name'."""
    assert update.effective_user is not None
    async with context.unit_of_work() as session:
        outcome = await member_settings.name_typed(
            session, update.effective_user.id, text, now=context.deps.clock.now()
        )
    await show_name_outcome(update, context, outcome)
