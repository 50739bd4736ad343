"""/activiteit for coordinators (plan, see who comes, cancel) and /activiteiten for members ("Ik kom")."""

from __future__ import annotations

from html import escape

from babel.dates import format_datetime
from telegram import Update

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.admin.common import actor, choose_buurt, in_private, number_after, refuse
from bot.handlers.replies import answer
from bot.services.common.conversations import State
from bot.services.common.validation import InvalidText
from bot.services.coordination import activities
from bot.services.coordination.activities import Upcoming
from bot.services.people import membership
from bot.services.people.authority import NotAllowed, UnknownBuurt

CALLBACK_PATTERN = r"^adm:(akt|kom):"
BUURT, NEW, CANCEL = "adm:akt:b:", "adm:akt:nieuw:", "adm:akt:weg:"
COMING, NOT_COMING = "adm:kom:ja:", "adm:kom:nee:"


def _when(context: BotContext, item: Upcoming) -> str:
    return format_datetime(
        item.starts_at,
        "EEEE d MMMM, HH:mm",
        tzinfo=context.deps.settings.zone,
        locale=context.language or "nl",
    )


def _describe(context: BotContext, item: Upcoming) -> str:
    lines = [f"📅 <b>{escape(item.title)}</b>", f"🕙 {_when(context, item)}", f"📍 {escape(item.place)}"]
    if item.text:
        lines.append(escape(item.text))
    lines.append(context.t("🙋 Coming: {count}").format(count=item.coming))
    return "\n".join(lines)


# -- coordinators -------------------------------------------------------------------------------------


async def plan(update: Update, context: BotContext) -> None:
    """/activiteit"""
    if not await in_private(update, context):
        return
    buurt_id = await choose_buurt(update, context, BUURT)
    if buurt_id is not None:
        await _overview(update, context, buurt_id)


async def _overview(update: Update, context: BotContext, buurt_id: int) -> None:
    async with context.db.begin() as session:
        buurt, items = await activities.for_coordinator(
            session, actor(update, context), buurt_id, now=context.deps.clock.now()
        )
    t = context.t
    parts = [t("Activities in {buurt}:").format(buurt=escape(buurt))]
    parts += [_describe(context, item) for item in items] or [t("Nothing planned yet.")]
    rows = [[(t("➕ New activity"), f"{NEW}{buurt_id}")]]
    rows += [[(t("🗑️ Cancel {title}").format(title=item.title), f"{CANCEL}{item.id}")] for item in items[:20]]
    await answer(update, "\n\n".join(parts), keyboards.buttons(rows))


async def text_given(update: Update, context: BotContext, state: State, text: str) -> None:
    """A typed answer while planning an activity (called by admin_text)."""
    t = context.t
    try:
        async with context.unit_of_work() as session:
            outcome = await activities.answer_given(
                session,
                actor(update, context),
                state,
                text,
                now=context.deps.clock.now(),
                zone=context.deps.settings.zone,
            )
    except activities.InvalidWhen as error:
        if error.reason == "past":
            await answer(update, t("That moment has passed. Please type a date and time in the future."))
        else:
            await answer(update, t("Please type the date and time like this: 28-11 10:00"))
        return
    except InvalidText as error:
        if error.reason == "too_long":
            await answer(
                update,
                t("That is too long. Please keep it under {limit} characters.").format(limit=error.limit),
            )
        else:
            await answer(update, t("Please type a few words."))
        return
    if outcome == "when":
        await answer(update, t("When does it start? Type the date and time, for example 28-11 10:00"))
    elif outcome == "place":
        await answer(update, t("Where is it? For example: Buurthuis De Linde"))
    elif outcome == "text":
        await answer(update, t("A short text about it? Or type - for none."))
    elif not isinstance(outcome, str):
        await answer(
            update,
            t("✅ Planned: {title}. Members see it with /activiteiten and can say they are coming.").format(
                title=escape(outcome.title)
            ),
        )


# -- members ------------------------------------------------------------------------------------------


async def show_upcoming(update: Update, context: BotContext) -> None:
    """/activiteiten: what is coming up in my buurt, with "Ik kom" buttons."""
    if not await in_private(update, context):
        return
    assert update.effective_user is not None
    try:
        async with context.db.begin() as session:
            buurt, items = await activities.for_member(
                session, update.effective_user.id, now=context.deps.clock.now()
            )
    except membership.UnknownMember:
        await answer(update, context.t("First choose your buurt: send /start."))
        return
    t = context.t
    if not items:
        await answer(update, t("Nothing is planned in {buurt} right now.").format(buurt=escape(buurt)))
        return
    text = "\n\n".join(
        [t("Coming up in {buurt}:").format(buurt=escape(buurt))] + [_describe(context, i) for i in items]
    )
    rows = [
        [(t("✖️ Not coming: {title}").format(title=i.title), f"{NOT_COMING}{i.id}")]
        if i.me_too
        else [(t("🙋 I'm coming: {title}").format(title=i.title), f"{COMING}{i.id}")]
        for i in items[:20]
    ]
    await answer(update, text, keyboards.buttons(rows))


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    data, now = query.data, context.deps.clock.now()
    try:
        if (buurt_id := number_after(data, BUURT)) is not None:
            await _overview(update, context, buurt_id)
        elif (buurt_id := number_after(data, NEW)) is not None:
            async with context.unit_of_work() as session:
                await activities.begin(session, actor(update, context), buurt_id, now=now)
            await answer(
                update,
                context.t("What is the activity called? For example: Koffieochtend\nOr send /stop to stop."),
            )
        elif (activity_id := number_after(data, CANCEL)) is not None:
            async with context.unit_of_work() as session:
                gone = await activities.cancel(
                    session, actor(update, context), activity_id, now=now, zone=context.deps.settings.zone
                )
            await answer(
                update,
                context.t("Cancelled: {title}. Whoever was coming has been told.").format(
                    title=escape(gone.title)
                ),
            )
        elif (
            activity_id := number_after(data, COMING)
            if data.startswith(COMING)
            else number_after(data, NOT_COMING)
        ) is not None:
            async with context.unit_of_work() as session:
                await activities.set_coming(
                    session, update.effective_user.id, activity_id, coming=data.startswith(COMING), now=now
                )
            await show_upcoming(update, context)
        else:
            await answer(
                update, context.t("That button no longer works. Send /activiteiten to see what is planned.")
            )
    except (NotAllowed, UnknownBuurt):
        await refuse(update, context)
    except activities.UnknownActivity:
        await answer(
            update,
            context.t("That activity is over or cancelled. Send /activiteiten to see what is planned."),
        )
    except membership.UnknownMember:
        await answer(update, context.t("First choose your buurt: send /start."))
