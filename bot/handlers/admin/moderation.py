"""/melding, /blokkeer, /deblokkeer: coordinators handle reported messages and block or unblock members."""

from __future__ import annotations

import logging
from datetime import datetime
from html import escape

from babel.dates import format_datetime
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.handlers import keyboards, paging
from bot.handlers.admin.common import actor, in_private, refuse
from bot.handlers.replies import answer, popup, send
from bot.ids import parse_id
from bot.services.common import conversations
from bot.services.common.conversations import State
from bot.services.common.validation import InvalidText
from bot.services.coordination import moderation
from bot.services.people.authority import NotAllowed

log = logging.getLogger(__name__)

PREFIX = "mod:"
CALLBACK_PATTERN = r"^mod:[a-z]+:\d+$"
FLOW = "moderation"
BLOCKED_PAGE = "mod:vrijp:"  # mod:vrijp:<page>, under /deblokkeer


async def show_reports(update: Update, context: BotContext) -> None:
    """/melding: each open report with the reported message and what can be done."""
    if not await in_private(update, context):
        return
    t = context.t
    try:
        # A unit of work: being shown a reported message is written to the audit log.
        async with context.unit_of_work() as session:
            reports = await moderation.open_reports(
                session, actor(update, context), now=context.deps.clock.now()
            )
    except NotAllowed:
        await refuse(update, context)
        return
    if not reports:
        await answer(update, t("There are no reports waiting. 🌷"))
        return
    for report in reports:
        when = format_datetime(
            report.created_at, "d MMMM HH:mm", tzinfo=context.deps.settings.zone, locale=t.language
        )
        text = t("⚠️ Report of {when}: {reporter} reported a message from {reported}.").format(
            when=when, reporter=escape(report.reporter), reported=escape(report.reported)
        )
        if report.source_chat_id is not None and report.source_message_id is not None:
            try:
                await context.bot.copy_message(
                    update.effective_chat.id if update.effective_chat else 0,
                    report.source_chat_id,
                    report.source_message_id,
                )
            except BadRequest as error:  # its sender deleted it meanwhile: the report itself stays
                log.info("a reported message could not be shown again: %s", error.message)
        rows = [
            [(t("Dismiss"), f"{PREFIX}negeer:{report.id}"), (t("Warn"), f"{PREFIX}waarschuw:{report.id}")],
            [(t("🚫 Block {name}").format(name=report.reported), f"{PREFIX}blokkeer:{report.id}")],
        ]
        await send(update, text, keyboards.buttons(rows))


async def ask_who(update: Update, context: BotContext) -> None:
    """/blokkeer: whom (by name), then why."""
    if not await in_private(update, context) or update.effective_user is None:
        return
    async with context.db.begin() as session:
        try:
            await moderation.blocked_members(session, actor(update, context))
        except NotAllowed:
            await refuse(update, context)
            return
    async with context.unit_of_work() as session:
        await conversations.go_to(
            session, update.effective_user.id, State(FLOW, "name"), now=context.deps.clock.now()
        )
    await answer(update, context.t("Whom do you want to block? Type the first letters of their name."))


async def show_blocked(update: Update, context: BotContext, page: int = 0) -> None:
    """/deblokkeer: the blocked members, a button each (a page at a time)."""
    if not await in_private(update, context):
        return
    t = context.t
    try:
        async with context.db.begin() as session:
            blocked = await moderation.blocked_members(session, actor(update, context))
    except NotAllowed:
        await refuse(update, context)
        return
    if not blocked:
        await answer(update, t("Nobody is blocked."))
        return
    shown = paging.page_of(blocked, page)
    rows = [[(member.name, f"{PREFIX}vrij:{member.member_id}")] for member in shown.items]
    rows += paging.nav_row(shown.number, shown.count, t, lambda number: f"{BLOCKED_PAGE}{number}")
    text = t("Whose block do you want to lift?")
    if shown.count > 1:
        text += "\n" + paging.position(shown.number, shown.count, t)
    await answer(update, text, keyboards.buttons(rows))


async def on_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    _, action, number_text = query.data.split(":")
    page = paging.page_number(number_text)
    if action == "vrijp" and page is not None:
        await show_blocked(update, context, page)  # the list is read again, for whoever tapped
        return
    number = parse_id(number_text)  # a report's or a member's
    if number is None:
        await popup(update, context.t("This button no longer works."))
        return
    now, t, who = context.deps.clock.now(), context.t, actor(update, context)
    try:
        async with context.unit_of_work() as session:
            if action == "negeer":
                await moderation.dismiss(session, who, number, now=now)
                text = t("Dismissed. Nothing else happens.")
            elif action == "waarschuw":
                name = await moderation.warn(session, who, number, now=now)
                text = t("{name} has been warned kindly.").format(name=escape(name))
            elif action == "blokkeer":
                member_id = await moderation.reported_member(session, who, number)
                await _ask_reason(session, user.id, member_id, number, now)
                text = t("Why? Type the reason. The member will read it.")
            elif action == "wie":
                await moderation.blockable(session, who, number)
                await _ask_reason(session, user.id, number, None, now)
                text = t("Why? Type the reason. The member will read it.")
            elif action == "vrij":
                name = await moderation.unblock(session, who, number, now=now)
                text = t("{name} is no longer blocked and has been told.").format(name=escape(name))
            else:
                text = t("This button no longer works.")
    except NotAllowed:
        await refuse(update, context)
        return
    except moderation.AlreadyHandled:
        await answer(update, t("This was already handled."))
        return
    await answer(update, text)


async def _ask_reason(
    session: AsyncSession, user_id: int, member_id: int, report_id: int | None, now: datetime
) -> None:
    data = {"member": member_id, "report": report_id}
    await conversations.go_to(session, user_id, State(FLOW, "reason", data), now=now)


async def typed(update: Update, context: BotContext, state: State, text: str) -> None:
    """The answer to 'whom?' or 'why?'."""
    assert update.effective_user is not None
    t, who, now = context.t, actor(update, context), context.deps.clock.now()
    try:
        if state.step == "name":
            async with context.db.begin() as session:
                found = await moderation.find_members(session, who, text)
            if not found:
                await answer(
                    update, t("Nobody in your buurt has a name like that. Try again, or send /stop.")
                )
                return
            rows = [[(member.name, f"{PREFIX}wie:{member.member_id}")] for member in found]
            await answer(update, t("Whom do you mean?"), keyboards.buttons(rows))
            return
        async with context.unit_of_work() as session:
            name = await moderation.block(
                session, who, int(state.data["member"]), text, now=now, report_id=state.data.get("report")
            )
            await conversations.end(session, update.effective_user.id)
    except NotAllowed:
        await refuse(update, context)
        return
    except InvalidText:
        await answer(update, t("Please type a short reason (at most 200 characters)."))
        return
    await answer(
        update,
        t("{name} is blocked and has been told why. Lift it with /deblokkeer.").format(name=escape(name)),
    )
