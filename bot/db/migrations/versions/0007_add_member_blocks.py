"""Add blocks: a coordinator can block a member, with a reason they are told.

Revision ID: 0007_blocks
Revises: 0006_coordination
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UtcDateTime

revision: str = "0007_blocks"
down_revision: str | None = "0006_coordination"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("blocked_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("blocked_reason", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("blocked_reason")
        batch.drop_column("blocked_at")
