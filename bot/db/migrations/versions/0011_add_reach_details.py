"""Add the ways a member who relies on check-ins may be reached (phone, address, a free line), kept only
by their consent and shown only in an alert about them (see bot/services/checkins/reach.py).

Revision ID: 0011_reach
Revises: 0010_watchdog
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import BigIntId, UtcDateTime

revision: str = "0011_reach"
down_revision: str | None = "0010_watchdog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reach_details",
        sa.Column("member_id", BigIntId, nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("address", sa.String(120), nullable=True),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_reach_details_member_id_members", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("member_id", name="pk_reach_details"),
    )


def downgrade() -> None:
    op.drop_table("reach_details")
