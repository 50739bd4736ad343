"""What operators do with buurten: add, rename, postcodes, join policy, and who coordinates them.

Every function checks the actor's right on the server and writes the audit log in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Buurt, BuurtPostcode, Member
from bot.delivery.payloads import text_message
from bot.i18n import translator
from bot.ids import parse_id
from bot.services.buurten import buurten
from bot.services.buurten.postcodes import parse_pc4, parse_pc4_list
from bot.services.common import audit, conversations, notify
from bot.services.common.conversations import State
from bot.services.people import members, roles
from bot.services.people.authority import Actor, check_manages, check_operator

# Names of the actions in the audit log.
ADD, RENAME, POSTCODES, POLICY, APPOINT, DISMISS = (
    "buurt.add",
    "buurt.rename",
    "buurt.postcodes",
    "buurt.policy",
    "coordinator.appoint",
    "coordinator.remove",
)


async def add(
    session: AsyncSession, actor: Actor, name: str, postcodes: Iterable[str], policy: str, *, now: datetime
) -> Buurt:
    check_operator(actor)
    buurt = await buurten.add_buurt(session, name, postcodes, policy, now)
    await audit.record(session, actor=actor.telegram_user_id, action=ADD, buurt_id=buurt.id, now=now)
    return buurt


async def rename(session: AsyncSession, actor: Actor, buurt_id: int, name: str, *, now: datetime) -> Buurt:
    check_operator(actor)
    buurt = await check_manages(session, actor, buurt_id)
    name = buurten.clean_name(name)
    others = await session.scalars(select(Buurt.name).where(Buurt.id != buurt_id))
    if any(other.casefold() == name.casefold() for other in others):
        raise buurten.BuurtExists(name)
    buurt.name = name
    await audit.record(session, actor=actor.telegram_user_id, action=RENAME, buurt_id=buurt_id, now=now)
    return buurt


async def set_postcodes(
    session: AsyncSession, actor: Actor, buurt_id: int, postcodes: Iterable[str], *, now: datetime
) -> list[str]:
    """Replace the postcodes the buurt covers; returns them sorted."""
    check_operator(actor)
    await check_manages(session, actor, buurt_id)
    pc4s = sorted({parse_pc4(postcode) for postcode in postcodes})
    await session.execute(delete(BuurtPostcode).where(BuurtPostcode.buurt_id == buurt_id))
    session.add_all(BuurtPostcode(buurt_id=buurt_id, pc4=pc4) for pc4 in pc4s)
    await audit.record(session, actor=actor.telegram_user_id, action=POSTCODES, buurt_id=buurt_id, now=now)
    return pc4s


async def set_policy(
    session: AsyncSession, actor: Actor, buurt_id: int, policy: str, *, now: datetime
) -> None:
    check_operator(actor)
    buurt = await check_manages(session, actor, buurt_id)
    if policy not in buurten.JOIN_POLICIES:
        raise buurten.UnknownJoinPolicy(policy)
    buurt.join_policy = policy
    await audit.record(session, actor=actor.telegram_user_id, action=POLICY, buurt_id=buurt_id, now=now)


async def appoint(
    session: AsyncSession, actor: Actor, buurt_id: int, telegram_user_id: int, *, now: datetime
) -> bool:
    """Make someone coordinator and tell them; False when they already were (nothing changes)."""
    check_operator(actor)
    buurt = await check_manages(session, actor, buurt_id)
    if not await roles.make_coordinator(session, buurt_id, telegram_user_id, now=now):
        return False
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=APPOINT,
        buurt_id=buurt_id,
        target=f"user:{telegram_user_id}",
        now=now,
    )
    t = translator(await members.language_of(session, telegram_user_id) or "nl")
    text = t(
        "You are now a coordinator of {buurt}. Thank you!\n"
        "/leden – the members and who is waiting\n"
        "/uitnodigen – an invite link and a QR code\n"
        "/omroep – a message to all members\n"
        "/koppel – link your buurt's Telegram group (send it in the group)"
    ).format(buurt=escape(buurt.name))
    await notify.to_member(session, telegram_user_id, text_message(text), now=now)
    return True


async def dismiss(
    session: AsyncSession, actor: Actor, buurt_id: int, telegram_user_id: int, *, now: datetime
) -> bool:
    """Take the coordinator role away and tell them; False when they did not have it."""
    check_operator(actor)
    buurt = await check_manages(session, actor, buurt_id)
    if not await roles.remove_coordinator(session, buurt_id, telegram_user_id):
        return False
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=DISMISS,
        buurt_id=buurt_id,
        target=f"user:{telegram_user_id}",
        now=now,
    )
    t = translator(await members.language_of(session, telegram_user_id) or "nl")
    text = t("You are no longer a coordinator of {buurt}. Thank you for all you did!").format(
        buurt=escape(buurt.name)
    )
    await notify.to_member(session, telegram_user_id, text_message(text), now=now)
    return True


@dataclass(frozen=True, slots=True)
class Details:
    id: int
    name: str
    postcodes: tuple[str, ...]
    join_policy: str
    member_count: int
    coordinators: list[roles.Coordinator]


async def all_buurten(session: AsyncSession, actor: Actor, *, now: datetime) -> list[buurten.BuurtOverview]:
    check_operator(actor)
    return await buurten.overview(session, now)


async def details(session: AsyncSession, actor: Actor, buurt_id: int, *, now: datetime) -> Details:
    check_operator(actor)
    await check_manages(session, actor, buurt_id)
    row = next(row for row in await buurten.overview(session, now) if row.id == buurt_id)
    return Details(
        row.id,
        row.name,
        row.postcodes,
        row.join_policy,
        row.member_count,
        await roles.coordinators_of(session, buurt_id),
    )


async def candidates(session: AsyncSession, actor: Actor, buurt_id: int) -> list[tuple[int, str]]:
    """Members of the buurt who are not coordinator yet: (telegram id, name), to appoint with one tap."""
    check_operator(actor)
    await check_manages(session, actor, buurt_id)
    coordinators = {c.telegram_user_id for c in await roles.coordinators_of(session, buurt_id)}
    rows = await session.execute(
        select(Member.telegram_user_id, Member.display_name)
        .where(Member.buurt_id == buurt_id, Member.membership == "active")
        .order_by(Member.display_name, Member.id)
    )
    return [(int(tid), name or "?") for tid, name in rows.all() if tid not in coordinators]


# Typed answers in /buurten: a new buurt's name, a new name, postcodes, a coordinator's Telegram id.
FLOW = "buurten"
NEW_NAME, NEW_BUURT_NAME, POSTCODE_LIST, COORDINATOR_ID = "new", "rename", "postcodes", "appoint"


class NotAUserId(ValueError):
    """Typed text that is not a Telegram user id."""


async def ask(session: AsyncSession, actor: Actor, step: str, buurt_id: int | None, *, now: datetime) -> None:
    """Wait for the operator's typed answer to one of the questions above."""
    check_operator(actor)
    if buurt_id is not None:
        await check_manages(session, actor, buurt_id)
    assert actor.telegram_user_id is not None
    await conversations.go_to(
        session, actor.telegram_user_id, State(FLOW, step, {"buurt_id": buurt_id}), now=now
    )


async def typed(session: AsyncSession, actor: Actor, state: State, text: str, *, now: datetime) -> int:
    """Apply the typed answer; returns the buurt to show next. A mistake raises and keeps the question."""
    assert actor.telegram_user_id is not None
    if state.step == NEW_NAME:
        buurt_id = (await add(session, actor, text, [], "open", now=now)).id
    else:
        buurt_id = int(state.data["buurt_id"])
    if state.step == NEW_BUURT_NAME:
        await rename(session, actor, buurt_id, text, now=now)
    elif state.step == POSTCODE_LIST:
        await set_postcodes(session, actor, buurt_id, parse_pc4_list(text), now=now)
    elif state.step == COORDINATOR_ID:
        user_id = parse_id(text.strip())
        if user_id is None:
            raise NotAUserId(text)
        await appoint(session, actor, buurt_id, user_id, now=now)
    await conversations.end(session, actor.telegram_user_id)
    return buurt_id
