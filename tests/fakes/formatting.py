"""What a formatted text looks like once Telegram has parsed its markup.

Shared by the HTML and Markdown parsers so that both report visible text and entities the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class EntityParseError(ValueError):
    """The markup is invalid; the message is Telegram's wording after "can't parse entities: "."""


@dataclass(slots=True)
class ParsedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: entity offsets and text limits are in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def byte_offset(text: str, index: int) -> int:
    """Telegram reports markup errors at UTF-8 byte offsets, not character indexes."""
    return len(text[:index].encode("utf-8"))


class EntityBuilder:
    """Collects visible text and opens/closes entities at UTF-16 offsets while a parser walks the markup."""

    __slots__ = ("_chunks", "_length", "entities")

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._length = 0
        self.entities: list[dict[str, Any]] = []

    @property
    def offset(self) -> int:
        return self._length

    @property
    def mark(self) -> int:
        """A bookmark for text_since(); a "[text]" link without a URL uses its own text as the URL."""
        return len(self._chunks)

    def text_since(self, mark: int) -> str:
        return "".join(self._chunks[mark:])

    def append(self, chunk: str) -> None:
        if chunk:
            self._chunks.append(chunk)
            self._length += utf16_len(chunk)

    def add_entity(self, entity_type: str, start: int, **extra: Any) -> None:
        # Telegram drops entities that cover no text rather than failing.
        length = self._length - start
        if length > 0:
            self.entities.append({"type": entity_type, "offset": start, "length": length, **extra})

    def result(self) -> ParsedText:
        # Telegram sorts entities by offset, outer entity first when they start together.
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return ParsedText("".join(self._chunks), self.entities)
