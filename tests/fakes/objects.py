"""Realistic Bot API objects: users, chats, files, and any spec type with its required fields filled.

python-telegram-bot builds its classes from these dicts and fails on a missing required field, so whatever
the fake returns or pushes carries every field the spec marks as required.
"""

from __future__ import annotations

import itertools
from typing import Any

from tests.fakes.bot_api_spec import BotApiSpec, TypeRef

# The account Telegram shows as the sender when an anonymous group admin acts (e.g. upgrades a group).
GROUP_ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
_SCALAR_DEFAULTS: dict[str, Any] = {"Integer": 0, "Float": 0.0, "Boolean": False, "String": ""}
_MAX_FILL_DEPTH = 6  # required fields never nest deeper; the bound only guards against a cyclic spec


def bot_user(bot_id: int, username: str) -> dict[str, Any]:
    """The bot as getMe describes it and as "from" of everything it sends."""
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": "Buurtbot",
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def human_user(user_id: int, first_name: str, language_code: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code is not None:
        user["language_code"] = language_code
    return user


def chat_type_for(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    # Supergroup and channel ids are -100xxxxxxxxxx; basic groups have short negative ids.
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def chat_object(
    chat_id: int, chat_type: str | None = None, *, first_name: str | None = None
) -> dict[str, Any]:
    chat_type = chat_type or chat_type_for(chat_id)
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": first_name or f"User {chat_id}"}
    return {"id": chat_id, "type": chat_type, "title": f"Buurtgroep {abs(chat_id)}"}


class FileIds:
    """Unique, Telegram-looking file ids, so that re-sending by file_id can be told apart in tests."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def new(self, prefix: str = "BQACAgQAAxkBAAI") -> tuple[str, str]:
        number = next(self._counter)
        return f"{prefix}{number:010d}", f"AgAD{number:08d}"


def minimal_object(spec: BotApiSpec, type_name: str, known: dict[str, Any] | None = None) -> Any:
    """An instance of `type_name` holding `known` plus a neutral value for every other required field."""
    return _fill(spec, TypeRef.parse(type_name), known or {}, 0)


def _fill(spec: BotApiSpec, ref: TypeRef, known: dict[str, Any], depth: int) -> Any:
    if ref.depth:
        return []
    if ref.name in _SCALAR_DEFAULTS:
        return _SCALAR_DEFAULTS[ref.name]
    obj_spec = spec.objects.get(ref.name)
    if obj_spec is None or depth > _MAX_FILL_DEPTH:
        return {}
    if obj_spec.subtypes:
        # An abstract type: use its first concrete subtype (e.g. MenuButton -> MenuButtonCommands).
        return _fill(spec, obj_spec.subtypes[0], known, depth)
    result = dict(known)
    if obj_spec.discriminator is not None:
        field, value = obj_spec.discriminator
        result.setdefault(field, value)
    for name in obj_spec.required_fields:
        if name not in result:
            result[name] = _fill(spec, obj_spec.fields[name].types[0], {}, depth + 1)
    return result
