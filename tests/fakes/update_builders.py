"""Updates as Telegram would deliver them: a neighbour's message, a tapped button, a blocked bot, a migration.

Each builder returns an update without update_id; the server numbers and queues it. Messages from users
are stored too, so the bot can copy, forward or delete them like real ones.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from tests.fakes.bot_api_spec import BotApiSpec
from tests.fakes.chats import ChatStore
from tests.fakes.formatting import utf16_len
from tests.fakes.methods import member_object
from tests.fakes.objects import GROUP_ANONYMOUS_BOT, FileIds, chat_object, human_user

# Telegram marks "/start" and "/start@some_bot" as a command; a lone "/" or "/ hallo" is plain text.
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
MediaBuilder = Callable[[FileIds, dict[str, Any]], dict[str, Any]]


def _file(file_ids: FileIds, prefix: str) -> dict[str, Any]:
    file_id, unique_id = file_ids.new(prefix)
    return {"file_id": file_id, "file_unique_id": unique_id}


def _sticker(file_ids: FileIds, extra: dict[str, Any]) -> dict[str, Any]:
    sticker = {**_file(file_ids, "CAACAgIAAxkBAAI"), "type": "regular", "width": 512, "height": 512}
    return {"sticker": {**sticker, "is_animated": False, "is_video": False, "emoji": "👍", **extra}}


def _photo(file_ids: FileIds, extra: dict[str, Any]) -> dict[str, Any]:
    base = _file(file_ids, "AgACAgQAAxkBAAI")
    sizes = [(90, 68, 1_402), (320, 240, 17_930), (1280, 960, 143_226)]
    return {
        "photo": [
            {**base, "file_id": f"{base['file_id']}_{w}", "width": w, "height": h, "file_size": size, **extra}
            for w, h, size in sizes
        ]
    }


def _voice(file_ids: FileIds, extra: dict[str, Any]) -> dict[str, Any]:
    voice = {
        **_file(file_ids, "AwACAgQAAxkBAAI"),
        "duration": 4,
        "mime_type": "audio/ogg",
        "file_size": 11_834,
    }
    return {"voice": {**voice, **extra}}


def _location(_: FileIds, extra: dict[str, Any]) -> dict[str, Any]:
    return {"location": {"latitude": 52.090_737, "longitude": 5.121_420, **extra}}  # Utrecht, Domplein


def _document(file_ids: FileIds, extra: dict[str, Any]) -> dict[str, Any]:
    document = {**_file(file_ids, "BQACAgQAAxkBAAI"), "file_name": "boodschappenlijst.pdf"}
    return {"document": {**document, "mime_type": "application/pdf", "file_size": 48_213, **extra}}


MEDIA_BUILDERS: dict[str, MediaBuilder] = {
    "sticker": _sticker,
    "photo": _photo,
    "voice": _voice,
    "location": _location,
    "document": _document,
}


class UpdateFactory:
    def __init__(self, spec: BotApiSpec, store: ChatStore, bot: dict[str, Any]) -> None:
        self._spec = spec
        self._store = store
        self._bot = bot
        self._file_ids = FileIds()
        self._users: dict[int, dict[str, Any]] = {}
        self._callback_ids = itertools.count(4_829_301_000_000_000_001)

    def message(
        self,
        user_id: int,
        content: dict[str, Any],
        *,
        first_name: str,
        language_code: str | None,
        chat_id: int | None,
        chat_type: str,
    ) -> dict[str, Any]:
        user = self._user(user_id, first_name, language_code)
        chat = self._chat(user, user_id if chat_id is None else chat_id, chat_type)
        message = {
            "message_id": self._store.next_message_id(chat["id"]),
            "from": user,
            "chat": chat,
            "date": self._store.now(),
            **content,
        }
        self._store.store(message)
        return {"message": message}

    @staticmethod
    def text_content(text: str) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text}
        command = _COMMAND.match(text)
        if command:
            # The entity covers "/start" or "/start@buurtbot_test_bot", not the arguments.
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}]
        return content

    def media_content(self, kind: str, extra: dict[str, Any]) -> dict[str, Any]:
        builder = MEDIA_BUILDERS.get(kind)
        if builder is None:
            raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(MEDIA_BUILDERS)}")
        caption = extra.pop("caption", None)
        content = builder(self._file_ids, extra)
        if caption is not None:
            content["caption"] = caption
        return content

    def callback(
        self,
        user_id: int,
        data: str,
        message: dict[str, Any],
        *,
        first_name: str,
        language_code: str | None,
        inaccessible: bool,
    ) -> dict[str, Any]:
        chat_id = message["chat"]["id"]
        if inaccessible:
            # An InaccessibleMessage: what Telegram sends for a message that was deleted since.
            message = {"chat": message["chat"], "message_id": message["message_id"], "date": 0}
        query = {
            "id": str(next(self._callback_ids)),
            "from": self._user(user_id, first_name, language_code),
            "message": message,
            # Stable per chat, like Telegram's: games and bots use it to tell chats apart.
            "chat_instance": str(-(abs(chat_id) * 1_000_003 % 10**18)),
            "data": data,
        }
        return {"callback_query": query}

    def my_chat_member(
        self, chat_id: int, user_id: int, *, old_status: str, new_status: str, chat_type: str
    ) -> dict[str, Any]:
        user = self._users.get(user_id) or human_user(user_id, "Anna", "nl")
        change = {
            "chat": self._chat(user, chat_id, chat_type),
            "from": user,
            "date": self._store.now(),
            "old_chat_member": member_object(self._spec, old_status, self._bot),
            "new_chat_member": member_object(self._spec, new_status, self._bot),
        }
        return {"my_chat_member": change}

    def migration(self, old_chat_id: int, new_chat_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """Telegram's two service messages: "moved to" in the old group and "moved from" in the supergroup."""
        old_chat = self._store.chat(old_chat_id)
        new_chat = {"id": new_chat_id, "type": "supergroup", "title": old_chat.get("title", "Buurtgroep")}
        self._store.remember_chat(new_chat)
        moved_to = self._service_message(old_chat, migrate_to_chat_id=new_chat_id)
        moved_from = self._service_message(new_chat, migrate_from_chat_id=old_chat_id)
        return {"message": moved_to}, {"message": moved_from}

    def _service_message(self, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
        message = {
            "message_id": self._store.next_message_id(chat["id"]),
            "from": GROUP_ANONYMOUS_BOT,
            "sender_chat": chat,
            "chat": chat,
            "date": self._store.now(),
            **content,
        }
        self._store.store(message)
        return message

    def known_user(self, user_id: int, first_name: str, language_code: str | None) -> None:
        self._user(user_id, first_name, language_code)

    def _user(self, user_id: int, first_name: str, language_code: str | None) -> dict[str, Any]:
        user = human_user(user_id, first_name, language_code)
        self._users[user_id] = user
        return user

    def _chat(self, user: dict[str, Any], chat_id: int, chat_type: str) -> dict[str, Any]:
        if chat_type == "private":
            chat = chat_object(chat_id, "private", first_name=user["first_name"])
        elif chat_id >= 0:
            raise ValueError(f"a {chat_type} chat needs a negative chat_id, got {chat_id}")
        else:
            known = self._store.chat(chat_id)
            chat = known if known["type"] == chat_type else chat_object(chat_id, chat_type)
        self._store.remember_chat(chat)
        return chat
