"""Shared ground for the admin command tests: a bot with an operator, buurten, members and coordinators."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.db.models import HelpRequest, Member
from bot.runtime import Runtime
from bot.services.buurten import buurten
from bot.services.common import audit, history
from bot.services.people import membership, roles
from tests.conftest import in_the_bots_time, make_settings
from tests.conversation import People, Person
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.neighbours import has_started, registers

OPERATOR_ID = 5001
GROUP = -600  # a buurt's Telegram group


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
        language = person.language_code or "nl"
        await registers(
            session, person.user_id, person.first_name, language=language, now=runtime.clock.now()
        )
        member = await membership.member_of(session, person.user_id)
        member.buurt_id, member.membership = buurt_id, status
        await history.follow(session, member, now=runtime.clock.now())  # as joining would
        return member.id


async def a_coordinator(runtime: Runtime, person: Person, buurt: str = "Transvaal") -> None:
    await a_member(runtime, person, buurt)
    async with runtime.db.begin() as session:
        await roles.appoint(session, buurt, person.user_id, now=runtime.clock.now())


async def asked_for_groceries(runtime: Runtime, member_id: int) -> None:
    """A request as posting leaves it (posting would also notify the coordinator, and is tested elsewhere)."""
    now, buurt_id = runtime.clock.now(), await a_buurt_of(runtime, member_id)
    async with runtime.db.begin() as session:
        session.add(
            HelpRequest(
                buurt_id=buurt_id,
                requester_id=member_id,
                category="boodschappen",
                when="morgen",
                status="open",
                created_at=now,
                expires_at=now + timedelta(days=7),
            )
        )


async def a_buurt_of(runtime: Runtime, member_id: int) -> int:
    async with runtime.db.begin() as session:
        member = await session.get(Member, member_id)
        assert member is not None and member.buurt_id is not None
        return member.buurt_id


async def audit_actions(runtime: Runtime) -> list[tuple[int | None, str]]:
    """(who, what) of the audit log, oldest first."""
    async with runtime.db.begin() as session:
        return [(e.actor_telegram_id, e.action) for e in reversed(await audit.entries(session))]


def as_persons(people: People, *names: str) -> list[Person]:
    return [people(name) for name in names]
