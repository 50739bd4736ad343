"""Add the weekly digest: each buurt's digest moment, the week each group last got one, and the
personal digest a member can choose.

Revision ID: 0008_digest
Revises: 0007_blocks
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_digest"
down_revision: str | None = "0007_blocks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing buurten get the default moment: Monday (0) at 10:00 (600 minutes after midnight).
    with op.batch_alter_table("buurten") as batch:
        batch.add_column(sa.Column("digest_weekday", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("digest_minute", sa.Integer(), nullable=False, server_default="600"))
    with op.batch_alter_table("buurten") as batch:
        batch.alter_column("digest_weekday", server_default=None)
        batch.alter_column("digest_minute", server_default=None)
    with op.batch_alter_table("buurt_groups") as batch:
        batch.add_column(sa.Column("digest_week", sa.String(10), nullable=True))
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("weekly_digest", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("digest_week", sa.String(10), nullable=True))
    with op.batch_alter_table("members") as batch:
        batch.alter_column("weekly_digest", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("digest_week")
        batch.drop_column("weekly_digest")
    with op.batch_alter_table("buurt_groups") as batch:
        batch.drop_column("digest_week")
    with op.batch_alter_table("buurten") as batch:
        batch.drop_column("digest_minute")
        batch.drop_column("digest_weekday")
