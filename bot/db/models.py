"""The database schema as typed SQLAlchemy models. Change it only together with a migration."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.db.types import BigIntId, UtcDateTime

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
