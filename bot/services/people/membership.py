"""Joining a buurt: consent, a name neighbours see, approval by a coordinator, moving, pausing."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Buurt, BuurtRole, HelperCategory, Member
from bot.delivery import outbox
from bot.delivery.payloads import text_message
from bot.i18n import translator
from bot.services.common import history, notify
from bot.services.common.validation import clean_name
from bot.services.people.menu import main_menu

ACTIVE, PENDING, NONE = "active", "pending", "none"
APPROVE, DECLINE = "lid:ja:", "lid:nee:"


class UnknownMember(LookupError):
    """No member with that Telegram id (they never started, or asked to be forgotten)."""


class UnknownBuurt(LookupError):
    """The buurt does not exist (any more)."""


class NotAllowed(PermissionError):
    """The caller has no right to do this for that buurt."""


class AlreadyDecided(Exception):
    """Someone already approved or declined this request."""


class NotAMember(PermissionError):
    """Not a member of a buurt now: never joined, waiting for a yes, not let in, or forgotten."""


class Blocked(PermissionError):
    """Blocked by a coordinator (services/moderation.py); `reason` is what they were told."""

    def __init__(self, reason: str | None) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Joined:
    buurt_name: str
    status: str  # ACTIVE or PENDING


@dataclass(frozen=True, slots=True)
class Decision:
    name: str
    buurt_name: str
    approved: bool


async def find(session: AsyncSession, telegram_user_id: int) -> Member | None:
    return await session.scalar(select(Member).where(Member.telegram_user_id == telegram_user_id))


async def taking_part(session: AsyncSession, telegram_user_id: int) -> Member:
    """Someone who may ask, offer and help: let in to a buurt, and not blocked (NotAMember, Blocked)."""
    member = await find(session, telegram_user_id)
    if member is None or member.membership != ACTIVE or member.buurt_id is None:
        raise NotAMember(telegram_user_id)
    check_not_blocked(member)
    return member


def check_not_blocked(member: Member) -> None:
    if member.blocked_at is not None:
        raise Blocked(member.blocked_reason)


async def member_of(session: AsyncSession, telegram_user_id: int) -> Member:
    member = await session.scalar(
        select(Member).where(Member.telegram_user_id == telegram_user_id).with_for_update()
    )
    if member is None:
        raise UnknownMember(telegram_user_id)
    return member


async def buurt_name(session: AsyncSession, buurt_id: int | None) -> str | None:
    if buurt_id is None:
        return None
    return await session.scalar(select(Buurt.name).where(Buurt.id == buurt_id))


async def give_consent(session: AsyncSession, telegram_user_id: int, *, now: datetime) -> None:
    member = await member_of(session, telegram_user_id)
    if member.consent_at is None:
        member.consent_at = now


async def set_name(session: AsyncSession, telegram_user_id: int, name: str) -> str:
    """Store the name neighbours see (validated); raises InvalidText."""
    member = await member_of(session, telegram_user_id)
    member.display_name = clean_name(name)
    return member.display_name


async def join(
    session: AsyncSession, telegram_user_id: int, buurt_id: int, *, now: datetime, operators: Collection[int]
) -> Joined:
    """Make someone a member (open buurt) or a waiting applicant (approval), and tell the approvers."""
    member = await member_of(session, telegram_user_id)
    buurt = await session.get(Buurt, buurt_id)
    if buurt is None:
        raise UnknownBuurt(buurt_id)
    status = ACTIVE if buurt.join_policy == "open" else PENDING
    member.buurt_id, member.membership = buurt.id, status
    # A helper who moves helps in their new buurt (matching reads the buurt from their categories).
    await session.execute(
        update(HelperCategory).where(HelperCategory.member_id == member.id).values(buurt_id=buurt.id)
    )
    await history.follow(session, member, now=now)
    if status == PENDING:
        await _ask_approvers(session, member, buurt, now=now, operators=operators)
    return Joined(buurt.name, status)


async def _ask_approvers(
    session: AsyncSession, member: Member, buurt: Buurt, *, now: datetime, operators: Collection[int]
) -> None:
    """The coordinators who are not on a break; when none can be reached, the operators."""
    asked = await _ask(session, member, buurt, await coordinators_of(session, buurt.id), now=now)
    if not asked:
        await _ask(session, member, buurt, await _operators(session, operators), now=now)


async def _ask(
    session: AsyncSession, member: Member, buurt: Buurt, approvers: list[tuple[int, str]], *, now: datetime
) -> int:
    asked = 0
    for telegram_id, language in approvers:
        t = translator(language)
        text = t("{name} wants to join {buurt}. Do you let them in?").format(
            name=escape(member.display_name or "?"), buurt=escape(buurt.name)
        )
        buttons = [[(t("✅ Let in"), f"{APPROVE}{member.id}"), (t("❌ Decline"), f"{DECLINE}{member.id}")]]
        asked += await notify.to_member(
            session,
            telegram_id,
            text_message(text, buttons=buttons),
            now=now,
            dedupe_key=join_request_key(member.id, telegram_id, now),
        )
    return asked


def join_request_key(member_id: int, approver_telegram_id: int, now: datetime) -> str:
    """Findable when the member asks to be forgotten; unique per request (they may ask again later)."""
    return f"join-request:{member_id}:{approver_telegram_id}:{now.isoformat()}"


async def coordinators_of(session: AsyncSession, buurt_id: int) -> list[tuple[int, str]]:
    """(Telegram id, language) of the buurt's coordinators."""
    rows = await session.execute(
        select(Member.telegram_user_id, Member.language)
        .join(BuurtRole, BuurtRole.member_id == Member.id)
        .where(BuurtRole.buurt_id == buurt_id, BuurtRole.role == "coordinator")
    )
    return [(int(user_id), str(language)) for user_id, language in rows.all()]


