"""calendar: mailboxes, appointments and their links to Outlook events, history, sync runs;
the core's leases (raccord.core.locks), first needed here

Revision ID: 0500_calendar
Revises: 0002_webhooks
"""

import sqlalchemy as sa
from alembic import op

revision = "0500_calendar"
down_revision = "0002_webhooks"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "calendar_mailboxes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("company", sa.String(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("protocol", sa.String(length=10), nullable=True),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("cursor_at", TZ, nullable=True),
        sa.Column("last_sync_at", TZ, nullable=True),
        sa.Column("last_outcome", sa.String(length=20), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_counts", sa.JSON(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("address"),
    )
    op.create_table(
        "calendar_appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("erp_id", sa.String(length=120), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("mailbox", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("start_at", TZ, nullable=False),
        sa.Column("end_at", TZ, nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("location", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("show_as", sa.String(length=20), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("recurrence", sa.JSON(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("erp_version", sa.Integer(), nullable=False),
        sa.Column("pushed_version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("remote_id", sa.String(length=512), nullable=True),
        sa.Column("change_key", sa.String(length=255), nullable=True),
        sa.Column("ical_uid", sa.String(length=255), nullable=True),
        sa.Column("protocol", sa.String(length=10), nullable=True),
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("create_sent", sa.Boolean(), nullable=False),
        sa.Column("remote_snapshot", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("synced_at", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("erp_id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_index("ix_calendar_appointments_mailbox", "calendar_appointments", ["mailbox"])
    op.create_index("ix_calendar_appointments_state", "calendar_appointments", ["state"])
    op.create_index("ix_calendar_appointments_remote_id", "calendar_appointments",
                    ["remote_id"])
    op.create_table(
        "calendar_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_calendar_history_appointment_id", "calendar_history",
                    ["appointment_id"])
    op.create_table(
        "calendar_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", sa.String(length=254), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("protocol", sa.String(length=10), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.Column("pulled_back", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_calendar_runs_mailbox", "calendar_runs", ["mailbox"])


def downgrade() -> None:
    for table in ("calendar_runs", "calendar_history", "calendar_appointments",
                  "calendar_mailboxes", "leases"):
        op.drop_table(table)
