"""/uitnodigen: coordinators make invite codes for their buurt, see them and stop them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import InviteCode
from bot.services.buurten import invites
from bot.services.common import audit
from bot.services.people.authority import Actor, NotAllowed, check_manages

CREATE, REVOKE = "invite.create", "invite.revoke"
# The choices offered: how long a code works (None: until revoked).
VALIDITY = {"week": timedelta(weeks=1), "maand": timedelta(days=31), "altijd": None}


@dataclass(frozen=True, slots=True)
class Invite:
    id: int
    code: str
    single_use: bool
    uses: int
    expires_at: datetime | None
    usable: bool


def _view(invite: InviteCode, now: datetime) -> Invite:
    return Invite(
        id=invite.id,
        code=invite.code,
        single_use=invite.max_uses == 1,
        uses=invite.uses,
        expires_at=invite.expires_at,
        usable=invites.lets_in(invite, now),
    )


async def create(
    session: AsyncSession, actor: Actor, buurt_id: int, *, single_use: bool, validity: str, now: datetime
) -> tuple[str, Invite]:
    """A new code; returns the buurt's name and the code. `validity` is a key of VALIDITY."""
    buurt = await check_manages(session, actor, buurt_id)
    invite = await invites.create_invite(
        session, buurt_id, now, max_uses=1 if single_use else None, valid_for=VALIDITY[validity]
    )
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=CREATE,
        buurt_id=buurt_id,
        target=f"invite:{invite.id}",
        now=now,
    )
    return buurt.name, _view(invite, now)


async def check(session: AsyncSession, actor: Actor, buurt_id: int) -> None:
    """NotAllowed unless the actor may invite people to this buurt (before asking how long a link works)."""
    await check_manages(session, actor, buurt_id)


async def list_usable(session: AsyncSession, actor: Actor, buurt_id: int, *, now: datetime) -> list[Invite]:
    await check_manages(session, actor, buurt_id)
    return [
        view for view in (_view(i, now) for i in await invites.invites_of(session, buurt_id)) if view.usable
    ]


async def revoke(session: AsyncSession, actor: Actor, invite_id: int, *, now: datetime) -> Invite:
    invite = await session.get(InviteCode, invite_id)
    if invite is None:
        raise NotAllowed  # gone, or never existed: nothing to tell about it
    await check_manages(session, actor, invite.buurt_id)
    await invites.revoke(session, invite.code, now)
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=REVOKE,
        buurt_id=invite.buurt_id,
        target=f"invite:{invite.id}",
        now=now,
    )
    return _view(invite, now)
