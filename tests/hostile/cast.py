"""Who takes part in a hostile burst: one of every kind the bot must tell apart, made through the services.

Two buurten (Transvaal, open; Oost, approval) and a supergroup linked to Transvaal. Residents (one offers
help, one has a request she talks about with him), a coordinator, an operator (the runtime must have
OPERATOR_ID in its settings' admin_ids), a blocked member, a member who was removed (declined by the
coordinators of Oost), one still waiting for a yes, and a stranger who never wrote to the bot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.db.enums import Frequency
from bot.db.models import Buurt, HelpRequest, InviteCode, Member
from bot.runtime import Runtime
from bot.services.buurten import buurten
from bot.services.checkins import plans
from bot.services.coordination import groups, moderation
from bot.services.help import matching, offers, requests
from bot.services.help.offers import Draft
from bot.services.people import membership
from bot.services.people import roles as buurt_roles
from bot.services.people.authority import Actor
from tests.fakes.telegram_server import FakeTelegram
from tests.neighbours import joins

OPERATOR_ID = 6001
GROUP_ID = -1006000000001
ROLES = ("resident", "coordinator", "operator", "blocked", "removed", "waiting", "stranger")


@dataclass(frozen=True, slots=True)
class Caller:
    role: str
    user_id: int
    first_name: str
    language_code: str | None


@dataclass(frozen=True, slots=True)
class Cast:
    callers: tuple[Caller, ...]
    group_id: int
    # Ids that exist, as callback data and commands spell them: buurten, members, requests, Telegram users.
    known_ids: tuple[str, ...]
    invite_codes: tuple[str, ...]
    # What the bot registers: its commands, and the patterns of its buttons.
    commands: tuple[str, ...]
    button_patterns: tuple[str, ...]

    def of(self, *roles: str) -> list[Caller]:
        return [caller for caller in self.callers if caller.role in roles]


_PEOPLE: Sequence[tuple[str, int, str, str | None]] = (
    ("resident", 6011, "Anna", "nl"),
    ("resident", 6012, "Bram", "nl"),
    ("resident", 6013, "Chloé", "en"),
    ("coordinator", 6021, "Dina", "nl"),
    ("operator", OPERATOR_ID, "Olga", "nl"),
    ("blocked", 6031, "Erik", "nl"),
    ("removed", 6041, "Femke", "nl"),
    ("waiting", 6051, "Gijs", None),
    ("stranger", 6061, "Hans", "de"),
)


async def make_cast(runtime: Runtime) -> Cast:
    """Everyone in place, through the services; nothing has been said in a chat yet."""
    if OPERATOR_ID not in runtime.settings.admin_ids:
        raise ValueError(f"the runtime's settings need admin_ids with {OPERATOR_ID} (hostile.OPERATOR_ID)")
    callers = tuple(Caller(*person) for person in _PEOPLE)
    by_name = {caller.first_name: caller for caller in callers}
    now, zone, operators = runtime.clock.now(), runtime.settings.zone, runtime.settings.admin_ids
    async with runtime.db.begin() as session:
        transvaal = await buurten.add_buurt(session, "Transvaal", ["2571"], "open", now=now)
        oost = await buurten.add_buurt(session, "Oost", ["2572"], "approval", now=now)
    for caller in callers:
        if caller.role in ("operator", "stranger"):
            continue
        buurt = oost if caller.role in ("removed", "waiting") else transvaal
        async with runtime.db.begin() as session:
            language = caller.language_code or "nl"
            await joins(
                session,
                caller.user_id,
                buurt.id,
                caller.first_name,
                language=language,
                now=now,
                operators=operators,
            )
    async with runtime.db.begin() as session:
        await buurt_roles.appoint(session, "Transvaal", by_name["Dina"].user_id, now=now)
    async with runtime.db.begin() as session:
        for name in ("Anna", "Erik"):
            await offers.save(session, by_name[name].user_id, Draft(categories=["boodschappen"]), now)
    await _a_request_in_conversation(runtime, by_name["Bram"].user_id, by_name["Anna"].user_id)
    async with runtime.db.begin() as session:
        await plans.start(
            session,
            by_name["Anna"].user_id,
            frequency=Frequency.DAILY,
            slot=plans.slot_for("morning"),
            now=now,
            zone=zone,
        )
        dina = Actor(by_name["Dina"].user_id, operators)
        erik = await membership.member_of(session, by_name["Erik"].user_id)
        await moderation.block(session, dina, erik.id, "Onaardige berichten", now=now)
        femke = await membership.member_of(session, by_name["Femke"].user_id)
        await membership.decide(
            session,
            approver_telegram_id=OPERATOR_ID,
            member_id=femke.id,
            approve=False,
            now=now,
            operators=operators,
        )
        await groups.link(session, dina, GROUP_ID, transvaal.id, language="nl", now=now)
    return Cast(
        callers=callers,
        group_id=GROUP_ID,
        known_ids=await _known_ids(runtime, callers),
        invite_codes=await _invite_codes(runtime),
        commands=registered_commands(runtime.application),
        button_patterns=registered_buttons(runtime.application),
    )


async def _a_request_in_conversation(runtime: Runtime, requester: int, helper: int) -> None:
    """A request the helper said yes to and the requester accepted: they talk through the bot."""
    now, zone = runtime.clock.now(), runtime.settings.zone
    round_hours = runtime.settings.match_round_hours
    async with runtime.db.begin() as session:
        await requests.begin(session, requester, now=now)
        await requests.category_chosen(session, requester, "boodschappen", now=now)
        await requests.described(session, requester, now=now, text="Melk en brood, graag")
        await requests.when_chosen(session, requester, "morgen", now=now, zone=zone)
        step = await requests.post(session, requester, now=now, zone=zone, round_hours=round_hours)
        assert step.posted is not None
        request_id = step.posted.request_id
    async with runtime.db.begin() as session:
        await matching.accept(session, request_id, helper, now=now)
    async with runtime.db.begin() as session:
        await matching.requester_decides(
            session, request_id, requester, introduce=True, now=now, zone=zone, round_hours=round_hours
        )
    async with runtime.db.begin() as session:
        await requests.begin(session, helper, now=now)  # and one still open, in Anna's name
        await requests.category_chosen(session, helper, "klusje", now=now)
        await requests.described(session, helper, now=now, text="Een lamp ophangen")
        await requests.when_chosen(session, helper, "week", now=now, zone=zone)
        await requests.post(session, helper, now=now, zone=zone, round_hours=round_hours)


async def _known_ids(runtime: Runtime, callers: Sequence[Caller]) -> tuple[str, ...]:
    async with runtime.db.begin() as session:
        ids: set[int] = set(await session.scalars(select(Buurt.id)))
        ids |= set(await session.scalars(select(Member.id)))
        ids |= set(await session.scalars(select(HelpRequest.id)))
    ids |= {caller.user_id for caller in callers}
    return tuple(str(number) for number in sorted(ids))


async def _invite_codes(runtime: Runtime) -> tuple[str, ...]:
    async with runtime.db.begin() as session:
        return tuple(await session.scalars(select(InviteCode.code).order_by(InviteCode.id)))


def _handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> list[Any]:
    return [handler for group in application.handlers.values() for handler in group]


def registered_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> tuple[str, ...]:
    found = {c for h in _handlers(application) if isinstance(h, CommandHandler) for c in h.commands}
    return tuple(sorted(found))


def registered_buttons(application: Application[Any, Any, Any, Any, Any, Any]) -> tuple[str, ...]:
    """The pattern of every button handler (the last one, for whatever nobody knows, has none)."""
    return tuple(
        str(h.pattern.pattern)
        for h in _handlers(application)
        if isinstance(h, CallbackQueryHandler) and isinstance(h.pattern, re.Pattern)
    )


def speak(telegram: FakeTelegram, caller: Caller, text: str, **where: Any) -> dict[str, Any]:
    return telegram.user_message(
        caller.user_id, text, first_name=caller.first_name, language_code=caller.language_code, **where
    )
