"""The callback data of help's buttons, made and read in this one place.

Three prefixes: `hv:` for a request's buttons (`hv:<tap>:<number>`, the number a request's id, a
relayed message's id or a page), `vr:` for asking step by step, `ab:` for offering help; and the deep
link `/start hv_<id>` from the weekly digest. Buttons already sent must keep working, so every string
stays as it is (tests/hostile/buttons.py lists them). Ids are read with `bot.ids.parse_id`: an odd id
reads as None, which callers treat like an id that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.ids import parse_id

# -- a request's buttons: hv:<tap>:<number> --------------------------------------------------------------

REQUEST = "hv:"
# Any word as the tap, so that a tap we no longer make still reaches the handler ("no longer works").
REQUEST_PATTERN = r"^hv:[a-z]+:(ja:|nee:)?\d+$"


class Tap(StrEnum):
    HELP = "ja"  # 'Ik help'
    NOT_NOW = "nee"
    INTRODUCE = "intro"  # the requester's 'Ja, graag'
    SOMEONE_ELSE = "ander"
    LIST = "lijst"  # the number is a page of the buurt's list
    DONE = "klaar"
    WITHDRAW = "intrek"
    CLOSE = "sluit"  # 'Sluiten' when it is about to expire
    STILL_NEEDED = "nodig"
    THANKS = "dank"
    NO_THANKS = "geendank"
    PUBLIC = "publiek"  # hv:publiek:ja:<id> or hv:publiek:nee:<id>
    HELPER_YES = "gelukt"  # the helper's answer to the follow-up
    HELPER_NO = "mislukt"
    REPLY = "re"
    REPORT = "meld"  # the number is a relayed message's id
    SHARE = "deel"
    SHARE_YES = "deelok"
    SHARE_NO = "deelnee"
    LEAVE = "weg"
    LEAVE_YES = "wegok"
    STAY = "blijf"


def request(tap: Tap, number: int) -> str:
    """A request's button: `number` is the request's id (a page for LIST, a relayed message for REPORT)."""
    return f"{REQUEST}{tap}:{number}"


def public(request_id: int, *, yes: bool) -> str:
    """Yes or no to the thank-you note in the weekly digest."""
    return f"{REQUEST}{Tap.PUBLIC}:{'ja' if yes else 'nee'}:{request_id}"


@dataclass(frozen=True, slots=True)
class Tapped:
    tap: Tap | None  # None: a word we do not (or no longer) make
    number: str  # as written: a request's id, a relayed message's id, or a page
    yes: bool  # hv:publiek:ja:...

    @property
    def id(self) -> int | None:
        return parse_id(self.number)


def read_request(data: str) -> Tapped | None:
    """A tap on a request's button (data matching REQUEST_PATTERN); None for any other data."""
    parts = data.split(":", 2)
    if len(parts) != 3 or f"{parts[0]}:" != REQUEST:
        return None
    _, word, rest = parts
    tap = Tap(word) if word in Tap._value2member_map_ else None
    return Tapped(tap, rest.rsplit(":", 1)[-1], rest.startswith("ja:"))


# -- asking step by step: vr:<step>[:<value>] ------------------------------------------------------------

ASK = "vr:"
ASK_PATTERN = r"^vr:"


class AskStep(StrEnum):
    AGAIN = "opnieuw"
    ON_BEHALF = "namens"  # vr:namens:<buurt>
    CATEGORY = "cat"
    WHEN = "wanneer"
    DAY = "dag"  # vr:dag:<ISO date>
    CHANGE = "wijzig"  # alone: which part; vr:wijzig:<part> changes it
    CANCEL = "annuleer"
    POST = "plaats"


ON_BEHALF = f"{ASK}{AskStep.ON_BEHALF}:"  # the prefix of the buurt question of /namens


def ask(step: AskStep, value: str = "") -> str:
    return f"{ASK}{step}:{value}" if value else f"{ASK}{step}"


def read_ask(data: str) -> tuple[str, str]:
    """The step's word and its value ("" without one), as written."""
    word, _, value = data.removeprefix(ASK).partition(":")
    return word, value


# -- offering help: ab:<choice>[:<value>] ----------------------------------------------------------------

OFFER = "ab:"
OFFER_PATTERN = r"^ab:"
EVERY_DAY = "all"  # ab:day:all


class OfferChoice(StrEnum):
    START = "start"
    LATER = "later"
    PAUSE = "pauze"
    RESUME = "hervat"
    STOP = "stop"
    CATEGORY = "cat"
    DAY = "day"  # ab:day:<0-6> or ab:day:all
    PART = "part"  # ab:part:<0-2>
    NEXT = "next"
    MAX = "max"  # ab:max:<times a week>
    QUIET = "quiet"  # ab:quiet:<key of the quiet hours>


def offer(choice: OfferChoice, value: str | int = "") -> str:
    return f"{OFFER}{choice}:{value}" if value != "" else f"{OFFER}{choice}"


def read_offer(data: str) -> tuple[str, str]:
    """The choice's word and its value ("" without one), as written."""
    word, _, value = data.removeprefix(OFFER).partition(":")
    return word, value


# -- the weekly digest's link to one request: /start hv_<id> ---------------------------------------------

START = "hv_"
FROM_DIGEST = rf"^/start {START}\d+$"


def start_parameter(request_id: int) -> str:
    """What follows `?start=` in the digest's link to a request."""
    return f"{START}{request_id}"


def read_start(parameter: str) -> int | None:
    return parse_id(parameter.removeprefix(START))
