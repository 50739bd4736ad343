"""The main menu: big buttons with a pictogram, only for what is built and allowed."""

from __future__ import annotations

from bot.i18n import N_, Translator

ASK = N_("🙋 I need help")
OFFER = N_("🤝 I want to help")
REQUESTS = N_("📋 Requests in the buurt")
MINE = N_("📂 My requests")
CHECKIN = N_("💬 Check in")
ACTIVITIES = N_("📅 Activities")
SETTINGS = N_("⚙️ Settings")
HELP = N_("❓ Help")

_ROWS = ((ASK, OFFER), (REQUESTS, MINE), (CHECKIN, ACTIVITIES), (SETTINGS, HELP))


def main_menu(t: Translator) -> list[list[str]]:
    """Rows of button labels in the member's language."""
    return [[t(key) for key in row] for row in _ROWS]


def which_button(text: str, t: Translator) -> str | None:
    """Which menu button a typed text is (the keyboard sends its label as a message)."""
    for row in _ROWS:
        for key in row:
            if text.strip() == t(key):
                return key
    return None
