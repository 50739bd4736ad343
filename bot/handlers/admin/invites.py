"""/uitnodigen: an invite link and a printable QR poster for the buurt; see and stop the links."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from babel.dates import format_date
from telegram import InputFile, Update

from bot.context import BotContext
from bot.handlers import keyboards, paging
from bot.handlers.admin.common import actor, button_id, choose_buurt, in_private, number_after, refuse
from bot.handlers.admin.posters import poster_png
from bot.handlers.replies import answer
from bot.i18n import Translator
from bot.services.buurten import invites
from bot.services.coordination import invites as invite_admin
from bot.services.coordination.invites import Invite
from bot.services.people.authority import NotAllowed, UnknownBuurt

CALLBACK_PATTERN = r"^inv:"
BUURT, KIND, MAKE, LIST, STOP = "inv:b:", "inv:k:", "inv:m:", "inv:l:", "inv:x:"
MANY, ONE = "n", "1"


async def start(update: Update, context: BotContext) -> None:
    """/uitnodigen"""
    if not await in_private(update, context):
        return
    buurt_id = await choose_buurt(update, context, BUURT)
    if buurt_id is not None:
        await _menu(update, context, buurt_id)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    data = query.data
    try:
        if (buurt_id := number_after(data, BUURT)) is not None:
            await _menu(update, context, buurt_id)
        elif data.startswith(KIND) and data.count(":") == 3:
            buurt_text, kind = data.removeprefix(KIND).split(":")
            await _ask_validity(update, context, button_id(buurt_text), kind)
        elif data.startswith(MAKE) and data.count(":") == 4:
            buurt_text, kind, validity = data.removeprefix(MAKE).split(":")
            await _make(update, context, button_id(buurt_text), single_use=kind == ONE, validity=validity)
        elif (buurt_id := number_after(data, LIST)) is not None:
            await _list(update, context, buurt_id)
        elif data.startswith(LIST) and data.count(":") == 3:  # inv:l:<buurt>:<page>
            buurt_text, page_text = data.removeprefix(LIST).split(":")
            await _list(update, context, button_id(buurt_text), paging.page_number(page_text) or 0)
        elif (invite_id := number_after(data, STOP)) is not None:
            await _stop(update, context, invite_id)
        else:
            raise ValueError(data)
    except NotAllowed:
        await refuse(update, context)
    except (UnknownBuurt, ValueError, KeyError):
        await answer(update, context.t("That button no longer works. Send /uitnodigen to start again."))


async def _menu(update: Update, context: BotContext, buurt_id: int) -> None:
    async with context.db.begin() as session:
        working = await invite_admin.list_usable(
            session, actor(update, context), buurt_id, now=context.deps.clock.now()
        )
    t = context.t
    rows = [
        [(t("➕ A link for many people"), f"{KIND}{buurt_id}:{MANY}")],
        [(t("➕ A link for one person"), f"{KIND}{buurt_id}:{ONE}")],
        [(t("📋 Links that work now: {count}").format(count=len(working)), f"{LIST}{buurt_id}")],
    ]
    await answer(update, t("Invite neighbours. What do you need?"), keyboards.buttons(rows))


async def _ask_validity(update: Update, context: BotContext, buurt_id: int, kind: str) -> None:
    if kind not in (MANY, ONE):
        raise ValueError(kind)
    async with context.db.begin() as session:
        await invite_admin.check(session, actor(update, context), buurt_id)
    t = context.t
    rows = [
        [(t("1 week"), f"{MAKE}{buurt_id}:{kind}:week"), (t("1 month"), f"{MAKE}{buurt_id}:{kind}:maand")],
        [(t("Until I stop it"), f"{MAKE}{buurt_id}:{kind}:altijd")],
    ]
    await answer(update, t("How long may the link work?"), keyboards.buttons(rows))


async def _make(
    update: Update, context: BotContext, buurt_id: int, *, single_use: bool, validity: str
) -> None:
    if validity not in invite_admin.VALIDITY:
        raise ValueError(validity)
    async with context.unit_of_work() as session:
        buurt_name, invite = await invite_admin.create(
            session,
            actor(update, context),
            buurt_id,
            single_use=single_use,
            validity=validity,
            now=context.deps.clock.now(),
        )
    t, link = context.t, invites.invite_link(context.bot.username, invite.code)
    terms = _terms(invite, t, context.language or "nl", context.deps.settings.zone)
    await answer(
        update,
        t(
            "Here is your invite link for {buurt} ({terms}):\n{link}\n\n"
            "The poster with the QR code comes next."
        ).format(buurt=escape(buurt_name), terms=terms, link=link),
    )
    poster = poster_png(
        buurt=buurt_name,
        line=t("Scan this code to join your buurt on Buurtbot."),
        link=link,
        footer=_until(invite, t, context.language or "nl", context.deps.settings.zone),
    )
    assert update.effective_chat is not None
    # As a file, not a photo: Telegram would shrink a photo, and the poster is meant for paper.
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(poster, filename=f"uitnodiging-{invite.code}.png"),
        caption=t("Print this poster and hang it up in your buurt. 🖨️"),
    )


async def _list(update: Update, context: BotContext, buurt_id: int, page: int = 0) -> None:
    async with context.db.begin() as session:
        working = await invite_admin.list_usable(
            session, actor(update, context), buurt_id, now=context.deps.clock.now()
        )
    t, language, zone = context.t, context.language or "nl", context.deps.settings.zone
    if not working:
        await answer(update, t("No link lets anyone in right now. Make one with /uitnodigen."))
        return
    shown = paging.page_of(working, page)
    lines = [t("Links that work now:")]
    lines += [f"• …{invite.code[-4:]} – {_terms(invite, t, language, zone)}" for invite in shown.items]
    if shown.count > 1:
        lines += ["", paging.position(shown.number, shown.count, t)]
    rows = [
        [(t("🛑 Stop …{code}").format(code=invite.code[-4:]), f"{STOP}{invite.id}")] for invite in shown.items
    ]
    rows += paging.nav_row(shown.number, shown.count, t, lambda number: f"{LIST}{buurt_id}:{number}")
    await answer(update, "\n".join(lines), keyboards.buttons(rows))


async def _stop(update: Update, context: BotContext, invite_id: int) -> None:
    async with context.unit_of_work() as session:
        invite = await invite_admin.revoke(
            session, actor(update, context), invite_id, now=context.deps.clock.now()
        )
    await answer(
        update,
        context.t("Stopped. The link …{code} no longer lets anyone in.").format(code=invite.code[-4:]),
    )


def _terms(invite: Invite, t: Translator, language: str, zone: tzinfo) -> str:
    kind = t("for one person") if invite.single_use else t("for many people")
    used = t("used {count}×").format(count=invite.uses)
    until = _until(invite, t, language, zone) or t("until you stop it")
    return f"{kind}, {until}, {used}"


def _until(invite: Invite, t: Translator, language: str, zone: tzinfo) -> str:
    if invite.expires_at is None:
        return ""
    return t("valid until {date}").format(
        date=format_date(invite.expires_at.astimezone(zone), "d MMMM yyyy", locale=language)
    )
