"""Injected trouble: error answers, dropped connections, late answers, and Telegram's sending limits."""

from __future__ import annotations

import enum
import math
from collections import deque
from dataclasses import dataclass, field
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


@dataclass
class ChatLimits:
    """Telegram's limits for one chat: a message a second in a private chat, 20 a minute in a group.

    A negative chat id is a group (or supergroup, or channel); a positive one a private chat. Like
    `FloodWindow`, only admitted requests count, and the answer's retry_after says when the chat's next
    message would be admitted, rounded up to whole seconds as Telegram's are.
    """

    private_interval: float = 1.0
    group_per_minute: int = 20
    _last_private: dict[int, float] = field(default_factory=dict)
    _group_sends: dict[int, deque[float]] = field(default_factory=dict)

    GROUP_WINDOW_SECONDS = 60.0

    def retry_after(self, chat_id: object, now: float) -> int | None:
        """None when a message to `chat_id` may arrive now, else the seconds to wait (at least 1)."""
        if not isinstance(chat_id, int):  # "@channelusername": not counted
            return None
        if chat_id < 0:
            sends = self._group_sends.get(chat_id)
            if sends is None:
                return None
            while sends and now - sends[0] >= self.GROUP_WINDOW_SECONDS:
                sends.popleft()
            if len(sends) < self.group_per_minute:
                return None
            return _whole_seconds(sends[0] + self.GROUP_WINDOW_SECONDS - now)
        last = self._last_private.get(chat_id)
        if last is None or now - last >= self.private_interval:
            return None
        return _whole_seconds(last + self.private_interval - now)

    def record(self, chat_id: object, now: float) -> None:
        if not isinstance(chat_id, int):
            return
        if chat_id < 0:
            self._group_sends.setdefault(chat_id, deque()).append(now)
        else:
            self._last_private[chat_id] = now


def _whole_seconds(seconds: float) -> int:
    return max(math.ceil(seconds), 1)
