"""What the API, the CLI and the console show: accounts, transactions, statements as plain
dictionaries (amounts as decimal strings and in cents), and statement files."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from raccord.core.models import aware, utcnow
from raccord.features.banking.exports import (
    MEDIA,
    Format,
    StatementFile,
    camt053,
    cfonb120,
    ofx,
)
from raccord.features.banking.models import (
    BankAccount,
    BankItem,
    BankStatement,
    BankStatementLine,
    BankTransaction,
)
from raccord.features.banking.statements import statement_lines
from raccord.interfaces.bank.records import HOLDER_NEEDED, STATE_TEXTS, ItemState

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def decimal(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def _when(value: Any) -> str | None:
    return aware(value).isoformat() if value is not None else None


def item_view(row: BankItem, lang: str) -> dict[str, Any]:
    state = ItemState(row.state) if row.state in ItemState.__members__.values() \
        else ItemState.FAILED
    return {"id": row.id, "bank": row.provider_name or str(row.provider_id or ""),
            "state": row.state, "state_text": STATE_TEXTS[state](lang),
            "needs_holder": state in HOLDER_NEEDED,
            "status_code": row.status_code, "last_refresh": _when(row.last_refresh),
            "removed": row.removed}


def account_view(row: BankAccount, lang: str, unstated: int = 0) -> dict[str, Any]:
    error = row.last_error or None
    return {"id": row.id, "bridge_id": row.bridge_id, "item_id": row.item_id,
            "name": row.name, "iban": row.iban, "currency": row.currency,
            "company": row.company_code, "journal": row.journal_code, "paused": row.paused,
            "removed": row.removed, "balance": decimal(row.balance_cents),
            "balance_cents": row.balance_cents, "balance_at": _when(row.balance_at),
            "cursor": _when(row.cursor), "last_fetch_at": _when(row.last_fetch_at),
            "last_error": (error.get(lang) or error.get("en")) if error else None,
            "statements_from": row.statements_from.isoformat(), "unstated": unstated}


def items(hub: Hub) -> list[BankItem]:
    with hub.db.session() as session:
        return list(session.scalars(select(BankItem).order_by(BankItem.id)))


def accounts(hub: Hub) -> list[tuple[BankAccount, int]]:
    with hub.db.session() as session:
        counts = dict(session.execute(
            select(BankTransaction.account_id, func.count(BankTransaction.id)).where(
                BankTransaction.statement_id.is_(None), BankTransaction.opening.is_(False),
                BankTransaction.deleted.is_(False), BankTransaction.future.is_(False))
            .group_by(BankTransaction.account_id)).all())
        rows = list(session.scalars(select(BankAccount).order_by(BankAccount.id)))
        return [(row, int(counts.get(row.id, 0))) for row in rows]


def transaction_view(row: BankTransaction) -> dict[str, Any]:
    return {"id": row.id, "account_id": row.account_id, "bridge_id": row.bridge_id,
            "amount": decimal(row.amount_cents), "amount_cents": row.amount_cents,
            "currency": row.currency, "date": row.tx_date.isoformat(),
            "booking_date": row.booking_date.isoformat() if row.booking_date else None,
            "value_date": row.value_date.isoformat() if row.value_date else None,
            "label": row.label, "bank_label": row.bank_label,
            "operation_type": row.operation_type,
            "status": "deleted" if row.deleted else ("pending" if row.future else "booked"),
            "version": row.version, "statement_id": row.statement_id,
            "in_opening_balance": row.opening, "updated_at": _when(row.bridge_updated_at)}


def transactions(hub: Hub, account_id: int | None = None, status: str = "",
                 since: date | None = None, until: date | None = None, unstated: bool = False,
                 text: str = "", limit: int = 200, offset: int = 0) -> list[BankTransaction]:
    query = select(BankTransaction)
    if account_id is not None:
        query = query.where(BankTransaction.account_id == account_id)
    if status == "deleted":
        query = query.where(BankTransaction.deleted.is_(True))
    elif status == "pending":
        query = query.where(BankTransaction.future.is_(True), BankTransaction.deleted.is_(False))
    elif status == "booked":
        query = query.where(BankTransaction.future.is_(False),
                            BankTransaction.deleted.is_(False))
    if since is not None:
        query = query.where(BankTransaction.tx_date >= since)
    if until is not None:
        query = query.where(BankTransaction.tx_date <= until)
    if unstated:
        query = query.where(BankTransaction.statement_id.is_(None),
                            BankTransaction.opening.is_(False))
    if text:
        query = query.where(BankTransaction.label.ilike(f"%{text}%"))
    query = query.order_by(BankTransaction.tx_date.desc(), BankTransaction.id.desc())
    with hub.db.session() as session:
        return list(session.scalars(query.limit(max(1, min(limit, 5000))).offset(offset)))


def statement_view(row: BankStatement, lang: str) -> dict[str, Any]:
    return {"id": row.id, "account_id": row.account_id, "number": row.number,
            "period": row.period, "from": row.period_start.isoformat(),
            "to": row.period_end.isoformat(), "currency": row.currency,
            "opening_balance": decimal(row.opening_cents),
            "closing_balance": decimal(row.closing_cents),
            "credits": decimal(row.credit_cents), "debits": decimal(row.debit_cents),
            "lines": row.line_count, "bridge_balance": decimal(row.bridge_balance_cents),
            "bridge_balance_at": _when(row.bridge_balance_at),
            "expected_closing_balance": decimal(row.expected_closing_cents),
            "difference": decimal(row.difference_cents),
            "explanation": [{"text": part.get(lang) or part.get("en"),
                             "amount": decimal(int(part.get("cents", 0)))}
                            for part in row.explanation],
            "created_at": _when(row.created_at), "created_by": row.created_by}


def line_view(line: BankStatementLine) -> dict[str, Any]:
    return {"id": line.id, "kind": line.kind, "transaction_id": line.transaction_id,
            "bridge_id": line.bridge_id, "amount": decimal(line.amount_cents),
            "amount_cents": line.amount_cents, "booking_date": line.booking_date.isoformat(),
            "value_date": line.value_date.isoformat(), "label": line.label,
            "bank_label": line.bank_label, "operation_type": line.operation_type}


def statements(hub: Hub, account_id: int | None = None, limit: int = 200
               ) -> list[BankStatement]:
    query = select(BankStatement).order_by(BankStatement.id.desc())
    if account_id is not None:
        query = query.where(BankStatement.account_id == account_id)
    with hub.db.session() as session:
        return list(session.scalars(query.limit(limit)))


def statement_file(hub: Hub, statement_id: int) -> StatementFile:
    statement, lines = statement_lines(hub, statement_id)
    with hub.db.session() as session:
        account = session.get(BankAccount, statement.account_id)
        assert account is not None
    company = hub.accounts.company(account.company_code) if account.company_code else None
    holder = company.name if company is not None else ""
    return StatementFile(statement, lines, account, holder, "", statement.created_at
                         if statement.created_at is not None else utcnow())


def export(hub: Hub, statement_id: int, fmt: Format, lang: str = "en") -> bytes:
    data = statement_file(hub, statement_id)
    if fmt is Format.CAMT053:
        return camt053.render(data)
    if fmt is Format.CFONB120:
        return cfonb120.render(data)
    if fmt is Format.OFX:
        return ofx.render(data)
    return json.dumps({**statement_view(data.statement, lang),
                       "account": account_view(data.account, lang),
                       "entries": [line_view(x) for x in data.lines]},
                      ensure_ascii=False, indent=2).encode()


def file_name(statement_id: int, fmt: Format) -> str:
    return f"releve-{statement_id}.{MEDIA[fmt][1]}"
