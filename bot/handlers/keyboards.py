"""Inline keyboards and the reply keyboard, in the member's language."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.delivery.buttons import MAX_DATA_BYTES
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, Translator
from bot.services.people.menu import main_menu

# Telegram's limits: callback data of 1-64 bytes (of which the seal takes some), at most 100 buttons
# under one message.
MAX_CALLBACK_BYTES = MAX_DATA_BYTES
MAX_BUTTONS = 100


def buttons(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Inline buttons (label, callback data). Raises ValueError past Telegram's limits, before sending."""
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise ValueError("more than 100 buttons: show them a page at a time (handlers/paging.py)")
    for row in rows:
        for _, data in row:
            if not 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES:
                raise ValueError(f"callback data of {len(data.encode())} bytes: {data[:20]!r}...")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def menu_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(main_menu(t), resize_keyboard=True, is_persistent=True)


def languages(prefix: str, suggested: str | None = None) -> InlineKeyboardMarkup:
    """One button per language, each named in itself; the suggestion first, with a check mark."""
    order = sorted(SUPPORTED_LANGUAGES, key=lambda code: code != suggested)
    return buttons(
        [[(("✓ " if code == suggested else "") + LANGUAGE_NAMES[code], prefix + code)] for code in order]
    )
