"""The command list Telegram shows in the menu, in every supported language."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.context import BotContext
from bot.i18n import N_, SUPPORTED_LANGUAGES, translator
from bot.services.people import authority
from bot.services.people.authority import Admin

log = logging.getLogger(__name__)

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Join your buurt, or start again")),
    ("menu", N_("Show the buttons")),
    ("help", N_("What Buurtbot can do")),
    ("vraag", N_("Ask your neighbours for help")),
    ("aanbod", N_("Offer help to your neighbours")),
    ("hulpvragen", N_("Open requests in your buurt")),
    ("mijnvragen", N_("Your own requests")),
    ("checkin", N_("A short message now and then, to ask how you are")),
    ("instellingen", N_("Your name, language, buurt and pause")),
    ("taal", N_("Choose your language")),
    ("pauze", N_("A break from messages")),
    ("hervat", N_("Messages again after a break")),
    ("verhuizen", N_("Move to another buurt")),
    ("activiteiten", N_("What is planned in your buurt")),
    ("weekbericht", N_("The buurt's weekly digest in this chat")),
    ("mijngegevens", N_("See what Buurtbot keeps about you")),
    ("vergeetmij", N_("Delete everything about you")),
    ("stop", N_("Stop what you are doing")),
)


# Only shown to coordinators and operators, in their own chat with the bot.
COORDINATOR_COMMANDS: tuple[tuple[str, str], ...] = (
    ("leden", N_("Members of your buurt, and who is waiting")),
    ("uitnodigen", N_("An invite link and a QR poster")),
    ("statistiek", N_("Your buurt's numbers, with a chart")),
    ("export", N_("The numbers per week as a file, anonymous")),
    ("omroep", N_("A message to all members")),
    ("activiteit", N_("Plan an activity, see who is coming")),
    ("namens", N_("Post a request for a resident without Telegram")),
    ("melding", N_("Handle reported messages")),
    ("blokkeer", N_("Block a member")),
    ("deblokkeer", N_("Lift a block")),
    ("koppel", N_("Link your buurt's group (send it in the group)")),
    ("digest", N_("The weekly digest for your groups: preview and moment")),
)
OPERATOR_COMMANDS: tuple[tuple[str, str], ...] = (
    ("buurten", N_("Add and change buurten, appoint coordinators")),
)


def commands_in(language: str) -> list[BotCommand]:
    t = translator(language)
    return [BotCommand(command, t(description)) for command, description in COMMANDS]


async def publish_commands(bot: Bot, default_language: str) -> None:
    for language in SUPPORTED_LANGUAGES:
        await bot.set_my_commands(commands_in(language), language_code=language)
    # People whose Telegram language we do not support see the default language.
    await bot.set_my_commands(commands_in(default_language))


def admin_commands_in(language: str, *, operator: bool) -> list[BotCommand]:
    t = translator(language)
    extra = COORDINATOR_COMMANDS + (OPERATOR_COMMANDS if operator else ())
    return commands_in(language) + [BotCommand(command, t(description)) for command, description in extra]


async def publish_admin_commands(bot: Bot, admins: Iterable[Admin]) -> None:
    """Coordinators and operators see their extra commands in the menu of their own chat with the bot."""
    for admin in admins:
        try:
            await bot.set_my_commands(
                admin_commands_in(admin.language, operator=admin.operator),
                scope=BotCommandScopeChat(admin.telegram_user_id),
            )
        except TelegramError as exc:  # someone who never opened a chat with the bot: nothing to show
            log.info("no command menu for an admin chat: %s", exc)


async def refresh_admin_menu(context: BotContext, telegram_user_id: int) -> None:
    """After someone was appointed or removed: their menu shows the commands they have now."""
    settings = context.deps.settings
    async with context.db.begin() as session:
        everyone = await authority.admins(
            session, settings.admin_ids, default_language=settings.default_language
        )
    admin = [a for a in everyone if a.telegram_user_id == telegram_user_id]
    if admin:
        await publish_admin_commands(context.bot, admin)
        return
    try:
        await context.bot.delete_my_commands(scope=BotCommandScopeChat(telegram_user_id))
    except TelegramError as exc:
        log.info("could not reset an admin menu: %s", exc)
