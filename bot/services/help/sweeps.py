"""What is due for help requests: the next round of helpers, an expiry warning, an expiry, a follow-up.

The scheduled job only asks this module. Every step first claims its row with a conditional UPDATE, so
that two instances sweeping at once, or a sweep repeated after a crash, never act twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.enums import UNFINISHED, RequestStatus
from bot.db.models import HelpRequest, Member
from bot.i18n import translator
from bot.services.help import buttons, matching
from bot.services.help import terms as help_terms
from bot.services.help.buttons import Tap

BATCH = 100
WARN_BEFORE = timedelta(days=1)


@dataclass
class Swept:
    rounds: int = 0
    warned: int = 0
    expired: int = 0
    followed_up: int = 0


async def sweep(session: AsyncSession, *, now: datetime, zone: ZoneInfo, round_hours: float) -> Swept:
    swept = Swept()
    for request in await _due(
        session, HelpRequest.status == RequestStatus.OPEN, HelpRequest.round_deadline <= now
    ):
        if await _claim(
            session, request, HelpRequest.round_deadline == request.round_deadline, round_deadline=None
        ):
            await matching.next_round(session, request, now=now, zone=zone, round_hours=round_hours)
            swept.rounds += 1
    for request in await _due(
        session,
        HelpRequest.status.in_(UNFINISHED),
        HelpRequest.expires_at <= now,
    ):
        was = request.status
        if await _claim(
            session, request, HelpRequest.status == was, status=RequestStatus.EXPIRED, closed_at=now
        ):
            await _expire(session, request, was=was, now=now)
            swept.expired += 1
    for request in await _due(
        session,
        HelpRequest.status.in_(UNFINISHED),
        HelpRequest.expiry_warned_at.is_(None),
        HelpRequest.expires_at <= now + WARN_BEFORE,
    ):
        if await _claim(session, request, HelpRequest.expiry_warned_at.is_(None), expiry_warned_at=now):
            await _warn(session, request, now=now)
            swept.warned += 1
    for request in await _due(session, HelpRequest.status.in_(UNFINISHED), HelpRequest.follow_up_at <= now):
        if await _claim(
            session, request, HelpRequest.follow_up_at == request.follow_up_at, follow_up_at=None
        ):
            await _follow_up(session, request, now=now)
            swept.followed_up += 1
    return swept


async def _due(session: AsyncSession, *conditions: object) -> list[HelpRequest]:
    rows = await session.scalars(select(HelpRequest).where(*conditions).order_by(HelpRequest.id).limit(BATCH))  # type: ignore[arg-type]
    return list(rows.all())


async def _claim(session: AsyncSession, request: HelpRequest, unchanged: object, **values: object) -> bool:
    result = await session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == request.id, unchanged)  # type: ignore[arg-type]
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    for key, value in values.items():
        setattr(request, key, value)
    return True


async def _requester(session: AsyncSession, request: HelpRequest) -> Member:
    member = await session.get(Member, request.requester_id)
    assert member is not None  # requests are deleted with their requester
    return member


async def _warn(session: AsyncSession, request: HelpRequest, *, now: datetime) -> None:
    requester = await _requester(session, request)
    t = translator(requester.language)
    text = t("Your request ({category}) closes tomorrow. Do you still need help?").format(
        category=escape(help_terms.category_label(t, request.category))
    )
    rows = [
        [
            (t("Still needed"), buttons.request(Tap.STILL_NEEDED, request.id)),
            (t("Close it"), buttons.request(Tap.CLOSE, request.id)),
        ]
    ]
    await matching.tell(
        session,
        requester,
        text,
        key=f"req:{request.id}:expiry-warning:{request.expires_at.isoformat()}",
        now=now,
        buttons=rows,
    )


async def _expire(session: AsyncSession, request: HelpRequest, *, was: RequestStatus, now: datetime) -> None:
    await matching.close(session, request, RequestStatus.EXPIRED, now=now, previous=was)
    requester = await _requester(session, request)
    t = translator(requester.language)
    text = t(
        "Your request ({category}) was open for 14 days and is now closed. "
        "Do you still need help? Tap 🙋 to ask again."
    ).format(category=escape(help_terms.category_label(t, request.category)))
    await matching.tell(session, requester, text, key=f"req:{request.id}:expired", now=now)


async def _follow_up(session: AsyncSession, request: HelpRequest, *, now: datetime) -> None:
    """The day after the planned day: did it work out? The requester can close it from here."""
    requester = await _requester(session, request)
    t = translator(requester.language)
    category = escape(help_terms.category_label(t, request.category))
    text = t("How did it go with your request ({category})?").format(category=category)
    rows = [
        [(t("✅ It worked out"), buttons.request(Tap.DONE, request.id))],
        [
            (t("⏳ Still needed"), buttons.request(Tap.STILL_NEEDED, request.id)),
            (t("No longer needed"), buttons.request(Tap.WITHDRAW, request.id)),
        ],
    ]
    await matching.tell(
        session, requester, text, key=f"req:{request.id}:follow-up:requester", now=now, buttons=rows
    )
    if request.status != RequestStatus.MATCHED or request.helper_id is None:
        return
    helper = await session.get(Member, request.helper_id)
    if helper is None:
        return
    t = translator(helper.language)
    name = escape(await matching.requester_first_name(session, request))
    text = t("Did helping {name} work out?").format(name=name)
    rows = [
        [
            (t("✅ Yes"), buttons.request(Tap.HELPER_YES, request.id)),
            (t("❌ Not yet"), buttons.request(Tap.HELPER_NO, request.id)),
        ]
    ]
    await matching.tell(
        session, helper, text, key=f"req:{request.id}:follow-up:helper", now=now, buttons=rows
    )
