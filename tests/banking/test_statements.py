"""Statements: opening and closing balances checked against Bridge's balance, each
transaction in one statement only, corrections in the next one, immutability, periods."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from raccord.core.settings_store import SYSTEM
from raccord.features.banking import runs
from raccord.features.banking.bridge import BankRefusal
from raccord.features.banking.models import (
    BankAccount,
    BankStatement,
    BankStatementLine,
    BankTransaction,
    StatementIsImmutable,
)
from raccord.features.banking.periods import Period, bounds, finished_ends
from raccord.features.banking.statements import Request, generate
from tests.banking.conftest import Bank

TODAY = date.today()
START = TODAY - timedelta(days=10)


def start_statements(bank: Bank, day: date = START) -> None:
    with bank.hub.db.session() as session:
        for row in session.scalars(select(BankAccount)):
            row.statements_from = day


def since_last(bank: Bank, on: date = TODAY) -> BankStatement:
    return generate(bank.hub, Request(bank.account().id, Period.SINCE_LAST, on), "raccord-bot")


def lines(bank: Bank, statement_id: int) -> list[BankStatementLine]:
    with bank.hub.db.session() as session:
        return list(session.scalars(select(BankStatementLine).where(
            BankStatementLine.statement_id == statement_id)))


def test_balances_agree_with_bridge_and_each_transaction_is_stated_once(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    start_statements(bank)
    ledger = bank.ledger()
    first = since_last(bank)
    assert (first.period_start, first.period_end) == (START, TODAY)
    recent = [t for t in ledger.rows.values() if not t.future and t.date >= START]
    assert first.line_count == len(recent) > 0
    assert first.closing_cents == ledger.balance and first.difference_cents == 0
    assert first.opening_cents == ledger.balance - sum(t.amount for t in recent)
    assert "agrees with Bridge's balance" in first.explanation[0]["en"]
    with pytest.raises(BankRefusal, match="Already covered"):
        since_last(bank)

    books, account = bank.sim.books, bank.bridge_accounts[0]
    stated = recent[0]
    in_opening = next(t for t in ledger.rows.values() if t.date < START and not t.future)
    books.change(account, stated.id, amount=stated.amount + 500)   # after it was stated
    books.change(account, in_opening.id, deleted=True)             # was in the opening
    pending = next(t for t in ledger.rows.values() if t.future)
    books.change(account, pending.id, future=False)                # booked today
    late = books.add(account, -4_200, TODAY, "Prlv tardif")
    runs.run(bank.hub, "cli")

    tomorrow = TODAY + timedelta(days=1)
    second = generate(bank.hub, Request(bank.account().id, Period.SINCE_LAST, tomorrow),
                      "raccord-bot", today=tomorrow)
    assert second.opening_cents == first.closing_cents
    assert second.closing_cents == ledger.balance and second.difference_cents == 0
    kinds = sorted((x.kind, x.amount_cents) for x in lines(bank, second.id))
    assert kinds == sorted([("booked", pending.amount), ("booked", -4_200),
                            ("correction", 500), ("correction", -in_opening.amount)])
    with bank.hub.db.session() as session:
        taken = {r.bridge_id: r.statement_id for r in session.scalars(select(BankTransaction))}
    assert taken[late.id] == second.id and taken[stated.id] == first.id


def test_a_statement_never_changes(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    start_statements(bank)
    statement = since_last(bank)
    with pytest.raises(StatementIsImmutable), bank.hub.db.session() as session:
        row = session.get(BankStatement, statement.id)
        assert row is not None
        row.closing_cents += 1
    [line, *_] = lines(bank, statement.id)
    with pytest.raises(StatementIsImmutable), bank.hub.db.session() as session:
        stored = session.get(BankStatementLine, line.id)
        assert stored is not None
        session.delete(stored)
    with bank.hub.db.session() as session:
        kept = session.get(BankStatement, statement.id)
        assert kept is not None and kept.closing_cents == statement.closing_cents


def test_the_database_itself_refuses_to_change_a_statement(any_bank: Bank) -> None:
    """Not only the ORM: a Core UPDATE or plain SQL is refused too (SQLite and PostgreSQL)."""
    bank = any_bank
    runs.run(bank.hub, "cli")
    start_statements(bank)
    statement = since_last(bank)
    [line, *_] = lines(bank, statement.id)
    attempts = (update(BankStatement).where(BankStatement.id == statement.id)
                .values(closing_cents=0),
                delete(BankStatement).where(BankStatement.id == statement.id),
                update(BankStatementLine).where(BankStatementLine.id == line.id)
                .values(amount_cents=1),
                delete(BankStatementLine).where(BankStatementLine.id == line.id),
                text(f"UPDATE bank_statement_lines SET label = 'x' WHERE id = {line.id}"))
    for attempt in attempts:
        with pytest.raises(DBAPIError, match="cannot change once generated"), \
                bank.hub.db.engine.begin() as connection:
            connection.execute(attempt)
    with bank.hub.db.session() as session:
        kept = session.get(BankStatement, statement.id)
        assert kept is not None and kept.closing_cents == statement.closing_cents
        assert len(lines(bank, statement.id)) == statement.line_count


def test_two_generations_at_once_make_one_statement(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    barrier = threading.Barrier(2)
    made: list[BankStatement] = []
    refused: list[str] = []

    def generate_one() -> None:
        barrier.wait()
        try:
            made.append(since_last(bank))
        except BankRefusal as refusal:
            refused.append(refusal.message.en)

    threads = [threading.Thread(target=generate_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1 and len(refused) == 1 and "Already covered" in refused[0]


def test_a_gap_with_bridges_balance_is_shown_and_explained(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    since_last(bank)
    bank.ledger().base += 10_000  # the bank counts a movement Bridge never delivered
    runs.run(bank.hub, "cli")
    tomorrow = TODAY + timedelta(days=1)
    statement = generate(bank.hub, Request(bank.account().id, Period.SINCE_LAST, tomorrow),
                         "raccord-bot", today=tomorrow)
    assert statement.difference_cents == -10_000
    assert "-€100.00" in statement.explanation[0]["en"]
    assert "Fetch again" in statement.explanation[0]["en"]


def test_periods() -> None:
    wednesday = date(2026, 11, 25)
    assert bounds(Period.DAY, wednesday) == (wednesday, wednesday)
    assert bounds(Period.WEEK, wednesday) == (date(2026, 11, 23), date(2026, 11, 29))
    assert bounds(Period.MONTH, date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert finished_ends(Period.DAY, date(2026, 11, 27), date(2026, 11, 30)) == [
        date(2026, 11, 28), date(2026, 11, 29)]
    assert finished_ends(Period.MONTH, date(2026, 9, 30), date(2026, 11, 30)) == [
        date(2026, 10, 31)]


def test_a_period_not_over_is_refused(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    with pytest.raises(BankRefusal, match="after today"):
        generate(bank.hub, Request(bank.account().id, Period.MONTH, TODAY + timedelta(40)),
                 "raccord-bot")


def test_the_technical_user_makes_the_finished_periods_after_each_fetch(bank: Bank) -> None:
    bank.hub.settings.set_many("bank", {"statement_period": "day"}, SYSTEM)
    start_statements(bank, TODAY - timedelta(days=3))
    report = runs.run(bank.hub, "schedule")
    assert report.counts["statements"] == 2 * 3
    made = list(runs.recent_runs(bank.hub, 1))[0]
    assert "Statements generated: 6" in made.log_en
    with bank.hub.db.session() as session:
        rows = list(session.scalars(select(BankStatement).where(
            BankStatement.account_id == bank.account().id).order_by(BankStatement.number)))
    assert [r.period_end for r in rows] == [TODAY - timedelta(days=n) for n in (3, 2, 1)]
    assert {r.created_by for r in rows} == {"raccord-bot"}
    assert all(r.difference_cents == 0 for r in rows)
    assert runs.run(bank.hub, "schedule").counts["statements"] == 0
