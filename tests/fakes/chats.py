"""What the fake remembers about chats: who is in them, every message, and which ones are closed to the bot.

Message ids count per chat and are shared by the user's and the bot's messages, as in a Telegram chat.
Stored messages are never mutated: an edit stores a new dict, so an update that already holds the old
message (a pushed callback_query, say) keeps showing what the user saw.

A bot cannot write first: a private chat opens when its user writes, taps or starts the bot, and a group
is known once the bot has seen it. Message dates come from `wall_time`, which a test may point at its
fake clock so that "older than 48 hours" means what it means for the bot under test.
"""

from __future__ import annotations

import enum
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from tests.fakes.api_errors import ApiError, bad_request, forbidden
from tests.fakes.objects import chat_object

MessageKey = tuple[int, int]  # (chat_id, message_id)


class Access(enum.Enum):
    """What a method does in the chat named by its chat_id, as Telegram's checks tell them apart."""

    READ = "read"  # getChat, getChatMember, a command scope: the chat must exist for the bot
    SEND = "send"  # send*, copyMessage, forwardMessage: the bot writes, so the chat must be open to it
    EDIT = "edit"  # edit*, pin*: changes a message, the chat must be open to it
    DELETE = "delete"  # delete*: needs the chat, but not that the user still lets the bot write


class ChatStore:
    def __init__(self, bot_id: int) -> None:
        self._bot_id = bot_id
        self._chats: dict[int, dict[str, Any]] = {}
        self._next_message_id: defaultdict[int, int] = defaultdict(lambda: 1)
        self.messages: dict[MessageKey, dict[str, Any]] = {}
        self._last_bot_message: dict[int, dict[str, Any]] = {}
        self._sent_texts: defaultdict[int, list[str]] = defaultdict(list)
        self.blocked: set[int] = set()
        self.migrated: dict[int, int] = {}
        self.wall_time: Callable[[], float] = time.time
        # Private chats whose user has written, tapped or started the bot; groups the bot is in.
        self.open_chats: set[int] = set()
        # Users the bot has seen anywhere (a group member who never opened a private chat, say).
        self.seen_users: set[int] = set()
        self.deactivated: set[int] = set()
        self.deleted: set[MessageKey] = set()
        # Sent with a reply keyboard, a keyboard removal or a forced reply: Telegram will not edit those.
        self.not_editable: set[MessageKey] = set()

    def now(self) -> int:
        """Unix time as Telegram dates messages."""
        return int(self.wall_time())

    # -- chats ---------------------------------------------------------------------------------------

    def chat(self, chat_id: int) -> dict[str, Any]:
        known = self._chats.get(chat_id)
        if known is None:
            known = self._chats[chat_id] = chat_object(chat_id)
        return known

    def remember_chat(self, chat: dict[str, Any]) -> None:
        self._chats[chat["id"]] = chat

    def open_chat(self, chat: dict[str, Any]) -> None:
        """The chat is open to the bot: its user started the bot, or the bot is in the group."""
        self.remember_chat(chat)
        self.open_chats.add(chat["id"])
        if chat["type"] == "private":
            self.seen_users.add(chat["id"])

    def check_reachable(self, chat_id: Any, access: Access) -> None:
        """Refuse a request about `chat_id` the way Telegram would: unknown, migrated, closed or gone."""
        if chat_id == 0 or isinstance(chat_id, str):
            # The fake knows no @usernames; Telegram answers the same for one it cannot resolve.
            raise bad_request("chat not found")
        new_chat_id = self.migrated.get(chat_id)
        if new_chat_id is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat", {"migrate_to_chat_id": new_chat_id}
            )
        if chat_id > 0:
            self._check_private_chat(chat_id, access)
        elif chat_id not in self.open_chats:
            raise bad_request("chat not found")
        if access in (Access.SEND, Access.EDIT) and chat_id in self.blocked:
            raise _blocked_error(chat_id, self.chat(chat_id)["type"])

    def _check_private_chat(self, user_id: int, access: Access) -> None:
        if user_id in self.deactivated and access is not Access.READ:
            raise forbidden("user is deactivated")
        if user_id in self.open_chats:
            return
        if access is Access.SEND:
            # Telegram's answer for any user who never started the bot (tdlib maps PEER_ID_INVALID to it).
            raise forbidden("bot can't initiate conversation with a user")
        if access is not Access.READ or user_id not in self.seen_users:
            raise bad_request("chat not found")

    # -- messages ------------------------------------------------------------------------------------

    def next_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def store(self, message: dict[str, Any]) -> None:
        chat_id, message_id = message["chat"]["id"], message["message_id"]
        self.messages[(chat_id, message_id)] = message
        # A hand-built update may bring its own message_id; later ids must not collide with it.
        if message_id >= self._next_message_id[chat_id]:
            self._next_message_id[chat_id] = message_id + 1
        sender = message.get("from")
        if sender is not None and sender["id"] == self._bot_id:
            self._last_bot_message[chat_id] = message

    def store_sent_text(self, message: dict[str, Any]) -> None:
        """A sendMessage or editMessageText result: also part of the chat's transcript (sent_texts)."""
        self.store(message)
        self._sent_texts[message["chat"]["id"]].append(message["text"])

    def bot_message(self, chat_id: int, message_id: int, *, missing: str) -> dict[str, Any]:
        message = self.messages.get((chat_id, message_id))
        if message is None:
            raise bad_request(missing)
        sender = message.get("from")
        if sender is None or sender["id"] != self._bot_id:
            raise bad_request("message can't be edited")
        return message

    def forget(self, chat_id: int, message_id: int) -> bool:
        # last_bot_message keeps a deleted message: tests ask what the bot last said, not what is left.
        if self.messages.pop((chat_id, message_id), None) is None:
            return False
        self.deleted.add((chat_id, message_id))
        return True

    def messages_in(self, chat_id: int) -> list[dict[str, Any]]:
        return [message for (chat, _), message in self.messages.items() if chat == chat_id]

    def sent_texts(self, chat_id: int) -> list[str]:
        return list(self._sent_texts.get(chat_id, ()))

    def last_bot_message(self, chat_id: int) -> dict[str, Any]:
        try:
            return self._last_bot_message[chat_id]
        except KeyError:
            raise KeyError(f"the bot has not sent anything to chat {chat_id}") from None


def _blocked_error(chat_id: int, chat_type: str) -> ApiError:
    if chat_type == "private":
        return forbidden("bot was blocked by the user")
    if chat_type == "channel":
        return forbidden("bot is not a member of the channel chat")
    return forbidden(f"bot was kicked from the {chat_type} chat")
