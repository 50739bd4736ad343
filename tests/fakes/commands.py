"""The bot's command menus: kept per scope and language, judged as Telegram judges setMyCommands.

tdlib trims each command and drops one leading "/", then measures it; the servers refuse anything but
lowercase a-z, 0-9 and "_" with BOT_COMMAND_INVALID. Descriptions are trimmed and must keep 1-256
characters. Language codes are empty or two lowercase letters.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.fakes.api_errors import bad_request

MAX_COMMANDS = 100
_COMMAND = re.compile(r"[a-z0-9_]+")
_LANGUAGE = re.compile(r"[a-z]{2}")
_MAX_COMMAND = 32
_MAX_DESCRIPTION = 256


def commands_key(params: dict[str, Any]) -> tuple[str, str]:
    """Where a menu lives: its scope and language, after the language passed Telegram's check."""
    language = params.get("language_code") or ""
    if language and not _LANGUAGE.fullmatch(language):
        raise bad_request("invalid language code specified")
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), language


def checked_commands(commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The menu as Telegram stores it (trimmed, without a leading "/"), or the error it answers."""
    if len(commands) > MAX_COMMANDS:
        # "At most 100 commands can be specified"; the wording of the refusal is not confirmed, and
        # BOT_COMMANDS_TOO_MUCH is the servers' name for it.
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    stored = []
    for command in commands:
        name = command["command"].strip()
        name = name.removeprefix("/")
        description = command["description"].strip()
        if not name:
            raise bad_request("command must be non-empty")
        if len(name) > _MAX_COMMAND:
            raise bad_request(f"command length must not exceed {_MAX_COMMAND}")
        if not description:
            raise bad_request("command description must be non-empty")
        if len(description) > _MAX_DESCRIPTION:
            raise bad_request(f"command description length must not exceed {_MAX_DESCRIPTION}")
        if not _COMMAND.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        stored.append({"command": name, "description": description})
    return stored
