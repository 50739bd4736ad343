"""A burst from one chat is taken from the inbox a part at a time: what is taken and not yet handled
stays under the dispatcher's bound, and every update is still handled, in order."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pytest

from bot.delivery import dispatcher, inbox
from bot.runtime import Runtime
from tests.conftest import make_settings
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram

BURST = 60
BOUND = 8


async def test_a_burst_is_taken_a_part_at_a_time_and_all_of_it_is_handled(
    database_url: str, telegram: FakeTelegram, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatcher, "MAX_TAKEN", BOUND)
    left_out: list[int] = []
    take = inbox.take_pending

    async def counting(session: Any, *, exclude: Collection[int], limit: int, **kw: Any) -> Any:
        left_out.append(len(exclude) + limit)  # taken and not handled, plus what this take may add
        return await take(session, exclude=exclude, limit=limit, **kw)

    monkeypatch.setattr(inbox, "take_pending", counting)
    updates = [telegram.user_message(1001, f"bericht {n}") for n in range(BURST)]
    async with Runtime(make_settings(database_url, telegram.base_url), clock=clock) as runtime:
        for update in updates:
            await runtime.dispatcher.handled(update["update_id"])
    assert max(left_out) <= BOUND
    replies = telegram.calls("sendMessage", chat_id=1001)
    assert len(replies) == BURST  # a kind pointer to /help for each, none lost
