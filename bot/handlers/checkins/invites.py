"""A coordinator's /checkin <name>, which only asks, and the member's own yes or no to it."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers.admin.common import actor
from bot.handlers.checkins import timing
from bot.handlers.replies import answer
from bot.services.checkins import buttons, invites
from bot.services.checkins.buttons import Kind
from bot.services.people.authority import NotAllowed

CALLBACK_PATTERN = buttons.pattern(Kind.INVITED)


async def invite(update: Update, context: BotContext, name: str) -> None:
    """/checkin <name> from a coordinator: ask a member whether they would like check-ins."""
    who = actor(update, context)
    try:
        async with context.unit_of_work() as session:
            member_id = await invites.find(session, who, name)
            invited = await invites.invite(session, who, member_id, now=context.deps.clock.now())
    except NotAllowed:
        await answer(update, context.t("Only a coordinator can invite someone to check-ins."))
        return
    except invites.NoSuchMember:
        await answer(update, context.t("I cannot find one member with that name in your buurt."))
        return
    await answer(
        update,
        context.t("I asked {name} whether they would like check-ins. Only their own yes starts them.").format(
            name=invited
        ),
    )


async def on_button(update: Update, context: BotContext) -> None:
    """The invited member's answer: a yes leads to how often; the check-ins start only when chosen."""
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    if buttons.parse_invited(query.data):
        await timing.ask_frequency(update, context)
    else:
        await answer(update, context.t("Okay, no check-ins. You can always start with /checkin."))
