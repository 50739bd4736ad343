"""A hostile burst (tests/hostile) against the real bot: forged buttons with odd ids for every kind of
button, odd commands and texts, media, edits, taps under messages the bot can no longer see, group chats
and unusual updates, from residents, a coordinator, an operator, a blocked member, a removed one, one
waiting and a stranger. Nothing may crash: no traceback or error in the bot's logs, no apology, every
update handled, and afterwards the bot still welcomes someone new. bench/hostile.py runs a bigger one."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from telegram.ext import ApplicationBuilder

from bot.handlers import register
from bot.runtime import Runtime
from tests import hostile
from tests.buttons import TEST_TOKEN
from tests.conftest import make_settings
from tests.conversation import People
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.hostile import buttons

BURST = 300
SEED = 20261125


@pytest.fixture
async def buurtbot(database_url: str, telegram: FakeTelegram, clock: FakeClock) -> AsyncIterator[Runtime]:
    """The real bot, with the cast's operator."""
    settings = make_settings(database_url, telegram.base_url, admin_ids=frozenset({hostile.OPERATOR_ID}))
    async with Runtime(settings, clock=clock) as runtime:
        yield runtime
        assert runtime.failure is None, "a part of the bot stopped by itself"


# Made-up data is refused by the seal before any handler runs; sealed as the bot would have, the same
# forged ids reach the handlers (as an old or stale button of ours does).
SEALS = {"made up": hostile.unsealed, "sealed by the bot": hostile.sealed_by_the_bot}


@pytest.mark.parametrize("seal", list(SEALS))
async def test_a_hostile_burst_crashes_nothing(
    buurtbot: Runtime, telegram: FakeTelegram, people: People, seal: str
) -> None:
    cast = await hostile.make_cast(buurtbot)
    warmed = await hostile.warm_up(telegram, cast)
    steps = hostile.plan(cast, size=BURST, seed=SEED)
    assert steps == hostile.plan(cast, size=BURST, seed=SEED)  # the same burst for the same seed
    with hostile.watching() as trouble:
        pushed = hostile.push(telegram, cast, steps, seal=SEALS[seal])
        inbox = await hostile.drained(buurtbot.db, telegram, updates=warmed + pushed)
        assert "Hallo Nina!" in await people("Nina").sends("/start")
    assert not trouble.records, f"{dict(trouble.sites())}\n{trouble.first_tracebacks()}"
    assert hostile.apologies(telegram) == 0
    assert pushed >= BURST
    assert inbox == {"done": warmed + pushed}


async def test_every_button_goes_through_the_seal(
    buurtbot: Runtime, telegram: FakeTelegram, people: People
) -> None:
    """How a burst is pushed with signed callback data; here the "seal" spoils every button instead."""
    cast = await hostile.make_cast(buurtbot)
    warmed = await hostile.warm_up(telegram, cast)
    with hostile.watching() as trouble:
        pushed = hostile.push(telegram, cast, hostile.plan(cast, size=60, seed=SEED), seal=spoiled)
        taps = [u["callback_query"].get("data") for u in telegram.pending_updates if "callback_query" in u]
        assert taps
        assert all(data is None or data.startswith("🔏") for data in taps)  # None: a game's button
        await hostile.drained(buurtbot.db, telegram, updates=warmed + pushed)
    assert not trouble.records, trouble.first_tracebacks()
    assert hostile.apologies(telegram) == 0


def spoiled(chat_id: int, data: str) -> str:
    return ("🔏" + data)[:20]


def test_the_burst_knows_every_kind_of_button_the_bot_registers() -> None:
    application = ApplicationBuilder().token(TEST_TOKEN).updater(None).build()
    register(application)
    examples = buttons.examples()
    unknown = [
        p for p in hostile.registered_buttons(application) if not any(re.match(p, e) for e in examples)
    ]
    assert unknown == [], "add their shapes to tests/hostile/buttons.py"
