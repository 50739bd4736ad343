"""The database schema as typed SQLAlchemy models. Change it only together with a migration."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.db.enums import (
    AlertResponse,
    CheckinStatus,
    ContactStatus,
    Frequency,
    InvitationAnswer,
    Mood,
    RequestStatus,
)
from bot.db.types import BigIntId, EnumText, UtcDateTime

# Named constraints keep migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime(), dict[str, Any]: JSON()}


class Member(Base):
    """A person who talks to the bot. Only what is needed to answer them is kept."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    language: Mapped[str] = mapped_column(String(8))
    joined_at: Mapped[datetime]
    # Which buurt they belong to; None until they joined one (or when their buurt was removed).
    buurt_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("buurten.id", ondelete="SET NULL"), index=True
    )
    # "none" (no buurt), "pending" (waiting for a coordinator's yes) or "active".
    membership: Mapped[str] = mapped_column(String(16), default="none")
    # The name neighbours see; never a surname unless they type one themselves.
    display_name: Mapped[str | None] = mapped_column(String(40))
    # When they agreed to what Buurtbot keeps; without it nothing beyond what is needed to answer is stored.
    consent_at: Mapped[datetime | None]
    # A break from messages: since when, and until when (None while paused: until they resume).
    paused_since: Mapped[datetime | None]
    paused_until: Mapped[datetime | None]
    # When we once asked, after their first request, whether they can help a neighbour too.
    offer_nudged_at: Mapped[datetime | None]
    # Blocked by a coordinator: no requests, offers or relayed messages; the reason is what they were told.
    blocked_at: Mapped[datetime | None]
    blocked_reason: Mapped[str | None] = mapped_column(String(200))
    # The weekly digest in their private chat (/weekbericht), and the ISO week it was last claimed for.
    weekly_digest: Mapped[bool] = mapped_column(default=False)
    digest_week: Mapped[str | None] = mapped_column(String(10))


class TelegramChat(Base):
    """What delivery learned about a chat: that it blocked us, or that a group became a supergroup."""

    __tablename__ = "telegram_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    unreachable_since: Mapped[datetime | None]
    migrated_to_chat_id: Mapped[int | None] = mapped_column(BigInteger)


class InboxUpdate(Base):
    """An update from Telegram, stored before Telegram is told we have it.

    `applied_steps` counts the units of work whose state change was committed for this update, so that
    handling it again after a crash never applies a state change twice.
    """

    __tablename__ = "inbox_updates"
    __table_args__ = (
        Index("ix_inbox_updates_status_update_id", "status", "update_id"),
        Index("ix_inbox_updates_chat_id_update_id", "chat_id", "update_id"),
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    # The raw update as JSON; emptied once handled, because it holds personal data.
    payload: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    applied_steps: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """A message to someone who did not just write to us, written in the same transaction as its cause."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_messages_chat_id_status", "chat_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    # Lower sends first: 0 for answers a person waits for, 10 for notifications, 20 for bulk (digests).
    priority: Mapped[int] = mapped_column(default=10)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # Telegram's error description only (never the message): enough to see why something failed.
    last_error: Mapped[str | None] = mapped_column(String(200))
    # Lets a caller enqueue "the check-in of member 12 for 2026-11-25" twice without sending it twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)


class Lease(Base):
    """Which running instance does the work that only one may do (polling, dispatching, sending)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]


class Buurt(Base):
    """A neighbourhood on Buurtbot. Names are unique regardless of case; the service enforces that."""

    __tablename__ = "buurten"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # "open": whoever has a way in is a member at once; "approval": a coordinator says yes first.
    join_policy: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    # The weekly digest's moment in the buurt's time zone: weekday (0 = Monday) and minutes after midnight.
    digest_weekday: Mapped[int] = mapped_column(default=0)
    digest_minute: Mapped[int] = mapped_column(default=600)


class BuurtPostcode(Base):
    """A 4-digit postcode (PC4) a buurt covers; residents who give their postcode are offered it."""

    __tablename__ = "buurt_postcodes"

    buurt_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("buurten.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # Indexed on its own: "which buurten cover 1234?" is asked without knowing the buurt.
    pc4: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)