async def _operators(session: AsyncSession, operators: Collection[int]) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Member.telegram_user_id, Member.language).where(Member.telegram_user_id.in_(list(operators)))
    )
    known = {int(user_id): str(language) for user_id, language in rows.all()}
    return [(operator, known.get(operator, "nl")) for operator in sorted(operators)]


async def may_manage(
    session: AsyncSession, telegram_user_id: int, buurt_id: int, operators: Collection[int]
) -> bool:
    """Operators manage every buurt; a coordinator only their own."""
    if telegram_user_id in operators:
        return True
    role = await session.scalar(
        select(BuurtRole.role)
        .join(Member, BuurtRole.member_id == Member.id)
        .where(Member.telegram_user_id == telegram_user_id, BuurtRole.buurt_id == buurt_id)
    )
    return role == "coordinator"


async def decide(
    session: AsyncSession,
    *,
    approver_telegram_id: int,
    member_id: int,
    approve: bool,
    now: datetime,
    operators: Collection[int],
) -> Decision:
    """A coordinator lets someone in or declines; the person hears it through the outbox."""
    member = await session.get(Member, member_id, with_for_update=True)
    if member is None or member.buurt_id is None:
        raise AlreadyDecided  # they left, or were forgotten, meanwhile
    if not await may_manage(session, approver_telegram_id, member.buurt_id, operators):
        raise NotAllowed
    if member.membership != PENDING:
        raise AlreadyDecided
    name = member.display_name or "?"
    buurt = await buurt_name(session, member.buurt_id) or "?"
    t = translator(member.language)
    if approve:
        member.membership = ACTIVE
        text = t("Good news! You are now a member of {buurt}. 🎉\nUse the buttons below.").format(
            buurt=escape(buurt)
        )
        payload = text_message(text, keyboard=main_menu(t))
    else:
        member.membership, member.buurt_id = NONE, None
        text = t(
            "Sorry, the coordinators of {buurt} did not let you in this time.\n"
            "Do you live somewhere else? Send /start to look for your buurt."
        ).format(buurt=escape(buurt))
        payload = text_message(text)
    await history.follow(session, member, now=now)
    await outbox.enqueue(session, chat_id=member.telegram_user_id, now=now, payload=payload)
    return Decision(name, buurt, approve)


async def pause(
    session: AsyncSession, telegram_user_id: int, *, now: datetime, until: datetime | None
) -> None:
    """No messages but answers to their own actions until `until` (None: until they resume)."""
    member = await member_of(session, telegram_user_id)
    member.paused_since, member.paused_until = now, until


async def resume(session: AsyncSession, telegram_user_id: int) -> bool:
    member = await member_of(session, telegram_user_id)
    was_paused = member.paused_since is not None
    member.paused_since = member.paused_until = None
    return was_paused


is_paused = notify.is_paused
