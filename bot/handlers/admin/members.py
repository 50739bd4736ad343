"""/leden: the members of the coordinator's buurt, and the newcomers waiting for a yes."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from babel.dates import format_date
from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.handlers import keyboards, paging
from bot.handlers.admin.common import actor, choose_buurt, in_private, number_after, refuse
from bot.handlers.replies import answer
from bot.i18n import Translator
from bot.services.coordination import members as member_admin
from bot.services.coordination.members import MemberRow, Members
from bot.services.people import membership
from bot.services.people.authority import NotAllowed, UnknownBuurt

CALLBACK_PATTERN = r"^adm:leden:"
SHOW = "adm:leden:"
PAGE = "adm:leden:p:"  # adm:leden:p:<buurt>:<page>
# A page: this many members (a message holds 4096 characters), and newcomers with their two buttons.
MEMBERS_A_PAGE, WAITING_A_PAGE = 30, paging.PAGE_SIZE


async def show_members(update: Update, context: BotContext) -> None:
    """/leden"""
    if not await in_private(update, context):
        return
    buurt_id = await choose_buurt(update, context, SHOW)
    if buurt_id is not None:
        await _show(update, context, buurt_id)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    buurt_id, page = number_after(query.data, SHOW), 0
    if query.data.startswith(PAGE) and query.data.count(":") == 4:
        buurt_text, page_text = query.data.removeprefix(PAGE).split(":")
        buurt_id, page = number_after(buurt_text, ""), paging.page_number(page_text) or 0
    if buurt_id is None:
        await answer(update, context.t("That button no longer works. Send /leden to start again."))
        return
    await _show(update, context, buurt_id, page)


async def _show(update: Update, context: BotContext, buurt_id: int, page: int = 0) -> None:
    try:
        # A unit of work: looking at the member list is written to the audit log.
        async with context.unit_of_work() as session:
            members = await member_admin.members_of(
                session, actor(update, context), buurt_id, now=context.deps.clock.now()
            )
    except NotAllowed:
        await refuse(update, context)
        return
    except UnknownBuurt:  # an operator's old button of a buurt that is gone, or a forged one
        await answer(update, context.t("That button no longer works. Send /leden to start again."))
        return
    await answer(
        update,
        *render(members, context.t, context.language or "nl", context.deps.settings.zone, page, buurt_id),
    )


def render(
    members: Members, t: Translator, language: str, zone: tzinfo, page: int, buurt_id: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page: the next members, and the next newcomers waiting, each with Let in and Decline."""
    count = max(
        paging.pages(len(members.active), MEMBERS_A_PAGE), paging.pages(len(members.pending), WAITING_A_PAGE)
    )
    page = min(max(page, 0), count - 1)
    active = members.active[page * MEMBERS_A_PAGE : (page + 1) * MEMBERS_A_PAGE]
    pending = members.pending[page * WAITING_A_PAGE : (page + 1) * WAITING_A_PAGE]
    lines = [
        t("👥 Members of {buurt}: {count}").format(
            buurt=escape(members.buurt_name), count=len(members.active)
        )
    ]
    lines += [_line(row, t, language, zone) for row in active]
    if members.pending:
        lines += ["", t("⏳ Waiting for a yes: {count}").format(count=len(members.pending))]
        lines += [_line(row, t, language, zone) for row in pending]
    if count > 1:
        lines += ["", paging.position(page, count, t)]
    # The same buttons as in the question each coordinator got; approval.py decides.
    rows = [
        [
            (t("✅ Let in {name}").format(name=row.name), f"{membership.APPROVE}{row.member_id}"),
            (t("❌ Decline"), f"{membership.DECLINE}{row.member_id}"),
        ]
        for row in pending
    ]
    rows += paging.nav_row(page, count, t, lambda number: f"{PAGE}{buurt_id}:{number}")
    return "\n".join(lines), keyboards.buttons(rows) if rows else None


def _line(row: MemberRow, t: Translator, language: str, zone: tzinfo) -> str:
    parts = [
        f"• {escape(row.name)}",
        t("since {date}").format(date=format_date(row.since.astimezone(zone), "d MMM yyyy", locale=language)),
    ]
    if row.coordinator:
        parts.append(t("coordinator"))
    if row.helper:
        parts.append(t("helper"))
    if row.paused:
        parts.append(t("⏸️ on a break"))
    if row.blocked:
        parts.append(t("🚫 blocked"))
    return " – ".join(parts)
