"""Ids from text anyone can write are plain ASCII digits within the database's range, or nothing."""

from __future__ import annotations

import pytest

from bot.ids import MAX_ID, parse_id, parse_number


@pytest.mark.parametrize(
    ("text", "number"), [("1", 1), ("42", 42), ("007", 7), (str(MAX_ID), MAX_ID), ("123456789", 123456789)]
)
def test_an_id_is_plain_digits(text: str, number: int) -> None:
    assert parse_id(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "²",  # str.isdigit() says yes, int() no
        "٣",  # Arabic-Indic: int() says 3
        "３",  # full-width
        "𝟗",
        "-1",
        "--1",
        "+1",
        "0",
        "00",
        str(MAX_ID + 1),  # past BIGINT: OverflowError on SQLite, DBAPIError on PostgreSQL
        "9" * 19,
        str(10**30),
        "1" * 5000,  # more digits than int() takes
        "",
        " 1",
        "1 ",
        "1\n",
        "1_000",
        "1e3",
        "0x1f",
        "\u200f1",
        "1\u200b",
        "1\x00",
    ],
)
def test_anything_else_is_no_id(text: str) -> None:
    assert parse_id(text) is None


def test_a_small_number_may_be_zero_and_has_an_upper_bound() -> None:
    assert parse_number("0", most=6) == 0
    assert parse_number("6", most=6) == 6
    assert parse_number("7", most=6) is None
    assert parse_number("²", most=6) is None
    assert parse_number("-0", most=6) is None
