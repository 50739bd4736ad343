"""Asking for help: writing a request step by step, posting it, seeing the buurt's requests, closing one.

A request is drafted in the person's conversation (kept in the database), so a restart halfway loses
nothing. Posting it starts the first round of matching in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.enums import UNFINISHED, RequestStatus
from bot.db.models import HelperOffer, HelpRequest, Member
from bot.services.common import audit, conversations
from bot.services.common.conversations import State
from bot.services.common.validation import InvalidText, clean_name, clean_text, without_names
from bot.services.help import matching
from bot.services.help import terms as help_terms
from bot.services.people import authority, membership
from bot.services.people.authority import Actor

FLOW = "request"
ON_BEHALF = "request.on_behalf"  # the audit log's name for /namens
TEXT_MAX = 500
THANKS_MAX = 300
MAX_OPEN = 5
MAX_PER_HOUR = 10
LIFETIME = timedelta(days=14)
PAGE_SIZE = 5
_LINK = re.compile(r"(https?://|www\.|t\.me/)\S+", re.IGNORECASE)


class TooManyOpen(Exception):
    """They already have MAX_OPEN requests that are not finished."""


class SlowDown(Exception):
    """More than MAX_PER_HOUR requests in the last hour."""


class NotYours(PermissionError):
    """The request belongs to someone else, or does not exist (any more)."""


class AlreadyClosed(Exception):
    """The request is done, withdrawn or expired."""


@dataclass
class Draft:
    category: str | None = None
    text: str | None = None
    voice_file_id: str | None = None
    voice_seconds: int | None = None
    when: str | None = None
    wanted_on: str | None = None  # ISO date
    # Posted by a coordinator for a resident without Telegram: the resident's first name, and the buurt.
    on_behalf_of: str | None = None
    buurt_id: int | None = None
    editing: bool = False  # changing one part from the preview: back to the preview afterwards

    @classmethod
    def of(cls, data: dict[str, Any]) -> Draft:
        known = {key: data[key] for key in cls.__dataclass_fields__ if key in data}
        return cls(**known)

    def as_data(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.__dataclass_fields__}


@dataclass(frozen=True)
class Step:
    """What to show next: `name` is category, what, when, date, preview or posted."""

    name: str
    draft: Draft = field(default_factory=Draft)
    problem: str | None = None  # an InvalidText reason, or "choose"
    limit: int = 0
    posted: Posted | None = None


@dataclass(frozen=True)
class Posted:
    request_id: int
    helpers_asked: int
    ask_to_offer: bool  # the one gentle question whether they can help a neighbour too


@dataclass(frozen=True)
class Listed:
    id: int
    first_name: str
    category: str
    when: str
    wanted_on: date | None
    text: str | None
    has_voice: bool
    created_at: datetime


@dataclass(frozen=True)
class Page:
    requests: list[Listed]
    page: int
    has_more: bool


async def _check_limits(session: AsyncSession, member: Member, now: datetime) -> None:
    open_count = await session.scalar(
        select(func.count())
        .select_from(HelpRequest)
        .where(
            HelpRequest.requester_id == member.id,
            HelpRequest.status.in_(UNFINISHED),
            HelpRequest.on_behalf_of.is_(None),
        )
    )
    if (open_count or 0) >= MAX_OPEN:
        raise TooManyOpen
    last_hour = await session.scalar(
        select(func.count())
        .select_from(HelpRequest)
        .where(HelpRequest.requester_id == member.id, HelpRequest.created_at > now - timedelta(hours=1))
    )
    if (last_hour or 0) >= MAX_PER_HOUR:
        raise SlowDown


async def _save(session: AsyncSession, telegram_user_id: int, step: str, draft: Draft, now: datetime) -> Step:
    await conversations.go_to(session, telegram_user_id, State(FLOW, step, draft.as_data()), now=now)
    return Step(step, draft)


async def begin(session: AsyncSession, telegram_user_id: int, *, now: datetime) -> Step:
    """🙋 Ik zoek hulp: raises NotAMember, Blocked, TooManyOpen or SlowDown before anything is typed."""
    member = await membership.taking_part(session, telegram_user_id)
    await _check_limits(session, member, now)
    return await _save(session, telegram_user_id, "category", Draft(), now)


async def begin_on_behalf(session: AsyncSession, actor: Actor, buurt_id: int, *, now: datetime) -> Step:
    """/namens: a coordinator posts for a resident without Telegram (a phone call, a knock on the door).

    Raises NotAllowed unless the actor manages the buurt (checked again at posting), and NotAMember for
    an operator who never started the bot: the helper's messages need a chat to go to.
    """
    await authority.check_manages(session, actor, buurt_id)
    assert actor.telegram_user_id is not None
    if await membership.find(session, actor.telegram_user_id) is None:
        raise membership.NotAMember(actor.telegram_user_id)
    return await _save(session, actor.telegram_user_id, "behalf_name", Draft(buurt_id=buurt_id), now)


async def behalf_name_typed(
    session: AsyncSession, telegram_user_id: int, text: str, *, now: datetime
) -> Step:
    state = await conversations.current(session, telegram_user_id, now=now)
    if state is None or state.flow != FLOW or state.step != "behalf_name":
        return Step("stale")
    draft = Draft.of(state.data)
    try:
        draft.on_behalf_of = clean_name(text)
    except InvalidText as error:
        return Step("behalf_name", draft, problem=error.reason)
    return await _save(session, telegram_user_id, "category", draft, now)


async def _draft(session: AsyncSession, telegram_user_id: int, now: datetime) -> Draft | None:
    state = await conversations.current(session, telegram_user_id, now=now)
    if state is None or state.flow != FLOW:
        return None
    return Draft.of(state.data)


async def _after(session: AsyncSession, telegram_user_id: int, draft: Draft, nxt: str, now: datetime) -> Step:
    """Move on to `nxt`, or back to the preview when one part was being changed."""
    if draft.editing and nxt != "date":
        draft.editing = False
        return await _save(session, telegram_user_id, "preview", draft, now)
    return await _save(session, telegram_user_id, nxt, draft, now)


async def category_chosen(session: AsyncSession, telegram_user_id: int, key: str, *, now: datetime) -> Step:
    draft = await _draft(session, telegram_user_id, now)
    if draft is None or key not in help_terms.CATEGORIES:
        return Step("stale")
    draft.category = key
    return await _after(session, telegram_user_id, draft, "what", now)


def clean_request_text(text: str) -> str:
    """Up to 500 characters of real words; a bare link is refused (it says nothing to a neighbour)."""
    cleaned = clean_text(text, max_length=TEXT_MAX, allow_newlines=True)
    if not _LINK.sub("", cleaned).strip(" \n.,:;!?-"):
        raise InvalidText("only_link")
    return cleaned


async def described(
    session: AsyncSession,
    telegram_user_id: int,
    *,
    now: datetime,
    text: str | None = None,
    voice: tuple[str, int] | None = None,
) -> Step:
    """What is needed: typed text, or a voice message (file id, seconds) for those who find writing hard."""
    state = await conversations.current(session, telegram_user_id, now=now)
    if state is None or state.flow != FLOW or state.step != "what":
        return Step("stale")
    draft = Draft.of(state.data)
    if voice is not None:
        draft.voice_file_id, draft.voice_seconds, draft.text = voice[0], voice[1], None
    else:
        try:
            draft.text = clean_request_text(text or "")
        except InvalidText as error:
            return Step("what", draft, problem=error.reason, limit=TEXT_MAX)
        draft.voice_file_id = draft.voice_seconds = None
    return await _after(session, telegram_user_id, draft, "when", now)


async def when_chosen(
    session: AsyncSession, telegram_user_id: int, key: str, *, now: datetime, zone: ZoneInfo
) -> Step:
    draft = await _draft(session, telegram_user_id, now)
    if draft is None or key not in help_terms.WHEN:
        return Step("stale")
    draft.when = key
    if key == "datum":
        return await _save(session, telegram_user_id, "date", draft, now)
    on = help_terms.wanted_on(key, now.astimezone(zone).date())
    draft.wanted_on = on.isoformat() if on else None
    draft.editing = False
    return await _save(session, telegram_user_id, "preview", draft, now)


def date_choices(now: datetime, zone: ZoneInfo) -> list[date]:
    """The days offered as buttons after 'On a date': the two weeks after tomorrow."""
    today = now.astimezone(zone).date()
    return [today + timedelta(days=offset) for offset in range(2, 16)]


async def date_chosen(
    session: AsyncSession, telegram_user_id: int, iso_day: str, *, now: datetime, zone: ZoneInfo
) -> Step:
    draft = await _draft(session, telegram_user_id, now)
    try:
        day = date.fromisoformat(iso_day)
    except ValueError:
        return Step("stale")
    if draft is None or day not in date_choices(now, zone):
        return Step("stale")
    draft.when, draft.wanted_on, draft.editing = "datum", day.isoformat(), False
    return await _save(session, telegram_user_id, "preview", draft, now)


async def change(session: AsyncSession, telegram_user_id: int, part: str, *, now: datetime) -> Step:
    """'Aanpassen' from the preview: change one part (category, what or when), then see the preview again."""
    draft = await _draft(session, telegram_user_id, now)
    if draft is None or part not in ("category", "what", "when"):
        return Step("stale")
    draft.editing = True
    return await _save(session, telegram_user_id, part, draft, now)


async def cancel(session: AsyncSession, telegram_user_id: int) -> None:
    await conversations.end(session, telegram_user_id)


async def post(
    session: AsyncSession,
    telegram_user_id: int,
    *,
    now: datetime,
    zone: ZoneInfo,
    round_hours: float,
    operators: Collection[int] = (),
) -> Step:
    """'Plaatsen': store the request and ask the first helpers, in one transaction."""
    state = await conversations.current(session, telegram_user_id, now=now)
    if state is None or state.flow != FLOW or state.step != "preview":
        return Step("stale")
    draft = Draft.of(state.data)
    if draft.category is None or draft.when is None or (draft.text is None and draft.voice_file_id is None):
        return Step("stale")
    if draft.on_behalf_of is not None:
        # Checked again at posting: the role may have been taken away meanwhile.
        if draft.buurt_id is None:
            raise membership.NotAllowed
        await authority.check_manages(session, Actor(telegram_user_id, operators), draft.buurt_id)
        member = await membership.member_of(session, telegram_user_id)
        buurt_id = draft.buurt_id
    else:
        member = await membership.taking_part(session, telegram_user_id)
        await _check_limits(session, member, now)
        assert member.buurt_id is not None  # taking_part checked it
        buurt_id = member.buurt_id
    request = HelpRequest(
        buurt_id=buurt_id,
        requester_id=member.id,
        on_behalf_of=draft.on_behalf_of,
        category=draft.category,
        text=draft.text,
        voice_file_id=draft.voice_file_id,
        voice_seconds=draft.voice_seconds,
        when=draft.when,
        wanted_on=date.fromisoformat(draft.wanted_on) if draft.wanted_on else None,
        status=RequestStatus.OPEN,
        round=0,
        created_at=now,
        expires_at=now + LIFETIME,
        thanks_public=False,
    )
    _plan_follow_up(request, now, zone)
    session.add(request)
    await session.flush()
    if draft.on_behalf_of is not None:
        # Who posted for someone else, where: never the name or the words.
        await audit.record(
            session,
            actor=telegram_user_id,
            action=ON_BEHALF,
            buurt_id=buurt_id,
            target=f"request:{request.id}",
            now=now,
        )
    await conversations.end(session, telegram_user_id)
    asked = await matching.next_round(session, request, now=now, zone=zone, round_hours=round_hours)
    ask_to_offer = False
    if (
        draft.on_behalf_of is None
        and member.offer_nudged_at is None
        and await session.get(HelperOffer, member.id) is None
    ):
        member.offer_nudged_at, ask_to_offer = now, True
    return Step("posted", draft, posted=Posted(request.id, asked, ask_to_offer))


def _plan_follow_up(request: HelpRequest, now: datetime, zone: ZoneInfo) -> None:
    """The day after the planned day, at 10:00, both hear the question whether it worked out."""
    today = now.astimezone(zone).date()
    last = help_terms.last_useful_day(request.when, today, request.wanted_on)
    if last is None:
        request.follow_up_at = None
        return
    request.follow_up_at = datetime.combine(last + timedelta(days=1), time(10), tzinfo=zone).astimezone(UTC)


# -- the buurt's open requests ------------------------------------------------------------------------


async def open_in_buurt(session: AsyncSession, telegram_user_id: int, *, page: int) -> Page:
    """📋 Hulpvragen in de buurt: open requests of the member's buurt, newest first, never their own."""
    member = await membership.taking_part(session, telegram_user_id)
    page = max(page, 0)
    rows = (
        await session.execute(
            select(HelpRequest, Member.display_name)
            .join(Member, Member.id == HelpRequest.requester_id)
            .where(
                HelpRequest.buurt_id == member.buurt_id,
                HelpRequest.status == RequestStatus.OPEN,
                HelpRequest.requester_id != member.id,
            )
            .order_by(HelpRequest.id.desc())
            .offset(page * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    ).all()
    listed = [
        Listed(
            id=request.id,
            first_name=matching.first(request.on_behalf_of or name),
            category=request.category,
            when=request.when,
            wanted_on=request.wanted_on,
            text=request.text,
            has_voice=request.voice_file_id is not None,
            created_at=request.created_at,
        )
        for request, name in rows[:PAGE_SIZE]
    ]
    return Page(listed, page, has_more=len(rows) > PAGE_SIZE)


async def one_open(session: AsyncSession, telegram_user_id: int, request_id: int) -> Listed:
    """One open request of the member's buurt (from a link in the weekly digest).

    NotAMember without a buurt, Blocked; AlreadyClosed when it is no longer open, in another buurt, or
    their own.
    """
    member = await membership.taking_part(session, telegram_user_id)
    row = (
        await session.execute(
            select(HelpRequest, Member.display_name)
            .join(Member, Member.id == HelpRequest.requester_id)
            .where(
                HelpRequest.id == request_id,
                HelpRequest.buurt_id == member.buurt_id,
                HelpRequest.status == RequestStatus.OPEN,
                HelpRequest.requester_id != member.id,
            )
        )
    ).first()
    if row is None:
        raise AlreadyClosed(request_id)
    request, name = row
    return Listed(
        id=request.id,
        first_name=matching.first(request.on_behalf_of or name),
        category=request.category,
        when=request.when,
        wanted_on=request.wanted_on,
        text=request.text,
        has_voice=request.voice_file_id is not None,
        created_at=request.created_at,
    )


async def own(session: AsyncSession, telegram_user_id: int) -> list[tuple[HelpRequest, str | None]]:
    """/mijnvragen: their requests that are not finished, with the helper's first name when there is one."""
    member = await membership.find(session, telegram_user_id)
    if member is None:
        return []
    rows = await session.execute(
        select(HelpRequest)
        .where(HelpRequest.requester_id == member.id, HelpRequest.status.in_(UNFINISHED))
        .order_by(HelpRequest.id)
    )
    result: list[tuple[HelpRequest, str | None]] = []
    for request in rows.scalars():
        helper = await session.get(Member, request.helper_id) if request.helper_id else None
        result.append((request, matching.first(helper.display_name) if helper else None))
    return result


# -- closing the loop ---------------------------------------------------------------------------------


async def _own_request(
    session: AsyncSession, telegram_user_id: int, request_id: int, *, closed_ok: bool = False
) -> HelpRequest:
    member = await membership.find(session, telegram_user_id)
    request = await session.get(HelpRequest, request_id, with_for_update=True)
    if member is None or request is None or request.requester_id != member.id:
        raise NotYours
    if request.status not in UNFINISHED and not closed_ok:
        raise AlreadyClosed
    return request


async def mark_done(
    session: AsyncSession, telegram_user_id: int, request_id: int, *, now: datetime
) -> matching.Closed:
    """The requester says it worked out: thanks to the helper, and the other asked helpers are released."""
    request = await _own_request(session, telegram_user_id, request_id)
    return await matching.close(session, request, RequestStatus.DONE, now=now)


async def withdraw(
    session: AsyncSession, telegram_user_id: int, request_id: int, *, now: datetime
) -> matching.Closed:
    request = await _own_request(session, telegram_user_id, request_id)
    return await matching.close(session, request, RequestStatus.WITHDRAWN, now=now)


async def still_needed(
    session: AsyncSession, telegram_user_id: int, request_id: int, *, now: datetime
) -> datetime:
    """'Nog nodig' before it expires: 14 more days. Returns the new end."""
    request = await _own_request(session, telegram_user_id, request_id)
    request.expires_at = now + LIFETIME
    request.expiry_warned_at = None
    return request.expires_at


async def ask_thanks(session: AsyncSession, telegram_user_id: int, request_id: int, *, now: datetime) -> None:
    await _own_request(session, telegram_user_id, request_id, closed_ok=True)
    await conversations.go_to(
        session, telegram_user_id, State(FLOW, "thanks", {"request": request_id}), now=now
    )


async def thanks_typed(session: AsyncSession, telegram_user_id: int, text: str, *, now: datetime) -> int:
    """Store the thank-you note (and pass it on to the helper); returns the request id. Raises InvalidText."""
    state = await conversations.current(session, telegram_user_id, now=now)
    if state is None or state.flow != FLOW or state.step != "thanks":
        raise NotYours
    request = await _own_request(session, telegram_user_id, int(state.data["request"]), closed_ok=True)
    request.thanks = clean_text(text, max_length=THANKS_MAX, allow_newlines=True)
    await conversations.end(session, telegram_user_id)
    await matching.pass_on_thanks(session, request, now=now)
    return request.id


async def thanks_public(
    session: AsyncSession, telegram_user_id: int, request_id: int, *, public: bool
) -> str | None:
    """Yes or no to the thank-you note in the weekly digest. With yes, the names of both neighbours
    (and any contact details) are taken out of the stored note, and the note as the buurt will read it
    is returned; with no (or no note), None."""
    request = await _own_request(session, telegram_user_id, request_id, closed_ok=True)
    request.thanks_public = public and request.thanks is not None
    if not request.thanks_public or request.thanks is None:
        return None
    people = [await session.get(Member, request.requester_id)]
    if request.helper_id is not None:
        people.append(await session.get(Member, request.helper_id))
    request.thanks = without_names(request.thanks, [p.display_name for p in people if p and p.display_name])
    return request.thanks
