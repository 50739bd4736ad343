"""Every check-in button's callback data, made here and read back here: "ci:<kind>:...".

A button keeps its data for as long as the message stays in someone's chat, so these strings never
change (tests/hostile/buttons.py lists them). The services that write messages and the handlers that
answer taps both use the functions below; the handlers register for their kinds with `pattern`.
Callback data is text anyone can write: each `parse_*` gives None for anything no button of ours
carries, and reads ids with `bot.ids.parse_id`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from bot.db.enums import Frequency, Mood
from bot.ids import parse_id
from bot.services.checkins.plans import PAUSES
from bot.services.checkins.schedule import EXACT, LADDERS, SLOTS

E = TypeVar("E", bound=StrEnum)


class Kind(StrEnum):
    """The letter after "ci:", and the rest of each kind's data."""

    FREQUENCY = "f"  # ci:f:<frequency>: how often (starting, or changing)
    TIME = "t"  # ci:t:<frequency>:<slot>: around what time (a slot, or "exact")
    SETTING = "s"  # ci:s:<setting>: a button of one's check-ins overview
    LADDER = "l"  # ci:l:<ladder>: the waiting times when nobody answers
    PAUSE = "p"  # ci:p:<pause>: how long a pause
    REMOVE = "x"  # ci:x:<contact's member id>: no longer ask that contact
    STEP_DOWN = "d"  # ci:d:<member id>: stop being that member's contact
    MOOD = "m"  # ci:m:<checkin id>:<g|o|b|t>: how the member is
    REACH = "r"  # ci:r:<checkin id>:<y|n>: may a contact get in touch
    LOOK = "c"  # ci:c:<checkin id>:<l|x>: a contact goes to look, or cannot
    ACCEPT = "k"  # ci:k:<member id>:<y|n>: someone asked to be a contact says yes or no
    INVITED = "i"  # ci:i:<y|n>: a member invited by a coordinator
    ASK_BUURT = "h"  # ci:h:<checkin id>: after "Gaat wel", ask the buurt for help (/vraag)


class Setting(StrEnum):
    """The buttons of one's check-ins overview (ci:s:...), each leading to its screen."""

    CHANGE = "change"  # how often and when
    QUIET = "quiet"
    ADD = "add"  # ask a neighbour to be a contact
    CONTACTS = "contacts"
    LADDER = "ladder"  # the waiting times
    PAUSE = "pause"
    RESUME = "resume"
    HISTORY = "history"  # one's own answers
    STOP = "stop"
    AFTER = "after"  # the people one looks in on


_MOOD_CODES = {"g": Mood.GOOD, "o": Mood.OKAY, "b": Mood.BAD, "t": Mood.TALK}
_CODE_OF_MOOD = {mood: code for code, mood in _MOOD_CODES.items()}
_YES, _NO = "y", "n"
_LOOKING, _CANNOT = "l", "x"


def pattern(*kinds: Kind) -> str:
    """The CallbackQueryHandler pattern for these kinds of button."""
    return "^ci:[" + "".join(kinds) + "]:"


def kind(data: str) -> Kind | None:
    """Which kind of check-in button this data claims to be, whatever follows."""
    letter, colon = data[3:4], data[4:5]
    if not data.startswith("ci:") or colon != ":":
        return None
    return _member(Kind, letter)


def _data(kind: Kind, *parts: object) -> str:
    return ":".join(("ci", kind, *(str(part) for part in parts)))


def _rest(data: str, kind: Kind) -> str | None:
    """What follows "ci:<kind>:", or None for another kind of data."""
    prefix = _data(kind, "")
    return data.removeprefix(prefix) if data.startswith(prefix) else None


def _member(enum: type[E], text: str) -> E | None:
    try:
        return enum(text)
    except ValueError:
        return None


def _id_and_choice(data: str, kind: Kind) -> tuple[int, str] | None:
    """'ci:<kind>:<id>:<choice>' → (id, choice); None when the id is not one."""
    rest = _rest(data, kind)
    if rest is None:
        return None
    number_text, _, choice = rest.partition(":")
    number = parse_id(number_text)
    return None if number is None else (number, choice)


# --- choosing one's check-ins ---------------------------------------------------------------------------


def frequency(value: Frequency) -> str:
    return _data(Kind.FREQUENCY, value)


