"""Reports and blocks: coordinators look at reported messages and dismiss, warn or block.

A blocked member can't post a request, offer help, help or pass messages on; they are told why
(membership.Blocked, raised by the services they knock on). Every action
checks the caller's role for the buurt on the server and is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.enums import UNFINISHED, RequestStatus
from bot.db.models import HelpRequest, Member, RelayedMessage, Report
from bot.delivery import outbox
from bot.delivery.payloads import text_message
from bot.i18n import translator
from bot.services.common import audit
from bot.services.common.validation import clean_text, name_to_find
from bot.services.help import matching
from bot.services.people import authority
from bot.services.people.authority import Actor

REASON_MAX = 200
ACTIONS = ("negeer", "waarschuw", "blokkeer")
# Names of the actions in the audit log.
DISMISS, WARN, BLOCK, UNBLOCK = "report.dismiss", "report.warn", "member.block", "member.unblock"
VIEW = "report.view"  # a coordinator was shown the reported message


class AlreadyHandled(Exception):
    """Another coordinator handled this report first, or it no longer exists."""


@dataclass(frozen=True, slots=True)
class OpenReport:
    id: int
    reporter: str
    reported: str
    reported_member_id: int | None
    category: str | None
    created_at: datetime
    # Where the reported message is, to show it again (copyMessage); None when it is gone.
    source_chat_id: int | None
    source_message_id: int | None


async def open_reports(
    session: AsyncSession, actor: Actor, *, now: datetime, limit: int = 10
) -> list[OpenReport]:
    """Reports waiting in the buurten the actor manages, oldest first. Each one shown is written to the
    audit log: who was shown which reported message, and when."""
    buurten = [buurt.id for buurt in await authority.managed_buurten(session, actor)]
    if not buurten:
        raise authority.NotAllowed
    reports = await session.scalars(
        select(Report)
        .where(Report.buurt_id.in_(buurten), Report.status == "open")
        .order_by(Report.id)
        .limit(limit)
    )
    found = []
    for report in reports.all():
        reporter = await session.get(Member, report.reporter_id) if report.reporter_id else None
        reported = await session.get(Member, report.reported_id) if report.reported_id else None
        relayed = (
            await session.get(RelayedMessage, report.relayed_message_id)
            if report.relayed_message_id
            else None
        )
        request = await session.get(HelpRequest, relayed.request_id) if relayed else None
        await audit.record(
            session,
            actor=actor.telegram_user_id,
            action=VIEW,
            buurt_id=report.buurt_id,
            now=now,
            target=f"report:{report.id}",
        )
        found.append(
            OpenReport(
                id=report.id,
                reporter=matching.first(reporter.display_name) if reporter else "?",
                reported=matching.first(reported.display_name) if reported else "?",
                reported_member_id=reported.id if reported else None,
                category=request.category if request else None,
                created_at=report.created_at,
                source_chat_id=reported.telegram_user_id if reported and relayed else None,
                source_message_id=relayed.source_message_id if relayed else None,
            )
        )
    return found


async def _report(session: AsyncSession, actor: Actor, report_id: int) -> Report:
    report = await session.get(Report, report_id, with_for_update=True)
    if report is None:
        if actor.is_operator:
            raise AlreadyHandled
        raise authority.NotAllowed
    await authority.check_manages(session, actor, report.buurt_id)
    if report.status != "open":
        raise AlreadyHandled
    return report


async def dismiss(session: AsyncSession, actor: Actor, report_id: int, *, now: datetime) -> None:
    report = await _report(session, actor, report_id)
    report.status = "dismissed"
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=DISMISS,
        buurt_id=report.buurt_id,
        now=now,
        target=f"report:{report.id}",
    )


async def warn(session: AsyncSession, actor: Actor, report_id: int, *, now: datetime) -> str:
    """The reported member hears, kindly, that a message of theirs was reported. Returns their name."""
    report = await _report(session, actor, report_id)
    report.status = "warned"
    member = await session.get(Member, report.reported_id) if report.reported_id else None
    if member is not None:
        t = translator(member.language)
        text = t(
            "A neighbour reported a message you sent through Buurtbot. A coordinator of your buurt looked at "
            "it. Please keep your messages kind and respectful. Thank you. 💛"
        )
        await outbox.enqueue(
            session,
            chat_id=member.telegram_user_id,
            now=now,
            payload=text_message(text),
            dedupe_key=f"warning:{report.id}",
        )
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=WARN,
        buurt_id=report.buurt_id,
        now=now,
        target=f"member:{report.reported_id}",
    )
    return matching.first(member.display_name) if member else "?"


async def reported_member(session: AsyncSession, actor: Actor, report_id: int) -> int:
    """The member a report is about, for blocking them from the report (checks the role)."""
    report = await _report(session, actor, report_id)
    if report.reported_id is None:
        raise AlreadyHandled
    return report.reported_id


async def blockable(session: AsyncSession, actor: Actor, member_id: int) -> str:
    """The first name of a member the actor may block (before asking why); NotAllowed otherwise."""
    member = await session.get(Member, member_id)
    if member is None or member.buurt_id is None:
        raise authority.NotAllowed
    await authority.check_manages(session, actor, member.buurt_id)
    return matching.first(member.display_name)


async def block(
    session: AsyncSession,
    actor: Actor,
    member_id: int,
    reason: str,
    *,
    now: datetime,
    report_id: int | None = None,
) -> str:
    """Block a member of a buurt the actor manages, with a reason they are told. Returns their name.

    Their open requests are withdrawn (helpers hear it); matching no longer asks them, and they can no
    longer pass messages on. Raises InvalidText for an empty or too long reason.
    """
    reason = clean_text(reason, max_length=REASON_MAX)
    member = await session.get(Member, member_id, with_for_update=True)
    if member is None or member.buurt_id is None:
        raise authority.NotAllowed
    await authority.check_manages(session, actor, member.buurt_id)
    member.blocked_at, member.blocked_reason = now, reason
    requests = await session.scalars(
        select(HelpRequest).where(HelpRequest.requester_id == member.id, HelpRequest.status.in_(UNFINISHED))
    )
    for request in requests.all():
        await matching.close(session, request, RequestStatus.WITHDRAWN, now=now, anonymous=True)
    if report_id is not None:
        report = await session.get(Report, report_id)
        if report is not None and report.status == "open":
            report.status = "blocked"
    t = translator(member.language)
    text = t(
        "A coordinator of your buurt has blocked you on Buurtbot. Until they lift it, you can't ask for "
        "help, offer help or send messages to neighbours.\nThe reason: {reason}"
    ).format(reason=escape(reason))
    await outbox.enqueue(
        session,
        chat_id=member.telegram_user_id,
        now=now,
        payload=text_message(text),
        dedupe_key=f"blocked:{member.id}:{now.isoformat()}",
    )
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=BLOCK,
        buurt_id=member.buurt_id,
        now=now,
        target=f"member:{member.id}",
    )
    return matching.first(member.display_name)


async def unblock(session: AsyncSession, actor: Actor, member_id: int, *, now: datetime) -> str:
    member = await session.get(Member, member_id, with_for_update=True)
    if member is None or member.buurt_id is None:
        raise authority.NotAllowed
    await authority.check_manages(session, actor, member.buurt_id)
    if member.blocked_at is None:
        raise AlreadyHandled
    member.blocked_at = member.blocked_reason = None
    t = translator(member.language)
    await outbox.enqueue(
        session,
        chat_id=member.telegram_user_id,
        now=now,
        payload=text_message(
            t("Good news: a coordinator lifted your block. You can use Buurtbot as before.")
        ),
        dedupe_key=f"unblocked:{member.id}:{now.isoformat()}",
    )
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=UNBLOCK,
        buurt_id=member.buurt_id,
        now=now,
        target=f"member:{member.id}",
    )
    return matching.first(member.display_name)


@dataclass(frozen=True, slots=True)
class Candidate:
    member_id: int
    name: str
    blocked: bool


async def find_members(session: AsyncSession, actor: Actor, name: str) -> list[Candidate]:
    """Members of the actor's buurten whose name starts with what was typed (for /blokkeer)."""
    buurten = [buurt.id for buurt in await authority.managed_buurten(session, actor)]
    if not buurten:
        raise authority.NotAllowed
    typed = name_to_find(name)
    if typed is None:
        return []
    rows = await session.scalars(
        select(Member)
        .where(Member.buurt_id.in_(buurten), func.lower(Member.display_name).startswith(typed))
        .order_by(Member.display_name)
        .limit(8)
    )
    return [Candidate(m.id, m.display_name or "?", m.blocked_at is not None) for m in rows.all()]


async def blocked_members(session: AsyncSession, actor: Actor) -> list[Candidate]:
    buurten = [buurt.id for buurt in await authority.managed_buurten(session, actor)]
    if not buurten:
        raise authority.NotAllowed
    rows = await session.scalars(
        select(Member).where(Member.buurt_id.in_(buurten), Member.blocked_at.is_not(None)).order_by(Member.id)
    )
    return [Candidate(m.id, m.display_name or "?", True) for m in rows.all()]