class InviteCode(Base):
    """A way into one buurt: the payload of a t.me/<bot>?start=<code> link, on a poster or in a chat."""

    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    # Telegram's /start payload allows 1-64 characters of A-Z a-z 0-9 _ -.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    buurt_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("buurten.id", ondelete="CASCADE"), index=True)
    max_uses: Mapped[int | None]  # None: as often as people like
    uses: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class BotFact(Base):
    """Something the running bot learned about itself (its username) for tools that do not call Telegram."""

    __tablename__ = "bot_facts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))
    updated_at: Mapped[datetime]


class BuurtRole(Base):
    """A member's role in a buurt (for now: coordinator). Operators are configured, not stored."""

    __tablename__ = "buurt_roles"

    member_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    buurt_id: Mapped[int] = mapped_column(
        BigIntId,
        ForeignKey("buurten.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        index=True,
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    granted_at: Mapped[datetime]


class Conversation(Base):
    """Where someone is in a conversation of several steps; forgotten after a day without an answer."""

    __tablename__ = "conversations"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(index=True)


class HelpRequest(Base):
    """A neighbour asking for a small piece of help, from posting until done, withdrawn or expired
    (`status`, see `RequestStatus`)."""

    __tablename__ = "help_requests"
    __table_args__ = (
        # The paged list of a buurt's open requests, newest first.
        Index("ix_help_requests_buurt_id_status_id", "buurt_id", "status", "id"),
        # A member's own requests (the limit of 5 open, the hourly limit, /mijnvragen).
        Index("ix_help_requests_requester_id_created_at", "requester_id", "created_at"),
        # The scheduled sweep: which open requests wait for their next round.
        Index("ix_help_requests_status_round_deadline", "status", "round_deadline"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    buurt_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("buurten.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("members.id", ondelete="CASCADE"))
    # Set when a coordinator posted it for a resident without Telegram: the first name helpers see.
    on_behalf_of: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(String(500))
    voice_file_id: Mapped[str | None] = mapped_column(String(200))
    voice_seconds: Mapped[int | None]
    # "vandaag", "morgen", "week", "datum" or "maakt_niet_uit"; `wanted_on` is the day it points at.
    when: Mapped[str] = mapped_column(String(16))
    wanted_on: Mapped[date | None]
    status: Mapped[RequestStatus] = mapped_column(EnumText(RequestStatus, 16), default=RequestStatus.OPEN)
    helper_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("members.id", ondelete="SET NULL"))
    round: Mapped[int] = mapped_column(default=0)
    # When the current round of asking helpers has had its time (None: nobody is waited for).
    round_deadline: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    matched_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    expiry_warned_at: Mapped[datetime | None]
    follow_up_at: Mapped[datetime | None] = mapped_column(index=True)
    # A thank-you from the requester; shown anonymously in the digest only when `thanks_public`.
    thanks: Mapped[str | None] = mapped_column(String(300))
    thanks_public: Mapped[bool] = mapped_column(default=False)


class HelperOffer(Base):
    """What a member offers to help with, when, and how often they want to be asked at most."""

    __tablename__ = "helper_offers"

    member_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # Bit 0 is Monday ... bit 6 Sunday.
    days: Mapped[int] = mapped_column(default=0b1111111)
    # Bit 0 morning, bit 1 afternoon, bit 2 evening.
    day_parts: Mapped[int] = mapped_column(default=0b111)
    max_per_week: Mapped[int] = mapped_column(default=2)
    # Local time, minutes after midnight; equal start and end means no quiet hours.
    quiet_start: Mapped[int] = mapped_column(default=21 * 60)
    quiet_end: Mapped[int] = mapped_column(default=9 * 60)
    paused: Mapped[bool] = mapped_column(default=False)
    last_asked_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class HelperCategory(Base):
    """One kind of help a helper offers, with their buurt, so that matching reads one small index."""

    __tablename__ = "helper_categories"
    __table_args__ = (Index("ix_helper_categories_buurt_id_category", "buurt_id", "category"),)

    member_id: Mapped[int] = mapped_column(
        BigIntId,
        ForeignKey("helper_offers.member_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    buurt_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("buurten.id", ondelete="CASCADE"))


class HelpInvitation(Base):
    """A helper asked about a request: when, in which round, and what they answered."""

    __tablename__ = "help_invitations"
    __table_args__ = (Index("ix_help_invitations_helper_id_asked_at", "helper_id", "asked_at"),)

    request_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("help_requests.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    helper_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    round: Mapped[int]
    asked_at: Mapped[datetime]
    answer: Mapped[InvitationAnswer] = mapped_column(
        EnumText(InvitationAnswer, 16), default=InvitationAnswer.ASKED
    )


class RelayedMessage(Base):
    """A message passed between requester and helper: who sent it, and where the original is.

    The content itself is not stored; a report copies the original from the sender's chat.
    """

    __tablename__ = "relayed_messages"
    __table_args__ = (Index("ix_relayed_messages_sender_id_created_at", "sender_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("help_requests.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("members.id", ondelete="CASCADE"))
    source_message_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class Report(Base):
    """A relayed message reported to the buurt's coordinators."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    buurt_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("buurten.id", ondelete="CASCADE"), index=True)
    relayed_message_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("relayed_messages.id", ondelete="SET NULL")
    )
    reporter_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("members.id", ondelete="SET NULL"))
    reported_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("members.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]


class CheckinPlan(Base):
    """A member's own yes to gentle check-ins: how often, around what time, and when never to send.

    `next_due_at` is the whole schedule: a sweep claims rows whose moment has come, so nothing lives in
    memory and a restart (or a second instance) neither loses nor repeats a check-in.
    """

    __tablename__ = "checkin_plans"

    member_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    frequency: Mapped[Frequency] = mapped_column(EnumText(Frequency, 16))
    weekday: Mapped[int]  # of a weekly plan, 0 is Monday
    # Local time of day in minutes after midnight, and how long after it a late check-in may still go.
    at_minute: Mapped[int]
    window_minutes: Mapped[int]
    quiet_start_minute: Mapped[int]
    quiet_end_minute: Mapped[int]
    # The ladder when nobody answers, in minutes after the check-in went out.
    reminder_after_minutes: Mapped[int]
    first_alert_after_minutes: Mapped[int]
    next_alert_after_minutes: Mapped[int]
    paused_until: Mapped[datetime | None]
    next_due_at: Mapped[datetime] = mapped_column(index=True)
    last_phrasing: Mapped[int | None]
    created_at: Mapped[datetime]


class CheckinContact(Base):
    """A neighbour ("maatje") a member asked to look in on them; only counts once they accepted."""

    __tablename__ = "checkin_contacts"

    member_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    contact_id: Mapped[int] = mapped_column(
        BigIntId,
        ForeignKey("members.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        index=True,
    )
    status: Mapped[ContactStatus] = mapped_column(EnumText(ContactStatus, 16))
    asked_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]


class Checkin(Base):
    """One check-in sent to a member, its answer (a mood, kept 90 days) and how far its ladder got."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("member_id", "due_at"),
        Index("ix_checkins_status_next_step_at", "status", "next_step_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    member_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("members.id", ondelete="CASCADE"))
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime]
    status: Mapped[CheckinStatus] = mapped_column(EnumText(CheckinStatus, 16))
    step: Mapped[int] = mapped_column(default=0)  # ladder steps taken: 1 reminder, 2 first alert, ...
    next_step_at: Mapped[datetime | None]
    mood: Mapped[Mood | None] = mapped_column(EnumText(Mood, 16))
    answered_at: Mapped[datetime | None]


class CheckinAlert(Base):
    """Who was asked to look in on a member for one check-in, and what they said."""

    __tablename__ = "checkin_alerts"

    checkin_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("checkins.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    contact_id: Mapped[int] = mapped_column(
        BigIntId,
        ForeignKey("members.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        index=True,
    )
    step: Mapped[int]
    alerted_at: Mapped[datetime]
    response: Mapped[AlertResponse | None] = mapped_column(EnumText(AlertResponse, 16))
    responded_at: Mapped[datetime | None]


class ReachDetails(Base):
    """How a member who relies on check-ins can be reached, given by their own choice: shown to their
    maatjes and their buurt's coordinators only in an alert about them, never at any other moment."""

    __tablename__ = "reach_details"

    member_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    phone: Mapped[str | None] = mapped_column(String(20))  # as the member wrote it, checked
    address: Mapped[str | None] = mapped_column(String(120))  # "Dorpsstraat 12" or "bel aan bij 12"
    note: Mapped[str | None] = mapped_column(String(200))  # "sleutel bij de buren op 14"
    updated_at: Mapped[datetime]


class AuditEntry(Base):
    """One admin action: who did what, when, in which buurt. Never the contents of a message."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    # The Telegram id of who did it; None for the operator's command line on the server.
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(40))
    buurt_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("buurten.id", ondelete="SET NULL"), index=True
    )
    # What it was done to, as an id ("member:12", "invite:3", "chat:-100..."); never a text.
    target: Mapped[str | None] = mapped_column(String(64))


class BuurtGroup(Base):
    """A Telegram group linked to a buurt by one of its coordinators (/koppel)."""

    __tablename__ = "buurt_groups"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    buurt_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("buurten.id", ondelete="CASCADE"), index=True)
    # The language the bot speaks in the group: that of the coordinator who linked it.
    language: Mapped[str] = mapped_column(String(8))
    linked_at: Mapped[datetime]
    # The ISO week ("2026-W48") of the last digest claimed for this group: one per week, across restarts.
    digest_week: Mapped[str | None] = mapped_column(String(10))


class Broadcast(Base):
    """A message to every member of a buurt (/omroep). The text itself lives in the outbox only."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    buurt_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("buurten.id", ondelete="CASCADE"), index=True)
    author_telegram_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    # Members on a break at the moment it was sent; they get nothing.
    skipped: Mapped[int] = mapped_column(default=0)
    # When the author was told how it went; None while messages are still on their way.
    reported_at: Mapped[datetime | None] = mapped_column(index=True)


class Activity(Base):
    """Something in the buurt: a koffieochtend, a wandeling, a repair café. Gone once it is over."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    buurt_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("buurten.id", ondelete="CASCADE"), index=True)
    organiser_telegram_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(80))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]


class ActivityAttendee(Base):
    """A member who said "Ik kom"."""

    __tablename__ = "activity_attendees"

    activity_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    member_id: Mapped[int] = mapped_column(
        BigIntId,
        ForeignKey("members.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        index=True,
    )
    since: Mapped[datetime]


class BuurtHistoryEvent(Base):
    """Someone became, or stopped being, a member or a helper of a buurt: what /statistiek counts for a
    past period. The member id is wiped when they ask to be forgotten (see `services/history.py`)."""

    __tablename__ = "buurt_history"
    __table_args__ = (Index("ix_buurt_history_buurt_id_at", "buurt_id", "at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    buurt_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("buurten.id", ondelete="CASCADE"))
    # None once they were forgotten: the event still counts, but belongs to nobody.
    member_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[str] = mapped_column(String(8))  # "member" or "helper"
    change: Mapped[str] = mapped_column(String(8))  # "start" or "stop"
    at: Mapped[datetime]


class WatchdogAlarm(Base):
    """One thing the watchdog watches (`outbox`, `inbox`, `telegram`, `leader`, `sweep:<name>`): whether
    the operators were told it is stuck, shared by every instance and kept over a restart, so that each
    raise and each all-clear is told once (`bot/ops/alarms.py`)."""

    __tablename__ = "watchdog_alarms"

    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(8))  # "raised" or "clear"
    # Counts the raises: the outbox dedupe keys of one raise and its all-clear carry it.
    episode: Mapped[int]
    raised_at: Mapped[datetime]
    cleared_at: Mapped[datetime | None]
    # While raised: since when every look found it well again (it clears after a while of that).
    ok_since: Mapped[datetime | None]


class SweepRun(Base):
    """When a scheduled sweep last finished without an error, on any instance."""

    __tablename__ = "sweep_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_at: Mapped[datetime]


class InstanceHeartbeat(Base):
    """The last moment each running instance's own loops were all making progress: a standby reads the
    lease holder's, to speak up when it has gone silent while still holding the lease."""

    __tablename__ = "instance_heartbeats"

    instance: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at: Mapped[datetime]
    leading: Mapped[bool]
