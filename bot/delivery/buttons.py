"""Callback data sealed for the chat it is shown in: a tap is let in only on a button we offered there.

Telegram hands back whatever callback data a tap carries, and a modified client can send any data at
all: `ob:buurt:<another id>` joined an invite-only buurt. So every button's data leaves the bot with a
seal, a short HMAC of the chat and the data (keyed with the bot token), added on the way out
(`AiohttpRequest`, for replies and the outbox alike). The dispatcher opens it before any handler runs:
data that this bot did not seal for this chat reaches the handlers as `NOT_OURS`, and the first handler
says kindly that the button no longer works. Handlers and services keep writing and reading the plain
data ("hv:ja:12"); they still check that the person may do what the button says, because a sealed
button can be old.

Buttons sent before the seal existed no longer work (the same kind answer), and neither do buttons
after the token is changed.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import hmac
import json
from typing import Any

SEPARATOR = "|"
_SEAL_BYTES = 6  # 48 bits: guessing takes a tap per try, about 2**47 of them
SEAL_LENGTH = len(base64.urlsafe_b64encode(bytes(_SEAL_BYTES)))
CALLBACK_BYTES = 64  # Telegram's limit for callback data
# What is left for the data a handler writes.
MAX_DATA_BYTES = CALLBACK_BYTES - len(SEPARATOR) - SEAL_LENGTH
# The data of a tap on a button we did not make for that chat. Never sealed, so no real button has it.
# (Not empty: python-telegram-bot lets a tap without data through every button handler's pattern.)
NOT_OURS = "!"


class ButtonSeal:
    def __init__(self, token: str) -> None:
        self._key = hashlib.sha256(b"buurtbot button seal\x00" + token.encode()).digest()

    def seal(self, chat_id: int, data: str) -> str:
        """`data` with the seal for `chat_id`; ValueError when the data is too long to be sealed."""
        size = len(data.encode())
        if data == NOT_OURS:
            raise ValueError(f"{NOT_OURS!r} is the data of a refused tap, not of a button")
        if not 1 <= size <= MAX_DATA_BYTES:
            raise ValueError(f"callback data of {size} bytes; at most {MAX_DATA_BYTES} can be sealed")
        return f"{data}{SEPARATOR}{self._mac(chat_id, data)}"

    def open(self, chat_id: int, sealed: str) -> str | None:
        """The data, when this bot sealed it for `chat_id`; else None (forged, moved, or from before)."""
        data, separator, mac = sealed.rpartition(SEPARATOR)
        if not separator or not hmac.compare_digest(mac, self._mac(chat_id, data)):
            return None
        return data

    def seal_markup(self, chat_id: int, markup: dict[str, Any]) -> dict[str, Any]:
        """A copy of an inline keyboard with every button's callback data sealed for `chat_id`."""
        sealed = copy.deepcopy(markup)
        for row in sealed.get("inline_keyboard", ()):
            for button in row:
                if isinstance(button, dict) and isinstance(button.get("callback_data"), str):
                    button["callback_data"] = self.seal(chat_id, button["callback_data"])
        return sealed

    def seal_parameters(self, parameters: dict[str, Any], encoded: dict[str, str]) -> dict[str, str]:
        """A request's parameters as they are sent (`encoded`: each JSON-encoded), its buttons sealed.

        `parameters` are the same parameters before encoding, so that a markup need not be decoded.
        """
        markup = parameters.get("reply_markup")
        if not isinstance(markup, dict) or not _has_callback_buttons(markup):
            return encoded
        chat_id = parameters.get("chat_id")
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            # Messages sent via inline mode or to a @username: we send neither with buttons of ours.
            raise ValueError("buttons with callback data need a numeric chat_id to be sealed for")
        return {**encoded, "reply_markup": json.dumps(self.seal_markup(chat_id, markup))}

    def opened_update(self, update: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """An update as stored, with its callback data opened; (update, False) when it was not ours.

        A tap whose data does not open comes back with the data `NOT_OURS`.
        """
        query = update.get("callback_query")
        if not isinstance(query, dict) or not isinstance(query.get("data"), str):
            return update, True
        message = query.get("message")
        chat = message.get("chat") if isinstance(message, dict) else None
        chat_id = chat.get("id") if isinstance(chat, dict) else None
        data = self.open(chat_id, query["data"]) if isinstance(chat_id, int) else None
        return {**update, "callback_query": {**query, "data": data or NOT_OURS}}, data is not None

    def _mac(self, chat_id: int, data: str) -> str:
        digest = hmac.new(self._key, f"{chat_id}\x00{data}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:_SEAL_BYTES]).decode()


@functools.cache
def button_seal(token: str) -> ButtonSeal:
    """The seal of the bot with this token: the same in every part of every instance."""
    return ButtonSeal(token)


def _has_callback_buttons(markup: dict[str, Any]) -> bool:
    return any(
        isinstance(button, dict) and "callback_data" in button
        for row in markup.get("inline_keyboard", ())
        for button in row
    )
