"""What every admin command shares: who asks, private chats only, a kind refusal, choosing a buurt."""

from __future__ import annotations

import re

from telegram import Update
from telegram.constants import ChatType

from bot.context import BotContext
from bot.handlers import keyboards, paging
from bot.handlers.replies import answer, popup
from bot.i18n import N_
from bot.ids import parse_id
from bot.services.people import authority
from bot.services.people.authority import Actor

# ◀️/▶️ under a buurt question: "pg:<page>:<the question's prefix>".
PAGE = "pg:"
CALLBACK_PATTERN = r"^pg:"
# The prefixes a buurt question uses ("inv:b:", "adm:dg:m:0:600:", ...). Whatever the buurt button then
# does is checked again by its own handler; this only keeps a forged page button from making odd buttons.
_PREFIX = re.compile(r"(?:[a-z]{1,6}:){1,3}(?:[0-9]{1,4}:){0,2}")
WHICH_BUURT = N_("Which buurt?")
# In a group, /koppel asks its own question (groups.LINK is "grp:k:").
QUESTIONS = {"grp:k:": N_("Which buurt is this group for?")}


def actor(update: Update, context: BotContext) -> Actor:
    assert update.effective_user is not None
    return Actor(update.effective_user.id, context.deps.settings.admin_ids)


async def in_private(update: Update, context: BotContext) -> bool:
    """Admin work shows names: only in a private chat. In a group, point there instead."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE and update.effective_user is not None:
        return True
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            context.t("Please send this command to me in a private chat.")
        )
    return False


async def refuse(update: Update, context: BotContext) -> None:
    """Checked on the server: a forwarded, old or forged button changes nothing."""
    text = context.t("Sorry, only a coordinator of this buurt can do this.")
    await popup(update, text)


async def refuse_operators_only(update: Update, context: BotContext) -> None:
    text = context.t("Sorry, only the operators of Buurtbot can do this.")
    await popup(update, text)


async def choose_buurt(update: Update, context: BotContext, prefix: str) -> int | None:
    """The buurt this command is about: the caller's only one, or (None) a question with a button each.

    A resident hears kindly that this is for coordinators.
    """
    async with context.db.begin() as session:
        managed = await authority.managed_buurten(session, actor(update, context))
    if not managed:
        await answer(
            update, context.t("This is for coordinators of a buurt. Ask your coordinator if you need help.")
        )
        return None
    if len(managed) == 1:
        return managed[0].id
    await _ask_buurt(update, context, prefix, [(buurt.id, buurt.name) for buurt in managed], 0)
    return None


async def ask_buurt(update: Update, context: BotContext, prefix: str, page: int = 0) -> bool:
    """The question "Which buurt?" with a button for each buurt the caller manages, a page at a time.

    False (and nothing asked) when they manage none.
    """
    async with context.db.begin() as session:
        managed = await authority.managed_buurten(session, actor(update, context))
    if not managed:
        return False
    await _ask_buurt(update, context, prefix, [(buurt.id, buurt.name) for buurt in managed], page)
    return True


async def _ask_buurt(
    update: Update, context: BotContext, prefix: str, buurten: list[tuple[int, str]], page: int
) -> None:
    t = context.t
    shown = paging.page_of(buurten, page)
    rows = [[(name, f"{prefix}{buurt_id}")] for buurt_id, name in shown.items]
    rows += paging.nav_row(shown.number, shown.count, t, lambda number: f"{PAGE}{number}:{prefix}")
    question, where = t(QUESTIONS.get(prefix, WHICH_BUURT)), paging.position(shown.number, shown.count, t)
    text = f"{question}\n{where}" if where else question
    await answer(update, text, keyboards.buttons(rows))


async def on_page(update: Update, context: BotContext) -> None:
    """◀️/▶️ under a buurt question: the same question, another page (read again for whoever tapped)."""
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    number_text, _, prefix = query.data.removeprefix(PAGE).partition(":")
    page = paging.page_number(number_text)
    if page is None or _PREFIX.fullmatch(prefix) is None:
        await popup(update, context.t("This button no longer works."))
        return
    if not await ask_buurt(update, context, prefix, page):
        await refuse(update, context)


def number_after(data: str, prefix: str) -> int | None:
    """The id in callback data like "inv:x:12"; None when it is not there (an old or forged button)."""
    return parse_id(data.removeprefix(prefix)) if data.startswith(prefix) else None


def button_id(text: str) -> int:
    """The id in one part of a button's data; ValueError when it is none (an old or forged button), which
    the admin handlers answer with "That button no longer works"."""
    number = parse_id(text)
    if number is None:
        raise ValueError(text)
    return number
