"""The /statistiek chart: per kind of help, bars for asked, found a helper and done, with large labels."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from bot import fonts

WIDTH = 1200
MARGIN = 40
LABEL_WIDTH = 420  # the kind of help, left of its bars
BAR_HEIGHT = 34
GAP = 28  # between two kinds of help
COLOURS = ("#4a7bd0", "#f0a030", "#3fa55b")  # asked, matched, done: told apart by more than colour alone


@dataclass(frozen=True, slots=True)
class Bars:
    label: str
    values: tuple[int, int, int]


def chart_png(title: str, legend: Sequence[str], groups: Sequence[Bars], empty: str) -> bytes:
    """A bar chart; with no groups, the title and the `empty` sentence."""
    title_font, font = fonts.font(44, bold=True), fonts.font(30)
    top = MARGIN + 70 + 60  # title, then the legend
    height = top + max(1, len(groups)) * (3 * BAR_HEIGHT + GAP) + MARGIN
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), fonts.drawable(title), fill="black", font=title_font)
    x = MARGIN
    for colour, name in zip(COLOURS, legend, strict=True):
        draw.rectangle((x, MARGIN + 75, x + 30, MARGIN + 105), fill=colour)
        draw.text((x + 40, MARGIN + 72), fonts.drawable(name), fill="black", font=font)
        x += 60 + int(draw.textlength(fonts.drawable(name), font=font))
    if not groups:
        draw.text((MARGIN, top), fonts.drawable(empty), fill="black", font=font)
    highest = max((max(group.values) for group in groups), default=1) or 1
    room = WIDTH - MARGIN - LABEL_WIDTH - 80  # leave space for the number after the longest bar
    y = top
    for group in groups:
        label = _fit(draw, fonts.drawable(group.label), font)
        draw.text((MARGIN, y + BAR_HEIGHT), label, fill="black", font=font)
        for index, value in enumerate(group.values):
            bar_top = y + index * BAR_HEIGHT
            length = round(room * value / highest)
            left = MARGIN + LABEL_WIDTH
            if length:
                draw.rectangle(
                    (left, bar_top + 3, left + length, bar_top + BAR_HEIGHT - 3), fill=COLOURS[index]
                )
            draw.text((left + length + 10, bar_top), str(value), fill="black", font=font)
        y += 3 * BAR_HEIGHT + GAP
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> str:
    """Shorten a label that would run into the bars."""
    while text and draw.textlength(text, font=font) > LABEL_WIDTH - 20:
        text = text[:-2] + "…"
    return text
