"""A printable invite poster: the buurt's name, a large QR code, one line of text and the link itself."""

from __future__ import annotations

import io

import segno
from PIL import Image, ImageDraw

from bot import fonts

# A4 at 150 dots per inch: sharp on paper, small enough to send quickly.
WIDTH, HEIGHT = 1240, 1754
MARGIN = 90
QR_SIZE = 900


def poster_png(*, buurt: str, line: str, link: str, footer: str = "") -> bytes:
    page = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(page)
    y = MARGIN
    y = _centered(draw, buurt, y, size=110, bold=True) + 60
    qr = _qr(link)
    page.paste(qr, ((WIDTH - qr.width) // 2, y))
    y += qr.height + 60
    y = _centered(draw, line, y, size=52) + 40
    y = _centered(draw, link, y, size=34) + 20
    if footer:
        _centered(draw, footer, y, size=34)
    out = io.BytesIO()
    page.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _qr(link: str) -> Image.Image:
    code = segno.make(link, error="m", micro=False)
    modules = code.symbol_size(scale=1, border=2)[0]
    raw = io.BytesIO()
    code.save(raw, kind="png", scale=max(1, QR_SIZE // modules), border=2)
    raw.seek(0)
    return Image.open(raw).convert("RGB")


def _centered(draw: ImageDraw.ImageDraw, text: str, y: int, *, size: int, bold: bool = False) -> int:
    """Draw `text` centred at height y, smaller if it would not fit; returns the y below it."""
    text = fonts.drawable(text)
    while True:
        font = fonts.font(size, bold=bold)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        if right - left <= WIDTH - 2 * MARGIN or size <= 16:
            break
        size = int(size * 0.9)
    x = int((WIDTH - (right - left)) // 2 - left)
    draw.text((x, y - top), text, fill="black", font=font)
    return int(y + (bottom - top))
