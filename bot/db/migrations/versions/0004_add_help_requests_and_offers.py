"""Add help requests, helper offers, the helpers asked, relayed messages and reports.

Revision ID: 0004_help_requests
Revises: 0003_membership
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import BigIntId, UtcDateTime

revision: str = "0004_help_requests"
down_revision: str | None = "0003_membership"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    target_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=f"fk_{table}_{column}_{target_table}", ondelete=ondelete
    )


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("offer_nudged_at", UtcDateTime(), nullable=True))

    op.create_table(
        "help_requests",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("buurt_id", BigIntId, nullable=False),
        sa.Column("requester_id", BigIntId, nullable=False),
        sa.Column("on_behalf_of", sa.String(40), nullable=True),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("text", sa.String(500), nullable=True),
        sa.Column("voice_file_id", sa.String(200), nullable=True),
        sa.Column("voice_seconds", sa.Integer(), nullable=True),
        sa.Column("when", sa.String(16), nullable=False),
        sa.Column("wanted_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("helper_id", BigIntId, nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("round_deadline", UtcDateTime(), nullable=True),
        sa.Column("escalated_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("matched_at", UtcDateTime(), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("expiry_warned_at", UtcDateTime(), nullable=True),
        sa.Column("follow_up_at", UtcDateTime(), nullable=True),
        sa.Column("thanks", sa.String(300), nullable=True),
        sa.Column("thanks_public", sa.Boolean(), nullable=False),
        _fk("help_requests", "buurt_id", "buurten.id", "CASCADE"),
        _fk("help_requests", "requester_id", "members.id", "CASCADE"),
        _fk("help_requests", "helper_id", "members.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_help_requests"),
    )
    op.create_index("ix_help_requests_buurt_id_status_id", "help_requests", ["buurt_id", "status", "id"])
    op.create_index(
        "ix_help_requests_requester_id_created_at", "help_requests", ["requester_id", "created_at"]
    )
    op.create_index("ix_help_requests_status_round_deadline", "help_requests", ["status", "round_deadline"])
    op.create_index("ix_help_requests_follow_up_at", "help_requests", ["follow_up_at"])

    op.create_table(
        "helper_offers",
        sa.Column("member_id", BigIntId, autoincrement=False, nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("day_parts", sa.Integer(), nullable=False),
        sa.Column("max_per_week", sa.Integer(), nullable=False),
        sa.Column("quiet_start", sa.Integer(), nullable=False),
        sa.Column("quiet_end", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("last_asked_at", UtcDateTime(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        _fk("helper_offers", "member_id", "members.id", "CASCADE"),
        sa.PrimaryKeyConstraint("member_id", name="pk_helper_offers"),
    )
    op.create_table(
        "helper_categories",
        sa.Column("member_id", BigIntId, autoincrement=False, nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("buurt_id", BigIntId, nullable=False),
        _fk("helper_categories", "member_id", "helper_offers.member_id", "CASCADE"),
        _fk("helper_categories", "buurt_id", "buurten.id", "CASCADE"),
        sa.PrimaryKeyConstraint("member_id", "category", name="pk_helper_categories"),
    )
    op.create_index("ix_helper_categories_buurt_id_category", "helper_categories", ["buurt_id", "category"])

    op.create_table(
        "help_invitations",
        sa.Column("request_id", BigIntId, autoincrement=False, nullable=False),
        sa.Column("helper_id", BigIntId, autoincrement=False, nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("asked_at", UtcDateTime(), nullable=False),
        sa.Column("answer", sa.String(16), nullable=False),
        _fk("help_invitations", "request_id", "help_requests.id", "CASCADE"),
        _fk("help_invitations", "helper_id", "members.id", "CASCADE"),
        sa.PrimaryKeyConstraint("request_id", "helper_id", name="pk_help_invitations"),
    )
    op.create_index("ix_help_invitations_helper_id_asked_at", "help_invitations", ["helper_id", "asked_at"])

    op.create_table(
        "relayed_messages",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("request_id", BigIntId, nullable=False),
        sa.Column("sender_id", BigIntId, nullable=False),
        sa.Column("source_message_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _fk("relayed_messages", "request_id", "help_requests.id", "CASCADE"),
        _fk("relayed_messages", "sender_id", "members.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_relayed_messages"),
    )
    op.create_index("ix_relayed_messages_request_id", "relayed_messages", ["request_id"])
    op.create_index(
        "ix_relayed_messages_sender_id_created_at", "relayed_messages", ["sender_id", "created_at"]
    )

    op.create_table(
        "reports",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("buurt_id", BigIntId, nullable=False),
        sa.Column("relayed_message_id", BigIntId, nullable=True),
        sa.Column("reporter_id", BigIntId, nullable=True),
        sa.Column("reported_id", BigIntId, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _fk("reports", "buurt_id", "buurten.id", "CASCADE"),
        _fk("reports", "relayed_message_id", "relayed_messages.id", "SET NULL"),
        _fk("reports", "reporter_id", "members.id", "SET NULL"),
        _fk("reports", "reported_id", "members.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
    )
    op.create_index("ix_reports_buurt_id", "reports", ["buurt_id"])


def downgrade() -> None:
    op.drop_index("ix_reports_buurt_id", table_name="reports")
    op.drop_table("reports")
    op.drop_index("ix_relayed_messages_sender_id_created_at", table_name="relayed_messages")
    op.drop_index("ix_relayed_messages_request_id", table_name="relayed_messages")
    op.drop_table("relayed_messages")
    op.drop_index("ix_help_invitations_helper_id_asked_at", table_name="help_invitations")
    op.drop_table("help_invitations")
    op.drop_index("ix_helper_categories_buurt_id_category", table_name="helper_categories")
    op.drop_table("helper_categories")
    op.drop_table("helper_offers")
    for index in (
        "ix_help_requests_follow_up_at",
        "ix_help_requests_status_round_deadline",
        "ix_help_requests_requester_id_created_at",
        "ix_help_requests_buurt_id_status_id",
    ):
        op.drop_index(index, table_name="help_requests")
    op.drop_table("help_requests")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("offer_nudged_at")
