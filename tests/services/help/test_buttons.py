"""Help's callback data: the bytes of every button stay as they were (buttons already sent keep working),
and what is made is read back; an odd id reads as no id."""

from __future__ import annotations

import re

import pytest

from bot.services.help import buttons
from bot.services.help.buttons import AskStep, OfferChoice, Tap
from tests.hostile.buttons import TEMPLATES

# Every button help makes, spelled as the bot has always sent it.
MADE = [
    *(
        (buttons.request(tap, 12), f"hv:{word}:12")
        for tap, word in [
            (Tap.HELP, "ja"),
            (Tap.NOT_NOW, "nee"),
            (Tap.INTRODUCE, "intro"),
            (Tap.SOMEONE_ELSE, "ander"),
            (Tap.LIST, "lijst"),
            (Tap.DONE, "klaar"),
            (Tap.WITHDRAW, "intrek"),
            (Tap.CLOSE, "sluit"),
            (Tap.STILL_NEEDED, "nodig"),
            (Tap.THANKS, "dank"),
            (Tap.NO_THANKS, "geendank"),
            (Tap.HELPER_YES, "gelukt"),
            (Tap.HELPER_NO, "mislukt"),
            (Tap.REPLY, "re"),
            (Tap.REPORT, "meld"),
            (Tap.SHARE, "deel"),
            (Tap.SHARE_YES, "deelok"),
            (Tap.SHARE_NO, "deelnee"),
            (Tap.LEAVE, "weg"),
            (Tap.LEAVE_YES, "wegok"),
            (Tap.STAY, "blijf"),
        ]
    ),
    (buttons.public(12, yes=True), "hv:publiek:ja:12"),
    (buttons.public(12, yes=False), "hv:publiek:nee:12"),
    (buttons.ask(AskStep.AGAIN), "vr:opnieuw"),
    (buttons.ON_BEHALF + "3", "vr:namens:3"),
    (buttons.ask(AskStep.CATEGORY, "boodschappen"), "vr:cat:boodschappen"),
    (buttons.ask(AskStep.WHEN, "morgen"), "vr:wanneer:morgen"),
    (buttons.ask(AskStep.DAY, "2026-11-30"), "vr:dag:2026-11-30"),
    (buttons.ask(AskStep.CHANGE), "vr:wijzig"),
    (buttons.ask(AskStep.CHANGE, "what"), "vr:wijzig:what"),
    (buttons.ask(AskStep.CANCEL), "vr:annuleer"),
    (buttons.ask(AskStep.POST), "vr:plaats"),
    (buttons.offer(OfferChoice.START), "ab:start"),
    (buttons.offer(OfferChoice.LATER), "ab:later"),
    (buttons.offer(OfferChoice.PAUSE), "ab:pauze"),
    (buttons.offer(OfferChoice.RESUME), "ab:hervat"),
    (buttons.offer(OfferChoice.STOP), "ab:stop"),
    (buttons.offer(OfferChoice.CATEGORY, "klusje"), "ab:cat:klusje"),
    (buttons.offer(OfferChoice.DAY, 0), "ab:day:0"),
    (buttons.offer(OfferChoice.DAY, buttons.EVERY_DAY), "ab:day:all"),
    (buttons.offer(OfferChoice.PART, 2), "ab:part:2"),
    (buttons.offer(OfferChoice.NEXT), "ab:next"),
    (buttons.offer(OfferChoice.MAX, 3), "ab:max:3"),
    (buttons.offer(OfferChoice.QUIET, "21-9"), "ab:quiet:21-9"),
    (buttons.start_parameter(12), "hv_12"),
]


@pytest.mark.parametrize(("made", "spelled"), MADE)
def test_every_button_is_spelled_as_before(made: str, spelled: str) -> None:
    assert made == spelled


def test_every_button_matches_its_pattern_and_a_shape_the_burst_forges() -> None:
    """Each hv:, vr: and ab: button matches the pattern its handler registers, and is one of the shapes
    the hostile burst forges (so a new kind of button cannot stay out of it)."""
    patterns = {"hv:": buttons.REQUEST_PATTERN, "vr:": buttons.ASK_PATTERN, "ab:": buttons.OFFER_PATTERN}
    shapes = [
        re.escape(template).replace(r"\{id\}", "[0-9]+").replace(r"\{n\}", "[0-9]+").replace(r"\{w\}", ".+")
        for group in ("helping", "asking", "offering")
        for template in TEMPLATES[group]
    ]
    for made, _ in MADE:
        if made.startswith("hv_"):
            assert re.fullmatch(buttons.FROM_DIGEST.removeprefix("^/start ").removesuffix("$"), made)
            continue
        assert re.match(patterns[made[:3]], made), made
        assert any(re.fullmatch(shape, made) for shape in shapes), made


def test_a_request_button_reads_back() -> None:
    tapped = buttons.read_request(buttons.request(Tap.REPORT, 987))
    assert tapped is not None
    assert (tapped.tap, tapped.id, tapped.yes) == (Tap.REPORT, 987, False)
    tapped = buttons.read_request(buttons.public(5, yes=True))
    assert tapped is not None
    assert (tapped.tap, tapped.id, tapped.yes) == (Tap.PUBLIC, 5, True)
    assert buttons.read_ask(buttons.ask(AskStep.DAY, "2026-11-30")) == ("dag", "2026-11-30")
    assert buttons.read_offer(buttons.offer(OfferChoice.QUIET, "21-9")) == ("quiet", "21-9")
    assert buttons.read_start(buttons.start_parameter(44)) == 44


@pytest.mark.parametrize("odd", ["²", "٣", "0", str(2**63), "-1", ""])
def test_an_odd_id_reads_as_no_id(odd: str) -> None:
    tapped = buttons.read_request(f"hv:ja:{odd}")
    assert tapped is not None
    assert (tapped.tap, tapped.id) == (Tap.HELP, None)
    assert buttons.read_start(f"hv_{odd}") is None


def test_a_word_we_never_made_reads_as_no_tap() -> None:
    tapped = buttons.read_request("hv:onzin:1")
    assert tapped is not None
    assert (tapped.tap, tapped.id) == (None, 1)
    assert buttons.read_request("vr:plaats") is None
