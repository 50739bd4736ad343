"""What operators do with buurten: add, rename, postcodes, join policy, and who coordinates them.

Every function checks the actor's right on the server and writes the audit log in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Buurt, BuurtPostcode
from bot.delivery.payloads import text_message
from bot.i18n import translator
from bot.services import audit, buurten, members, notify, roles
from bot.services.authority import Actor, check_manages, check_operator
from bot.services.postcodes import parse_pc4

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
    """Take the coordinator role away; False when they did not have it."""
    check_operator(actor)
    await check_manages(session, actor, buurt_id)
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
    return True
