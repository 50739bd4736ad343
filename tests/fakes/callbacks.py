"""Answering button taps as Telegram allows it: each tap once, and only shortly after it was made.

Telegram answers a second answerCallbackQuery to the same tap, and one that comes after the app stopped
waiting, with the same 400 as for an id it never issued. The window is not documented; reports put it at
roughly 10 to 15 seconds, so the fake allows 15 by default (`answer_seconds`), measured on the server's
time source, and a test may shorten it to see how the bot copes with a late answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.fakes.api_errors import bad_request

DEFAULT_ANSWER_SECONDS = 15.0
_INVALID = "query is too old and response timeout expired or query ID is invalid"


@dataclass(slots=True)
class _Tap:
    pushed_at: float
    answered: bool = False


class CallbackQueries:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._taps: dict[str, _Tap] = {}
        self.answer_seconds = DEFAULT_ANSWER_SECONDS

    def pushed(self, query_id: str) -> None:
        self._taps.setdefault(query_id, _Tap(self._clock()))

    def answer(self, query_id: str) -> None:
        tap = self._taps.get(query_id)
        if tap is None or tap.answered or self._clock() - tap.pushed_at > self.answer_seconds:
            raise bad_request(_INVALID)
        tap.answered = True
