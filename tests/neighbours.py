"""Setting the scene: buurten, residents who joined, helpers with an offer, a request they talk about.

Joining itself is tested through the chat in test_joining.py; elsewhere residents are made through the
services (`joins`, the same calls the conversation makes) so that tests read as the story they tell.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, OutboxMessage
from bot.jobs.help import sweep_requests
from bot.runtime import Runtime
from bot.services.buurten import buurten, invites
from bot.services.help import offers
from bot.services.help.offers import Draft
from bot.services.people import members, membership, roles
from tests.conversation import People, Person


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


async def registers(
    session: AsyncSession, telegram_id: int, name: str, *, language: str = "nl", now: datetime
) -> None:
    """Someone who started the bot, agreed to what we keep and gave their name: not in a buurt yet."""
    await members.register(session, telegram_id, language=language, now=now)
    await membership.give_consent(session, telegram_id, now=now)
    await membership.set_name(session, telegram_id, name)


async def joins(
    session: AsyncSession,
    telegram_id: int,
    buurt_id: int,
    name: str,
    *,
    language: str = "nl",
    now: datetime,
    operators: Collection[int] = (),
) -> None:
    """Someone who went through joining: registered, agreed, named, and a member (or waiting for approval)."""
    await registers(session, telegram_id, name, language=language, now=now)
    await membership.join(session, telegram_id, buurt_id, now=now, operators=operators)


async def resident(runtime: Runtime, person: Person, buurt_id: int) -> Person:
    """Someone who joined the buurt with their first name, in their Telegram language."""
    has_started(person)
    async with runtime.db.begin() as session:
        await joins(
            session,
            person.user_id,
            buurt_id,
            person.first_name,
            language=person.language_code or "nl",
            now=runtime.clock.now(),
        )
    return person


async def joins_with_link(person: Person, code: str) -> str:
    """Through the chat: the invite link, language, consent and name; returns the welcome."""
    await person.sends(f"/start {code}")
    await person.taps("Nederlands" if person.language_code == "nl" else "English")
    await person.taps("OK")
    return await person.taps(person.first_name)


async def joined(runtime: Runtime, people: People, first_name: str = "Anna", language: str = "nl") -> Person:
    """Someone who joined Transvaal (made when missing) with an invite link, through the chat."""
    async with runtime.db.begin() as session:
        existing = await buurten.covering(session, "2571")
        buurt = (
            existing[0]
            if existing
            else await buurten.add_buurt(session, "Transvaal", ["2571"], "open", now=runtime.clock.now())
        )
        code = (await invites.create_invite(session, buurt.id, runtime.clock.now())).code
    person = people(first_name, language_code=language)
    await joins_with_link(person, code)
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


async def introduced(runtime: Runtime, people: People) -> tuple[Person, Person]:
    """Anna asked for groceries, Bram said yes, Anna said yes: they can talk."""
    buurt = await a_buurt(runtime)
    anna = await resident(runtime, people("Anna"), buurt)
    bram = await helper(runtime, people("Bram"), buurt)
    await asks_for_help(anna)
    await bram.receives("vraagt om hulp")
    await bram.taps("Ik help")
    await anna.receives("Bram wil je helpen")
    await anna.taps("Ja, graag")
    await bram.receives("zei ja")
    return anna, bram


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


async def count(runtime: Runtime, model: type) -> int:
    """How many rows the table of `model` has."""
    async with runtime.db.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


class JobContext:
    """What a job reads from its context: the runtime's dependencies."""

    def __init__(self, runtime: Runtime) -> None:
        self.deps = runtime.application.bot_data.deps
        self.db = runtime.db
