"""Talking through the bot after an introduction: messages are passed on, never a username or number.

A relayed text is sent anew with a label; a voice message, photo or location is copied (copyMessage shows
no sender). What was relayed is remembered (who, which request, where the original is), not its content.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.enums import InvitationAnswer, RequestStatus
from bot.db.models import HelpInvitation, HelpRequest, Member, RelayedMessage, Report
from bot.delivery import outbox, payloads
from bot.delivery.payloads import Buttons, text_message
from bot.i18n import translator
from bot.services.common import conversations
from bot.services.common.conversations import State
from bot.services.help import buttons, matching
from bot.services.help import terms as help_terms
from bot.services.help.buttons import Tap
from bot.services.people import membership

FLOW = "relay"
MAX_PER_HOUR = 30
KINDS = (
    "text",
    "voice",
    "photo",
    "location",
    "video",
    "video_note",
    "audio",
    "document",
    "contact",
    "sticker",
)


class NotInConversation(PermissionError):
    """The person is not (or no longer) one of the two sides of this introduction."""


class SlowDown(Exception):
    """More than MAX_PER_HOUR relayed messages in the last hour."""


@dataclass(frozen=True, slots=True)
class Talk:
    request_id: int
    other_name: str
    category: str


@dataclass(frozen=True, slots=True)
class Sides:
    request: HelpRequest
    me: Member
    other: Member


async def _sides(session: AsyncSession, telegram_user_id: int, request_id: int) -> Sides:
    me = await membership.find(session, telegram_user_id)
    request = await session.get(HelpRequest, request_id)
    if me is None or request is None or request.status != RequestStatus.MATCHED or request.helper_id is None:
        raise NotInConversation
    if me.id == request.requester_id:
        other_id = request.helper_id
    elif me.id == request.helper_id:
        other_id = request.requester_id
    else:
        raise NotInConversation
    other = await session.get(Member, other_id)
    if other is None:
        raise NotInConversation
    return Sides(request, me, other)


def _name_of(member: Member, request: HelpRequest) -> str:
    """The requester's side of a request posted for a resident is that resident."""
    if member.id == request.requester_id and request.on_behalf_of:
        return matching.first(request.on_behalf_of)
    return matching.first(member.display_name)


async def talks_of(session: AsyncSession, telegram_user_id: int) -> list[Talk]:
    me = await membership.find(session, telegram_user_id)
    if me is None:
        return []
    requests = await session.scalars(
        select(HelpRequest)
        .where(
            HelpRequest.status == RequestStatus.MATCHED,
            or_(HelpRequest.requester_id == me.id, HelpRequest.helper_id == me.id),
        )
        .order_by(HelpRequest.id)
    )
    talks = []
    for request in requests.all():
        sides = await _sides(session, telegram_user_id, request.id)
        talks.append(Talk(request.id, _name_of(sides.other, request), request.category))
    return talks


async def target(session: AsyncSession, telegram_user_id: int, *, now: datetime) -> int | list[Talk]:
    """Where a message goes: the conversation they chose with 'Reply', or their only one.

    With several conversations and none chosen, the list of them (empty: they have none).
    """
    state = await conversations.current(session, telegram_user_id, now=now)
    talks = await talks_of(session, telegram_user_id)
    if state is not None and state.flow == FLOW:
        chosen = int(state.data.get("request", 0))
        if any(talk.request_id == chosen for talk in talks):
            return chosen
    if len(talks) == 1:
        return talks[0].request_id
    return talks


async def focus(session: AsyncSession, telegram_user_id: int, request_id: int, *, now: datetime) -> Talk:
    """'↩️ Reply': from now on, what they send goes to this conversation."""
    sides = await _sides(session, telegram_user_id, request_id)
    await conversations.go_to(
        session, telegram_user_id, State(FLOW, "talking", {"request": request_id}), now=now
    )
    return Talk(request_id, _name_of(sides.other, sides.request), sides.request.category)


async def relay(
    session: AsyncSession,
    telegram_user_id: int,
    request_id: int,
    *,
    kind: str,
    message_id: int,
    text: str | None,
    now: datetime,
) -> Talk:
    """Pass one message on to the other side, labelled with the request. Raises SlowDown past the limit."""
    sides = await _sides(session, telegram_user_id, request_id)
    membership.check_not_blocked(sides.me)
    sent_last_hour = await session.scalar(
        select(func.count())
        .select_from(RelayedMessage)
        .where(RelayedMessage.sender_id == sides.me.id, RelayedMessage.created_at > now - timedelta(hours=1))
    )
    if (sent_last_hour or 0) >= MAX_PER_HOUR:
        raise SlowDown
    relayed = RelayedMessage(
        request_id=request_id, sender_id=sides.me.id, source_message_id=message_id, created_at=now
    )
    session.add(relayed)
    await session.flush()
    t = translator(sides.other.language)
    name = _name_of(sides.me, sides.request)
    label = f"💬 <b>{escape(name)}</b> · {escape(help_terms.category_label(t, sides.request.category))}"
    rows = [
        [(t("↩️ Reply to {name}").format(name=name), buttons.request(Tap.REPLY, request_id))],
        [(t("⚠️ Report"), buttons.request(Tap.REPORT, relayed.id))],
    ]
    passed_on = _passed_on(kind, label, text, telegram_user_id, message_id, rows)
    await outbox.enqueue(
        session,
        chat_id=sides.other.telegram_user_id,
        now=now,
        method=passed_on.method,
        payload=passed_on.payload,
        priority=outbox.Priority.ANSWER,
        dedupe_key=f"req:{request_id}:relay:{relayed.id}",
    )
    return Talk(request_id, _name_of(sides.other, sides.request), sides.request.category)


