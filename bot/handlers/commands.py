"""The command list Telegram shows in the menu, in every supported language."""

from __future__ import annotations

from telegram import Bot, BotCommand

from bot.i18n import N_, SUPPORTED_LANGUAGES, translator

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
    ("mijngegevens", N_("See what Buurtbot keeps about you")),
    ("vergeetmij", N_("Delete everything about you")),
    ("stop", N_("Stop what you are doing")),
)


def commands_in(language: str) -> list[BotCommand]:
    t = translator(language)
    return [BotCommand(command, t(description)) for command, description in COMMANDS]


async def publish_commands(bot: Bot, default_language: str) -> None:
    for language in SUPPORTED_LANGUAGES:
        await bot.set_my_commands(commands_in(language), language_code=language)
    # People whose Telegram language we do not support see the default language.
    await bot.set_my_commands(commands_in(default_language))