def parse_frequency(data: str) -> Frequency | None:
    rest = _rest(data, Kind.FREQUENCY)
    return None if rest is None else _member(Frequency, rest)


def time(how_often: Frequency, slot: str) -> str:
    """`slot` is a key of `schedule.SLOTS`, or `schedule.EXACT` (a time to type)."""
    return _data(Kind.TIME, how_often, slot)


def parse_time(data: str) -> tuple[Frequency, str] | None:
    rest = _rest(data, Kind.TIME)
    if rest is None:
        return None
    frequency_text, _, slot = rest.partition(":")
    how_often = _member(Frequency, frequency_text)
    if how_often is None or (slot not in SLOTS and slot != EXACT):
        return None
    return how_often, slot


def setting(value: Setting) -> str:
    return _data(Kind.SETTING, value)


def parse_setting(data: str) -> Setting | None:
    rest = _rest(data, Kind.SETTING)
    return None if rest is None else _member(Setting, rest)


def ladder(choice: str) -> str:
    """`choice` is a key of `schedule.LADDERS`."""
    return _data(Kind.LADDER, choice)


def parse_ladder(data: str) -> str | None:
    rest = _rest(data, Kind.LADDER)
    return rest if rest in LADDERS else None


def pause(choice: str) -> str:
    """`choice` is a key of `plans.PAUSES`."""
    return _data(Kind.PAUSE, choice)


def parse_pause(data: str) -> str | None:
    rest = _rest(data, Kind.PAUSE)
    return rest if rest in PAUSES else None


# --- contacts -------------------------------------------------------------------------------------------


def remove(contact_id: int) -> str:
    return _data(Kind.REMOVE, contact_id)


def parse_remove(data: str) -> int | None:
    rest = _rest(data, Kind.REMOVE)
    return None if rest is None else parse_id(rest)


def step_down(member_id: int) -> str:
    return _data(Kind.STEP_DOWN, member_id)


def parse_step_down(data: str) -> int | None:
    rest = _rest(data, Kind.STEP_DOWN)
    return None if rest is None else parse_id(rest)


def accept(member_id: int, *, yes: bool) -> str:
    return _data(Kind.ACCEPT, member_id, _YES if yes else _NO)


def parse_accept(data: str) -> tuple[int, bool] | None:
    """(the asking member's id, yes); anything but "y" counts as no."""
    parts = _id_and_choice(data, Kind.ACCEPT)
    return None if parts is None else (parts[0], parts[1] == _YES)


# --- a check-in and its answers -------------------------------------------------------------------------


def mood(checkin_id: int, value: Mood) -> str:
    return _data(Kind.MOOD, checkin_id, _CODE_OF_MOOD[value])


def parse_mood(data: str) -> tuple[int, Mood] | None:
    parts = _id_and_choice(data, Kind.MOOD)
    if parts is None or parts[1] not in _MOOD_CODES:
        return None
    return parts[0], _MOOD_CODES[parts[1]]


def reach(checkin_id: int, *, yes: bool) -> str:
    return _data(Kind.REACH, checkin_id, _YES if yes else _NO)


def parse_reach(data: str) -> tuple[int, bool] | None:
    """(the check-in's id, yes); anything but "y" counts as no."""
    parts = _id_and_choice(data, Kind.REACH)
    return None if parts is None else (parts[0], parts[1] == _YES)


def look(checkin_id: int, *, looking: bool) -> str:
    return _data(Kind.LOOK, checkin_id, _LOOKING if looking else _CANNOT)


def parse_look(data: str) -> tuple[int, bool] | None:
    """(the check-in's id, going to look); anything but "l" counts as cannot."""
    parts = _id_and_choice(data, Kind.LOOK)
    return None if parts is None else (parts[0], parts[1] == _LOOKING)


def ask_buurt(checkin_id: int) -> str:
    return _data(Kind.ASK_BUURT, checkin_id)


def parse_ask_buurt(data: str) -> int | None:
    parts = _id_and_choice(data, Kind.ASK_BUURT)
    return None if parts is None else parts[0]


def invited(*, yes: bool) -> str:
    return _data(Kind.INVITED, _YES if yes else _NO)


def parse_invited(data: str) -> bool | None:
    """Yes or no to a coordinator's invitation; anything but "y" counts as no."""
    rest = _rest(data, Kind.INVITED)
    return None if rest is None else rest == _YES
