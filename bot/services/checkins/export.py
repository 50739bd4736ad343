"""What /mijngegevens shows about check-ins: the plan, contacts both ways, and every kept answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Checkin, CheckinAlert, CheckinContact, CheckinPlan, Member
from bot.services.checkins.schedule import clock_text


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def export(session: AsyncSession, member: Member) -> dict[str, Any]:
    plan = await session.get(CheckinPlan, member.id)
    contacts = (
        await session.execute(
            select(Member.display_name, CheckinContact.status, CheckinContact.asked_at)
            .join(CheckinContact, CheckinContact.contact_id == Member.id)
            .where(CheckinContact.member_id == member.id)
        )
    ).all()
    looking_after = (
        await session.execute(
            select(Member.display_name, CheckinContact.status)
            .join(CheckinContact, CheckinContact.member_id == Member.id)
            .where(CheckinContact.contact_id == member.id)
        )
    ).all()
    answers = (
        await session.scalars(select(Checkin).where(Checkin.member_id == member.id).order_by(Checkin.due_at))
    ).all()
    alerts = (
        await session.execute(
            select(CheckinAlert.alerted_at, CheckinAlert.response).where(CheckinAlert.contact_id == member.id)
        )
    ).all()
    return {
        "plan": {
            "frequency": plan.frequency,
            "around": clock_text(plan.at_minute),
            "quiet_hours": f"{clock_text(plan.quiet_start_minute)}-{clock_text(plan.quiet_end_minute)}",
            "waiting_minutes": [
                plan.reminder_after_minutes,
                plan.first_alert_after_minutes,
                plan.next_alert_after_minutes,
            ],
            "paused_until": _when(plan.paused_until),
            "next": _when(plan.next_due_at),
            "since": _when(plan.created_at),
        }
        if plan
        else None,
        "your_contacts": [
            {"name": name, "status": status, "asked_at": _when(asked)} for name, status, asked in contacts
        ],
        "you_are_contact_for": [{"name": name, "status": status} for name, status in looking_after],
        "check_ins": [
            {
                "sent_at": _when(c.sent_at),
                "status": c.status,
                "answer": c.mood,
                "answered_at": _when(c.answered_at),
            }
            for c in answers
        ],
        "asked_you_to_look_in": [{"at": _when(at), "your_answer": response} for at, response in alerts],
    }
