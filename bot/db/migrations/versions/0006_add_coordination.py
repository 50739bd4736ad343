"""Add the audit log of admin actions, buurt groups (/koppel), broadcasts (/omroep) and activities.

Revision ID: 0006_coordination
Revises: 0005_checkins
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import BigIntId, UtcDateTime

revision: str = "0006_coordination"
down_revision: str | None = "0005_checkins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("buurt_id", BigIntId, nullable=True),
        sa.Column("target", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["buurt_id"], ["buurten.id"], name="fk_audit_log_buurt_id_buurten", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_buurt_id", "audit_log", ["buurt_id"])
    op.create_table(
        "buurt_groups",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("buurt_id", BigIntId, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("linked_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buurt_id"], ["buurten.id"], name="fk_buurt_groups_buurt_id_buurten", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("chat_id", name="pk_buurt_groups"),
    )
    op.create_index("ix_buurt_groups_buurt_id", "buurt_groups", ["buurt_id"])
    op.create_table(
        "broadcasts",
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("buurt_id", BigIntId, nullable=False),
        sa.Column("author_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("reported_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["buurt_id"], ["buurten.id"], name="fk_broadcasts_buurt_id_buurten", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_broadcasts"),
    )
    op.create_index("ix_broadcasts_buurt_id", "broadcasts", ["buurt_id"])
    op.create_index("ix_broadcasts_reported_at", "broadcasts", ["reported_at"])
    op.create_table(
        "activities",
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("buurt_id", BigIntId, nullable=False),
        sa.Column("organiser_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("place", sa.String(80), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buurt_id"], ["buurten.id"], name="fk_activities_buurt_id_buurten", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_activities"),
    )
    op.create_index("ix_activities_buurt_id", "activities", ["buurt_id"])
    op.create_index("ix_activities_starts_at", "activities", ["starts_at"])
    op.create_table(
        "activity_attendees",
        sa.Column("activity_id", BigIntId, autoincrement=False, nullable=False),
        sa.Column("member_id", BigIntId, autoincrement=False, nullable=False),
        sa.Column("since", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name="fk_activity_attendees_activity_id_activities",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_activity_attendees_member_id_members", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("activity_id", "member_id", name="pk_activity_attendees"),
    )
    op.create_index("ix_activity_attendees_member_id", "activity_attendees", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_activity_attendees_member_id", table_name="activity_attendees")
    op.drop_table("activity_attendees")
    op.drop_index("ix_activities_starts_at", table_name="activities")
    op.drop_index("ix_activities_buurt_id", table_name="activities")
    op.drop_table("activities")
    op.drop_index("ix_broadcasts_reported_at", table_name="broadcasts")
    op.drop_index("ix_broadcasts_buurt_id", table_name="broadcasts")
    op.drop_table("broadcasts")
    op.drop_index("ix_buurt_groups_buurt_id", table_name="buurt_groups")
    op.drop_table("buurt_groups")
    op.drop_index("ix_audit_log_buurt_id", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
