"""Add the buurt history: when someone started or stopped being a member or a helper of a buurt, so
that /statistiek and /export count past periods as they were (see bot/services/history.py).

Backfill: who is an active member now gets a start at their first contact with the bot; who offers
help now gets a helper start at that same moment. Nothing older is known: people who already left are
not in it.

Revision ID: 0009_history
Revises: 0008_digest
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import BigIntId, UtcDateTime

revision: str = "0009_history"
down_revision: str | None = "0008_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "buurt_history",
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("buurt_id", BigIntId, nullable=False),
        sa.Column("member_id", BigIntId, nullable=True),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("change", sa.String(8), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buurt_id"], ["buurten.id"], name="fk_buurt_history_buurt_id_buurten", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_buurt_history_member_id_members", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_buurt_history"),
    )
    op.create_index("ix_buurt_history_buurt_id_at", "buurt_history", ["buurt_id", "at"])
    op.create_index("ix_buurt_history_member_id", "buurt_history", ["member_id"])
    op.execute(
        "INSERT INTO buurt_history (buurt_id, member_id, role, change, at) "
        "SELECT buurt_id, id, 'member', 'start', joined_at FROM members "
        "WHERE membership = 'active' AND buurt_id IS NOT NULL "
        "ORDER BY joined_at, id"
    )
    op.execute(
        "INSERT INTO buurt_history (buurt_id, member_id, role, change, at) "
        "SELECT m.buurt_id, m.id, 'helper', 'start', m.joined_at "
        "FROM members m JOIN helper_offers o ON o.member_id = m.id "
        "WHERE m.membership = 'active' AND m.buurt_id IS NOT NULL "
        "ORDER BY m.joined_at, m.id"
    )


def downgrade() -> None:
    op.drop_index("ix_buurt_history_member_id", table_name="buurt_history")
    op.drop_index("ix_buurt_history_buurt_id_at", table_name="buurt_history")
    op.drop_table("buurt_history")
