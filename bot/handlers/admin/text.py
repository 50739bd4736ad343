"""Typed answers to the questions of admin commands (/buurten, /omroep)."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.admin import activities
from bot.handlers.admin import buurten as admin_buurten
from bot.handlers.admin.broadcasts import CANCEL, SEND
from bot.handlers.admin.common import actor, refuse
from bot.handlers.commands import refresh_admin_menu
from bot.handlers.replies import answer
from bot.ids import parse_id
from bot.services.buurten import buurten
from bot.services.buurten.postcodes import InvalidPostcode
from bot.services.common import conversations
from bot.services.common.conversations import State
from bot.services.common.validation import InvalidText
from bot.services.coordination import activities as activity_planning
from bot.services.coordination import broadcasts
from bot.services.coordination import buurten as buurt_admin
from bot.services.people.authority import NotAllowed, UnknownBuurt

FLOWS = frozenset({buurt_admin.FLOW, broadcasts.FLOW, activity_planning.FLOW})


async def typed(update: Update, context: BotContext, state: State, text: str) -> None:
    """The typed answer to a question of /buurten, /omroep or /activiteit (the flows in FLOWS)."""
    assert update.effective_user is not None
    try:
        if state.flow == buurt_admin.FLOW:
            await _buurt_answer(update, context, state, text)
        elif state.flow == activity_planning.FLOW:
            await activities.text_given(update, context, state, text)
        else:
            await _broadcast_text(update, context, state, text)
    except (NotAllowed, UnknownBuurt):
        async with context.unit_of_work() as session:
            await conversations.end(session, update.effective_user.id)
        await refuse(update, context)


async def _buurt_answer(update: Update, context: BotContext, state: State, text: str) -> None:
    try:
        async with context.unit_of_work() as session:
            buurt_id = await buurt_admin.typed(
                session, actor(update, context), state, text, now=context.deps.clock.now()
            )
    except (buurten.BuurtExists, buurten.InvalidBuurtName, InvalidPostcode, buurt_admin.NotAUserId) as error:
        await answer(update, admin_buurten.problem(error, context.t))
        return
    appointed = parse_id(text.strip()) if state.step == buurt_admin.COORDINATOR_ID else None
    if appointed is not None:  # buurt_admin.typed read the same id
        await refresh_admin_menu(context, appointed)
    await admin_buurten.show_details(update, context, buurt_id)


async def _broadcast_text(update: Update, context: BotContext, state: State, text: str) -> None:
    t = context.t
    if state.step != "text":
        await answer(update, t("Please tap Send or Cancel above. Or send /stop to stop."))
        return
    try:
        async with context.unit_of_work() as session:
            preview = await broadcasts.text_given(
                session, actor(update, context), state, text, now=context.deps.clock.now()
            )
    except InvalidText as error:
        if error.reason == "too_long":
            await answer(
                update,
                t("That is too long. Please keep it under {limit} characters.").format(limit=error.limit),
            )
        else:
            await answer(update, t("Please type the message for everyone."))
        return
    intro = t("This is how your message looks. Send it to {count} members of {buurt}?").format(
        count=preview.recipients, buurt=escape(preview.buurt_name)
    )
    if preview.paused:
        intro += "\n" + t.plural(
            "{count} member on a break will not get it.",
            "{count} members on a break will not get it.",
            preview.paused,
        ).format(count=preview.paused)
    await answer(
        update,
        f"{intro}\n\n{escape(preview.text)}",
        keyboards.buttons([[(t("📢 Send"), SEND), (t("Cancel"), CANCEL)]]),
    )
