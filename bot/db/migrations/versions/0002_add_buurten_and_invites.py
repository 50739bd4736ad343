"""Add buurten with their postcodes and invite codes, a member's buurt, and facts the bot keeps about itself.

Revision ID: 0002_buurten
Revises: 0001_foundation
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import BigIntId, UtcDateTime

revision: str = "0002_buurten"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "buurten",
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("join_policy", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_buurten"),
        sa.UniqueConstraint("name", name="uq_buurten_name"),
    )
    op.create_table(
        "buurt_postcodes",
        sa.Column("buurt_id", BigIntId, autoincrement=False, nullable=False),
        sa.Column("pc4", sa.String(4), nullable=False),
        sa.ForeignKeyConstraint(
            ["buurt_id"], ["buurten.id"], name="fk_buurt_postcodes_buurt_id_buurten", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("buurt_id", "pc4", name="pk_buurt_postcodes"),
    )
    op.create_index("ix_buurt_postcodes_pc4", "buurt_postcodes", ["pc4"])
    op.create_table(
        "invite_codes",
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("buurt_id", BigIntId, nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=True),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buurt_id"], ["buurten.id"], name="fk_invite_codes_buurt_id_buurten", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_invite_codes"),
        sa.UniqueConstraint("code", name="uq_invite_codes_code"),
    )
    op.create_index("ix_invite_codes_buurt_id", "invite_codes", ["buurt_id"])
    # SQLite cannot add a foreign key to an existing table; batch mode rebuilds the table there
    # (on PostgreSQL it is a plain ALTER TABLE).
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("buurt_id", BigIntId, nullable=True))
        batch.create_foreign_key(
            "fk_members_buurt_id_buurten", "buurten", ["buurt_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_members_buurt_id", ["buurt_id"])
    op.create_table(
        "bot_facts",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(256), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_bot_facts"),
    )


def downgrade() -> None:
    op.drop_table("bot_facts")
    with op.batch_alter_table("members") as batch:
        batch.drop_index("ix_members_buurt_id")
        batch.drop_constraint("fk_members_buurt_id_buurten", type_="foreignkey")
        batch.drop_column("buurt_id")
    op.drop_index("ix_invite_codes_buurt_id", table_name="invite_codes")
    op.drop_table("invite_codes")
    op.drop_index("ix_buurt_postcodes_pc4", table_name="buurt_postcodes")
    op.drop_table("buurt_postcodes")
    op.drop_table("buurten")
