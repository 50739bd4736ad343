"""The main menu, /help and /stop."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType, ParseMode

from bot.context import BotContext
from bot.handlers import keyboards
from bot.handlers.commands import COORDINATOR_COMMANDS, OPERATOR_COMMANDS
from bot.services.common import conversations
from bot.services.people import authority, membership


async def show_menu(update: Update, context: BotContext) -> None:
    """/menu: the keyboard with the big buttons comes back."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    async with context.db.begin() as session:
        member = await membership.find(session, user.id)
    if member is None or member.membership == membership.NONE:
        await message.reply_text(context.t("First choose your buurt: send /start."))
        return
    await message.reply_text(context.t("Here is your menu."), reply_markup=keyboards.menu_keyboard(context.t))


async def help_command(update: Update, context: BotContext) -> None:
    """/help: what everyone can do; a coordinator or an operator also reads their own commands."""
    if update.effective_message is None:
        return
    text = context.t(
        "This is what I can do now:\n"
        "/start – join your buurt\n"
        "/menu – show the buttons\n"
        "/vraag – ask your neighbours for help\n"
        "/aanbod – offer help to your neighbours\n"
        "/hulpvragen – open requests in your buurt\n"
        "/mijnvragen – your own requests\n"
        "/checkin – a short message now and then: how are you?\n"
        "/activiteiten – what is planned in your buurt\n"
        "/weekbericht – news from your buurt, once a week\n"
        "/instellingen – your name, language, buurt, pause\n"
        "/pauze – a break from messages; /hervat – messages again\n"
        "/taal – choose your language\n"
        "/verhuizen – move to another buurt\n"
        "/mijngegevens – see what Buurtbot keeps about you\n"
        "/vergeetmij – delete everything about you\n"
        "/stop – stop what you are doing"
    )
    extra = await _admin_help(update, context)
    await update.effective_message.reply_text(f"{text}\n\n{extra}" if extra else text)


async def _admin_help(update: Update, context: BotContext) -> str:
    """The extra commands this person may use, one short line each; nothing for a resident or in a group."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != ChatType.PRIVATE:
        return ""
    operator = user.id in context.deps.settings.admin_ids
    if not operator:
        async with context.db.begin() as session:
            if not await authority.coordinates_any(session, user.id):
                return ""
    t = context.t
    sections = [(t("For coordinators:"), COORDINATOR_COMMANDS)]
    if operator:
        sections.append((t("For operators:"), OPERATOR_COMMANDS))
    return "\n\n".join(
        "\n".join([heading] + [f"/{command} – {t(description)}" for command, description in commands])
        for heading, commands in sections
    )


async def stop(update: Update, context: BotContext) -> None:
    """/stop: leave whatever question is open."""
    if update.effective_message is None or update.effective_user is None:
        return
    async with context.unit_of_work() as session:
        stopped = await conversations.end(session, update.effective_user.id)
    text = (
        context.t("Okay, I stopped. Send /menu for the menu.")
        if stopped
        else context.t("There was nothing to stop. Send /menu for the menu.")
    )
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)
