"""Free text from people: checked before anything is stored, with a reason that can be explained kindly."""

from __future__ import annotations

import unicodedata


class InvalidText(ValueError):
    """`reason` is one of: empty, too_long, control, markup."""

    def __init__(self, reason: str, limit: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


def clean_text(text: str, *, max_length: int, allow_newlines: bool = False) -> str:
    """Trimmed text, or InvalidText. Markup characters are refused in short fields such as names."""
    cleaned = " ".join(text.split()) if not allow_newlines else text.strip()
    if not cleaned:
        raise InvalidText("empty")
    if len(cleaned) > max_length:
        raise InvalidText("too_long", max_length)
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\u200d" for ch in cleaned):
        raise InvalidText("control")
    return cleaned


NAME_MAX = 40


def clean_name(text: str) -> str:
    """A name neighbours will see: one line, at most 40 characters, no markup."""
    name = clean_text(text, max_length=NAME_MAX)
    if any(ch in "<>" for ch in name) or name.startswith("/"):
        raise InvalidText("markup")
    return name
