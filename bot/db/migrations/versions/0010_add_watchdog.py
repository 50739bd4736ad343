"""Add what the watchdog keeps: the alarms the operators were told about (one row per thing watched),
when each scheduled sweep last finished, and each instance's heartbeat (see bot/ops/).

Revision ID: 0010_watchdog
Revises: 0009_history
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UtcDateTime

revision: str = "0010_watchdog"
down_revision: str | None = "0009_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "watchdog_alarms",
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("raised_at", UtcDateTime(), nullable=False),
        sa.Column("cleared_at", UtcDateTime(), nullable=True),
        sa.Column("ok_since", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("kind", name="pk_watchdog_alarms"),
    )
    op.create_table(
        "sweep_runs",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("last_run_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_sweep_runs"),
    )
    op.create_table(
        "instance_heartbeats",
        sa.Column("instance", sa.String(64), nullable=False),
        sa.Column("beat_at", UtcDateTime(), nullable=False),
        sa.Column("leading", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("instance", name="pk_instance_heartbeats"),
    )


def downgrade() -> None:
    op.drop_table("instance_heartbeats")
    op.drop_table("sweep_runs")
    op.drop_table("watchdog_alarms")
