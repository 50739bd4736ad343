"""Bot API message parameters as plain data, so services can queue messages without importing telegram.

Every shape of a Bot API call a service queues is built here: the method's name, its fields, the parse
mode. `text_message` and `text_with_links` give a sendMessage's parameters (the outbox's default
method); the other builders give a `Call`, the method together with its parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Buttons = Sequence[Sequence[tuple[str, str]]]  # rows of (label, callback_data)

# The kinds of message (as `Message` attributes) whose copy can carry a caption of its own.
CAPTIONED = frozenset({"voice", "photo", "video", "audio", "document"})
_SEND_MESSAGE, _SEND_VOICE = "sendMessage", "sendVoice"


@dataclass(frozen=True, slots=True)
class Call:
    """One Bot API method and its parameters (all but chat_id), as `outbox.enqueue` queues it."""

    method: str
    payload: dict[str, Any]


def text_message(
    text: str, *, buttons: Buttons = (), keyboard: Sequence[Sequence[str]] = ()
) -> dict[str, Any]:
    """A sendMessage payload in HTML (callers escape user text) with inline buttons or a reply keyboard."""
    payload: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
    if buttons:
        payload["reply_markup"] = _inline(buttons)
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


def text_call(text: str, *, buttons: Buttons = ()) -> Call:
    """A text message in HTML, for callers that send either a text or something else."""
    return Call(_SEND_MESSAGE, text_message(text, buttons=buttons))


def voice_call(voice_file_id: str, caption: str, *, buttons: Buttons = ()) -> Call:
    """A voice message (a file Telegram already has) with an HTML caption and inline buttons."""
    payload: dict[str, Any] = {"voice": voice_file_id, "caption": caption, "parse_mode": "HTML"}
    if buttons:
        payload["reply_markup"] = _inline(buttons)
    return Call(_SEND_VOICE, payload)


def copy_call(
    from_chat_id: int, message_id: int, *, caption: str | None = None, buttons: Buttons = ()
) -> Call:
    """A copy of someone's message (copyMessage shows no sender), with an HTML caption in place of its
    own when given (only for the kinds in CAPTIONED) and inline buttons."""
    payload: dict[str, Any] = {"from_chat_id": from_chat_id, "message_id": message_id}
    if caption is not None:
        payload["caption"], payload["parse_mode"] = caption, "HTML"
    if buttons:
        payload["reply_markup"] = _inline(buttons)
    return Call("copyMessage", payload)


def edit_call(sent_method: str, message_id: int, text: str) -> Call:
    """New words in HTML, and no buttons, for a message sent before with `sent_method`: the text of a
    text message, the caption of a voice message."""
    if sent_method == _SEND_VOICE:
        return Call("editMessageCaption", {"message_id": message_id, "caption": text, "parse_mode": "HTML"})
    return Call("editMessageText", {"message_id": message_id, "text": text, "parse_mode": "HTML"})


def _inline(buttons: Buttons) -> dict[str, Any]:
    rows = [[{"text": label, "callback_data": data} for label, data in row] for row in buttons]
    return {"inline_keyboard": rows}
