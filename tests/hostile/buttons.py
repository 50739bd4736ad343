"""The shapes of the bot's callback data, with holes for odd values: `{id}` (a database or Telegram id),
`{n}` (a small number: a page, a weekday, a minute) and `{w}` (a word). Beside each shape with a hole,
the buttons as the bot makes them, so that a tap from the wrong person, or at the wrong moment, reaches
the service behind the parsing.

One group per handler that registers buttons (bot/handlers/__init__.py), spelled as its buttons spell
them. tests/handlers/test_hostile_burst.py checks that every pattern the bot registers matches one of
these, so a new kind of button cannot stay out of the burst.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from random import Random

_HELP_KINDS = (
    "ja",
    "nee",
    "intro",
    "ander",
    "lijst",
    "klaar",
    "intrek",
    "sluit",
    "nodig",
    "dank",
    "geendank",
    "gelukt",
    "mislukt",
    "re",
    "meld",
    "deel",
    "deelok",
    "deelnee",
    "weg",
    "wegok",
    "blijf",
)

TEMPLATES: dict[str, tuple[str, ...]] = {
    "language": ("taal:{w}", "taal:nl", "taal:en"),
    "onboarding": ("ob:taal:{w}", "ob:ja", "ob:nee", "ob:naam", "ob:anders", "ob:buurt:{id}", "ob:{w}"),
    "settings": (
        "set:naam",
        "set:taal",
        "set:buurt",
        "set:pauze",
        "set:hervat",
        "set:data",
        "set:vergeet",
        "set:{w}",
        "pauze:dag",
        "pauze:{w}",
    ),
    # "vergeet:ja" would forget the caller: Burst leaves it to those with nothing to lose.
    "privacy": ("vergeet:nee", "vergeet:{w}"),
    "approval": ("lid:ja:{id}", "lid:nee:{id}"),
    "asking": (
        "vr:opnieuw",
        "vr:namens:{id}",
        "vr:cat:{w}",
        "vr:cat:boodschappen",
        "vr:wanneer:{w}",
        "vr:dag:{w}",
        "vr:wijzig",
        "vr:wijzig:{w}",
        "vr:annuleer",
        "vr:plaats",
        "vr:wanneer:morgen",
        "vr:wanneer:datum",
        "vr:dag:2026-11-30",
        "vr:wijzig:what",
        "vr:{w}",
    ),
    "offering": (
        "ab:start",
        "ab:later",
        "ab:pauze",
        "ab:hervat",
        "ab:stop",
        "ab:cat:{w}",
        "ab:day:{n}",
        "ab:day:all",
        "ab:part:{n}",
        "ab:next",
        "ab:max:{n}",
        "ab:quiet:{w}",
        "ab:quiet:21-9",
        "ab:max:3",
        "ab:day:0",
        "ab:part:1",
        "ab:cat:boodschappen",
        "ab:{w}",
    ),
    "helping": (
        *(f"hv:{kind}:{{id}}" for kind in _HELP_KINDS),
        "hv:lijst:{n}",
        "hv:publiek:ja:{id}",
        "hv:publiek:nee:{id}",
        "hv:{w}:{id}",
        "hv:ja:{id}:{id}",
    ),
    "moderation": (
        "mod:negeer:{id}",
        "mod:waarschuw:{id}",
        "mod:blokkeer:{id}",
        "mod:wie:{id}",
        "mod:vrij:{id}",
        "mod:vrijp:{n}",
        "mod:{w}:{id}",
    ),
    "checkin_overview": (
        "ci:s:{w}",
        *(f"ci:s:{setting}" for setting in ("change", "quiet", "add", "contacts", "ladder", "pause")),
        *(f"ci:s:{setting}" for setting in ("resume", "history", "stop", "after")),
    ),
    "checkin_timing": (
        "ci:f:{w}",
        "ci:f:daily",
        "ci:t:{w}:{w}",
        "ci:t:daily:morning",
        "ci:t:daily:exact",
        "ci:l:{w}",
        "ci:l:standard",
    ),
    "checkin_pausing": ("ci:p:{w}", "ci:p:week"),
    "checkin_contacts": ("ci:x:{id}", "ci:d:{id}", "ci:k:{id}:y", "ci:k:{id}:n", "ci:k:{id}:{w}"),
    "checkin_invites": ("ci:i:y", "ci:i:n", "ci:i:{w}"),
    "checkin_answers": (
        "ci:m:{id}:{w}",
        *(f"ci:m:{{id}}:{mood}" for mood in "gobt"),
        "ci:r:{id}:{w}",
        "ci:r:{id}:y",
        "ci:r:{id}:n",
        "ci:c:{id}:l",
        "ci:c:{id}:x",
        "ci:c:{id}:{w}",
        "ci:h:{id}",
    ),
    "admin_common": (
        "pg:{n}:{w}",
        "pg:{n}:inv:b:",
        "pg:{n}:adm:dg:m:{n}:{n}:",
        "pg:{n}:grp:k:",
        "pg:{n}:vr:namens:",
        "pg:{n}:adm:leden:",
    ),
    "admin_buurten": (
        "buurt:lijst",
        "buurt:lijst:{n}",
        "buurt:nieuw",
        "buurt:b:{id}",
        "buurt:naam:{id}",
        "buurt:pc:{id}",
        "buurt:beleid:{id}:{w}",
        "buurt:beleid:{id}:open",
        "buurt:beleid:{id}:approval",
        "buurt:coo:{id}",
        "buurt:aan:{id}",
        "buurt:aan:{id}:{n}",
        "buurt:kies:{id}:{id}",
        "buurt:weg:{id}:{id}",
        "buurt:{w}",
    ),
    "admin_leden": ("adm:leden:{id}", "adm:leden:p:{id}:{n}", "adm:leden:{w}"),
    "admin_invites": (
        "inv:b:{id}",
        "inv:k:{id}:{w}",
        "inv:k:{id}:n",
        "inv:m:{id}:{w}:{w}",
        "inv:m:{id}:1:week",
        "inv:m:{id}:n:altijd",
        "inv:k:{id}:1",
        "inv:l:{id}",
        "inv:l:{id}:{n}",
        "inv:x:{id}",
        "inv:{w}",
    ),
    "admin_stats": (
        "adm:stat:b:{id}",
        "adm:stat:p:{w}:{id}",
        "adm:stat:p:week:{id}",
        "adm:stat:p:year:{id}",
        "adm:exp:p:4weeks:{id}",
        "adm:exp:b:{id}",
        "adm:exp:p:{w}:{id}",
        "adm:stat:{w}",
    ),
    "groups": ("grp:k:{id}", "grp:{w}"),
    "broadcast": ("omr:b:{id}", "omr:ja", "omr:nee", "omr:{w}"),
    "activities": (
        "adm:akt:b:{id}",
        "adm:akt:nieuw:{id}",
        "adm:akt:weg:{id}",
        "adm:kom:ja:{id}",
        "adm:kom:nee:{id}",
        "adm:akt:{w}",
    ),
    "digest": (
        "adm:dg:b:{id}",
        "adm:dg:m:{n}:{n}:{id}",
        "adm:dg:m:0:600:{id}",
        "adm:dg:{w}",
        "wb:aan",
        "wb:uit",
        "wb:{w}",
    ),
    # Whatever no handler knows: the fallback's.
    "fallback": ("{w}", "{w}:{id}", "zz:{n}", "hv", "ci:", "adm:", "x" * 64),
    # What the dispatcher makes of a tap on a button the bot did not seal (delivery/buttons.NOT_OURS).
    "not ours": ("!",),
}

_HOLE = re.compile(r"\{(id|n|w)\}")
MAX_BYTES = 64  # Telegram delivers at most 64 bytes of callback data


def fill(template: str, pools: Mapping[str, Sequence[str]], rng: Random) -> str:
    """The template with each hole filled on its own; cut to the 64 bytes Telegram can carry."""
    data = _HOLE.sub(lambda hole: rng.choice(pools[hole.group(1)]), template)
    while len(data.encode()) > MAX_BYTES:
        data = data[:-1]
    return data


def examples() -> list[str]:
    """Every template with plain values in its holes, to compare with the patterns the bot registers."""
    plain = {"id": "1", "n": "0", "w": "x"}
    return [_HOLE.sub(lambda hole: plain[hole.group(1)], t) for group in TEMPLATES.values() for t in group]
