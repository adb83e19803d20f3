"""expense reports, expenses, their history, OCR proposals, mileage scales

Revision ID: 0400_expenses
Revises: 0002_webhooks
"""

import sqlalchemy as sa
from alembic import op

revision = "0400_expenses"
down_revision = "0002_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "expense_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee", sa.String(length=120), nullable=False),
        sa.Column("company", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_expense_reports_employee", "expense_reports", ["employee"])
    op.create_index("ix_expense_reports_state", "expense_reports", ["state"])
    op.create_table(
        "expenses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("expense_reports.id"),
                  nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("merchant", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("amount_incl_tax", sa.Numeric(12, 2), nullable=False),
        sa.Column("amount_excl_tax", sa.Numeric(12, 2), nullable=True),
        sa.Column("vat", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=False),
        sa.Column("receipt_name", sa.String(length=200), nullable=False),
        sa.Column("receipt_type", sa.String(length=80), nullable=False),
        sa.Column("receipt", sa.LargeBinary(), nullable=True),
        sa.Column("ocr_provider", sa.String(length=20), nullable=False),
        sa.Column("trip_from", sa.String(length=300), nullable=False),
        sa.Column("trip_to", sa.String(length=300), nullable=False),
        sa.Column("round_trip", sa.Boolean(), nullable=False),
        sa.Column("distance_km", sa.Numeric(10, 1), nullable=True),
        sa.Column("computed_km", sa.Numeric(10, 1), nullable=True),
        sa.Column("vehicle", sa.String(length=10), nullable=False),
        sa.Column("fiscal_cv", sa.Integer(), nullable=True),
        sa.Column("electric", sa.Boolean(), nullable=False),
        sa.Column("allowance", sa.Numeric(12, 2), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_expenses_report_id", "expenses", ["report_id"])
    op.create_table(
        "expense_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("expense_reports.id"),
                  nullable=False),
        sa.Column("expense_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_expense_history_report_id", "expense_history", ["report_id"])
    op.create_index("ix_expense_history_expense_id", "expense_history", ["expense_id"])
    op.create_table(
        "expense_receipt_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("expense_reports.id"),
                  nullable=False),
        sa.Column("employee", sa.String(length=120), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("reading", sa.JSON(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_expense_receipt_proposals_report_id", "expense_receipt_proposals",
                    ["report_id"])
    op.create_table(
        "mileage_scales",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )


def downgrade() -> None:
    op.drop_table("mileage_scales")
    op.drop_index("ix_expense_receipt_proposals_report_id", "expense_receipt_proposals")
    op.drop_table("expense_receipt_proposals")
    op.drop_index("ix_expense_history_expense_id", "expense_history")
    op.drop_index("ix_expense_history_report_id", "expense_history")
    op.drop_table("expense_history")
    op.drop_index("ix_expenses_report_id", "expenses")
    op.drop_table("expenses")
    op.drop_index("ix_expense_reports_state", "expense_reports")
    op.drop_index("ix_expense_reports_employee", "expense_reports")
    op.drop_table("expense_reports")
