"""The main menu: big buttons with a pictogram, only for what is built and allowed."""

from __future__ import annotations

from bot.i18n import N_, Translator

SETTINGS = N_("⚙️ Settings")
HELP = N_("❓ Help")
CHECKIN = N_("💬 Check in")


def main_menu(t: Translator) -> list[list[str]]:
    """Rows of button labels in the member's language."""
    return [[t(CHECKIN)], [t(SETTINGS), t(HELP)]]


def which_button(text: str, t: Translator) -> str | None:
    """Which menu button a typed text is (the keyboard sends its label as a message)."""
    for key in (SETTINGS, HELP, CHECKIN):
        if text.strip() == t(key):
            return key
    return None
