"""Test doubles; the fake Telegram Bot API server lives in telegram_server."""

from tests.fakes.telegram_server import FakeTelegram, RecordedRequest

__all__ = ["FakeTelegram", "RecordedRequest"]
