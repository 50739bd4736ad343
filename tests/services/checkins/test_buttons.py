"""The check-in buttons' data: made and read in one place, and the same bytes as every button sent so far."""

from __future__ import annotations

import re

import pytest

from bot.db.enums import Frequency, Mood
from bot.services.checkins import buttons
from bot.services.checkins.buttons import Kind, Setting


def test_every_kind_of_button_keeps_the_data_it_was_sent_with() -> None:
    assert buttons.frequency(Frequency.DAILY) == "ci:f:daily"
    assert buttons.time(Frequency.THRICE, "morning") == "ci:t:thrice:morning"
    assert buttons.time(Frequency.WEEKLY, "exact") == "ci:t:weekly:exact"
    assert buttons.setting(Setting.AFTER) == "ci:s:after"
    assert buttons.ladder("shorter") == "ci:l:shorter"
    assert buttons.pause("maand") == "ci:p:maand"
    assert buttons.remove(12) == "ci:x:12"
    assert buttons.step_down(13) == "ci:d:13"
    assert [buttons.mood(7, mood) for mood in Mood] == ["ci:m:7:g", "ci:m:7:o", "ci:m:7:b", "ci:m:7:t"]
    assert (buttons.reach(7, yes=True), buttons.reach(7, yes=False)) == ("ci:r:7:y", "ci:r:7:n")
    assert (buttons.look(7, looking=True), buttons.look(7, looking=False)) == ("ci:c:7:l", "ci:c:7:x")
    assert (buttons.accept(5, yes=True), buttons.accept(5, yes=False)) == ("ci:k:5:y", "ci:k:5:n")
    assert (buttons.invited(yes=True), buttons.invited(yes=False)) == ("ci:i:y", "ci:i:n")
    assert buttons.ask_buurt(7) == "ci:h:7"


def test_what_is_made_reads_back() -> None:
    assert buttons.parse_frequency(buttons.frequency(Frequency.WEEKLY)) == Frequency.WEEKLY
    assert buttons.parse_time(buttons.time(Frequency.DAILY, "evening")) == (Frequency.DAILY, "evening")
    assert all(buttons.parse_setting(buttons.setting(setting)) == setting for setting in Setting)
    assert buttons.parse_ladder(buttons.ladder("longer")) == "longer"
    assert buttons.parse_pause(buttons.pause("twee")) == "twee"
    assert buttons.parse_remove(buttons.remove(2**63 - 1)) == 2**63 - 1
    assert buttons.parse_step_down(buttons.step_down(4)) == 4
    assert all(buttons.parse_mood(buttons.mood(9, mood)) == (9, mood) for mood in Mood)
    assert buttons.parse_reach(buttons.reach(9, yes=False)) == (9, False)
    assert buttons.parse_look(buttons.look(9, looking=True)) == (9, True)
    assert buttons.parse_accept(buttons.accept(3, yes=True)) == (3, True)
    assert buttons.parse_invited(buttons.invited(yes=True)) is True
    assert buttons.parse_ask_buurt(buttons.ask_buurt(9)) == 9


@pytest.mark.parametrize(
    "data",
    [
        "ci:f:hourly",
        "ci:f:",
        "ci:t:daily",
        "ci:t:morning",
        "ci:t:daily:night",
        "ci:s:frequency",
        "ci:l:fast",
        "ci:p:jaar",
        "ci:x:-1",
        "ci:x:0",
        "ci:d:²",
        "ci:d:9223372036854775808",  # past the largest id
        "ci:m:7:z",
        "ci:m:abc",
        "ci:r: 7:y",
        "ci:c::l",
        "ci:k:٣:y",
        "ci:h:abc",
        "ci:m7:g",
    ],
)
def test_data_no_button_carries_reads_as_nothing(data: str) -> None:
    parsers = (
        buttons.parse_frequency,
        buttons.parse_time,
        buttons.parse_setting,
        buttons.parse_ladder,
        buttons.parse_pause,
        buttons.parse_remove,
        buttons.parse_step_down,
        buttons.parse_accept,
        buttons.parse_mood,
        buttons.parse_reach,
        buttons.parse_look,
        buttons.parse_ask_buurt,
    )
    assert [parse(data) for parse in parsers] == [None] * len(parsers)


def test_anything_but_yes_is_a_no_as_before() -> None:
    """Buttons only ever carry y or n (l or x), but other data was always read this way: kept."""
    assert buttons.parse_reach("ci:r:7:maybe") == (7, False)
    assert buttons.parse_look("ci:c:7:") == (7, False)
    assert buttons.parse_accept("ci:k:7:yes") == (7, False)
    assert buttons.parse_invited("ci:i:") is False
    assert buttons.parse_invited("ci:m:7:g") is None
    assert buttons.parse_ask_buurt("ci:h:7:later") == 7


def test_a_handler_pattern_takes_its_kinds_and_no_others() -> None:
    pattern = buttons.pattern(Kind.MOOD, Kind.REACH)
    assert re.match(pattern, "ci:m:1:g") and re.match(pattern, "ci:r:1:y")
    assert (
        not re.match(pattern, "ci:c:1:l") and not re.match(pattern, "ci:") and not re.match(pattern, "xci:m:")
    )
    assert buttons.kind("ci:k:whatever") == Kind.ACCEPT
    assert buttons.kind("ci:z:1") is None and buttons.kind("ci:kk") is None and buttons.kind("hv:k:1") is None
