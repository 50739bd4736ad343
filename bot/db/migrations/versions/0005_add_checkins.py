"""Add gentle check-ins: plans, contacts (maatjes), check-ins with their answers, and alerts.

Revision ID: 0005_checkins
Revises: 0004_help_requests
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import BigIntId, UtcDateTime

revision: str = "0005_checkins"
down_revision: str | None = "0004_help_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _member(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["members.id"], name=f"fk_{table}_{column}_members", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "checkin_plans",
        sa.Column("member_id", BigIntId, autoincrement=False, nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("at_minute", sa.Integer(), nullable=False),
        sa.Column("window_minutes", sa.Integer(), nullable=False),
        sa.Column("quiet_start_minute", sa.Integer(), nullable=False),
        sa.Column("quiet_end_minute", sa.Integer(), nullable=False),
        sa.Column("reminder_after_minutes", sa.Integer(), nullable=False),
        sa.Column("first_alert_after_minutes", sa.Integer(), nullable=False),
        sa.Column("next_alert_after_minutes", sa.Integer(), nullable=False),
        sa.Column("paused_until", UtcDateTime(), nullable=True),
        sa.Column("next_due_at", UtcDateTime(), nullable=False),
        sa.Column("last_phrasing", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _member("member_id", "checkin_plans"),
        sa.PrimaryKeyConstraint("member_id", name="pk_checkin_plans"),
    )
    op.create_index("ix_checkin_plans_next_due_at", "checkin_plans", ["next_due_at"])
    op.create_table(
        "checkin_contacts",
        sa.Column("member_id", BigIntId, autoincrement=False, nullable=False),
        sa.Column("contact_id", BigIntId, autoincrement=False, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("asked_at", UtcDateTime(), nullable=False),
        sa.Column("accepted_at", UtcDateTime(), nullable=True),
        _member("member_id", "checkin_contacts"),
        _member("contact_id", "checkin_contacts"),
        sa.PrimaryKeyConstraint("member_id", "contact_id", name="pk_checkin_contacts"),
    )
    op.create_index("ix_checkin_contacts_contact_id", "checkin_contacts", ["contact_id"])
    op.create_table(
        "checkins",
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("member_id", BigIntId, nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("next_step_at", UtcDateTime(), nullable=True),
        sa.Column("mood", sa.String(16), nullable=True),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
        _member("member_id", "checkins"),
        sa.PrimaryKeyConstraint("id", name="pk_checkins"),
        sa.UniqueConstraint("member_id", "due_at", name="uq_checkins_member_id_due_at"),
    )
    op.create_index("ix_checkins_status_next_step_at", "checkins", ["status", "next_step_at"])
    op.create_table(
        "checkin_alerts",
        sa.Column("checkin_id", BigIntId, autoincrement=False, nullable=False),
        sa.Column("contact_id", BigIntId, autoincrement=False, nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("alerted_at", UtcDateTime(), nullable=False),
        sa.Column("response", sa.String(16), nullable=True),
        sa.Column("responded_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["checkin_id"], ["checkins.id"], name="fk_checkin_alerts_checkin_id_checkins", ondelete="CASCADE"
        ),
        _member("contact_id", "checkin_alerts"),
        sa.PrimaryKeyConstraint("checkin_id", "contact_id", name="pk_checkin_alerts"),
    )
    op.create_index("ix_checkin_alerts_contact_id", "checkin_alerts", ["contact_id"])


def downgrade() -> None:
    op.drop_index("ix_checkin_alerts_contact_id", table_name="checkin_alerts")
    op.drop_table("checkin_alerts")
    op.drop_index("ix_checkins_status_next_step_at", table_name="checkins")
    op.drop_table("checkins")
    op.drop_index("ix_checkin_contacts_contact_id", table_name="checkin_contacts")
    op.drop_table("checkin_contacts")
    op.drop_index("ix_checkin_plans_next_due_at", table_name="checkin_plans")
    op.drop_table("checkin_plans")
