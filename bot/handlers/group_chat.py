"""In a group the bot shows nothing personal: it points to the private chat, and otherwise keeps quiet.

Registered before every other handler, so that no command, button or typed answer can reach a handler
that would answer in front of the whole group (a member's data, a menu, a question of a conversation).
What passes: `/koppel` and `/ontkoppel` with their buttons (`handlers/groups.py`), and what Telegram
itself reports about the group (the bot added or removed, a move to a supergroup).

- A command meant for us: a short pointer to the private chat, with a button that opens it.
- A command for another bot (`/help@otherbot`): nothing.
- Chatter: nothing, unless it is for us (a reply to one of our messages, or a mention of us): a pointer.
- A button (an old, forwarded or forged one): a pop-up pointing to the private chat; nothing changes.
"""

from __future__ import annotations

import re

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType
from telegram.ext import BaseHandler, filters

from bot.context import BotContext
from bot.handlers.admin.common import PAGE
from bot.handlers.replies import popup

GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)
GROUP_BUTTONS = "grp:"  # /koppel's buttons (handlers/groups.py): the only ones that work in a group
# ... with the ◀️/▶️ of its question when there are many buurten: PAGE, the page number, then its prefix.
_GROUP_BUTTON_DATA = re.compile(rf"^({re.escape(PAGE)}\d+:)?{re.escape(GROUP_BUTTONS)}")
# The commands that work in a group; each checks the caller's role itself.
_GROUP_COMMANDS = re.compile(r"^/(koppel|ontkoppel)(@\w+)?(\s|$)", re.IGNORECASE)
_GREETINGS = {"start", "help", "hulp", "menu"}

# Messages in a group, except what Telegram reports itself (members coming and going, a migration).
MESSAGES = (
    filters.ChatType.GROUPS
    & filters.UpdateType.MESSAGES
    & ~filters.StatusUpdate.ALL
    & ~filters.Regex(_GROUP_COMMANDS)
)


class GroupButtons(BaseHandler[Update, BotContext, None]):
    """A tap on an inline button under a message in a group, other than /koppel's."""

    def __init__(self) -> None:
        super().__init__(on_button)

    def check_update(self, update: object) -> bool:
        if not isinstance(update, Update) or update.callback_query is None:
            return False
        chat = update.effective_chat
        data = update.callback_query.data or ""
        return chat is not None and chat.type in GROUP_TYPES and _GROUP_BUTTON_DATA.match(data) is None


def private_chat_button(context: BotContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    context.t("Open a private chat with me"), url=f"https://t.me/{context.bot.username}"
                )
            ]
        ]
    )


async def on_message(update: Update, context: BotContext) -> None:
    message = update.message  # an edited message is left alone: it was answered (or ignored) already
    if message is None:
        return
    command = _command(message)
    if command is not None:
        name, addressee = command
        if addressee is not None and addressee.lower() != (context.bot.username or "").lower():
            return  # for another bot in the group
        text = (
            context.t("Hello! Talk to me in a private chat to get started.")
            if name in _GREETINGS
            else context.t("Please send this command to me in a private chat.")
        )
    elif _for_us(message, context):
        text = context.t("I only talk in a private chat, so that nobody else reads along.")
    else:
        return  # chatter between neighbours is not for us
    await message.reply_text(text, reply_markup=private_chat_button(context))


async def on_button(update: Update, context: BotContext) -> None:
    query: CallbackQuery | None = update.callback_query
    if query is not None:
        await popup(update, context.t("This only works in a private chat with me."))


def _command(message: Message) -> tuple[str, str | None] | None:
    """(command, the bot it is addressed to) when the message starts with a command."""
    entity = next(
        (e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None
    )
    if entity is None or message.text is None:
        return None
    name, _, addressee = message.parse_entity(entity)[1:].partition("@")
    return name.lower(), addressee or None


def _for_us(message: Message, context: BotContext) -> bool:
    """A reply to one of our messages, or a mention of our username."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id:
        return True
    username = (context.bot.username or "").lower()
    mentions = [
        *message.parse_entities([MessageEntity.MENTION]).values(),
        *message.parse_caption_entities([MessageEntity.MENTION]).values(),
    ]
    return bool(username) and any(mention.lower() == f"@{username}" for mention in mentions)
