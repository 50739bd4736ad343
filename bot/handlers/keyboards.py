"""Inline keyboards and the reply keyboard, in the member's language."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, Translator
from bot.services.menu import main_menu


def buttons(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
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
