"""banking: banks and accounts, the intermediate table of transactions, statements, run logs

Revision ID: 0700_banking
Revises: 0002_webhooks
"""

import sqlalchemy as sa
from alembic import op

revision = "0700_banking"
down_revision = "0002_webhooks"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bank_items",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("provider_name", sa.String(200), nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("status_info", sa.String(200), nullable=False),
        sa.Column("last_refresh", TZ, nullable=True),
        sa.Column("alerted_state", sa.String(30), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("seen_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "bank_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bridge_id", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("iban", sa.String(40), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("company_code", sa.String(40), nullable=True),
        sa.Column("journal_code", sa.String(20), nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("balance_cents", sa.BigInteger(), nullable=False),
        sa.Column("balance_at", TZ, nullable=True),
        sa.Column("cursor", TZ, nullable=True),
        sa.Column("last_fetch_at", TZ, nullable=True),
        sa.Column("last_error", sa.JSON(), nullable=True),
        sa.Column("statements_from", sa.Date(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bridge_id"),
    )
    op.create_index("ix_bank_accounts_item_id", "bank_accounts", ["item_id"])
    op.create_table(
        "bank_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("bank_accounts.id"),
                  nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("opening_cents", sa.BigInteger(), nullable=False),
        sa.Column("closing_cents", sa.BigInteger(), nullable=False),
        sa.Column("credit_cents", sa.BigInteger(), nullable=False),
        sa.Column("debit_cents", sa.BigInteger(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("bridge_balance_cents", sa.BigInteger(), nullable=False),
        sa.Column("bridge_balance_at", TZ, nullable=True),
        sa.Column("expected_closing_cents", sa.BigInteger(), nullable=False),
        sa.Column("difference_cents", sa.BigInteger(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "number"),
    )
    op.create_index("ix_bank_statements_account_id", "bank_statements", ["account_id"])
    op.create_table(
        "bank_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("bank_accounts.id"),
                  nullable=False),
        sa.Column("bridge_id", sa.BigInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("booking_date", sa.Date(), nullable=True),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("bank_label", sa.Text(), nullable=False),
        sa.Column("operation_type", sa.String(40), nullable=False),
        sa.Column("future", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("bridge_updated_at", TZ, nullable=False),
        sa.Column("first_seen_at", TZ, nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), sa.ForeignKey("bank_statements.id"),
                  nullable=True),
        sa.Column("stated_cents", sa.BigInteger(), nullable=False),
        sa.Column("opening", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "bridge_id"),
    )
    op.create_index("ix_bank_transactions_open", "bank_transactions",
                    ["account_id", "statement_id"])
    op.create_index("ix_bank_transactions_date", "bank_transactions", ["date"])
    op.create_table(
        "bank_transaction_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), sa.ForeignKey("bank_transactions.id"),
                  nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bank_transaction_changes_transaction_id", "bank_transaction_changes",
                    ["transaction_id"])
    op.create_table(
        "bank_statement_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), sa.ForeignKey("bank_statements.id"),
                  nullable=False),
        sa.Column("transaction_id", sa.Integer(), sa.ForeignKey("bank_transactions.id"),
                  nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("bridge_id", sa.BigInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("booking_date", sa.Date(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("bank_label", sa.Text(), nullable=False),
        sa.Column("operation_type", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("statement_id", "transaction_id", "kind"),
    )
    op.create_index("ix_bank_statement_lines_statement_id", "bank_statement_lines",
                    ["statement_id"])
    op.create_table(
        "bank_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("log_fr", sa.Text(), nullable=False),
        sa.Column("log_en", sa.Text(), nullable=False),
        sa.Column("mail_state", sa.String(20), nullable=False),
        sa.Column("mail_to", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    for table in ("bank_runs", "bank_statement_lines", "bank_transaction_changes",
                  "bank_transactions", "bank_statements", "bank_accounts", "bank_items"):
        op.drop_table(table)
