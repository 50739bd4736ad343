"""Injected trouble: error answers, dropped connections, late answers, and Telegram's flood limit."""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass
from typing import Any

from tests.fakes.api_errors import ApiError


class FaultKind(enum.Enum):
    FAIL = "fail"
    DISCONNECT = "disconnect"
    DELAY = "delay"


@dataclass(slots=True)
class Fault:
    kind: FaultKind
    method: str | None  # lower-case, like Telegram's matching; None matches every method
    chat_id: int | None
    remaining: int
    error: ApiError | None = None
    seconds: float = 0.0


class FaultPlan:
    """Faults wait in the order they were planned; each request consumes at most one."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("times must be at least 1")
        self._faults.append(fault)

    def take(self, method: str, chat_id: Any) -> Fault | None:
        if not self._faults:
            return None
        method = method.lower()
        for fault in self._faults:
            if fault.method is not None and fault.method != method:
                continue
            # chat_id may still be the text of a form field here, so compare as text.
            if fault.chat_id is not None and str(fault.chat_id) != str(chat_id):
                continue
            fault.remaining -= 1
            if fault.remaining == 0:
                self._faults.remove(fault)
            return fault
        return None


class FloodWindow:
    """Admits at most `limit` message-sending requests in any sliding second; rejected ones do not count.

    Counting only admitted requests means a client that paces itself at the limit never sees a 429,
    which is what a rate limiter in the bot has to achieve.
    """

    WINDOW_SECONDS = 1.0

    def __init__(self) -> None:
        self._admitted: deque[float] = deque()

    def admit(self, now: float, limit: int) -> bool:
        admitted = self._admitted
        while admitted and now - admitted[0] >= self.WINDOW_SECONDS:
            admitted.popleft()
        if len(admitted) >= limit:
            return False
        admitted.append(now)
        return True
