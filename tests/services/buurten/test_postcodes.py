"""People type their postcode in many ways; only the 4 digits (PC4) decide their buurt."""

from __future__ import annotations

import pytest

from bot.services.buurten.postcodes import InvalidPostcode, parse_pc4, parse_pc4_list


@pytest.mark.parametrize("typed", ["1234", "1234AB", "1234ab", "1234 ab", " 1234ab ", "1234 AB\n", "1234Sb"])
def test_a_postcode_typed_any_usual_way_gives_its_four_digits(typed: str) -> None:
    assert parse_pc4(typed) == "1234"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("0123", "not_a_postcode"),  # Dutch postcodes start at 1000
        ("123", "not_a_postcode"),
        ("12345", "not_a_postcode"),
        ("1234A", "not_a_postcode"),
        ("1234ABC", "not_a_postcode"),
        ("AB1234", "not_a_postcode"),
        ("1234-AB", "not_a_postcode"),
        ("١٢٣٤", "not_a_postcode"),  # Arabic-Indic digits are digits, but not in a Dutch postcode
        ("1234 SS", "unused_letters"),
        ("1234sa", "unused_letters"),
        ("1234SD", "unused_letters"),
    ],
)
def test_anything_else_is_refused_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(InvalidPostcode) as refused:
        parse_pc4(typed)
    assert refused.value.reason == reason
    assert refused.value.text == typed


def test_what_someone_typed_stays_out_of_the_error_message() -> None:
    with pytest.raises(InvalidPostcode) as refused:
        parse_pc4("Dorpsstraat 1")
    assert "Dorpsstraat" not in str(refused.value)


@pytest.mark.parametrize(
    ("typed", "postcodes"),
    [
        ("1234,1235", ["1234", "1235"]),
        (" 1235 , 1234AB ,", ["1235", "1234"]),
        ("1234,1234 ab", ["1234"]),
        ("", []),
    ],
)
def test_a_list_of_postcodes_gives_each_once_in_the_order_given(typed: str, postcodes: list[str]) -> None:
    assert parse_pc4_list(typed) == postcodes


def test_one_wrong_postcode_in_a_list_refuses_the_list() -> None:
    with pytest.raises(InvalidPostcode) as refused:
        parse_pc4_list("1234,12a4")
    assert refused.value.text == "12a4"
