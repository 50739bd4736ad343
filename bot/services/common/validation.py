"""Free text from people: checked before anything is stored, with a reason that can be explained kindly."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


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


def name_to_find(text: str) -> str | None:
    """A typed name to look a member up by, in lower case; None when no member's name can be like it:
    every stored name passed clean_name (and PostgreSQL refuses a NUL in a query)."""
    try:
        return clean_name(text).lower()
    except InvalidText:
        return None


LEFT_OUT = "…"
# What points to a person besides a name: a Telegram @username, an e-mail address, a phone number.
_CONTACTS = re.compile(r"@\w{3,}|[\w.+-]+@[\w-]+\.[\w.-]+|\+?\d[\d\s().-]{6,}\d")


def without_names(text: str, names: Iterable[str]) -> str:
    """`text` for the whole buurt to read: each of these names (also each word of three letters or more
    of a name, such as a first name alone) and anything that looks like contact details, left out.
    Only names the bot knows can be found; the person is shown the result before anyone reads it."""
    text = _CONTACTS.sub(LEFT_OUT, text)  # first: an address may hold a name ("anna@...")
    words = {name.strip() for name in names if name and name.strip()}
    words |= {part for name in words for part in re.findall(r"\w{3,}", name)}
    # Longest first, so that "Bram de Vries" goes as a whole before "Bram" alone.
    for word in sorted(words, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", LEFT_OUT, text, flags=re.IGNORECASE)
    return text
