"""/checkin and the 💬 button: the question to start, or one's check-ins with a button for each thing to
change (each leads to its screen), and one's own answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from telegram import Update

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.checkins import invites, pausing, quiet_hours, timing
from bot.handlers.checkins.common import FREQUENCY_LABELS, no_longer_works, when
from bot.handlers.checkins.contacts import ask_name, show_looking_after, show_mine
from bot.handlers.replies import answer
from bot.services.checkins import buttons, contacts, plans
from bot.services.checkins.buttons import Kind, Setting
from bot.services.checkins.messages import MOOD_LABELS
from bot.services.checkins.schedule import clock_text
from bot.services.people import membership

CALLBACK_PATTERN = buttons.pattern(Kind.SETTING)


async def show(update: Update, context: BotContext) -> None:
    """/checkin and the 💬 button: the question to start, or one's check-ins and what to change."""
    user = update.effective_user
    if user is None:
        return
    if context.args:  # /checkin <name>: a coordinator invites someone
        await invites.invite(update, context, " ".join(context.args))
        return
    async with context.db.begin() as session:
        member = await membership.find(session, user.id)
        plan = await plans.plan_of(session, user.id)
        mine = await contacts.contacts_of(session, user.id)
        after = await contacts.looking_after(session, user.id)
    t = context.t
    if member is None or member.membership != membership.ACTIVE:
        await answer(update, t("First choose your buurt: send /start."))
        return
    extra = [[(t("🤝 People I look in on"), buttons.setting(Setting.AFTER))]] if after else []
    if plan is None:
        await timing.ask_frequency(update, context, extra)
        return
    how_often = t(FREQUENCY_LABELS[plan.frequency])
    lines = [
        t("💬 Your check-ins: {how_often}, around {time}.").format(
            how_often=how_often.lower(), time=clock_text(plan.at_minute)
        ),
        t("Never between {start} and {end}.").format(
            start=clock_text(plan.quiet_start_minute), end=clock_text(plan.quiet_end_minute)
        ),
        t("Contacts: {names}").format(
            names=", ".join(escape(c.name) + ("" if c.accepted else " (?)") for c in mine) or "-"
        ),
    ]
    if plan.paused_until is not None and plan.paused_until > context.deps.clock.now():
        lines.append(t("Paused until {when}.").format(when=when(context, plan.paused_until)))
        pause = (t("▶️ Start again"), buttons.setting(Setting.RESUME))
    else:
        lines.append(t("Next one: {when}.").format(when=when(context, plan.next_due_at)))
        pause = (t("⏸️ Pause"), buttons.setting(Setting.PAUSE))
    rows = [
        [
            (t("🕐 How often and when"), buttons.setting(Setting.CHANGE)),
            (t("🌙 Quiet hours"), buttons.setting(Setting.QUIET)),
        ],
        [
            (t("🤝 Contacts"), buttons.setting(Setting.CONTACTS)),
            (t("⏱️ Waiting times"), buttons.setting(Setting.LADDER)),
        ],
        [pause, (t("📖 My answers"), buttons.setting(Setting.HISTORY))],
        [(t("🛑 Stop check-ins"), buttons.setting(Setting.STOP))],
        *extra,
    ]
    await answer(update, "\n".join(lines), keyboards.buttons(rows))


async def _history(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    t = context.t
    async with context.db.begin() as session:
        moods = await plans.history(session, update.effective_user.id)
    if not moods:
        await answer(update, t("You have not answered a check-in yet."))
        return
    lines = [
        t("Your answers (I keep them {days} days):").format(days=context.deps.settings.checkin_mood_days)
    ]
    lines += [f"{when(context, m.at)}: {t(MOOD_LABELS[m.mood])}" for m in moods[:30]]
    await answer(update, "\n".join(lines))


_SCREENS: dict[Setting, Callable[[Update, BotContext], Awaitable[None]]] = {
    Setting.CHANGE: timing.ask_frequency,
    Setting.QUIET: quiet_hours.ask,
    Setting.ADD: ask_name,
    Setting.CONTACTS: show_mine,
    Setting.LADDER: timing.ask_ladder,
    Setting.PAUSE: pausing.ask,
    Setting.RESUME: pausing.resume,
    Setting.HISTORY: _history,
    Setting.STOP: pausing.stop,
    Setting.AFTER: show_looking_after,
}


async def on_button(update: Update, context: BotContext) -> None:
    """A button of the overview: its screen."""
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    choice = buttons.parse_setting(query.data)
    if choice is None:
        await no_longer_works(update, context)
        return
    await _SCREENS[choice](update, context)
