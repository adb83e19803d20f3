"""interfaces' status changes (since when up or down), and the probe's last run per interface

Revision ID: 0400_status_history
Revises: 0002_webhooks
"""

import sqlalchemy as sa
from alembic import op

revision = "0400_status_history"
down_revision = "0002_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interface_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interface", sa.String(length=40), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_interface_status_changes_interface", "interface_status_changes",
                    ["interface", "id"])
    op.create_table(
        "probe_runs",
        sa.Column("interface", sa.String(length=40), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("interface"),
    )


def downgrade() -> None:
    op.drop_table("probe_runs")
    op.drop_table("interface_status_changes")