def _passed_on(
    kind: str, label: str, text: str | None, from_chat_id: int, message_id: int, rows: Buttons
) -> payloads.Call:
    """A text is sent anew under the label; anything else is copied, with the label as its caption
    where it can have one (a caption of their own follows the label)."""
    if kind == "text":
        return payloads.text_call(f"{label}\n{escape(text or '')}", buttons=rows)
    caption = None
    if kind in payloads.CAPTIONED:
        caption = f"{label}\n{escape(text)}" if text else label
    return payloads.copy_call(from_chat_id, message_id, caption=caption, buttons=rows)


async def report(
    session: AsyncSession,
    telegram_user_id: int,
    relayed_id: int,
    *,
    now: datetime,
    operators: Collection[int],
) -> bool:
    """'⚠️ Melden': the buurt's coordinators (or the operators, when it has none) see the message.

    Returns False when it was reported before.
    """
    relayed = await session.get(RelayedMessage, relayed_id)
    if relayed is None:
        raise NotInConversation
    request = await session.get(HelpRequest, relayed.request_id)
    reporter = await membership.find(session, telegram_user_id)
    sender = await session.get(Member, relayed.sender_id)
    if request is None or reporter is None or sender is None or reporter.id == sender.id:
        raise NotInConversation
    if reporter.id not in (request.requester_id, request.helper_id):
        raise NotInConversation
    if await session.scalar(select(Report.id).where(Report.relayed_message_id == relayed_id)) is not None:
        return False
    session.add(
        Report(
            buurt_id=request.buurt_id,
            relayed_message_id=relayed_id,
            reporter_id=reporter.id,
            reported_id=sender.id,
            status="open",
            created_at=now,
        )
    )
    readers = await membership.coordinators_of(session, request.buurt_id) or [
        (operator, "nl") for operator in sorted(operators)
    ]
    for telegram_id, language in readers:
        t = translator(language)
        text = t(
            "⚠️ {reporter} reported a message from {sender} (request: {category}). The message follows."
        ).format(
            reporter=escape(matching.first(reporter.display_name)),
            sender=escape(matching.first(sender.display_name)),
            category=escape(help_terms.category_label(t, request.category)),
        )
        await outbox.enqueue(
            session,
            chat_id=telegram_id,
            now=now,
            payload=text_message(text),
            dedupe_key=f"req:{request.id}:report:{relayed_id}:{telegram_id}",
        )
        copy = payloads.copy_call(sender.telegram_user_id, relayed.source_message_id)
        await outbox.enqueue(
            session,
            chat_id=telegram_id,
            now=now,
            method=copy.method,
            payload=copy.payload,
            dedupe_key=f"req:{request.id}:report-copy:{relayed_id}:{telegram_id}",
        )
    return True


async def share_contact(
    session: AsyncSession, telegram_user_id: int, request_id: int, *, now: datetime
) -> str:
    """'Deel mijn contactgegevens', confirmed: the other side gets a link to their Telegram chat.

    Returns the other side's first name.
    """
    sides = await _sides(session, telegram_user_id, request_id)
    t = translator(sides.other.language)
    name = escape(_name_of(sides.me, sides.request))
    text = t(
        "📇 {name} shares their contact details with you: "
        '<a href="tg://user?id={user_id}">open a chat with {name}</a>.'
    ).format(name=name, user_id=sides.me.telegram_user_id)
    await matching.tell(session, sides.other, text, key=f"req:{request_id}:contact:{sides.me.id}", now=now)
    return _name_of(sides.other, sides.request)


async def leave(
    session: AsyncSession,
    telegram_user_id: int,
    request_id: int,
    *,
    now: datetime,
    zone: ZoneInfo,
    round_hours: float,
) -> str:
    """Either side ends the conversation; the request looks for another helper. Returns the other's name."""
    sides = await _sides(session, telegram_user_id, request_id)
    request = sides.request
    helper_id = request.helper_id
    assert helper_id is not None
    invitation = await session.get(HelpInvitation, (request_id, helper_id))
    if invitation is not None:
        invitation.answer = InvitationAnswer.LEFT
    request.status, request.helper_id, request.matched_at = RequestStatus.OPEN, None, None
    state = await conversations.current(session, telegram_user_id, now=now)
    if state is not None and state.flow == FLOW:
        await conversations.end(session, telegram_user_id)
    t = translator(sides.other.language)
    name = escape(_name_of(sides.me, request))
    if sides.me.id == helper_id:
        text = t("{name} can no longer help with your request. I am looking for someone else.").format(
            name=name
        )
    else:
        text = t("{name} has ended the conversation about the request. Thank you for your help! 💛").format(
            name=name
        )
    await matching.tell(session, sides.other, text, key=f"req:{request_id}:left:{helper_id}", now=now)
    request.round = min(request.round, matching.ROUNDS - 1)
    await matching.next_round(session, request, now=now, zone=zone, round_hours=round_hours)
    return _name_of(sides.other, request)
