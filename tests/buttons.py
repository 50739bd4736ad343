"""Buttons as the tests handle them: the bot seals each button's callback data for its chat.

A test taps a button the bot showed (its data as sent, seal included), or calls `sealed` for a button the
bot showed that person at some time (an old one), or pushes data without a seal to forge one.
"""

from __future__ import annotations

from bot.delivery.buttons import button_seal

TEST_TOKEN = "123456789:AAHfakeTOKENfor-tests_only_0123456789"


def sealed(chat_id: int, data: str) -> str:
    """`data` as the bot under test would have put it under a message in `chat_id`."""
    return button_seal(TEST_TOKEN).seal(chat_id, data)


def opened(chat_id: int, data: str) -> str:
    """The data a handler wrote, from a button the bot sent to `chat_id`."""
    plain = button_seal(TEST_TOKEN).open(chat_id, data)
    assert plain is not None, f"{data!r} is not sealed for chat {chat_id}"
    return plain
