"""Statements made from the intermediate table, by the technical user.

A statement covers the days after the previous one up to its end: its opening balance is the
previous closing balance (the first one's is Bridge's balance less what was booked since its
first day), its lines are the booked transactions not yet in a statement (a late one dated
earlier comes in the next statement), plus a correction line for every transaction changed
or deleted after it was stated. The closing balance is compared with what Bridge's balance
says it should be; a difference is kept with its explanation. A transaction is booked in one
statement only (a conditional update), and a statement never changes once written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, insert, select, update

from raccord.core.formats import day, moment, money
from raccord.core.i18n import Tr
from raccord.core.models import aware
from raccord.features.banking.bridge import BankRefusal
from raccord.features.banking.models import (
    BankAccount,
    BankStatement,
    BankStatementLine,
    BankTransaction,
)
from raccord.features.banking.periods import Period, bounds

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from raccord.core.hub import Hub


def euros(cents: int, lang: str = "fr") -> str:
    """`1 234,56 €` / `€1,234.56`."""
    return money(Decimal(cents) / 100, "EUR", lang)


def _moment(value: datetime | None, lang: str) -> str:
    return moment(aware(value), lang) if value is not None else "?"


@dataclass(frozen=True)
class Request:
    account_id: int
    period: Period
    on: date  # a day of the period (since_last: its last day)


def _last(session: Session, account_id: int) -> BankStatement | None:
    return session.scalar(select(BankStatement).where(BankStatement.account_id == account_id)
                          .order_by(BankStatement.number.desc()).limit(1))


def _booked_sum(session: Session, account_id: int, after: date | None = None,
                from_day: date | None = None) -> int:
    query = select(func.coalesce(func.sum(BankTransaction.amount_cents), 0)).where(
        BankTransaction.account_id == account_id, BankTransaction.deleted.is_(False),
        BankTransaction.future.is_(False))
    if after is not None:
        query = query.where(BankTransaction.tx_date > after)
    if from_day is not None:
        query = query.where(BankTransaction.tx_date >= from_day)
    return int(session.scalar(query) or 0)


def generate(hub: Hub, request: Request, by: str, today: date | None = None) -> BankStatement:
    today = today or date.today()
    with hub.db.session() as session:
        # Written first: two generations for one account run one after the other.
        session.execute(update(BankAccount).where(BankAccount.id == request.account_id)
                        .values(paused=BankAccount.paused))
        account = session.get(BankAccount, request.account_id)
        if account is None:
            raise BankRefusal(Tr(f"Compte {request.account_id} inconnu.",
                                 f"Unknown account {request.account_id}."), 404)
        previous = _last(session, account.id)
        start, end = bounds(request.period, request.on)
        if previous is not None:
            start = previous.period_end + timedelta(days=1)
        elif request.period is Period.SINCE_LAST:
            start = account.statements_from
        if end > today:
            raise BankRefusal(Tr(
                f"La période se termine le {day(end, 'fr')}, après aujourd'hui : un relevé "
                "ne couvre que des jours écoulés ou aujourd'hui.",
                f"The period ends on {day(end, 'en')}, after today: a statement covers only "
                "past days or today."))
        if end < start:
            raise BankRefusal(Tr(
                f"Déjà couvert : le dernier relevé de ce compte va jusqu'au "
                f"{day(previous.period_end if previous else start, 'fr')}.",
                f"Already covered: this account's last statement runs to "
                f"{day(previous.period_end if previous else start, 'en')}."), 409)
        return _write(session, account, previous, request.period, start, end, by)


def _write(session: Session, account: BankAccount, previous: BankStatement | None,
           period: Period, start: date, end: date, by: str) -> BankStatement:
    query = select(BankTransaction).where(
        BankTransaction.account_id == account.id, BankTransaction.statement_id.is_(None),
        BankTransaction.opening.is_(False), BankTransaction.deleted.is_(False),
        BankTransaction.future.is_(False), BankTransaction.tx_date <= end)
    if previous is None:
        query = query.where(BankTransaction.tx_date >= start)
        # What was booked before the first statement is its opening balance: those rows
        # count as stated there (a later change to one is corrected in the next statement).
        session.execute(update(BankTransaction).where(
            BankTransaction.account_id == account.id, BankTransaction.statement_id.is_(None),
            BankTransaction.deleted.is_(False), BankTransaction.future.is_(False),
            BankTransaction.tx_date < start).values(stated_cents=BankTransaction.amount_cents,
                                                    opening=True))
    booked = list(session.scalars(query.order_by(BankTransaction.tx_date, BankTransaction.id)))
    stated = list(session.scalars(select(BankTransaction).where(
        BankTransaction.account_id == account.id,
        (BankTransaction.statement_id.is_not(None)) | BankTransaction.opening.is_(True),
        BankTransaction.stated_cents != _effective())))
    corrections = [(t, (0 if t.deleted or t.future else t.amount_cents) - t.stated_cents)
                   for t in stated
                   if (0 if t.deleted or t.future else t.amount_cents) != t.stated_cents]
    amounts = [t.amount_cents for t in booked] + [delta for _, delta in corrections]
    if previous is not None:
        opening = previous.closing_cents
    else:
        opening = account.balance_cents - _booked_sum(session, account.id, from_day=start)
    closing = opening + sum(amounts)
    expected = account.balance_cents - _booked_sum(session, account.id, after=end)
    explanation = _explain(session, account, end, closing - expected)
    number = (previous.number + 1) if previous is not None else 1
    statement = BankStatement(
        account_id=account.id, number=number, period=period.value, period_start=start,
        period_end=end, currency=account.currency, opening_cents=opening,
        closing_cents=closing, credit_cents=sum(a for a in amounts if a > 0),
        debit_cents=-sum(a for a in amounts if a < 0), line_count=len(amounts),
        bridge_balance_cents=account.balance_cents, bridge_balance_at=account.balance_at,
        expected_closing_cents=expected, difference_cents=closing - expected,
        explanation=explanation, created_by=by)
    session.add(statement)
    session.flush()
    lines: list[dict[str, Any]] = [_line(statement.id, t, "booked", t.amount_cents, t.tx_date)
                                   for t in booked]
    lines += [_line(statement.id, t, "correction", delta, end) for t, delta in corrections]
    if lines:
        session.execute(insert(BankStatementLine), lines)
    ids = [t.id for t in booked]
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        taken = session.execute(
            update(BankTransaction)
            .where(BankTransaction.id.in_(part), BankTransaction.statement_id.is_(None))
            .values(statement_id=statement.id, stated_cents=BankTransaction.amount_cents))
        if taken.rowcount != len(part):  # type: ignore[attr-defined]
            raise BankRefusal(Tr("Un autre relevé vient de prendre ces transactions : "
                                 "réessayez.",
                                 "Another statement has just taken these transactions: try "
                                 "again."), 409)
    for tx, delta in corrections:
        tx.stated_cents += delta
    return statement


def _effective() -> Any:
    """What a row counts for in a balance now: its amount when booked, else nothing."""
    return case((BankTransaction.deleted.is_(True) | BankTransaction.future.is_(True), 0),
                else_=BankTransaction.amount_cents)


def _line(statement_id: int, tx: BankTransaction, kind: str, amount: int, on: date
          ) -> dict[str, Any]:
    label = tx.label or tx.bank_label
    if kind == "correction":
        what = "suppression" if tx.deleted else "modification"
        label = f"Correction ({what}) {tx.tx_date.isoformat()} {label}"
    return {"statement_id": statement_id, "transaction_id": tx.id, "kind": kind,
            "bridge_id": tx.bridge_id, "amount_cents": amount,
            "booking_date": on if kind == "correction" else (tx.booking_date or tx.tx_date),
            "value_date": tx.value_date or tx.tx_date, "label": label[:500],
            "bank_label": tx.bank_label[:500], "operation_type": tx.operation_type}


def _part(text: Tr, cents: int) -> dict[str, Any]:
    return {"fr": text.fr, "en": text.en, "cents": cents}


def _explain(session: Session, account: BankAccount, end: date, difference: int
             ) -> list[dict[str, Any]]:
    read_fr, read_en = (_moment(account.balance_at, lang) for lang in ("fr", "en"))
    if difference == 0:
        balance_fr, balance_en = (euros(account.balance_cents, lang) for lang in ("fr", "en"))
        return [_part(Tr(
            f"Le solde de clôture concorde avec le solde Bridge ({balance_fr} lu le {read_fr}, "
            "moins les opérations comptabilisées après la période).",
            f"The closing balance agrees with Bridge's balance ({balance_en} read at {read_en}, "
            "less what was booked after the period)."), 0)]
    pending = int(session.scalar(select(func.coalesce(func.sum(BankTransaction.amount_cents), 0))
                                 .where(BankTransaction.account_id == account.id,
                                        BankTransaction.deleted.is_(False),
                                        BankTransaction.future.is_(True),
                                        BankTransaction.tx_date <= end)) or 0)
    if pending and difference == -pending:
        pending_fr, pending_en = (euros(pending, lang) for lang in ("fr", "en"))
        return [_part(Tr(
            f"Le solde Bridge compte déjà {pending_fr} d'opérations en attente (cartes "
            "non encore comptabilisées) : elles entreront dans un prochain relevé une fois "
            "comptabilisées.",
            f"Bridge's balance already counts {pending_en} of pending transactions (card "
            "payments not booked yet): they will enter a later statement once booked."),
            difference)]
    gap_fr, gap_en = (euros(difference, lang) for lang in ("fr", "en"))
    fetched_fr, fetched_en = (_moment(account.last_fetch_at, lang) for lang in ("fr", "en"))
    return [_part(Tr(
        f"Écart de {gap_fr} inexpliqué par les transactions reçues : le solde Bridge "
        f"(lu le {read_fr}) contient des opérations que Bridge n'a pas encore livrées "
        f"(dernière récupération {fetched_fr}), ou des opérations en attente. Relancez une "
        "récupération ; si l'écart demeure, comparez avec le relevé de la banque.",
        f"A gap of {gap_en} not explained by the transactions received: Bridge's "
        f"balance (read at {read_en}) holds movements Bridge has not delivered yet (last "
        f"fetch {fetched_en}), or pending ones. Fetch again; if the gap remains, compare with "
        "the bank's own statement."), difference)]


def statement_lines(hub: Hub, statement_id: int) -> tuple[BankStatement, list[BankStatementLine]]:
    with hub.db.session() as session:
        statement = session.get(BankStatement, statement_id)
        if statement is None:
            raise BankRefusal(Tr(f"Relevé {statement_id} inconnu.",
                                 f"Unknown statement {statement_id}."), 404)
        lines = list(session.scalars(select(BankStatementLine).where(
            BankStatementLine.statement_id == statement_id).order_by(
            BankStatementLine.booking_date, BankStatementLine.id)))
        return statement, lines
