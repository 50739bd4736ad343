"""Free text that the whole buurt may read: names and contact details left out."""

from __future__ import annotations

import pytest

from bot.services.common.validation import without_names


@pytest.mark.parametrize(
    ("note", "names", "public"),
    [
        ("Dank je wel Bram, je bent een topper!", ["Bram"], "Dank je wel …, je bent een topper!"),
        ("bram heeft mijn lamp gemaakt", ["Bram"], "… heeft mijn lamp gemaakt"),
        ("Bram de Vries, en ook Bram zelf", ["Bram de Vries"], "…, en ook … zelf"),
        ("Bramstraat blijft staan", ["Bram"], "Bramstraat blijft staan"),  # part of another word
        ("Groetjes van Anna aan Bram", ["Anna", "Bram"], "Groetjes van … aan …"),
        ("Bel me op 06 12 34 56 78 of +31 6 1234 5678", [], "Bel me op … of …"),
        ("Mijn Telegram is @anna_oost, mail anna@example.org", ["Anna"], "Mijn Telegram is …, mail …"),
        ("Om 10:30 kwam ze, 3 tassen", [], "Om 10:30 kwam ze, 3 tassen"),  # times and counts stay
    ],
)
def test_a_public_note_leaves_out_names_and_contact_details(note: str, names: list[str], public: str) -> None:
    assert without_names(note, names) == public
