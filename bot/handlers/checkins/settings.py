"""💬 Check-ins, put into words: opting in, how often and when, quiet hours, contacts, pause, stop."""

from __future__ import annotations

from datetime import datetime
from html import escape

from babel.dates import format_datetime
from telegram import Update

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.admin.common import actor
from bot.handlers.replies import answer
from bot.i18n import N_
from bot.ids import parse_id
from bot.services.checkins import contacts, schedule
from bot.services.checkins import invites as checkin_invites
from bot.services.checkins import plans as checkins
from bot.services.checkins.schedule import clock_text
from bot.services.common import conversations
from bot.services.common.conversations import State
from bot.services.people import membership
from bot.services.people.authority import NotAllowed

CALLBACK_PATTERN = r"^ci:[ftslpxd]:"
FREQUENCY, TIME, SETTING, LADDER, PAUSE, REMOVE, STEP_DOWN = (
    "ci:f:",
    "ci:t:",
    "ci:s:",
    "ci:l:",
    "ci:p:",
    "ci:x:",
    "ci:d:",
)

FREQUENCY_LABELS = {
    "daily": N_("Every day"),
    "thrice": N_("Three times a week"),
    "weekly": N_("Once a week"),
}
SLOT_LABELS = {
    "morning": N_("🌅 Morning (10:00)"),
    "midday": N_("☀️ Midday (12:30)"),
    "afternoon": N_("🌤️ Afternoon (15:00)"),
    "evening": N_("🌙 Evening (19:00)"),
    schedule.EXACT: N_("🕐 An exact time"),
}
MOOD_NAMES = {
    "good": N_("😊 Good"),
    "okay": N_("😐 So-so"),
    "bad": N_("😟 Not so good"),
    "talk": N_("📞 I would like to talk"),
}


def _when(context: BotContext, moment: datetime) -> str:
    return format_datetime(
        moment, "EEEE d MMMM, HH:mm", tzinfo=context.deps.settings.zone, locale=context.language or "nl"
    )


async def show(update: Update, context: BotContext) -> None:
    """/checkin and the 💬 button: the question to start, or one's check-ins and what to change."""
    user = update.effective_user
    if user is None:
        return
    if context.args:  # /checkin <name>: a coordinator invites someone
        await invite(update, context, " ".join(context.args))
        return
    async with context.db.begin() as session:
        member = await membership.find(session, user.id)
        plan = await checkins.plan_of(session, user.id)
        mine = await contacts.contacts_of(session, user.id)
        after = await contacts.looking_after(session, user.id)
    t = context.t
    if member is None or member.membership != membership.ACTIVE:
        await answer(update, t("First choose your buurt: send /start."))
        return
    extra = [[(t("🤝 People I look in on"), f"{SETTING}after")]] if after else []
    if plan is None:
        await ask_frequency(update, context, extra)
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
        lines.append(t("Paused until {when}.").format(when=_when(context, plan.paused_until)))
        pause = (t("▶️ Start again"), f"{SETTING}resume")
    else:
        lines.append(t("Next one: {when}.").format(when=_when(context, plan.next_due_at)))
        pause = (t("⏸️ Pause"), f"{SETTING}pause")
    rows = [
        [(t("🕐 How often and when"), f"{SETTING}change"), (t("🌙 Quiet hours"), f"{SETTING}quiet")],
        [(t("🤝 Contacts"), f"{SETTING}contacts"), (t("⏱️ Waiting times"), f"{SETTING}ladder")],
        [pause, (t("📖 My answers"), f"{SETTING}history")],
        [(t("🛑 Stop check-ins"), f"{SETTING}stop")],
        *extra,
    ]
    await answer(update, "\n".join(lines), keyboards.buttons(rows))


async def ask_frequency(
    update: Update, context: BotContext, extra: list[list[tuple[str, str]]] | None = None
) -> None:
    t = context.t
    rows = [[(t(label), f"{FREQUENCY}{key}")] for key, label in FREQUENCY_LABELS.items()]
    await answer(
        update,
        t(
            "Would you like a short message now and then, to ask how you are?\n"
            "If you do not answer, we ask a neighbour you chose to look in on you.\n\n"
            "How often?"
        ),
        keyboards.buttons([*rows, *(extra or [])]),
    )


