"""Bot API message parameters as plain data, so services can queue messages without importing telegram."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Buttons = Sequence[Sequence[tuple[str, str]]]  # rows of (label, callback_data)


def text_message(
    text: str, *, buttons: Buttons = (), keyboard: Sequence[Sequence[str]] = ()
) -> dict[str, Any]:
    """A sendMessage payload in HTML (callers escape user text) with inline buttons or a reply keyboard."""
    payload: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
    if buttons:
        payload["reply_markup"] = {
            "inline_keyboard": [
                [{"text": label, "callback_data": data} for label, data in row] for row in buttons
            ]
        }
    elif keyboard:
        payload["reply_markup"] = {
            "keyboard": [[{"text": label} for label in row] for row in keyboard],
            "resize_keyboard": True,
            "is_persistent": True,
        }
    return payload


def text_with_links(text: str, links: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """A sendMessage payload in HTML with one URL button per row, (label, url) each."""
    payload: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
    if links:
        payload["reply_markup"] = {"inline_keyboard": [[{"text": label, "url": url}] for label, url in links]}
    return payload
