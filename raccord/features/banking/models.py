"""Tables of the banking feature: the banks (Bridge items) and their accounts, the
intermediate table of transactions (one row per Bridge transaction, its changes kept), the
statements made from it (immutable once generated) and each run's execution log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from raccord.core.models import Base, utcnow


class BankItem(Base):
    """A bank connected by its holder through Bridge (a Bridge "item")."""

    __tablename__ = "bank_items"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    provider_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    provider_name: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(30), default="ok")
    status_code: Mapped[int] = mapped_column(Integer, default=0)
    status_info: Mapped[str] = mapped_column(String(200), default="")
    last_refresh: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The state the log address was last told about (told again only when it changes).
    alerted_state: Mapped[str] = mapped_column(String(30), default="ok")
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BankAccount(Base):
    __tablename__ = "bank_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bridge_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    item_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    iban: Mapped[str] = mapped_column(String(40), default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    type: Mapped[str] = mapped_column(String(40), default="")
    company_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    journal_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bridge's balance and when raccord read it.
    balance_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    balance_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The last `updated_at` of a transaction stored: the next fetch asks Bridge from there.
    cursor: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_fetch_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                           nullable=True)
    last_error: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    # Automatic statements start here (the day the account was first seen).
    statements_from: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BankTransaction(Base):
    """The intermediate table: one row per Bridge transaction of an account."""

    __tablename__ = "bank_transactions"
    __table_args__ = (UniqueConstraint("account_id", "bridge_id"),
                      Index("ix_bank_transactions_open", "account_id", "statement_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("bank_accounts.id"))
    bridge_id: Mapped[int] = mapped_column(BigInteger)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # Bridge's `date` (always filled: the booking date, or the transaction date while pending).
    tx_date: Mapped[date] = mapped_column("date", Date, index=True)
    booking_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    value_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    label: Mapped[str] = mapped_column(Text, default="")
    bank_label: Mapped[str] = mapped_column(Text, default="")
    operation_type: Mapped[str] = mapped_column(String(40), default="")
    future: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    bridge_updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The statement that booked it (one only), and the amount statements carry for it so far
    # (a later change is carried by a correction line in the next statement).
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("bank_statements.id"),
                                                     nullable=True)
    stated_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # Booked before the account's first statement: part of that statement's opening balance.
    opening: Mapped[bool] = mapped_column(Boolean, default=False)


class BankTransactionChange(Base):
    __tablename__ = "bank_transaction_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("bank_transactions.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # "updated", "deleted", "booked", "restored"
    kind: Mapped[str] = mapped_column(String(20))
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)


class BankStatement(Base):
    __tablename__ = "bank_statements"
    __table_args__ = (UniqueConstraint("account_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("bank_accounts.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    opening_cents: Mapped[int] = mapped_column(BigInteger)
    closing_cents: Mapped[int] = mapped_column(BigInteger)
    credit_cents: Mapped[int] = mapped_column(BigInteger)
    debit_cents: Mapped[int] = mapped_column(BigInteger)
    line_count: Mapped[int] = mapped_column(Integer)
    bridge_balance_cents: Mapped[int] = mapped_column(BigInteger)
    bridge_balance_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                               nullable=True)
    expected_closing_cents: Mapped[int] = mapped_column(BigInteger)
    difference_cents: Mapped[int] = mapped_column(BigInteger)
    # Why the closing balance and Bridge's differ, part by part: [{"fr", "en", "cents"}].
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class BankStatementLine(Base):
    __tablename__ = "bank_statement_lines"
    __table_args__ = (UniqueConstraint("statement_id", "transaction_id", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statements.id"), index=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("bank_transactions.id"))
    # "booked" (the transaction itself) or "correction" (a change after it was stated).
    kind: Mapped[str] = mapped_column(String(20))
    bridge_id: Mapped[int] = mapped_column(BigInteger)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    booking_date: Mapped[date] = mapped_column(Date)
    value_date: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(Text)
    bank_label: Mapped[str] = mapped_column(Text, default="")
    operation_type: Mapped[str] = mapped_column(String(40), default="")


class BankRun(Base):
    """One fetch run and its execution log, mailed to the log address."""

    __tablename__ = "bank_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trigger: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # [{"account", "fr", "en", "todo_fr", "todo_en"}]
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    log_fr: Mapped[str] = mapped_column(Text, default="")
    log_en: Mapped[str] = mapped_column(Text, default="")
    # "queued" (handed to the mail service), "no_address" (bank.log_email empty).
    mail_state: Mapped[str] = mapped_column(String(20), default="")
    mail_to: Mapped[str] = mapped_column(String(200), default="")


class StatementIsImmutable(Exception):
    pass


@event.listens_for(BankStatement, "before_update")
@event.listens_for(BankStatementLine, "before_update")
@event.listens_for(BankStatement, "before_delete")
@event.listens_for(BankStatementLine, "before_delete")
def _refuse_changes(_mapper: Any, _connection: Any, target: Any) -> None:
    raise StatementIsImmutable(f"statement data cannot change once generated ({target!r})")
