"""The steps of joining a buurt, decided here and put into words by the handlers.

Ways in: an invite code (a link or QR code), or a postcode. Then, for someone new: language, consent,
the name neighbours see; then membership (at once, or after a coordinator's yes).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Buurt, Member
from bot.services.buurten import buurten, invites, postcodes
from bot.services.common import conversations
from bot.services.common.conversations import State
from bot.services.common.validation import InvalidText
from bot.services.people import members, membership, privacy

FLOW = "join"

# What to show next.
ASK_POSTCODE = "ask_postcode"
BAD_CODE = "bad_code"  # then the postcode question
BAD_POSTCODE = "bad_postcode"
NOT_COVERED = "not_covered"
CHOOSE_BUURT = "choose_buurt"
ASK_LANGUAGE = "ask_language"
ASK_CONSENT = "ask_consent"
NO_CONSENT = "no_consent"
ASK_NAME = "ask_name"
TYPE_NAME = "type_name"
BAD_NAME = "bad_name"
JOINED = "joined"
WAITING = "waiting"
WELCOME_BACK = "welcome_back"
ALREADY_ELSEWHERE = "already_elsewhere"
EXPIRED = "expired"
NOT_OFFERED = "not_offered"  # a buurt button this person was not shown in this conversation
USE_BUTTONS = "use_buttons"  # text typed where we wait for a tap


@dataclass(frozen=True, slots=True)
class Step:
    kind: str
    buurt: str | None = None
    name: str | None = None
    choices: tuple[tuple[int, str], ...] = ()
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """What every step needs besides the session."""

    telegram_user_id: int
    now: datetime
    operators: Collection[int]


async def begin(
    session: AsyncSession,
    ctx: Context,
    *,
    code: str | None,
    moving: bool = False,
    language: str | None = None,
) -> Step:
    """/start (maybe with an invite code), or /verhuizen (moving = True).

    With a `language`, someone new is registered first (someone known keeps theirs); without, they must
    be a member already (UnknownMember).
    """
    if language is None:
        member = await membership.member_of(session, ctx.telegram_user_id)
    else:
        member, _ = await members.find_or_add(session, ctx.telegram_user_id, language=language, now=ctx.now)
    settled = member.membership in (membership.ACTIVE, membership.PENDING)
    buurt = await _buurt_of_code(session, code, ctx.now)
    if settled and not moving:
        await conversations.end(session, ctx.telegram_user_id)
        current = await membership.buurt_name(session, member.buurt_id)
        if buurt is not None and buurt.id != member.buurt_id:
            return Step(ALREADY_ELSEWHERE, buurt=current)
        return Step(
            WAITING if member.membership == membership.PENDING else WELCOME_BACK, current, member.display_name
        )
    if buurt is not None:
        state = State(FLOW, "", {"buurt_id": buurt.id, "buurt": buurt.name, "code": code, "moving": moving})
        return await _after_buurt(session, ctx, member, state)
    await conversations.go_to(
        session, ctx.telegram_user_id, State(FLOW, "postcode", {"moving": moving}), now=ctx.now
    )
    return Step(BAD_CODE if code else ASK_POSTCODE, name=member.display_name)


async def postcode_given(session: AsyncSession, ctx: Context, state: State, text: str) -> Step:
    try:
        pc4 = postcodes.parse_pc4(text)
    except postcodes.InvalidPostcode as error:
        return Step(BAD_POSTCODE, reason=error.reason)
    covering = await buurten.covering(session, pc4)
    if not covering:
        await _forget_if_stranger(session, ctx)
        return Step(NOT_COVERED, reason=pc4)
    if len(covering) == 1:
        only = covering[0]
        state.data.update(buurt_id=only.id, buurt=only.name, code=None)
        member = await membership.member_of(session, ctx.telegram_user_id)
        return await _after_buurt(session, ctx, member, state)
    state.step = "choose"
    # Only these may be chosen: a button for any other buurt was not shown to this person now.
    state.data["choices"] = [b.id for b in covering]
    await conversations.go_to(session, ctx.telegram_user_id, state, now=ctx.now)
    return Step(CHOOSE_BUURT, choices=tuple((b.id, b.name) for b in covering))


async def buurt_chosen(session: AsyncSession, ctx: Context, buurt_id: int) -> Step:
    state = await conversations.current(session, ctx.telegram_user_id, now=ctx.now)
    if state is None or state.flow != FLOW or state.step != "choose":
        return Step(EXPIRED)
    if buurt_id not in state.data.get("choices", ()):
        return Step(NOT_OFFERED)
    buurt = await session.get(Buurt, buurt_id)
    if buurt is None:
        return Step(EXPIRED)
    state.data.update(buurt_id=buurt.id, buurt=buurt.name, code=None)
    member = await membership.member_of(session, ctx.telegram_user_id)
    return await _after_buurt(session, ctx, member, state)


async def language_chosen(session: AsyncSession, ctx: Context, language: str) -> Step:
    state = await _expect(session, ctx, "language")
    if state is None:
        return Step(EXPIRED)
    await members.choose_language(session, ctx.telegram_user_id, language, now=ctx.now)
    state.step = "consent"
    await conversations.go_to(session, ctx.telegram_user_id, state, now=ctx.now)
    return Step(ASK_CONSENT, buurt=state.data.get("buurt"))


async def consent_given(session: AsyncSession, ctx: Context, *, yes: bool) -> Step:
    state = await _expect(session, ctx, "consent")
    if state is None:
        return Step(EXPIRED)
    if not yes:
        # Without consent we keep nothing beyond this answer.
        await privacy.forget(session, ctx.telegram_user_id, now=ctx.now)
        return Step(NO_CONSENT)
    await membership.give_consent(session, ctx.telegram_user_id, now=ctx.now)
    state.step = "name"
    await conversations.go_to(session, ctx.telegram_user_id, state, now=ctx.now)
    return Step(ASK_NAME, buurt=state.data.get("buurt"))


async def wants_other_name(session: AsyncSession, ctx: Context) -> Step:
    state = await _expect(session, ctx, "name")
    if state is None:
        return Step(EXPIRED)
    state.step = "typing_name"
    await conversations.go_to(session, ctx.telegram_user_id, state, now=ctx.now)
    return Step(TYPE_NAME)


async def name_given(session: AsyncSession, ctx: Context, state: State, name: str) -> Step:
    """A name tapped (their Telegram first name) or typed."""
    if state.step not in ("name", "typing_name"):
        return Step(EXPIRED)
    try:
        await membership.set_name(session, ctx.telegram_user_id, name)
    except InvalidText as error:
        state.step = "typing_name"
        await conversations.go_to(session, ctx.telegram_user_id, state, now=ctx.now)
        return Step(BAD_NAME, reason=error.reason)
    return await _join(session, ctx, state)


async def current_step(session: AsyncSession, ctx: Context) -> State | None:
    state = await conversations.current(session, ctx.telegram_user_id, now=ctx.now)
    return state if state is not None and state.flow == FLOW else None


async def _expect(session: AsyncSession, ctx: Context, step: str) -> State | None:
    state = await current_step(session, ctx)
    return state if state is not None and state.step == step else None


async def _buurt_of_code(session: AsyncSession, code: str | None, now: datetime) -> Buurt | None:
    if not code:
        return None
    try:
        return await invites.peek(session, code, now)
    except invites.InviteNotValid:
        return None


async def _after_buurt(session: AsyncSession, ctx: Context, member: Member, state: State) -> Step:
    if member.consent_at is None:
        state.step = "language"
        await conversations.go_to(session, ctx.telegram_user_id, state, now=ctx.now)
        return Step(ASK_LANGUAGE, buurt=state.data["buurt"])
    if member.display_name is None:
        state.step = "name"
        await conversations.go_to(session, ctx.telegram_user_id, state, now=ctx.now)
        return Step(ASK_NAME, buurt=state.data["buurt"])
    return await _join(session, ctx, state)


async def _join(session: AsyncSession, ctx: Context, state: State) -> Step:
    code = state.data.get("code")
    if code:
        try:
            # Only now is a use of the code spent: someone who stops half-way does not use it up.
            await invites.redeem(session, code, ctx.now)
        except invites.InviteNotValid:
            await conversations.go_to(session, ctx.telegram_user_id, State(FLOW, "postcode", {}), now=ctx.now)
            return Step(BAD_CODE)
    joined = await membership.join(
        session, ctx.telegram_user_id, int(state.data["buurt_id"]), now=ctx.now, operators=ctx.operators
    )
    await conversations.end(session, ctx.telegram_user_id)
    member = await membership.member_of(session, ctx.telegram_user_id)
    kind = JOINED if joined.status == membership.ACTIVE else WAITING
    return Step(kind, buurt=joined.buurt_name, name=member.display_name)


async def _forget_if_stranger(session: AsyncSession, ctx: Context) -> None:
    """Someone whose buurt is not on Buurtbot yet: store nothing about them (a member keeps their data)."""
    member = await membership.member_of(session, ctx.telegram_user_id)
    if member.consent_at is None:
        await privacy.forget(session, ctx.telegram_user_id, now=ctx.now)
    else:
        await conversations.end(session, ctx.telegram_user_id)
