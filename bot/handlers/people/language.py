"""Which language to speak with someone, and /taal to change it."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.delivery.work import handling_update
from bot.handlers import keyboards
from bot.handlers.replies import answer
from bot.i18n import SUPPORTED_LANGUAGES, negotiate
from bot.services.people import members

CALLBACK_PREFIX = "taal:"
CALLBACK_PATTERN = r"^taal:"


async def remember_language(update: Update, context: BotContext) -> None:
    """Runs first for every update: the member's own choice, else Telegram's language, else the default."""
    user = update.effective_user
    default = context.deps.settings.default_language
    if user is None:
        context.language = default
        return
    handling = handling_update.get()
    if handling is not None and handling.sender is not None and handling.sender.user_id == user.id:
        chosen = handling.sender.language  # read by the dispatcher, along with taking the update
    else:
        async with context.db.begin() as session:
            chosen = await members.language_of(session, user.id)
    context.language = chosen or negotiate(user.language_code, default)


def language_keyboard() -> InlineKeyboardMarkup:
    return keyboards.languages(CALLBACK_PREFIX)


async def ask_language(update: Update, context: BotContext) -> None:
    """/taal: one button per language, each named in its own language."""
    if update.effective_message is None:
        return
    await update.effective_message.reply_text(
        context.t("Which language do you want? Tap a button."), reply_markup=language_keyboard()
    )


async def choose_language(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    language = query.data.removeprefix(CALLBACK_PREFIX)
    if language not in SUPPORTED_LANGUAGES:
        # An old or forged button: say so kindly and offer the real choices.
        text = context.t("That button no longer works. Please choose again.")
        await answer(update, text, language_keyboard())
        return
    async with context.unit_of_work() as session:
        await members.choose_language(
            session, update.effective_user.id, language, now=context.deps.clock.now()
        )
    context.language = language
    await answer(update, context.t("Done! From now on I speak English with you."))
