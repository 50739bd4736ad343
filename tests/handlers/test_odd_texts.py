"""Typed text that no invite code or name can be (a NUL, a sign no link carries) is no code and nobody,
also on PostgreSQL, which refuses a NUL in a query (a DBAPIError, and the apology)."""

from __future__ import annotations

from bot.runtime import Runtime
from tests import hostile
from tests.conversation import People, Person
from tests.fakes.telegram_server import FakeTelegram
from tests.handlers.coordination import a_buurt, a_coordinator, a_member, buurtbot, operator

__all__ = ["buurtbot", "operator"]  # fixtures


async def test_a_start_code_no_link_can_carry_is_an_invite_that_does_not_work(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    anna = people("Anna")
    for code in ("k3m9vqx7hc2d\x00", "A\x00", "ﬁx", "code@home", "k" * 65):
        assert "Deze uitnodiging werkt niet (meer)" in await anna.sends(f"/start {code}")
    assert hostile.apologies(telegram) == 0


async def test_a_typed_name_with_a_nul_finds_nobody(
    buurtbot: Runtime, people: People, telegram: FakeTelegram
) -> None:
    await a_buurt(buurtbot)
    carla, anna = people("Carla"), people("Anna")
    await a_coordinator(buurtbot, carla)
    await a_member(buurtbot, anna)
    await carla.sends("/blokkeer")
    assert "Niemand in je buurt heeft zo een naam" in await carla.sends("An\x00na")
    await carla.sends("/stop")
    assert "Ik vind niet precies één bewoner" in await carla.sends("/checkin An\x00na")
    await anna.sends("/help")
    await anna.taps_data("ci:s:add")
    assert "Ik vind geen buur met die naam" in await anna.sends("Car\x00la")
    assert hostile.apologies(telegram) == 0


async def test_an_operator_button_for_a_buurt_that_is_gone_no_longer_works(
    buurtbot: Runtime, operator: Person, telegram: FakeTelegram
) -> None:
    await operator.sends("/help")
    assert "Die knop werkt niet meer. Stuur /leden" in await operator.taps_data("adm:leden:999")
    assert hostile.apologies(telegram) == 0
