"""The font for the images the bot draws (the /statistiek chart, the invite poster), in every script.

DejaVu Sans covers Latin (with Turkish and Polish letters), Cyrillic and Arabic, and the dashes and
quotes Pillow's built-in font lacks; its licence is in LICENSE beside it. Arabic is shaped and laid out
right to left by Pillow's Raqm layout (HarfBuzz and FriBiDi) where that is available; without it Pillow
would draw the letters unjoined, left to right, so `can_shape_arabic` tells callers and tests.
"""

from __future__ import annotations

import io
import unicodedata
from functools import cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont, features

REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"
_NOT_A_CHARACTER = "\ue000"  # a private-use code point no font maps: what a missing glyph looks like


def can_shape_arabic() -> bool:
    return bool(features.check("raqm"))


@cache
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if can_shape_arabic() else ImageFont.Layout.BASIC
    data = resources.files(__name__).joinpath(BOLD if bold else REGULAR).read_bytes()
    return ImageFont.truetype(io.BytesIO(data), size, layout_engine=engine)


def drawable(text: str) -> str:
    """The text without pictograms (emoji): the font has few, and a box instead of one helps nobody."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) != "So" and ch not in "\ufe0f\u200d")
    return " ".join(kept.split())


def _glyph(face: ImageFont.FreeTypeFont, character: str) -> tuple[bytes, tuple[int, int]]:
    left, top, right, bottom = (int(edge) for edge in face.getbbox(character))
    image = Image.new("L", (right - left + 2, bottom - top + 2))
    ImageDraw.Draw(image).text((1 - left, 1 - top), character, font=face, fill=255)
    return image.tobytes(), image.size


def missing_glyphs(text: str, *, size: int = 30) -> set[str]:
    """The characters of `text` the font would draw as a box."""
    face = font(size)
    box = _glyph(face, _NOT_A_CHARACTER)
    return {ch for ch in set(text) if not ch.isspace() and _glyph(face, ch) == box}