async def on_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    try:
        await _choice(update, context, query.data, user.id)
    except checkins.NoPlan:  # a button from before check-ins were stopped (or a forged one)
        await answer(update, context.t("First choose your check-ins: send /checkin."))


async def _choice(update: Update, context: BotContext, data: str, user_id: int) -> None:
    t = context.t
    if data.startswith(FREQUENCY) and data.removeprefix(FREQUENCY) in FREQUENCY_LABELS:
        frequency = data.removeprefix(FREQUENCY)
        rows = [[(t(label), f"{TIME}{frequency}:{slot}")] for slot, label in SLOT_LABELS.items()]
        await answer(update, t("Around what time?"), keyboards.buttons(rows))
    elif data.startswith(TIME):
        frequency, _, slot = data.removeprefix(TIME).partition(":")
        await _time_chosen(update, context, frequency, slot)
    elif data.startswith(SETTING):
        await _setting(update, context, data.removeprefix(SETTING))
    elif data.startswith(LADDER) and data.removeprefix(LADDER) in schedule.LADDERS:
        async with context.unit_of_work() as session:
            await checkins.set_ladder(session, user_id, data.removeprefix(LADDER))
        await answer(update, t("Done. The new waiting times count from the next check-in."))
    elif data.startswith(PAUSE) and data.removeprefix(PAUSE) in checkins.PAUSES:
        async with context.unit_of_work() as session:
            until = await checkins.pause(
                session, user_id, data.removeprefix(PAUSE), now=context.deps.clock.now()
            )
        await answer(
            update, t("Okay. No check-ins until {when}. Enjoy! 🌴").format(when=_when(context, until))
        )
    elif data.startswith(REMOVE) and (contact_id := parse_id(data.removeprefix(REMOVE))) is not None:
        async with context.unit_of_work() as session:
            await contacts.remove(session, user_id, contact_id)
        await answer(update, t("Done. That neighbour is no longer your contact."))
    elif data.startswith(STEP_DOWN) and (member_id := parse_id(data.removeprefix(STEP_DOWN))) is not None:
        await _step_down(update, context, member_id)
    else:
        await answer(update, t("That button no longer works. Send /checkin to start again."))


async def _time_chosen(update: Update, context: BotContext, frequency: str, slot: str) -> None:
    assert update.effective_user is not None
    if frequency not in FREQUENCY_LABELS or slot not in SLOT_LABELS:
        await answer(update, context.t("That button no longer works. Send /checkin to start again."))
        return
    now = context.deps.clock.now()
    if slot == schedule.EXACT:
        async with context.unit_of_work() as session:
            await conversations.go_to(
                session,
                update.effective_user.id,
                State(checkins.FLOW, "exact_time", {"frequency": frequency}),
                now=now,
            )
        await answer(update, context.t("Type the time, for example 10:30."))
        return
    await _start(update, context, frequency, checkins.slot_for(slot))


async def _start(update: Update, context: BotContext, frequency: str, slot: schedule.Slot) -> None:
    assert update.effective_user is not None
    t = context.t
    try:
        async with context.unit_of_work() as session:
            plan = await checkins.start(
                session,
                update.effective_user.id,
                frequency=frequency,
                slot=slot,
                now=context.deps.clock.now(),
                zone=context.deps.settings.zone,
            )
            await conversations.end(session, update.effective_user.id)
            has_contacts = bool(await contacts.contacts_of(session, update.effective_user.id))
    except membership.NotAMember:
        await answer(update, t("First choose your buurt: send /start."))
        return
    except checkins.InQuietHours:
        await answer(
            update, t("That time is in your quiet hours. Please type another time, for example 10:30.")
        )
        return
    text = t(
        "Done! 💚 Your first check-in comes {when}.\n"
        "I never send anything between {start} and {end}. You can stop at any time with /checkin."
    ).format(
        when=_when(context, plan.next_due_at),
        start=clock_text(plan.quiet_start_minute),
        end=clock_text(plan.quiet_end_minute),
    )
    if has_contacts:
        await answer(update, text)
        return
    text += "\n\n" + t("Would you like to choose a neighbour who looks in on you when you do not answer?")
    await answer(update, text, keyboards.buttons([[(t("🤝 Choose a contact"), f"{SETTING}add")]]))


