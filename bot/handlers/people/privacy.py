"""/mijngegevens and /vergeetmij: see everything Buurtbot keeps about you, and have it deleted."""

from __future__ import annotations

import json
from html import escape

from telegram import InputFile, Update
from telegram.constants import ParseMode

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.replies import acknowledge, answer, send
from bot.services.people import privacy
from bot.services.people.membership import UnknownMember

CONFIRM, KEEP = "vergeet:ja", "vergeet:nee"
CALLBACK_PATTERN = r"^vergeet:"


async def send_export(update: Update, context: BotContext) -> None:
    """A JSON file with everything, and a short summary in words."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    try:
        async with context.db.begin() as session:
            data = await privacy.export(session, user.id, now=context.deps.clock.now())
    except UnknownMember:
        await send(update, context.t("I do not keep anything about you."))
        return
    profile, t = data["profile"], context.t
    summary = "\n".join(
        [
            t("This is what Buurtbot keeps about you:"),
            t("• Name neighbours see: {name}").format(name=escape(profile["name_neighbours_see"] or "-")),
            t("• Language: {language}").format(language=profile["language"]),
            t("• Buurt: {buurt}").format(buurt=escape(profile["buurt"] or "-")),
            t("• Messages we sent you through the outbox: {count}").format(
                count=len(data["messages_sent_to_you"])
            ),
            "",
            t("Everything, with dates, is in the file. Delete it all with /vergeetmij."),
        ]
    )
    document = InputFile(
        json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), filename="buurtbot-mijn-gegevens.json"
    )
    # One message: the file, with the summary in words as its caption (the settings button stays).
    await acknowledge(update)
    await context.bot.send_document(chat.id, document, caption=summary, parse_mode=ParseMode.HTML)


async def ask_to_forget(update: Update, context: BotContext) -> None:
    t = context.t
    await answer(
        update,
        t(
            "Do you want me to delete everything about you?\n"
            "Your name, language and buurt will be gone. This cannot be undone."
        ),
        keyboards.buttons([[(t("🗑️ Yes, delete everything"), CONFIRM)], [(t("No, keep it"), KEEP)]]),
    )


async def on_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    if query.data != CONFIRM:
        await answer(update, context.t("Good, nothing was deleted."))
        return
    async with context.unit_of_work() as session:
        await privacy.forget(session, user.id, now=context.deps.clock.now())
    await answer(
        update,
        context.t(
            "Done. I deleted everything I knew about you.\n"
            "If you come back later, you start fresh. Take care! 👋"
        ),
    )
