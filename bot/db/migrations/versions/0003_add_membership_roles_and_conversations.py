"""Add membership details to members, coordinator roles, and conversations kept across restarts.

Revision ID: 0003_membership
Revises: 0002_buurten
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import BigIntId, UtcDateTime

revision: str = "0003_membership"
down_revision: str | None = "0002_buurten"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("membership", sa.String(16), nullable=False, server_default="none"))
        batch.add_column(sa.Column("display_name", sa.String(40), nullable=True))
        batch.add_column(sa.Column("consent_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("paused_since", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("paused_until", UtcDateTime(), nullable=True))
    # The default only filled existing rows; from now on the application always sets it.
    with op.batch_alter_table("members") as batch:
        batch.alter_column("membership", server_default=None)
    op.create_table(
        "buurt_roles",
        sa.Column("member_id", BigIntId, nullable=False),
        sa.Column("buurt_id", BigIntId, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("granted_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_buurt_roles_member_id_members", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["buurt_id"], ["buurten.id"], name="fk_buurt_roles_buurt_id_buurten", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("member_id", "buurt_id", "role", name="pk_buurt_roles"),
    )
    op.create_index("ix_buurt_roles_buurt_id", "buurt_roles", ["buurt_id"])
    op.create_table(
        "conversations",
        sa.Column("telegram_user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("flow", sa.String(32), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("telegram_user_id", name="pk_conversations"),
    )
    op.create_index("ix_conversations_updated_at", "conversations", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_conversations_updated_at", table_name="conversations")
    op.drop_table("conversations")
    op.drop_index("ix_buurt_roles_buurt_id", table_name="buurt_roles")
    op.drop_table("buurt_roles")
    with op.batch_alter_table("members") as batch:
        for column in ("paused_until", "paused_since", "consent_at", "display_name", "membership"):
            batch.drop_column(column)
