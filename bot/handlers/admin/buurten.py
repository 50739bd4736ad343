"""/buurten: operators add buurten, rename them, set postcodes and join policy, and appoint coordinators."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.handlers import keyboards, paging
from bot.handlers.admin.common import actor, button_id, in_private, number_after, refuse_operators_only
from bot.handlers.commands import refresh_admin_menu
from bot.handlers.replies import answer
from bot.i18n import Translator
from bot.services.buurten import buurten
from bot.services.buurten.postcodes import InvalidPostcode
from bot.services.common import conversations
from bot.services.coordination import buurten as buurt_admin
from bot.services.coordination.buurten import Details
from bot.services.people.authority import NotAllowed, UnknownBuurt

CALLBACK_PATTERN = r"^buurt:"
# Pages: "buurt:lijst:<page>", "buurt:aan:<buurt>:<page>" (the members to appoint).
LIST_PAGE = "buurt:lijst:"
LIST, NEW, SHOW, RENAME, POSTCODES, POLICY, COORDINATORS, APPOINT, PICK, DISMISS = (
    "buurt:lijst",
    "buurt:nieuw",
    "buurt:b:",
    "buurt:naam:",
    "buurt:pc:",
    "buurt:beleid:",
    "buurt:coo:",
    "buurt:aan:",
    "buurt:kies:",
    "buurt:weg:",
)


async def show_buurten(update: Update, context: BotContext, page: int = 0) -> None:
    """/buurten: every buurt as a button (a page at a time), and one to add a buurt."""
    if not await in_private(update, context):
        return
    try:
        async with context.db.begin() as session:
            rows = await buurt_admin.all_buurten(
                session, actor(update, context), now=context.deps.clock.now()
            )
    except NotAllowed:
        await refuse_operators_only(update, context)
        return
    t = context.t
    shown = paging.page_of(rows, page)
    buttons = [[(f"🏘️ {row.name} ({row.member_count})", f"{SHOW}{row.id}")] for row in shown.items]
    buttons += paging.nav_row(shown.number, shown.count, t, lambda number: f"{LIST_PAGE}{number}")
    buttons.append([(t("➕ New buurt"), NEW)])
    text = t("Buurten on Buurtbot. Tap one to change it.") if rows else t("There are no buurten yet.")
    if shown.count > 1:
        text += "\n" + paging.position(shown.number, shown.count, t)
    await answer(update, text, keyboards.buttons(buttons))


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    data, who, now = query.data, actor(update, context), context.deps.clock.now()
    try:
        if data == LIST:
            await show_buurten(update, context)
        elif (page := paging.page_number(data.removeprefix(LIST_PAGE))) is not None:
            await show_buurten(update, context, page)
        elif data == NEW:
            await _ask(
                update, context, buurt_admin.NEW_NAME, None, context.t("Type the name of the new buurt.")
            )
        elif (buurt_id := number_after(data, SHOW)) is not None:
            await show_details(update, context, buurt_id)
        elif (buurt_id := number_after(data, RENAME)) is not None:
            await _ask(update, context, buurt_admin.NEW_BUURT_NAME, buurt_id, context.t("Type the new name."))
        elif (buurt_id := number_after(data, POSTCODES)) is not None:
            text = context.t("Type the postcodes (4 numbers), separated by commas. For example: 2571, 2572")
            await _ask(update, context, buurt_admin.POSTCODE_LIST, buurt_id, text)
        elif data.startswith(POLICY) and data.count(":") == 3:
            buurt_text, policy = data.removeprefix(POLICY).split(":")
            buurt_id = button_id(buurt_text)
            async with context.unit_of_work() as session:
                await buurt_admin.set_policy(session, who, buurt_id, policy, now=now)
            await show_details(update, context, buurt_id)
        elif (buurt_id := number_after(data, COORDINATORS)) is not None:
            await show_details(update, context, buurt_id)
        elif (buurt_id := number_after(data, APPOINT)) is not None:
            await _ask_coordinator(update, context, buurt_id)
        elif data.startswith(APPOINT) and data.count(":") == 3:
            buurt_text, page_text = data.removeprefix(APPOINT).split(":")
            await _ask_coordinator(update, context, button_id(buurt_text), paging.page_number(page_text) or 0)
        elif data.startswith((PICK, DISMISS)) and data.count(":") == 3:
            _, kind, buurt_text, user_text = data.split(":")
            buurt_id, user_id = button_id(buurt_text), button_id(user_text)
            change = buurt_admin.appoint if kind == PICK.split(":")[1] else buurt_admin.dismiss
            async with context.unit_of_work() as session:
                await change(session, who, buurt_id, user_id, now=now)
                await conversations.end(session, update.effective_user.id)  # no id to type any more
            await refresh_admin_menu(context, user_id)
            await show_details(update, context, buurt_id)
        else:
            await answer(update, context.t("That button no longer works. Send /buurten to start again."))
    except NotAllowed:
        await refuse_operators_only(update, context)
    except (UnknownBuurt, ValueError, buurten.UnknownJoinPolicy):
        await answer(update, context.t("That button no longer works. Send /buurten to start again."))


async def _ask(update: Update, context: BotContext, step: str, buurt_id: int | None, question: str) -> None:
    async with context.unit_of_work() as session:
        await buurt_admin.ask(session, actor(update, context), step, buurt_id, now=context.deps.clock.now())
    await answer(update, question + "\n" + context.t("Or send /stop to stop."))


async def _ask_coordinator(update: Update, context: BotContext, buurt_id: int, page: int = 0) -> None:
    who, now, t = actor(update, context), context.deps.clock.now(), context.t
    async with context.unit_of_work() as session:
        await buurt_admin.ask(session, who, buurt_admin.COORDINATOR_ID, buurt_id, now=now)
        candidates = await buurt_admin.candidates(session, who, buurt_id)
    text = t(
        "Who becomes coordinator? Tap a member, or type their Telegram user id (a number).\n"
        "They find it in the file that /mijngegevens sends them."
    )
    shown = paging.page_of(candidates, page)
    buttons = [[(name, f"{PICK}{buurt_id}:{telegram_id}")] for telegram_id, name in shown.items]
    buttons += paging.nav_row(shown.number, shown.count, t, lambda number: f"{APPOINT}{buurt_id}:{number}")
    if shown.count > 1:
        text += "\n" + paging.position(shown.number, shown.count, t)
    await answer(update, text, keyboards.buttons(buttons) if buttons else None)


async def show_details(update: Update, context: BotContext, buurt_id: int) -> None:
    async with context.db.begin() as session:
        details = await buurt_admin.details(
            session, actor(update, context), buurt_id, now=context.deps.clock.now()
        )
    await answer(update, *render_details(details, context.t))


def render_details(details: Details, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    policy = (
        t("everyone who joins is a member at once")
        if details.join_policy == "open"
        else t("a coordinator lets each newcomer in")
    )
    coordinators = ", ".join(escape(c.name or str(c.telegram_user_id)) for c in details.coordinators) or t(
        "none yet"
    )
    text = "\n".join(
        [
            f"🏘️ <b>{escape(details.name)}</b>",
            t("Postcodes: {postcodes}").format(postcodes=", ".join(details.postcodes) or "-"),
            t("Joining: {policy}").format(policy=policy),
            t("Members: {count}").format(count=details.member_count),
            t("Coordinators: {names}").format(names=coordinators),
        ]
    )
    other = "approval" if details.join_policy == "open" else "open"
    policy_label = t("🔐 Newcomers need a yes") if other == "approval" else t("🔓 Everyone in at once")
    rows = [
        [(t("✏️ Name"), f"{RENAME}{details.id}"), (t("📮 Postcodes"), f"{POSTCODES}{details.id}")],
        [(policy_label, f"{POLICY}{details.id}:{other}")],
        [(t("➕ Appoint a coordinator"), f"{APPOINT}{details.id}")],
    ]
    rows += [
        [
            (
                t("❌ Remove {name}").format(name=c.name or c.telegram_user_id),
                f"{DISMISS}{details.id}:{c.telegram_user_id}",
            )
        ]
        for c in details.coordinators
    ]
    rows.append([(t("⬅️ All buurten"), LIST)])
    return text, keyboards.buttons(rows)


def problem(error: Exception, t: Translator) -> str:
    """A typed answer that could not be used, put kindly; the question stays open."""
    if isinstance(error, buurten.BuurtExists):
        return t("There is already a buurt with that name. Please type another name.")
    if isinstance(error, buurten.InvalidBuurtName):
        return t("A buurt name has 2 to 80 letters, on one line. Please try again.")
    if isinstance(error, InvalidPostcode):
        return t("“{text}” is not a postcode. Please type 4 numbers, like 2571, separated by commas.").format(
            text=escape(error.text.strip()[:20])
        )
    return t("That is not a Telegram user id. Please type only the number, for example 123456789.")
