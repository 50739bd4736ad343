"""A coordinator lets a new neighbour in, or not."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import BotContext
from bot.handlers.replies import answer, popup
from bot.ids import parse_id
from bot.services.coordination import members as member_admin
from bot.services.people import membership
from bot.services.people.authority import Actor

CALLBACK_PATTERN = r"^lid:(ja|nee):\d+$"


async def on_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    approve = query.data.startswith(membership.APPROVE)
    member_id = parse_id(query.data.rsplit(":", 1)[1])
    if member_id is None:
        await popup(update, context.t("This button no longer works."))
        return
    try:
        async with context.unit_of_work() as session:
            decision = await member_admin.decide(
                session,
                Actor(user.id, context.deps.settings.admin_ids),
                member_id,
                approve=approve,
                now=context.deps.clock.now(),
            )
    except membership.NotAllowed:
        # Checked on the server: a forwarded or forged button must not let anyone in.
        await popup(update, context.t("Only a coordinator of this buurt can do this."))
        return
    except membership.AlreadyDecided:
        await answer(update, context.t("This request was already handled."))
        return
    name, buurt = escape(decision.name), escape(decision.buurt_name)
    if decision.approved:
        text = context.t("✅ {name} is now a member of {buurt}. They have been told.").format(
            name=name, buurt=buurt
        )
    else:
        text = context.t("❌ {name} was not let in to {buurt}. They have been told kindly.").format(
            name=name, buurt=buurt
        )
    await answer(update, text)
