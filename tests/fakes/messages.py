"""Messages the bot sends, shaped like Telegram's answers to sendMessage, sendPhoto, sendLocation, ..."""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable
from typing import Any

from tests.fakes.bot_api_spec import BotApiSpec
from tests.fakes.chats import ChatStore
from tests.fakes.formatting import ParsedText
from tests.fakes.objects import FileIds, minimal_object
from tests.fakes.request_decoding import UploadedFile
from tests.fakes.validation import CheckedRequest

_PHOTO_SIZES = ((90, 67), (320, 240), (1280, 960))


class MessageFactory:
    def __init__(self, spec: BotApiSpec, store: ChatStore, bot: dict[str, Any]) -> None:
        self._spec = spec
        self._store = store
        self._bot = bot
        self._file_ids = FileIds()
        self._dice_values = itertools.cycle((3, 5, 1, 6, 2, 4))
        self._media_group_ids = itertools.count(13_000_000_000_001)
        self._content_builders: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "sendPhoto": self._photo,
            "sendDocument": lambda p: {"document": self._file(p["document"], "document")},
            "sendVoice": lambda p: {"voice": self._file(p["voice"], "voice", duration=p.get("duration", 3))},
            "sendAudio": lambda p: {"audio": self._file(p["audio"], "audio", duration=p.get("duration", 60))},
            "sendVideo": lambda p: {"video": self._file(p["video"], "video", **_dimensions(p))},
            "sendAnimation": self._animation,
            "sendVideoNote": lambda p: {
                "video_note": self._file(p["video_note"], "video_note", length=240, duration=5)
            },
            "sendSticker": self._sticker,
            "sendLocation": lambda p: {"location": _location(p)},
            "sendVenue": lambda p: {
                "venue": {"location": _location(p), "title": p["title"], "address": p["address"]}
            },
            "sendContact": lambda p: {
                "contact": {"phone_number": p["phone_number"], "first_name": p["first_name"]}
            },
            "sendDice": lambda p: {"dice": {"emoji": p.get("emoji", "🎲"), "value": next(self._dice_values)}},
            "sendPoll": self._poll,
        }

    def send(self, method: str, chat_id: int, checked: CheckedRequest) -> dict[str, Any]:
        """The Message a send* method creates in `chat_id` (stored, not yet recorded as sent text)."""
        params = checked.params
        builder = self._content_builders.get(method)
        content = builder(params) if builder else {}
        if "text" in checked.texts:
            content.update(text_fields("text", "entities", checked.texts["text"]))
        caption = checked.texts.get("caption")
        if caption is not None and caption.text:  # an empty caption is no caption
            content.update(text_fields("caption", "caption_entities", caption))
        return self.outgoing(chat_id, content, params.get("reply_markup"))

    def outgoing(self, chat_id: int, content: dict[str, Any], reply_markup: Any = None) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self._store.next_message_id(chat_id),
            "from": self._bot,
            "chat": self._store.chat(chat_id),
            "date": self._store.now(),
            **content,
        }
        if is_inline_keyboard(reply_markup):
            message["reply_markup"] = reply_markup  # Message.reply_markup only ever holds inline keyboards
        elif reply_markup is not None:
            self._store.not_editable.add((chat_id, message["message_id"]))
        return message

    def media_group(self, chat_id: int, media: list[dict[str, Any]]) -> list[dict[str, Any]]:
        group_id = str(next(self._media_group_ids))
        messages = []
        for item in media:
            kind = item.get("type", "document")
            content = (
                self._photo({"photo": item["media"]})
                if kind == "photo"
                else {kind: self._file(item["media"], kind)}
            )
            if item.get("caption"):
                content["caption"] = item["caption"]
            messages.append(self.outgoing(chat_id, {"media_group_id": group_id, **content}))
        return messages

    # -- content -------------------------------------------------------------------------------------

    def _file(self, value: Any, kind: str, **extra: Any) -> dict[str, Any]:
        if isinstance(value, str) and not value.startswith(("http://", "https://")):
            # Re-sending by file_id: Telegram answers with that same file.
            file: dict[str, Any] = {
                "file_id": value,
                "file_unique_id": f"AgAD{zlib.crc32(value.encode()):010d}",
            }
        else:
            file_id, unique_id = self._file_ids.new()
            file = {"file_id": file_id, "file_unique_id": unique_id}
        if isinstance(value, UploadedFile):
            file["file_size"] = value.size
            if kind in ("document", "audio", "video", "animation") and value.filename:
                file["file_name"] = value.filename
            if kind not in ("photo", "sticker", "video_note") and value.content_type:
                file["mime_type"] = value.content_type
        return {**file, **extra}

    def _photo(self, params: dict[str, Any]) -> dict[str, Any]:
        base = self._file(params["photo"], "photo")
        sizes = [
            {**base, "file_id": f"{base['file_id']}_{width}", "width": width, "height": height}
            for width, height in _PHOTO_SIZES
        ]
        return {"photo": sizes}

    def _animation(self, params: dict[str, Any]) -> dict[str, Any]:
        animation = self._file(params["animation"], "animation", **_dimensions(params))
        document = {
            key: value for key, value in animation.items() if key not in ("width", "height", "duration")
        }
        return {"animation": animation, "document": document}  # Telegram sets both for backward compatibility

    def _sticker(self, params: dict[str, Any]) -> dict[str, Any]:
        sticker = self._file(
            params["sticker"],
            "sticker",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
        )
        if params.get("emoji"):
            sticker["emoji"] = params["emoji"]
        return {"sticker": sticker}

    def _poll(self, params: dict[str, Any]) -> dict[str, Any]:
        options = [
            minimal_object(
                self._spec,
                "PollOption",
                {
                    "text": option["text"] if isinstance(option, dict) else str(option),
                    "persistent_id": str(n),
                },
            )
            for n, option in enumerate(params.get("options", []))
        ]
        known = {
            "id": str(self._store.now()),
            "question": params["question"],
            "options": options,
            "is_anonymous": params.get("is_anonymous", True),
            "type": params.get("type", "regular"),
            "allows_multiple_answers": params.get("allows_multiple_answers", False),
        }
        return {"poll": minimal_object(self._spec, "Poll", known)}


def text_fields(text_key: str, entities_key: str, parsed: ParsedText) -> dict[str, Any]:
    fields: dict[str, Any] = {text_key: parsed.text}
    if parsed.entities:
        fields[entities_key] = parsed.entities
    return fields


def is_inline_keyboard(markup: Any) -> bool:
    return isinstance(markup, dict) and "inline_keyboard" in markup


def _location(params: dict[str, Any]) -> dict[str, Any]:
    return {"latitude": params["latitude"], "longitude": params["longitude"]}


def _dimensions(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "width": params.get("width", 640),
        "height": params.get("height", 480),
        "duration": params.get("duration", 5),
    }
