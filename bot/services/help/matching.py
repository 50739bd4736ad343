"""Matching a request with helpers in the same buurt: rounds of asking, the first yes, the requester's yes.

Fair spreading: helpers asked least recently go first, and nobody is asked more often than they allowed.
Every message to a helper, requester or coordinator is written to the outbox in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.enums import UNFINISHED, WITH_HELPER, InvitationAnswer, RequestStatus
from bot.db.models import (
    HelperCategory,
    HelperOffer,
    HelpInvitation,
    HelpRequest,
    Member,
    TelegramChat,
)
from bot.delivery import outbox, payloads
from bot.delivery.payloads import Buttons, text_message
from bot.i18n import Translator, translator
from bot.services.common import daytime, notify
from bot.services.help import buttons
from bot.services.help import terms as help_terms
from bot.services.help.buttons import Tap
from bot.services.people import membership

ROUNDS = 3
PER_ROUND = 3


class NotForYou(PermissionError):
    """A button about a request the tapper may not act on: another buurt, their own, or forged."""


class AlreadyTaken(Exception):
    """Another neighbour said yes first."""


class NotThisTime(Exception):
    """The requester chose someone else, or this helper left the conversation about it."""


class RequestGone(Exception):
    """The request is closed (done, withdrawn, expired) or no longer exists."""


@dataclass(frozen=True, slots=True)
class Candidate:
    member_id: int
    telegram_user_id: int
    language: str
    quiet_start: int
    quiet_end: int


@dataclass(frozen=True, slots=True)
class Accepted:
    requester_name: str
    category: str


@dataclass(frozen=True, slots=True)
class Introduced:
    helper_name: str
    category: str


def first(name: str | None) -> str:
    """Only a first name travels to neighbours; `display_name` may hold more than that."""
    return (name or "").split(" ")[0] or "?"


async def requester_first_name(session: AsyncSession, request: HelpRequest) -> str:
    if request.on_behalf_of:
        return first(request.on_behalf_of)
    return first(await session.scalar(select(Member.display_name).where(Member.id == request.requester_id)))


def summary(t: Translator, request: HelpRequest, name: str) -> str:
    """The request as a neighbour sees it: first name, kind of help, when, and what (HTML, escaped)."""
    category = help_terms.category_label(t, request.category)
    when = help_terms.when_label(t, request.when, request.wanted_on)
    lines = [
        t("🙋 {name} from your buurt asks for help.").format(name=escape(name)),
        f"<b>{escape(category)}</b> · {escape(when)}",
    ]
    if request.text:
        lines += ["", escape(request.text)]
    elif request.voice_file_id:
        lines += ["", t("🎤 Listen to the voice message.")]
    return "\n".join(lines)


def _message(request: HelpRequest, text: str, rows: Buttons) -> payloads.Call:
    """A request with a voice message travels as that voice message, with the text as its caption."""
    if request.voice_file_id is None:
        return payloads.text_call(text, buttons=rows)
    return payloads.voice_call(request.voice_file_id, text, buttons=rows)


async def tell(
    session: AsyncSession, member: Member, text: str, *, key: str, now: datetime, buttons: Buttons = ()
) -> bool:
    """A message about a request to one of its people, through the outbox, once per `key`."""
    return await outbox.enqueue(
        session,
        chat_id=member.telegram_user_id,
        now=now,
        payload=text_message(text, buttons=buttons),
        dedupe_key=key,
    )


def ask_key(request_id: int, helper_id: int) -> str:
    return f"req:{request_id}:ask:{helper_id}"


async def pick_helpers(
    session: AsyncSession, request: HelpRequest, *, now: datetime, zone: ZoneInfo, limit: int = PER_ROUND
) -> list[Candidate]:
    """Up to `limit` helpers for a request: same buurt, that kind of help, available on the day, reachable,
    not on a break, under their own weekly limit, not asked about it before; least recently asked first."""
    asked_this_week = (
        select(func.count())
        .select_from(HelpInvitation)
        .where(
            HelpInvitation.helper_id == HelperOffer.member_id,
            HelpInvitation.asked_at > now - timedelta(days=7),
        )
        .correlate(HelperOffer)
        .scalar_subquery()
    )
    asked_before = select(HelpInvitation.helper_id).where(HelpInvitation.request_id == request.id)
    today = request.created_at.astimezone(zone).date()
    days = help_terms.days_needed(request.when, today, request.wanted_on)
    rows = await session.execute(
        select(
            Member.id,
            Member.telegram_user_id,
            Member.language,
            HelperOffer.quiet_start,
            HelperOffer.quiet_end,
        )
        .select_from(HelperCategory)
        .join(HelperOffer, HelperOffer.member_id == HelperCategory.member_id)
        .join(Member, Member.id == HelperCategory.member_id)
        .outerjoin(TelegramChat, TelegramChat.chat_id == Member.telegram_user_id)
        .where(
            HelperCategory.buurt_id == request.buurt_id,
            HelperCategory.category == request.category,
            HelperOffer.paused.is_(False),
            HelperOffer.days.op("&")(days) != 0,
            Member.id != request.requester_id,
            Member.buurt_id == request.buurt_id,
            Member.membership == membership.ACTIVE,
            Member.blocked_at.is_(None),
            or_(
                Member.paused_since.is_(None),
                and_(Member.paused_until.is_not(None), Member.paused_until <= now),
            ),
            TelegramChat.unreachable_since.is_(None),
            Member.id.not_in(asked_before),
            asked_this_week < HelperOffer.max_per_week,
        )
        .order_by(HelperOffer.last_asked_at.asc().nulls_first(), Member.id)
        .limit(limit)
    )
    return [Candidate(*row) for row in rows.all()]


async def next_round(
    session: AsyncSession, request: HelpRequest, *, now: datetime, zone: ZoneInfo, round_hours: float
) -> int:
    """Ask the next helpers, or tell the coordinators once the rounds are used up.

    Returns how many helpers were asked.
    """
    if request.round >= ROUNDS:
        await _escalate(session, request, now=now)
        return 0
    candidates = await pick_helpers(session, request, now=now, zone=zone)
    request.round += 1
    if not candidates:
        # At posting (round 1) the requester reads it in the answer to 'Plaatsen'.
        await _escalate(session, request, now=now, tell_requester=request.round > 1)
        return 0
    name = await requester_first_name(session, request)
    latest = now
    for helper in candidates:
        t = translator(helper.language)
        rows = [
            [
                (t("🙋 I'll help"), buttons.request(Tap.HELP, request.id)),
                (t("Not now"), buttons.request(Tap.NOT_NOW, request.id)),
            ]
        ]
        question = _message(request, summary(t, request, name), rows)
        send_at = daytime.outside_quiet_hours(now, helper.quiet_start, helper.quiet_end, zone)
        latest = max(latest, send_at)
        session.add(
            HelpInvitation(
                request_id=request.id, helper_id=helper.member_id, round=request.round, asked_at=now
            )
        )
        await outbox.enqueue(
            session,
            chat_id=helper.telegram_user_id,
            now=now,
            method=question.method,
            payload=question.payload,
            dedupe_key=ask_key(request.id, helper.member_id),
            not_before=send_at,
        )
    await session.execute(
        update(HelperOffer)
        .where(HelperOffer.member_id.in_([helper.member_id for helper in candidates]))
        .values(last_asked_at=now)
    )
    # The time to answer starts when the last of them could see it (after their quiet hours).
    request.round_deadline = daytime.add_daytime(latest, timedelta(hours=round_hours), zone)
    return len(candidates)


async def _escalate(
    session: AsyncSession, request: HelpRequest, *, now: datetime, tell_requester: bool = True
) -> None:
    """Nobody said yes in time: the coordinators look with them, and the requester hears it kindly."""
    request.round_deadline = None
    if request.escalated_at is not None:
        return
    request.escalated_at = now
    name = await requester_first_name(session, request)
    for telegram_id, language in await membership.coordinators_of(session, request.buurt_id):
        t = translator(language)
        text = t("No neighbour has said yes to this request yet. Can you help, or find someone?")
        await notify.to_member(
            session,
            telegram_id,
            text_message(summary(t, request, name) + "\n\n" + text),
            now=now,
            dedupe_key=f"req:{request.id}:escalated:{telegram_id}",
        )
    requester = await session.get(Member, request.requester_id)
    if requester is not None and tell_requester:
        t = translator(requester.language)
        text = t(
            "Finding someone for your request ({category}) takes a little longer. "
            "The coordinators of your buurt know about it and are looking with you. 💛"
        ).format(category=escape(help_terms.category_label(t, request.category)))
        await tell(session, requester, text, key=f"req:{request.id}:taking-longer", now=now)


async def _helper(session: AsyncSession, helper_telegram_id: int, request: HelpRequest | None) -> Member:
    helper = await membership.find(session, helper_telegram_id)
    if request is None:
        raise RequestGone
    if helper is None or helper.membership != membership.ACTIVE:
        raise membership.NotAMember(helper_telegram_id)
    membership.check_not_blocked(helper)
    if helper.buurt_id != request.buurt_id or helper.id == request.requester_id:
        raise NotForYou
    return helper


async def accept(
    session: AsyncSession, request_id: int, helper_telegram_id: int, *, now: datetime
) -> Accepted:
    """'Ik help': the first yes wins, atomically; the other helpers asked are released with thanks."""
    request = await session.get(HelpRequest, request_id)
    helper = await _helper(session, helper_telegram_id, request)
    assert request is not None
    if request.status not in UNFINISHED:
        raise RequestGone
    if request.helper_id == helper.id:  # the same button tapped twice: it is already theirs
        return Accepted(await requester_first_name(session, request), request.category)
    invitation = await session.get(HelpInvitation, (request_id, helper.id))
    if invitation is not None and invitation.answer in (InvitationAnswer.REFUSED, InvitationAnswer.LEFT):
        raise NotThisTime
    # One conditional UPDATE decides between two helpers tapping at the same moment: only one row changes.
    claimed = await session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, HelpRequest.status == RequestStatus.OPEN)
        .values(status=RequestStatus.OFFERED, helper_id=helper.id, round_deadline=None)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyTaken
    await session.refresh(request)
    if invitation is None:  # said yes from the list of open requests, without being asked
        session.add(
            HelpInvitation(
                request_id=request_id,
                helper_id=helper.id,
                round=request.round,
                asked_at=now,
                answer=InvitationAnswer.ACCEPTED,
            )
        )
    else:
        invitation.answer = InvitationAnswer.ACCEPTED
    await _release_others(session, request, keep=helper.id, now=now, reason="taken")
    requester = await session.get(Member, request.requester_id)
    assert requester is not None
    t = translator(requester.language)
    category = help_terms.category_label(t, request.category)
    helper_name = first(helper.display_name)
    if request.on_behalf_of:
        text = t("{helper} wants to help {name} ({category}). Shall I introduce you?").format(
            helper=escape(helper_name), name=escape(request.on_behalf_of), category=escape(category)
        )
    else:
        text = t("Good news! {helper} wants to help you ({category}). Shall I introduce you?").format(
            helper=escape(helper_name), category=escape(category)
        )
    rows = [
        [
            (t("Yes, please"), buttons.request(Tap.INTRODUCE, request_id)),
            (t("Rather someone else"), buttons.request(Tap.SOMEONE_ELSE, request_id)),
        ]
    ]
    await outbox.enqueue(
        session,
        chat_id=requester.telegram_user_id,
        now=now,
        payload=text_message(text, buttons=rows),
        priority=outbox.Priority.ANSWER,
        dedupe_key=f"req:{request_id}:offered:{helper.id}",
    )
    return Accepted(await requester_first_name(session, request), request.category)


async def decline(
    session: AsyncSession,
    request_id: int,
    helper_telegram_id: int,
    *,
    now: datetime,
    zone: ZoneInfo,
    round_hours: float,
) -> None:
    """'Nu niet': fine. When everyone asked in this round said no, the next ones are asked at once."""
    request = await session.get(HelpRequest, request_id, with_for_update=True)
    helper = await _helper(session, helper_telegram_id, request)
    assert request is not None
    invitation = await session.get(HelpInvitation, (request_id, helper.id))
    if invitation is None:
        raise NotForYou
    if invitation.answer != InvitationAnswer.ASKED:
        return
    invitation.answer = InvitationAnswer.DECLINED
    waiting = await session.scalar(
        select(func.count())
        .select_from(HelpInvitation)
        .where(HelpInvitation.request_id == request_id, HelpInvitation.answer == InvitationAnswer.ASKED)
    )
    if request.status == RequestStatus.OPEN and not waiting and request.round_deadline is not None:
        await next_round(session, request, now=now, zone=zone, round_hours=round_hours)


async def _release_others(
    session: AsyncSession, request: HelpRequest, *, keep: int | None, now: datetime, reason: str
) -> None:
    """Helpers still asked about a request that is taken or closed: their question is edited to say so."""
    rows = await session.execute(
        select(HelpInvitation, Member.language)
        .join(Member, Member.id == HelpInvitation.helper_id)
        .where(HelpInvitation.request_id == request.id, HelpInvitation.answer == InvitationAnswer.ASKED)
    )
    waiting = [(invitation, language) for invitation, language in rows.all() if invitation.helper_id != keep]
    delivered = await outbox.recall(
        session, [ask_key(request.id, invitation.helper_id) for invitation, _ in waiting]
    )
    for invitation, language in waiting:
        invitation.answer = InvitationAnswer.TAKEN
        sent = delivered.get(ask_key(request.id, invitation.helper_id))
        if sent is None:
            continue  # not sent yet: now it never will be
        t = translator(language)
        if reason == "taken":
            text = t("Another neighbour is already helping with this. Thank you for being ready to help! 💛")
        else:
            text = t("This request is no longer needed. Thank you for being ready to help! 💛")
        edit = payloads.edit_call(sent.method, sent.message_id, text)
        await outbox.enqueue(
            session,
            chat_id=sent.chat_id,
            now=now,
            method=edit.method,
            payload=edit.payload,
            dedupe_key=f"req:{request.id}:released:{invitation.helper_id}",
        )


async def requester_decides(
    session: AsyncSession,
    request_id: int,
    requester_telegram_id: int,
    *,
    introduce: bool,
    now: datetime,
    zone: ZoneInfo,
    round_hours: float,
) -> Introduced | None:
    """'Ja, graag' introduces them (from now on they talk through the bot); 'Liever iemand anders' asks
    the next helpers, and the helper hears it kindly. Returns the introduction, or None."""
    request = await session.get(HelpRequest, request_id, with_for_update=True)
    requester = await membership.find(session, requester_telegram_id)
    if request is None or requester is None or request.requester_id != requester.id:
        raise NotForYou
    if request.status != RequestStatus.OFFERED or request.helper_id is None:
        raise RequestGone
    helper = await session.get(Member, request.helper_id)
    assert helper is not None
    t = translator(helper.language)
    name = await requester_first_name(session, request)
    category = help_terms.category_label(t, request.category)
    if introduce:
        request.status, request.matched_at = RequestStatus.MATCHED, now
        text = t(
            "{name} said yes! 🎉 You can now talk about the request ({category}) here.\n"
            "Type a message (or send a voice message, photo or location) and I pass it on. "
            "Your phone number and username stay hidden."
        ).format(name=escape(name), category=escape(category))
        rows = conversation_buttons(t, request.id)
        await tell(
            session, helper, text, key=f"req:{request.id}:introduced:{helper.id}", now=now, buttons=rows
        )
        return Introduced(first(helper.display_name), request.category)
    invitation = await session.get(HelpInvitation, (request.id, helper.id))
    if invitation is not None:
        invitation.answer = InvitationAnswer.REFUSED
    request.status, request.helper_id = RequestStatus.OPEN, None
    text = t("{name} has found another way this time. Thank you so much for offering to help! 💛").format(
        name=escape(name)
    )
    await tell(session, helper, text, key=f"req:{request.id}:refused:{helper.id}", now=now)
    await next_round(session, request, now=now, zone=zone, round_hours=round_hours)
    return None


def conversation_buttons(t: Translator, request_id: int) -> Buttons:
    """Under every message of an introduction: share contact details, or leave."""
    return [
        [(t("📇 Share my contact details"), buttons.request(Tap.SHARE, request_id))],
        [(t("🚪 Leave this conversation"), buttons.request(Tap.LEAVE, request_id))],
    ]


@dataclass(frozen=True, slots=True)
class Closed:
    request_id: int
    category: str
    helper_told: bool


async def close(
    session: AsyncSession,
    request: HelpRequest,
    status: RequestStatus,
    *,
    now: datetime,
    previous: RequestStatus | None = None,
    anonymous: bool = False,
) -> Closed:
    """Done, withdrawn or expired: helpers still asked are released, and the helper hears it.

    `anonymous` (the requester asked to be forgotten): the helper is told without their name.
    """
    was = previous or request.status
    request.status, request.closed_at, request.round_deadline = status, now, None
    await _release_others(session, request, keep=None, now=now, reason="closed")
    told = False
    if request.helper_id is not None and was in WITH_HELPER:
        helper = await session.get(Member, request.helper_id)
        if helper is not None:
            t = translator(helper.language)
            name = escape(await requester_first_name(session, request))
            if anonymous:
                text = t("This request is no longer needed. Thank you for being ready to help! 💛")
            elif status == RequestStatus.DONE:
                text = t("{name} says the request is done. Thank you so much for helping! 💛").format(
                    name=name
                )
            else:
                text = t("{name} no longer needs help with this request. Thank you for offering! 💛").format(
                    name=name
                )
            told = await tell(
                session,
                helper,
                text,
                key=f"req:{request.id}:{'gone' if anonymous else 'closed'}:{helper.id}",
                now=now,
            )
    return Closed(request.id, request.category, told)


async def helper_gone(session: AsyncSession, request: HelpRequest, *, now: datetime) -> None:
    """The helper asked to be forgotten: the request looks for someone else at the next sweep."""
    request.status, request.helper_id, request.matched_at = RequestStatus.OPEN, None, None
    request.round = min(request.round, ROUNDS - 1)
    request.round_deadline = now
    requester = await session.get(Member, request.requester_id)
    if requester is None:
        return
    t = translator(requester.language)
    text = t(
        "Your helper can no longer help with your request ({category}). I am looking for someone else."
    ).format(category=escape(help_terms.category_label(t, request.category)))
    await tell(session, requester, text, key=f"req:{request.id}:helper-gone:{now.isoformat()}", now=now)


async def pass_on_thanks(session: AsyncSession, request: HelpRequest, *, now: datetime) -> None:
    if request.helper_id is None or request.thanks is None:
        return
    helper = await session.get(Member, request.helper_id)
    if helper is None:
        return
    t = translator(helper.language)
    text = t("💌 A thank-you from {name}:\n<i>{thanks}</i>").format(
        name=escape(await requester_first_name(session, request)), thanks=escape(request.thanks)
    )
    await tell(session, helper, text, key=f"req:{request.id}:thanks", now=now)
