"""What each Bot API method does once its parameters passed validation (getUpdates lives in the server)."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

from tests.fakes.api_errors import bad_request
from tests.fakes.bot_api_spec import BotApiSpec, MethodSpec, TypeRef
from tests.fakes.callbacks import CallbackQueries
from tests.fakes.chats import Access, ChatStore
from tests.fakes.commands import checked_commands, commands_key
from tests.fakes.messages import MessageFactory, is_inline_keyboard, text_fields
from tests.fakes.objects import minimal_object
from tests.fakes.updates import UpdateQueue
from tests.fakes.validation import CheckedRequest

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_EDITABLE = ("text", "entities", "caption", "caption_entities", "reply_markup")
_NOT_COPIED = frozenset({"message_id", "from", "chat", "date", "edit_date", "reply_markup", "forward_origin"})
# What a method does in its chat_id's chat decides how a closed or unknown chat refuses it (chats.Access).
_ACCESS_BY_PREFIX = (
    (("send", "copy", "forward"), Access.SEND),
    (("edit", "pin", "unpin"), Access.EDIT),
    (("delete",), Access.DELETE),
)
_FLOOD_COUNTED_PREFIXES = ("send", "copyMessage", "forwardMessage")
# Content that editMessageText may change, and content that has a caption to edit (tdlib's lists).
_TEXT_EDITABLE = frozenset({"text", "game"})
_CAPTIONED = frozenset({"animation", "audio", "document", "paid_media", "photo", "video", "voice"})
_EDITABLE_CONTENT = _TEXT_EDITABLE | _CAPTIONED | {"checklist"}
_DELETE_WINDOW_SECONDS = 48 * 60 * 60
_EDITS = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup"})

Handler = Callable[[CheckedRequest], Any]


class BotApiMethods:
    def __init__(
        self,
        spec: BotApiSpec,
        store: ChatStore,
        bot: dict[str, Any],
        updates: UpdateQueue,
        callbacks: CallbackQueries,
    ) -> None:
        self._spec = spec
        self._store = store
        self._bot = bot
        self._updates = updates
        self._callbacks = callbacks
        self.messages = MessageFactory(spec, store, bot)
        self.webhook_url = ""
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._access = {name: _access(name) for name in spec.methods}
        # Methods that take only an inline keyboard; the edits check theirs in _edit, in tdlib's order.
        self._inline_only = frozenset(
            name
            for name, method in spec.methods.items()
            if "reply_markup" in method.fields
            and method.fields["reply_markup"].types == (TypeRef("InlineKeyboardMarkup"),)
            and name not in _EDITS
        )
        # Flood control is about messages; a "typing..." action sends none.
        self.flood_counted = frozenset(
            name
            for name in spec.methods
            if name.startswith(_FLOOD_COUNTED_PREFIXES) and name != "sendChatAction"
        )
        self._handlers: dict[str, Handler] = {
            "getMe": lambda _: self._bot,
            "sendMessage": self._send_message,
            "sendMediaGroup": self._send_media_group,
            "sendChatAction": lambda _: True,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": lambda checked: self._edit(checked, {}),
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda checked: self._commands.get(self._commands_key(checked.params), []),
            "deleteMyCommands": self._delete_my_commands,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            # A private chat holds the user and the bot; a buurt group a dozen neighbours.
            "getChatMemberCount": lambda checked: 2 if checked.params["chat_id"] > 0 else 12,
            "getFile": self._get_file,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
        }

    def call(self, method: MethodSpec, checked: CheckedRequest) -> Any:
        chat_id = checked.params.get("chat_id")
        if chat_id is not None:
            self._store.check_reachable(chat_id, self._access[method.name])
        reply = checked.params.get("reply_parameters")
        if isinstance(chat_id, int) and isinstance(reply, dict):
            self._check_reply_target(chat_id, reply)
        markup = checked.params.get("reply_markup")
        if method.name in self._inline_only and markup is not None and not is_inline_keyboard(markup):
            raise bad_request("inline keyboard expected")
        handler = self._handlers.get(method.name)
        if handler is not None:
            return handler(checked)
        if isinstance(chat_id, int) and method.name.startswith("send") and method.returns == ("Message",):
            message = self.messages.send(method.name, chat_id, checked)
            self._store.store(message)
            return message
        if "Boolean" in method.returns:
            return True
        # Anything else gets a spec-complete neutral object, so a client can still parse the answer.
        return minimal_object(self._spec, method.returns[0])

    # -- sending -------------------------------------------------------------------------------------

    def _check_reply_target(self, chat_id: int, reply: dict[str, Any]) -> None:
        target_chat = reply.get("chat_id", chat_id)
        if reply.get("allow_sending_without_reply") or not isinstance(target_chat, int):
            return
        if (target_chat, reply["message_id"]) not in self._store.messages:
            raise bad_request("message to be replied not found")

    def _send_message(self, checked: CheckedRequest) -> dict[str, Any]:
        message = self.messages.send("sendMessage", checked.params["chat_id"], checked)
        self._store.store_sent_text(message)
        return message

    def _send_media_group(self, checked: CheckedRequest) -> list[dict[str, Any]]:
        messages = self.messages.media_group(checked.params["chat_id"], checked.params["media"])
        for message in messages:
            self._store.store(message)
        return messages

    def _copy_message(self, checked: CheckedRequest) -> dict[str, Any]:
        params = checked.params
        source = self._source(params, missing="message to copy not found")
        content = {key: value for key, value in source.items() if key not in _NOT_COPIED}
        if "caption" in checked.texts:
            content.pop("caption_entities", None)
            content.update(text_fields("caption", "caption_entities", checked.texts["caption"]))
        message = self.messages.outgoing(params["chat_id"], content, params.get("reply_markup"))
        self._store.store(message)
        return {"message_id": message["message_id"]}  # copyMessage answers with a MessageId only

    def _forward_message(self, checked: CheckedRequest) -> dict[str, Any]:
        params = checked.params
        source = self._source(params, missing="message to forward not found")
        content = {key: value for key, value in source.items() if key not in _NOT_COPIED}
        sender = source.get("from")
        origin: dict[str, Any] = {"type": "user", "date": source["date"], "sender_user": sender}
        if sender is None:
            origin = {"type": "chat", "date": source["date"], "sender_chat": source["chat"]}
        message = self.messages.outgoing(params["chat_id"], {**content, "forward_origin": origin})
        self._store.store(message)
        return message

    def _source(self, params: dict[str, Any], *, missing: str) -> dict[str, Any]:
        source = self._store.messages.get((params["from_chat_id"], params["message_id"]))
        if source is None:
            raise bad_request(missing)
        return source

    # -- editing and deleting ------------------------------------------------------------------------

    def _edit_message_text(self, checked: CheckedRequest) -> Any:
        parsed = checked.texts.get("text")
        if parsed is None:
            raise bad_request("message text is empty")
        return self._edit(checked, text_fields("text", "entities", parsed), edits="text")

    def _edit_message_caption(self, checked: CheckedRequest) -> Any:
        parsed = checked.texts.get("caption")
        content = text_fields("caption", "caption_entities", parsed) if parsed and parsed.text else {}
        return self._edit(checked, content, edits="caption")

    def _edit(self, checked: CheckedRequest, content: dict[str, Any], *, edits: str = "reply_markup") -> Any:
        """editMessageText, editMessageCaption (`edits`: "text", "caption") and editMessageReplyMarkup."""
        params = checked.params
        if "inline_message_id" in params:
            return True  # messages sent via inline mode are not stored; Telegram answers True for them
        for identifier in ("chat_id", "message_id"):
            if identifier not in params:
                raise bad_request(f"{identifier} is empty")
        old = self._store.bot_message(
            params["chat_id"], params["message_id"], missing="message to edit not found"
        )
        self._check_editable(old, edits)
        markup = params.get("reply_markup")
        if markup is not None and not is_inline_keyboard(markup):
            raise bad_request("inline keyboard expected")
        clears = {"text": ("entities",), "caption": ("caption", "caption_entities")}.get(edits, ())
        new = {key: value for key, value in old.items() if key not in ("reply_markup", *clears)}
        new.update(content)
        # Editing without reply_markup removes the inline keyboard, as on Telegram.
        if is_inline_keyboard(markup):
            new["reply_markup"] = markup
        if all(old.get(key) == new.get(key) for key in _EDITABLE):
            raise bad_request(_NOT_MODIFIED)
        new["edit_date"] = self._store.now()
        if edits == "text":
            self._store.store_sent_text(new)
        else:
            self._store.store(new)
        return new

    def _check_editable(self, message: dict[str, Any], edits: str) -> None:
        """tdlib's order: a message it will not edit at all, then one without the part to edit."""
        key = (message["chat"]["id"], message["message_id"])
        if key in self._store.not_editable:
            # A message sent with a reply keyboard, a keyboard removal or a forced reply stays as it is.
            raise bad_request("message can't be edited")
        if edits != "reply_markup" and not _EDITABLE_CONTENT.intersection(message):
            raise bad_request("message can't be edited")  # a sticker, a location, a dice, ...
        if edits == "text" and not _TEXT_EDITABLE.intersection(message):
            raise bad_request("there is no text in the message to edit")
        if edits == "caption" and not _CAPTIONED.intersection(message):
            raise bad_request("there is no caption in the message to edit")

    def _delete_message(self, checked: CheckedRequest) -> bool:
        params = checked.params
        chat_id, message_id = params["chat_id"], params["message_id"]
        message = self._store.messages.get((chat_id, message_id))
        if message is None:
            raise bad_request("message to delete not found")
        age = self._store.now() - message["date"]
        if self._store.chat(chat_id)["type"] in ("private", "group"):
            # Bots may delete for everyone up to 48 hours after sending; tdlib's words for later.
            if age > _DELETE_WINDOW_SECONDS:
                raise bad_request("message can't be deleted for everyone")
        elif age >= _DELETE_WINDOW_SECONDS:
            raise bad_request("message can't be deleted")  # supergroups and channels
        self._store.forget(chat_id, message_id)
        return True

    # -- the rest ------------------------------------------------------------------------------------

    def _answer_callback_query(self, checked: CheckedRequest) -> bool:
        self._callbacks.answer(checked.params["callback_query_id"])
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope")
        if isinstance(scope, dict) and "chat_id" in scope:
            # A menu for one chat needs a chat the bot knows; the wording for a stranger's is not confirmed.
            self._store.check_reachable(scope["chat_id"], Access.READ)
        return commands_key(params)

    def _set_my_commands(self, checked: CheckedRequest) -> bool:
        key = self._commands_key(checked.params)
        self._commands[key] = checked_commands(checked.params["commands"])
        return True

    def _delete_my_commands(self, checked: CheckedRequest) -> bool:
        self._commands.pop(self._commands_key(checked.params), None)
        return True

    def _get_chat(self, checked: CheckedRequest) -> Any:
        return minimal_object(self._spec, "ChatFullInfo", self._store.chat(checked.params["chat_id"]))

    def _get_chat_member(self, checked: CheckedRequest) -> Any:
        params = checked.params
        is_bot = params["user_id"] == self._bot["id"]
        chat_type = self._store.chat(params["chat_id"])["type"]
        status = "administrator" if is_bot and chat_type != "private" else "member"
        user = self._bot if is_bot else {"id": params["user_id"], "is_bot": False, "first_name": "Buur"}
        return member_object(self._spec, status, user)

    def _get_file(self, checked: CheckedRequest) -> dict[str, Any]:
        file_id = checked.params["file_id"]
        # The path leads nowhere: the fake serves no file downloads (they answer 404).
        unique_id = f"AgAD{zlib.crc32(file_id.encode()):010d}"
        return {"file_id": file_id, "file_unique_id": unique_id, "file_path": f"documents/{file_id}"}

    def _set_webhook(self, checked: CheckedRequest) -> bool:
        self.webhook_url = checked.params["url"]
        if checked.params.get("drop_pending_updates"):
            self._updates.drop_pending()
        return True

    def _delete_webhook(self, checked: CheckedRequest) -> bool:
        self.webhook_url = ""
        if checked.params.get("drop_pending_updates"):
            self._updates.drop_pending()
        return True

    def _get_webhook_info(self, _: CheckedRequest) -> dict[str, Any]:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates.pending),
        }


def member_object(spec: BotApiSpec, status: str, user: dict[str, Any]) -> Any:
    """A ChatMember of the subtype for `status`, with every permission an admin needs switched on."""
    subtype = spec.concrete_subtype("ChatMember", status)
    known: dict[str, Any] = {"status": status, "user": user}
    if status in ("administrator", "creator"):
        known.update({name: True for name in subtype.required_fields if name.startswith("can_")})
        known.update({name: False for name in ("can_be_edited", "is_anonymous") if name in subtype.fields})
    elif status == "restricted":
        known["is_member"] = True
    return minimal_object(spec, subtype.name, known)


def _access(method: str) -> Access:
    for prefixes, access in _ACCESS_BY_PREFIX:
        if method.startswith(prefixes):
            return access
    return Access.READ
