"""Telegram's sending limits, kept on our side so that we never hear a 429.

Telegram asks bots to stay around 30 messages per second overall, 1 per second in one chat, and
20 per minute in one group. Times are monotonic seconds from the injected clock.

Telegram counts arrivals, and we only know departures and answers. The overall pace is kept on
departures, with a margin for requests that bunch up on their way. A chat's limits are kept on answers
instead: a chat gets nothing while a message to it is on its way, and its next message leaves a second
after the answer (which came after the arrival), so that however late the first arrived, the second
cannot arrive within the second after it.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass
class RateLimits:
    # Well under 30: requests bunch up on their way (a busy event loop, the network), and Telegram
    # counts arrivals. At 29 the odd 429 still came with 10,000 check-ins; 28.4 leaves two messages'
    # worth of jitter.
    overall_per_second: float = 28.4
    per_chat_interval: float = 1.0
    group_per_minute: int = 20
    _next_overall: float = 0.0
    _paused_until: float = 0.0
    _next_in_chat: dict[int, float] = field(default_factory=dict)
    _on_the_way: set[int] = field(default_factory=set)  # chats with a message sent and not yet answered
    # The last departures: never more than `overall_per_second` of them within one second, also when
    # the schedule catches up after a stall (a burst there gave the odd 429 with 10,000 messages).
    _recent: deque[float] = field(default_factory=deque)
    _group_sends: dict[int, deque[float]] = field(default_factory=dict)

    def chat_ready_at(self, chat_id: int) -> float:
        """When this chat may get its next message (ignoring the overall limit); infinity while a
        message to it is on its way, since the next one's time is counted from that one's answer."""
        if chat_id in self._on_the_way:
            return math.inf
        ready = self._next_in_chat.get(chat_id, 0.0)
        sends = self._group_sends.get(chat_id)
        if chat_id < 0 and sends is not None and len(sends) >= self.group_per_minute:
            ready = max(ready, sends[0] + 60.0)
        return ready

    def overall_ready_at(self) -> float:
        ready = max(self._next_overall, self._paused_until)
        if len(self._recent) >= math.ceil(self.overall_per_second):
            ready = max(ready, self._recent[0] + 1.0)
        return ready

    def record(self, chat_id: int, at: float) -> None:
        """A message to `chat_id` leaves at `at`; `answered` must follow, whatever the answer."""
        spacing = 1.0 / self.overall_per_second
        # Keep to the schedule: a wake-up that comes a millisecond late must not push every later
        # message back too (at 29/s that drift alone cost one message in thirty). After a quiet spell
        # longer than one spacing, the schedule starts again from now.
        base = self._next_overall if at - self._next_overall < spacing else at
        self._next_overall = base + spacing
        self._recent.append(at)
        while len(self._recent) > math.ceil(self.overall_per_second):
            self._recent.popleft()
        self._on_the_way.add(chat_id)

    def answered(self, chat_id: int, at: float) -> None:
        """Telegram answered the message to `chat_id` (or we stopped waiting) at `at`."""
        self._on_the_way.discard(chat_id)
        self._next_in_chat[chat_id] = at + self.per_chat_interval
        if chat_id < 0:  # groups, supergroups and channels have negative ids
            sends = self._group_sends.setdefault(chat_id, deque())
            sends.append(at)
            while len(sends) > self.group_per_minute:
                sends.popleft()
        if len(self._next_in_chat) > 50_000:
            self._forget_before(at)

    def pause_all(self, until: float) -> None:
        """Telegram said 429: everything waits, because its answer does not say which limit we hit."""
        self._paused_until = max(self._paused_until, until)

    def _forget_before(self, now: float) -> None:
        self._next_in_chat = {chat: t for chat, t in self._next_in_chat.items() if t > now}
        self._group_sends = {chat: s for chat, s in self._group_sends.items() if s and s[-1] + 60.0 > now}
