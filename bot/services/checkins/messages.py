"""What check-ins say to people who did not just write to us: queued payloads in their own language.

Their buttons' data comes from `buttons`, where the handlers in `bot/handlers/checkins/` read it back.
"""

from __future__ import annotations

import random
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.db.enums import Mood
from bot.delivery.payloads import text_message
from bot.i18n import N_, Translator, translator
from bot.services.checkins import buttons

PHRASINGS = (
    N_("Good morning from Buurtbot! ☀️ How are you today?"),
    N_("Hello! Just checking in: how are you doing?"),
    N_("Hi! Your neighbours are thinking of you. How are you?"),
    N_("Hello again! How is your day going?"),
    N_("A little hello from your buurt. 🌷 How are you feeling?"),
)
MOOD_LABELS = {
    Mood.GOOD: N_("😊 Good"),
    Mood.OKAY: N_("😐 So-so"),
    Mood.BAD: N_("😟 Not so good"),
    Mood.TALK: N_("📞 I would like to talk"),
}


def next_phrasing(last: int | None, rng: random.Random | None = None) -> int:
    """Any phrasing but the one used last time."""
    choices = [index for index in range(len(PHRASINGS)) if index != last]
    return (rng or random).choice(choices)


def mood_buttons(t: Translator, checkin_id: int) -> list[list[tuple[str, str]]]:
    def button(mood: Mood) -> tuple[str, str]:
        return (t(MOOD_LABELS[mood]), buttons.mood(checkin_id, mood))

    return [
        [button(Mood.GOOD), button(Mood.OKAY)],
        [button(Mood.BAD)],
        [button(Mood.TALK)],
    ]


def checkin_message(language: str, checkin_id: int, phrasing: int) -> dict[str, Any]:
    t = translator(language)
    return text_message(t(PHRASINGS[phrasing]), buttons=mood_buttons(t, checkin_id))


def reminder_message(language: str, checkin_id: int) -> dict[str, Any]:
    t = translator(language)
    text = t("Just a small reminder: how are you? Tap a button, then we know you are okay.")
    return text_message(text, buttons=mood_buttons(t, checkin_id))


def when_text(moment: datetime | None, language: str, zone: ZoneInfo) -> str:
    t = translator(language)
    if moment is None:
        return t("never yet")
    return format_datetime(moment, "EEEE d MMMM, HH:mm", tzinfo=zone, locale=language)


def alert_message(
    language: str, checkin_id: int, name: str, last_answered: datetime | None, zone: ZoneInfo
) -> dict[str, Any]:
    """Only what a contact needs: who, and when they last answered. Never how they felt."""
    t = translator(language)
    text = t(
        "{name} did not answer today's check-in.\n"
        "Last answer: {when}.\n"
        "Could you look in on them, or give them a call?"
    ).format(name=escape(name), when=when_text(last_answered, language, zone))
    look = [
        [(t("👀 I will go and look"), buttons.look(checkin_id, looking=True))],
        [(t("I can't"), buttons.look(checkin_id, looking=False))],
    ]
    return text_message(text, buttons=look)


def all_is_well_message(language: str, name: str) -> dict[str, Any]:
    t = translator(language)
    return text_message(
        t(
            "Good news: {name} has answered. All is well, you do not need to do anything. Thank you! 💚"
        ).format(name=escape(name))
    )


def reach_out_message(language: str, name: str) -> dict[str, Any]:
    t = translator(language)
    return text_message(
        t("{name} would like to hear from you. Could you give them a call or drop by?").format(
            name=escape(name)
        )
    )


def contact_gone_message(language: str, name: str | None) -> dict[str, Any]:
    t = translator(language)
    if name is None:
        text = t(
            "One of your contacts for the check-ins is no longer on Buurtbot.\n"
            "You may want to choose someone else: send /checkin."
        )
    else:
        text = t(
            "I could not reach {name} for your check-ins.\n"
            "You may want to choose someone else: send /checkin."
        ).format(name=escape(name))
    return text_message(text)


def contact_request_message(language: str, member_id: int, name: str) -> dict[str, Any]:
    t = translator(language)
    text = t(
        "{name} gets a short message from Buurtbot now and then.\n"
        "Would you be their contact? If {name} does not answer, we ask you to look in on them."
    ).format(name=escape(name))
    yes_no = [
        [
            (t("✅ Yes, gladly"), buttons.accept(member_id, yes=True)),
            (t("No, sorry"), buttons.accept(member_id, yes=False)),
        ]
    ]
    return text_message(text, buttons=yes_no)


def contact_answer_message(language: str, name: str, accepted: bool) -> dict[str, Any]:
    t = translator(language)
    text = (
        t("{name} is now your contact for the check-ins. 💚")
        if accepted
        else t("{name} cannot be your contact right now. You can ask someone else with /checkin.")
    )
    return text_message(text.format(name=escape(name)))


def contact_stepped_down_message(language: str, name: str) -> dict[str, Any]:
    t = translator(language)
    return text_message(
        t(
            "{name} is no longer your contact for the check-ins. You can ask someone else with /checkin."
        ).format(name=escape(name))
    )


def invite_text(language: str) -> dict[str, Any]:
    t = translator(language)
    text = t(
        "Would you like a short message now and then, to ask how you are?\n"
        "You choose how often and when. You can stop at any time."
    )
    yes_no = [
        [(t("✅ Yes, please"), buttons.invited(yes=True)), (t("No, thank you"), buttons.invited(yes=False))]
    ]
    return text_message(text, buttons=yes_no)
