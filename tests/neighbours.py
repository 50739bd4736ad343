"""Setting the scene for help-request tests: buurten, residents who joined, helpers with an offer.

Joining itself is tested through the chat in test_joining.py; here residents are made through the services
so that tests about help read as the story they tell.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.db.models import HelpRequest, OutboxMessage
from bot.jobs.help import sweep_requests
from bot.runtime import Runtime
from bot.services.buurten import buurten
from bot.services.help import offers
from bot.services.help.offers import Draft
from bot.services.people import members, membership, roles
from tests.conversation import Person


async def a_buurt(runtime: Runtime, name: str = "Transvaal", postcode: str = "2571") -> int:
    async with runtime.db.begin() as session:
        buurt = await buurten.add_buurt(session, name, [postcode], "open", now=runtime.clock.now())
        return buurt.id


def has_started(person: Person) -> Person:
    """`person` opened a chat with the bot before the test: whoever joined a buurt has talked to it."""
    person.telegram.user_started(
        person.user_id, first_name=person.first_name, language_code=person.language_code
    )
    return person


async def resident(runtime: Runtime, person: Person, buurt_id: int) -> Person:
    """Someone who joined the buurt with their first name, in their Telegram language."""
    has_started(person)
    now = runtime.clock.now()
    async with runtime.db.begin() as session:
        await members.register(session, person.user_id, language=person.language_code or "nl", now=now)
        await membership.give_consent(session, person.user_id, now=now)
        await membership.set_name(session, person.user_id, person.first_name)
        await membership.join(session, person.user_id, buurt_id, now=now, operators=())
    return person


async def helper(
    runtime: Runtime,
    person: Person,
    buurt_id: int,
    categories: Iterable[str] = ("boodschappen",),
    **choices: Any,
) -> Person:
    """A resident who offers help; `choices` are fields of offers.Draft (days, parts, max_per_week, quiet)."""
    await resident(runtime, person, buurt_id)
    draft = Draft(categories=list(categories), **choices)
    async with runtime.db.begin() as session:
        await offers.save(session, person.user_id, draft, runtime.clock.now())
    return person


async def coordinator(runtime: Runtime, person: Person, buurt_name: str = "Transvaal") -> Person:
    has_started(person)
    async with runtime.db.begin() as session:
        await roles.appoint(session, buurt_name, person.user_id, now=runtime.clock.now())
    return person


async def asks_for_help(
    person: Person, text: str = "Melk en brood, graag", category: str = "Boodschappen", when: str = "Morgen"
) -> str:
    """Through the menu button, the four steps with buttons, and 'Plaatsen'; returns the last answer."""
    await person.sends("🙋 Ik zoek hulp")
    await person.taps(category)
    await person.sends(text)
    await person.taps(when)
    return await person.taps("Plaatsen")


async def latest_request(runtime: Runtime) -> HelpRequest:
    async with runtime.db.begin() as session:
        request = await session.scalar(select(HelpRequest).order_by(HelpRequest.id.desc()).limit(1))
        assert request is not None
        return request


async def sweep(runtime: Runtime, after: timedelta = timedelta(0)) -> None:
    """Let time pass, then run the minute job that asks what is due."""
    runtime.clock.advance(after.total_seconds())  # type: ignore[attr-defined]
    await sweep_requests(JobContext(runtime))  # type: ignore[arg-type]


async def outbox_payloads(runtime: Runtime, chat_id: int) -> list[dict[str, Any]]:
    async with runtime.db.begin() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id))
        return [row.payload for row in rows.all()]


class JobContext:
    """What a job reads from its context: the runtime's dependencies."""

    def __init__(self, runtime: Runtime) -> None:
        self.deps = runtime.application.bot_data.deps
        self.db = runtime.db
