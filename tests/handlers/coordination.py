"""Shared ground for the admin command tests: a bot with an operator, buurten, members and coordinators."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.runtime import Runtime
from bot.services.buurten import buurten
from bot.services.common import audit, history
from bot.services.people import members, membership, roles
from tests.conftest import in_the_bots_time, make_settings
from tests.conversation import People, Person
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.neighbours import has_started

OPERATOR_ID = 5001


@pytest.fixture
async def buurtbot(database_url: str, telegram: FakeTelegram, clock: FakeClock) -> AsyncIterator[Runtime]:
    """The real bot, with one operator (OPERATOR_ID), who has talked to it before."""
    settings = make_settings(database_url, telegram.base_url, admin_ids=frozenset({OPERATOR_ID}))
    in_the_bots_time(telegram, clock)
    telegram.user_started(OPERATOR_ID, first_name="Olga")
    async with Runtime(settings, clock=clock) as runtime:
        yield runtime
        assert runtime.failure is None, "a part of the bot stopped by itself"


@pytest.fixture
def operator(people: People) -> Person:
    return people.with_id(OPERATOR_ID, "Olga")


async def a_buurt(
    runtime: Runtime, name: str = "Transvaal", *, policy: str = "open", postcodes: str = "2571"
) -> int:
    async with runtime.db.begin() as session:
        buurt = await buurten.add_buurt(session, name, [postcodes], policy, now=runtime.clock.now())
        return buurt.id


async def a_member(
    runtime: Runtime, person: Person, buurt: str = "Transvaal", *, status: str = membership.ACTIVE
) -> int:
    """Someone who joined (or, with status pending, is waiting) without going through the conversation."""
    has_started(person)
    async with runtime.db.begin() as session:
        buurt_id = (await roles.find_buurt(session, buurt)).id
        await members.register(
            session, person.user_id, language=person.language_code or "nl", now=runtime.clock.now()
        )
        await membership.give_consent(session, person.user_id, now=runtime.clock.now())
        await membership.set_name(session, person.user_id, person.first_name)
        member = await membership.member_of(session, person.user_id)
        member.buurt_id, member.membership = buurt_id, status
        await history.follow(session, member, now=runtime.clock.now())  # as joining would
        return member.id


async def a_coordinator(runtime: Runtime, person: Person, buurt: str = "Transvaal") -> None:
    await a_member(runtime, person, buurt)
    async with runtime.db.begin() as session:
        await roles.appoint(session, buurt, person.user_id, now=runtime.clock.now())


async def audit_actions(runtime: Runtime) -> list[tuple[int | None, str]]:
    """(who, what) of the audit log, oldest first."""
    async with runtime.db.begin() as session:
        return [(e.actor_telegram_id, e.action) for e in reversed(await audit.entries(session))]


def as_persons(people: People, *names: str) -> list[Person]:
    return [people(name) for name in names]
