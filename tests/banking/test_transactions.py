"""Every life of a transaction in the intermediate table, fetched through the simulated
Bridge: new, updated, deleted, pending then booked, sent again with the same id."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from raccord.core.models import aware
from raccord.features.banking import runs
from raccord.features.banking.fetch import apply
from raccord.features.banking.models import BankTransaction, BankTransactionChange
from raccord.interfaces.bank.records import Transaction
from tests.banking.conftest import Bank


def changes(bank: Bank, tx_id: int) -> list[BankTransactionChange]:
    with bank.hub.db.session() as session:
        return list(session.scalars(select(BankTransactionChange).where(
            BankTransactionChange.transaction_id == tx_id).order_by(BankTransactionChange.id)))


def test_first_fetch_stores_each_transaction_once_and_a_second_adds_nothing(bank: Bank) -> None:
    first = runs.run(bank.hub, "cli")
    assert first.counts["accounts_fetched"] == 2 and first.counts["added"] == 2 * 123
    rows = bank.rows()
    assert set(rows) == set(bank.ledger().rows)
    tx = bank.ledger().rows[next(iter(rows))]
    assert rows[tx.id].amount_cents == tx.amount and rows[tx.id].label == tx.label
    assert bank.account().cursor is not None
    second = runs.run(bank.hub, "cli")
    assert second.counts["added"] == 0 and second.counts["updated"] == 0
    with bank.hub.db.session() as session:
        assert session.scalar(select(func.count(BankTransaction.id))) == 2 * 123


def test_new_updated_deleted_booked_and_restored(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    books, account = bank.sim.books, bank.bridge_accounts[0]
    ledger = bank.ledger()
    booked = [t for t in ledger.rows.values() if not t.future]
    pending = next(t for t in ledger.rows.values() if t.future)
    amount_changed, label_changed, withdrawn = booked[0], booked[1], booked[2]
    books.change(account, amount_changed.id, amount=amount_changed.amount - 1234,
                 date=date(2026, 1, 5))
    books.change(account, label_changed.id, label="Virement client Dupont SA (frais)")
    books.change(account, withdrawn.id, deleted=True)
    books.change(account, pending.id, future=False)
    new = books.add(account, 98_765, date.today(), "Remise chèques n° 42")

    report = runs.run(bank.hub, "cli")
    assert (report.counts["added"], report.counts["updated"], report.counts["deleted"],
            report.counts["booked"]) == (1, 2, 1, 1)
    rows = bank.rows()
    assert len(rows) == 124  # the new one; nothing counted twice
    assert rows[amount_changed.id].amount_cents == amount_changed.amount - 1234
    assert rows[amount_changed.id].tx_date == date(2026, 1, 5)
    assert rows[amount_changed.id].version == 2
    [change] = changes(bank, rows[amount_changed.id].id)
    assert change.kind == "updated"
    old_day = amount_changed.date.isoformat()
    assert change.before == {"amount_cents": amount_changed.amount, "tx_date": old_day,
                             "booking_date": old_day, "value_date": old_day}
    assert change.after["amount_cents"] == amount_changed.amount - 1234
    assert rows[label_changed.id].label.endswith("(frais)")
    assert rows[withdrawn.id].deleted and changes(bank, rows[withdrawn.id].id)[0].kind == \
        "deleted"
    assert not rows[pending.id].future
    assert changes(bank, rows[pending.id].id)[0].kind == "booked"
    assert rows[new.id].amount_cents == 98_765

    books.change(account, withdrawn.id, deleted=False)
    runs.run(bank.hub, "cli")
    assert not bank.rows()[withdrawn.id].deleted
    assert [c.kind for c in changes(bank, bank.rows()[withdrawn.id].id)] == ["deleted",
                                                                               "restored"]


def test_the_same_transaction_sent_again_changes_nothing(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    account = bank.account()
    sim_tx = next(t for t in bank.ledger().rows.values() if not t.future)
    again = Transaction.parse({**sim_tx.wire()})
    older = Transaction.parse({**sim_tx.wire(), "amount": 1.0,
                               "updated_at": "2020-01-01T00:00:00.000Z"})
    twice = apply(bank.hub, account.id, [again, again])
    stale = apply(bank.hub, account.id, [older])
    assert (twice.added, twice.updated, twice.unchanged) == (0, 0, 2)
    assert stale.unchanged == 1
    assert bank.rows()[sim_tx.id].amount_cents == sim_tx.amount
    assert bank.rows()[sim_tx.id].version == 1


def test_a_transaction_created_and_withdrawn_between_fetches_never_appears(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    tx = bank.sim.books.add(bank.bridge_accounts[0], -5_000, date.today(), "CB annulée")
    bank.sim.books.change(bank.bridge_accounts[0], tx.id, deleted=True)
    runs.run(bank.hub, "cli")
    assert tx.id not in bank.rows()


def test_the_cursor_is_bridges_last_updated_at_and_asked_with_overlap(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    newest = max(t.updated_ms for t in bank.ledger().rows.values())
    cursor = aware(bank.account().cursor)  # type: ignore[arg-type]
    assert int(cursor.timestamp() * 1000) == newest
    before = bank.sim.counts["GET /bank/v3/aggregation/transactions"]
    runs.run(bank.hub, "cli")
    # One page per account: only what changed around the cursor comes back.
    assert bank.sim.counts["GET /bank/v3/aggregation/transactions"] - before == 2
