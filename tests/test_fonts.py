"""The images speak every script: no box for a missing glyph in any text of any catalog."""

from __future__ import annotations

import io

import pytest
from babel.messages.pofile import read_po
from PIL import Image

from bot import fonts
from bot.handlers.admin.chart import Bars, chart_png
from bot.handlers.admin.posters import poster_png
from bot.i18n import SUPPORTED_LANGUAGES, catalog_file

SAMPLES = {
    "tr": "Komşuya yardım: ğ Ğ ı İ ş Ş ç ö ü",
    "pl": "Pomoc sąsiedzka: ą ć ę ł ń ó ś ź ż Ł",
    "uk": "Допомога сусідам: ї є ґ і Ї Є Ґ",
    "ar": "مساعدة الجيران في الحي ١٢٣",
    "nl": "Buurthulp — coördinator, één “echt” ‘even’ …",
}


def test_the_font_lacks_what_it_lacks_and_says_so() -> None:
    assert fonts.missing_glyphs("漢字") == {"漢", "字"}  # DejaVu has no Chinese: the check can fail


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_every_script_we_speak_has_its_letters(language: str) -> None:
    assert fonts.missing_glyphs(fonts.drawable(SAMPLES[language])) == set()


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_no_text_of_a_catalog_draws_a_box(language: str) -> None:
    with catalog_file(language).open("rb") as source:
        catalog = read_po(source, locale=language)
    texts: list[str] = [
        str(form)
        for message in catalog
        if message.id
        for form in (message.string if isinstance(message.string, tuple) else (message.string,))
        if form
    ]
    missing = fonts.missing_glyphs(fonts.drawable("".join(texts)))
    assert missing == set(), f"{language}: no glyph for {sorted(missing)}"


def test_pictograms_are_left_out_of_images_not_drawn_as_boxes() -> None:
    assert fonts.drawable("🛒 Boodschappen ❤️") == "Boodschappen"


@pytest.mark.skipif(not fonts.can_shape_arabic(), reason="Pillow without Raqm cannot shape Arabic")
def test_arabic_is_joined_and_right_to_left() -> None:
    word = "مرحبا"  # shaped, its letters join: narrower than the same letters drawn one by one
    face = fonts.font(30)
    assert face.getlength(word) < sum(face.getlength(letter) for letter in word)


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_the_chart_and_the_poster_draw_every_script(language: str) -> None:
    text = SAMPLES[language]
    chart = Image.open(
        io.BytesIO(chart_png(text, [text[:8], text[:6], text[:4]], [Bars(text, (3, 2, 1))], text))
    )
    poster = Image.open(io.BytesIO(poster_png(buurt=text, line=text, link="https://t.me/x?start=abc")))
    assert chart.format == poster.format == "PNG"