async def _setting(update: Update, context: BotContext, choice: str) -> None:
    user = update.effective_user
    assert user is not None
    t, now = context.t, context.deps.clock.now()
    if choice == "change":
        await ask_frequency(update, context)
    elif choice in ("quiet", "add"):
        step = "quiet" if choice == "quiet" else "contact_name"
        async with context.unit_of_work() as session:
            await conversations.go_to(session, user.id, State(checkins.FLOW, step), now=now)
        await answer(
            update,
            t("Type your quiet hours, for example 21:00-09:00.")
            if choice == "quiet"
            else t("Type the name of your neighbour, as it shows in Buurtbot."),
        )
    elif choice == "contacts":
        await _show_contacts(update, context)
    elif choice == "ladder":
        rows = [
            [(t("Standard: 1, 3 and 6 hours"), f"{LADDER}standard")],
            [(t("Sooner: ½, 2 and 4 hours"), f"{LADDER}shorter")],
            [(t("Later: 2, 4 and 8 hours"), f"{LADDER}longer")],
        ]
        await answer(
            update,
            t(
                "When you do not answer, I send a reminder, then I ask your first contact, "
                "then the next one or the coordinators. After how long?"
            ),
            keyboards.buttons(rows),
        )
    elif choice == "pause":
        rows = [
            [(t("1 week"), f"{PAUSE}week"), (t("2 weeks"), f"{PAUSE}twee"), (t("4 weeks"), f"{PAUSE}maand")]
        ]
        await answer(update, t("How long do you want no check-ins?"), keyboards.buttons(rows))
    elif choice == "resume":
        async with context.unit_of_work() as session:
            await checkins.resume(session, user.id)
        await answer(update, t("Welcome back! The check-ins start again."))
    elif choice == "history":
        await _history(update, context)
    elif choice == "stop":
        async with context.unit_of_work() as session:
            await checkins.stop(session, user.id)
        await answer(update, t("Okay, no more check-ins. You can start again any time with /checkin."))
    elif choice == "after":
        await _show_looking_after(update, context)
    else:
        await answer(update, t("That button no longer works. Send /checkin to start again."))


