"""Who has had an answer: counted from the fake server's request log without rescanning all of it."""

from __future__ import annotations

from collections import Counter

from tests.fakes.telegram_server import FakeTelegram


class Replies:
    """Successful sendMessage requests per chat, with the fake's clock at the first and the last.

    `FakeTelegram.calls()` builds a new list on every call; a wait_for predicate runs after every
    request, so with thousands of requests that would cost more than the bots being measured. This reads
    each finished request once. A sendMessage still in progress (status 0) is read again next time.
    """

    def __init__(self, fake: FakeTelegram) -> None:
        self._fake = fake
        self._read = 0
        self.per_chat: Counter[int] = Counter()
        self.times: list[float] = []  # arrival at the fake, in the order they were read

    def count(self) -> int:
        """How many chats have had at least one message."""
        requests = self._fake.requests
        while self._read < len(requests):
            request = requests[self._read]
            if request.method == "sendMessage":
                if request.status == 0:
                    break
                if request.ok:
                    self.per_chat[int(request.params["chat_id"])] += 1
                    self.times.append(request.at)
            self._read += 1
        return len(self.per_chat)

    @property
    def duplicates(self) -> int:
        """Chats that got more than one message."""
        return sum(1 for n in self.per_chat.values() if n > 1)

    async def wait_for(self, chats: int, *, within: float) -> None:
        """Until `chats` chats have had a message; AssertionError (the fake's) after `within` seconds."""
        await self._fake.wait_for(lambda: self.count() >= chats, timeout=within)
