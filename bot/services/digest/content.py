"""What the weekly digest says: open requests, new neighbours, activities, thank-you notes, a count.

Groups see it, so nothing personal beyond a first name: no surnames, no request texts, no user ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from html import escape
from typing import Any

from babel.dates import format_datetime
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.enums import RequestStatus
from bot.db.models import Buurt, HelpRequest, Member
from bot.delivery.payloads import text_with_links
from bot.i18n import Translator
from bot.services.coordination import activities
from bot.services.coordination.activities import Upcoming
from bot.services.help import buttons
from bot.services.help import terms as help_terms
from bot.services.help.matching import first as first_name
from bot.services.people import membership

LIMIT = 4096  # characters in one Telegram message
WEEK = timedelta(days=7)
MAX_REQUESTS, MAX_NEWCOMERS, MAX_ACTIVITIES, MAX_THANKS = 30, 30, 10, 10


@dataclass(frozen=True, slots=True)
class OpenRequest:
    id: int
    first_name: str | None
    category: str
    when: str
    wanted_on: date | None


@dataclass(frozen=True, slots=True)
class Contents:
    buurt_name: str
    requests: list[OpenRequest]
    more_requests: int
    newcomers: list[str]
    activities: list[Upcoming]
    thanks: list[str]
    helped: int


async def gather(session: AsyncSession, buurt: Buurt, *, now: datetime) -> Contents:
    """This week in the buurt, as of `now`."""
    since = now - WEEK
    open_rows = (
        await session.execute(
            select(HelpRequest, Member.display_name)
            .join(Member, Member.id == HelpRequest.requester_id)
            .where(HelpRequest.buurt_id == buurt.id, HelpRequest.status == RequestStatus.OPEN)
            .order_by(HelpRequest.id)
        )
    ).all()
    requests = [
        OpenRequest(
            r.id,
            first_name(r.on_behalf_of or name) if (r.on_behalf_of or name) else None,
            r.category,
            r.when,
            r.wanted_on,
        )
        for r, name in open_rows[:MAX_REQUESTS]
    ]
    newcomers = await session.scalars(
        select(Member.display_name)
        .where(
            Member.buurt_id == buurt.id,
            Member.membership == membership.ACTIVE,
            Member.joined_at > since,
            Member.display_name.is_not(None),
        )
        .order_by(Member.joined_at, Member.id)
        .limit(MAX_NEWCOMERS)
    )
    thanks = await session.scalars(
        select(HelpRequest.thanks)
        .where(
            HelpRequest.buurt_id == buurt.id,
            HelpRequest.thanks_public.is_(True),
            HelpRequest.thanks.is_not(None),
            HelpRequest.closed_at > since,
        )
        .order_by(HelpRequest.closed_at, HelpRequest.id)
        .limit(MAX_THANKS)
    )
    helped = await session.scalar(
        select(func.count())
        .select_from(HelpRequest)
        .where(
            HelpRequest.buurt_id == buurt.id,
            HelpRequest.status == RequestStatus.DONE,
            HelpRequest.closed_at > since,
        )
    )
    coming = await activities.upcoming(session, buurt.id, now=now)
    return Contents(
        buurt_name=buurt.name,
        requests=requests,
        more_requests=max(len(open_rows) - MAX_REQUESTS, 0),
        newcomers=[first_name(name) for name in newcomers.all()],
        activities=[a for a in coming if a.starts_at > now][:MAX_ACTIVITIES],
        thanks=[text for text in thanks.all() if text],
        helped=int(helped or 0),
    )


def render(
    contents: Contents, t: Translator, *, zone: tzinfo, bot_username: str | None
) -> list[dict[str, Any]]:
    """sendMessage payloads, each within 4096 characters; a request's button goes with its line."""
    blocks: list[tuple[str, tuple[str, str] | None]] = [
        (t("📰 <b>This week in {buurt}</b>").format(buurt=escape(contents.buurt_name)), None)
    ]
    if contents.requests:
        blocks.append(("\n" + t("<b>🙋 Neighbours who would like some help</b>"), None))
    for number, request in enumerate(contents.requests, start=1):
        name = request.first_name or t("a neighbour")
        category = help_terms.category_label(t, request.category)
        when = help_terms.when_label(t, request.when, request.wanted_on)
        line = f"{number}. <b>{escape(name)}</b> · {escape(category)} · {escape(when)}"
        link = None
        if bot_username:
            label = t("🙋 I'll help with {number}").format(number=number)
            link = (label, f"https://t.me/{bot_username}?start={buttons.start_parameter(request.id)}")
        blocks.append((line, link))
    if contents.more_requests:
        more = t.plural(
            "And {n} more request: see 📋 in the private chat.",
            "And {n} more requests: see 📋 in the private chat.",
            contents.more_requests,
        )
        blocks.append((more.format(n=contents.more_requests), None))
    if contents.newcomers:
        names = ", ".join(escape(name) for name in contents.newcomers)
        blocks.append(
            ("\n" + t("<b>👋 New neighbours</b>") + "\n" + t("Welcome, {names}!").format(names=names), None)
        )
    if contents.activities:
        blocks.append(("\n" + t("<b>📅 Coming up</b>"), None))
    for activity in contents.activities:
        day = format_datetime(activity.starts_at, "EEEE d MMMM, HH:mm", tzinfo=zone, locale=t.language)
        blocks.append((f"• <b>{escape(activity.title)}</b>, {escape(day)} · {escape(activity.place)}", None))
    if contents.thanks:
        blocks.append(("\n" + t("<b>💛 Thank-you notes</b>"), None))
    for note in contents.thanks:
        blocks.append((f"“{escape(note)}”", None))
    if contents.helped:
        helped = t.plural(
            "This week {n} neighbour was helped. 💛",
            "This week {n} neighbours were helped. 💛",
            contents.helped,
        )
        blocks.append(("\n" + helped.format(n=contents.helped), None))
    if len(blocks) == 1:
        blocks.append(
            ("\n" + t("A quiet week. Do you need help, or can you help? Tell me in a private chat. 🌷"), None)
        )
    return _split(blocks)


def _split(blocks: list[tuple[str, tuple[str, str] | None]]) -> list[dict[str, Any]]:
    """Whole blocks per message, never a line cut in two; every block is far below the limit."""
    messages: list[tuple[list[str], list[tuple[str, str]]]] = [([], [])]
    size = 0
    for text, link in blocks:
        lines, links = messages[-1]
        if lines and size + 1 + len(text) > LIMIT:
            messages.append(([], []))
            lines, links = messages[-1]
            text, size = text.lstrip("\n"), 0
        size += len(text) + (1 if lines else 0)
        lines.append(text)
        if link is not None:
            links.append(link)
    return [text_with_links("\n".join(lines), links) for lines, links in messages]