async def _show_contacts(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    t = context.t
    async with context.db.begin() as session:
        mine = await contacts.contacts_of(session, update.effective_user.id)
    lines = [t("Your contacts for the check-ins:")] + [
        ("• " + escape(c.name) + ("" if c.accepted else " " + t("(has not answered yet)"))) for c in mine
    ]
    if not mine:
        lines.append(t("None yet. The coordinators of your buurt are always the last step."))
    rows = [[(t("❌ Remove {name}").format(name=c.name), f"{REMOVE}{c.member_id}")] for c in mine]
    if len(mine) < contacts.MAX_CONTACTS:
        rows.append([(t("➕ Ask a neighbour"), f"{SETTING}add")])
    await answer(update, "\n".join(lines), keyboards.buttons(rows))


async def _show_looking_after(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    t = context.t
    async with context.db.begin() as session:
        after = await contacts.looking_after(session, update.effective_user.id)
    if not after:
        await answer(update, t("You are nobody's contact for check-ins right now."))
        return
    rows = [
        [(t("Stop being contact for {name}").format(name=c.name), f"{STEP_DOWN}{c.member_id}")] for c in after
    ]
    await answer(
        update, t("You look in on these neighbours when they do not answer:"), keyboards.buttons(rows)
    )


async def _step_down(update: Update, context: BotContext, member_id: int) -> None:
    assert update.effective_user is not None
    try:
        async with context.unit_of_work() as session:
            name = await contacts.step_down(
                session, update.effective_user.id, member_id, now=context.deps.clock.now()
            )
    except contacts.StaleRequest:
        await answer(update, context.t("You are no longer their contact. Thank you for your help!"))
        return
    await answer(
        update,
        context.t(
            "Done. You are no longer the contact of {name}. I told them kindly. Thank you for your help!"
        ).format(name=escape(name)),
    )


async def _history(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    t = context.t
    async with context.db.begin() as session:
        moods = await checkins.history(session, update.effective_user.id)
    if not moods:
        await answer(update, t("You have not answered a check-in yet."))
        return
    lines = [
        t("Your answers (I keep them {days} days):").format(days=context.deps.settings.checkin_mood_days)
    ]
    lines += [f"{_when(context, m.at)}: {t(MOOD_NAMES[m.mood])}" for m in moods[:30]]
    await answer(update, "\n".join(lines))


async def typed(update: Update, context: BotContext, state: State, text: str) -> None:
    """Typed text while a check-in question is open: an exact time, quiet hours, or a neighbour's name."""
    user = update.effective_user
    assert user is not None
    t, now, zone = context.t, context.deps.clock.now(), context.deps.settings.zone
    if state.step == "exact_time":
        minute = schedule.parse_clock_time(text)
        if minute is None:
            await answer(update, t("I did not understand that time. Please type it like 10:30."))
            return
        await _start(
            update,
            context,
            str(state.data.get("frequency", "daily")),
            checkins.slot_for(schedule.EXACT, minute),
        )
    elif state.step == "quiet":
        hours = schedule.parse_quiet_hours(text)
        if hours is None:
            await answer(update, t("I did not understand that. Please type it like 21:00-09:00."))
            return
        try:
            async with context.unit_of_work() as session:
                await checkins.set_quiet_hours(session, user.id, *hours, now=now, zone=zone)
                await conversations.end(session, user.id)
        except checkins.InQuietHours:
            await answer(
                update, t("Then your check-in time would fall in your quiet hours. Please type other hours.")
            )
            return
        except checkins.NoPlan:
            await answer(update, t("First choose your check-ins: send /checkin."))
            return
        await answer(
            update,
            t("Done. Nothing is sent between {start} and {end}.").format(
                start=clock_text(hours[0]), end=clock_text(hours[1])
            ),
        )
    else:
        await _contact_typed(update, context, text)


async def _contact_typed(update: Update, context: BotContext, text: str) -> None:
    assert update.effective_user is not None
    t = context.t
    try:
        async with context.unit_of_work() as session:
            name = await contacts.ask(session, update.effective_user.id, text, now=context.deps.clock.now())
            await conversations.end(session, update.effective_user.id)
    except membership.NotAMember:
        await answer(update, t("First choose your buurt: send /start."))
        return
    except contacts.NoSuchNeighbour:
        await answer(
            update,
            t(
                "I cannot find a neighbour with that name in your buurt. "
                "Please check the name and type it again."
            ),
        )
        return
    except contacts.SeveralNeighbours:
        await answer(
            update,
            t(
                "Several neighbours have that name. "
                "Please ask yours to add a letter to their name in Buurtbot, then try again."
            ),
        )
        return
    except contacts.TooManyContacts:
        async with context.unit_of_work() as session:
            await conversations.end(session, update.effective_user.id)
        await answer(update, t("You already have two contacts. Remove one first with /checkin."))
        return
    await answer(update, t("I asked {name}. You will hear it when they answer.").format(name=escape(name)))


async def invite(update: Update, context: BotContext, name: str) -> None:
    """/checkin <name> from a coordinator: ask a member whether they would like check-ins."""
    who = actor(update, context)
    try:
        async with context.unit_of_work() as session:
            member_id = await checkin_invites.find(session, who, name)
            invited = await checkin_invites.invite(session, who, member_id, now=context.deps.clock.now())
    except NotAllowed:
        await answer(update, context.t("Only a coordinator can invite someone to check-ins."))
        return
    except checkin_invites.NoSuchMember:
        await answer(update, context.t("I cannot find one member with that name in your buurt."))
        return
    await answer(
        update,
        context.t("I asked {name} whether they would like check-ins. Only their own yes starts them.").format(
            name=invited
        ),
    )
