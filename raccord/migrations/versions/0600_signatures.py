"""signature requests, their history and the follow-up's cursor

Revision ID: 0600_signatures
Revises: 0002_webhooks
"""

import sqlalchemy as sa
from alembic import op

revision = "0600_signatures"
down_revision = "0002_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signature_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("company_code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("signers", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("ordered", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("attempt_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("transaction_id", sa.String(length=60), nullable=True),
        sa.Column("universign_state", sa.String(length=20), nullable=True),
        sa.Column("signed_by", sa.JSON(), nullable=False),
        sa.Column("refusal", sa.JSON(), nullable=True),
        sa.Column("reason", sa.JSON(), nullable=True),
        sa.Column("signed_content", sa.LargeBinary(), nullable=True),
        sa.Column("attestation", sa.LargeBinary(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_index("ix_signature_requests_company_code", "signature_requests",
                    ["company_code"])
    op.create_index("ix_signature_requests_reference", "signature_requests", ["reference"])
    op.create_index("ix_signature_requests_state", "signature_requests", ["state"])
    op.create_index("ix_signature_requests_transaction_id", "signature_requests",
                    ["transaction_id"])
    op.create_index("ix_signature_requests_created_at", "signature_requests", ["created_at"])
    op.create_table(
        "signature_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("message", sa.JSON(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["signature_requests.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signature_events_request_id", "signature_events", ["request_id"])
    op.create_table(
        "signature_cursor",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("signature_cursor")
    op.drop_index("ix_signature_events_request_id", table_name="signature_events")
    op.drop_table("signature_events")
    for column in ("created_at", "transaction_id", "state", "reference", "company_code"):
        op.drop_index(f"ix_signature_requests_{column}", table_name="signature_requests")
    op.drop_table("signature_requests")
