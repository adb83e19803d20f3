"""Each account's transactions into the intermediate table, exactly once.

- One fetch per account at a time, whichever worker or machine: a core lease
  (`raccord.core.locks`, Redis or the database) per account, renewed while held (a killed
  worker's lease runs out, then another takes the account over).
- Bridge is asked for what changed since the cursor (the last `updated_at` stored, less a
  small overlap: rows already stored come back and are recognised unchanged). Every page is
  read first; then the rows and the new cursor are written in one transaction, so a failure
  anywhere leaves the table and the cursor as they were.
- The table is unique on (account, Bridge id): a transaction is updated in place (its history
  kept), `is_deleted` marks it deleted, pending then booked stays the same row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from raccord.core import locks
from raccord.core.models import aware, utcnow
from raccord.features.banking.bridge import BridgeSession
from raccord.features.banking.models import BankAccount, BankTransaction, BankTransactionChange
from raccord.interfaces.bank.records import Transaction

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from raccord.core.hub import Hub

LEASE_S = 120.0
CURSOR_OVERLAP = timedelta(seconds=1)
CHUNK = 500
COMPARED = ("amount_cents", "tx_date", "booking_date", "value_date", "label", "bank_label",
            "operation_type", "future", "deleted", "currency")


class AccountBusy(Exception):
    """Another worker is fetching this account now."""


class LeaseLost(Exception):
    """This worker's lease ran out (another may hold the account): its work is dropped."""


@dataclass
class Applied:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    booked: int = 0
    unchanged: int = 0
    pages: int = 0
    calls: int = 0
    changes: list[str] = field(default_factory=list)

    def as_counts(self) -> dict[str, int]:
        return {"added": self.added, "updated": self.updated, "deleted": self.deleted,
                "booked": self.booked, "unchanged": self.unchanged, "pages": self.pages}


def _row_values(tx: Transaction) -> dict[str, Any]:
    return {"amount_cents": tx.amount_cents, "tx_date": tx.date,
            "booking_date": tx.booking_date, "value_date": tx.value_date, "label": tx.label,
            "bank_label": tx.bank_label, "operation_type": tx.operation_type,
            "future": tx.future, "deleted": tx.deleted, "currency": tx.currency}


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


# -- fetching ------------------------------------------------------------------------------
def lease_key(account_id: int) -> str:
    return f"bank:account:{account_id}"


def fetch_account(hub: Hub, bridge: BridgeSession, account_id: int,
                  run_id: int | None = None) -> Applied:
    """Bring one account's changes since its cursor. Raises AccountBusy when another worker
    holds it, LeaseLost when this one lost it, ServiceError when Bridge fails (nothing is
    written then)."""
    lease = locks.try_take(hub, lease_key(account_id), LEASE_S)
    if lease is None:
        raise AccountBusy()
    try:
        with hub.db.session() as session:
            account = session.get(BankAccount, account_id)
            assert account is not None
            bridge_id = account.bridge_id
            cursor = aware(account.cursor) if account.cursor is not None else None
        since = cursor - CURSOR_OVERLAP if cursor is not None else None
        latest: dict[int, Transaction] = {}
        calls_before = bridge.client.calls
        pages = 0
        for page in bridge.client.transaction_pages(bridge.token, bridge_id, since):
            pages += 1
            for tx in page:
                known = latest.get(tx.id)
                if known is None or tx.updated_at >= known.updated_at:
                    latest[tx.id] = tx
            if lease.lost:
                raise LeaseLost()
        for _ in range(2):  # a row inserted meanwhile by a fetch outside the lease: once more
            try:
                applied = apply(hub, account_id, latest.values(), run_id, lease)
                break
            except IntegrityError:
                continue
        else:
            raise LeaseLost()
        applied.pages = pages
        applied.calls = bridge.client.calls - calls_before
        return applied
    finally:
        lease.release()


def apply(hub: Hub, account_id: int, transactions: Iterable[Transaction],
          run_id: int | None = None, lease: locks.Lease | None = None) -> Applied:
    """Write the transactions and move the cursor, in one database transaction. Applying the
    same rows twice changes nothing; an older version of a row never replaces a newer one."""
    txs = list(transactions)
    done = Applied()
    now = utcnow()
    with hub.db.session() as session:
        # The first statement writes: the account row is locked (PostgreSQL) or the database
        # taken for writing (SQLite) before anything is read.
        session.execute(update(BankAccount).where(BankAccount.id == account_id)
                        .values(last_fetch_at=now))
        if lease is not None and lease.lost:
            raise LeaseLost()
        account = session.get(BankAccount, account_id)
        assert account is not None
        inserts: list[dict[str, Any]] = []
        for start in range(0, len(txs), CHUNK):
            chunk = txs[start:start + CHUNK]
            existing = {row.bridge_id: row for row in session.scalars(
                select(BankTransaction).where(
                    BankTransaction.account_id == account_id,
                    BankTransaction.bridge_id.in_([t.id for t in chunk])))}
            for tx in chunk:
                row = existing.get(tx.id)
                if row is None:
                    if tx.deleted:
                        done.unchanged += 1  # created and withdrawn before it was ever seen
                        continue
                    inserts.append({"account_id": account_id, "bridge_id": tx.id,
                                    "bridge_updated_at": tx.updated_at, "first_seen_at": now,
                                    "changed_at": now, "version": 1, "stated_cents": 0,
                                    "opening": False, **_row_values(tx)})
                    done.added += 1
                    continue
                _update(session, row, tx, now, run_id, done)
        if inserts:
            session.execute(insert(BankTransaction), inserts)
        newest = max((t.updated_at for t in txs), default=None)
        if newest is not None and (account.cursor is None or newest > aware(account.cursor)):
            account.cursor = newest
        account.last_error = None
    return done


def _update(session: Session, row: BankTransaction, tx: Transaction, now: Any,
            run_id: int | None, done: Applied) -> None:
    if tx.updated_at < aware(row.bridge_updated_at):
        done.unchanged += 1  # an older version than the one stored
        return
    wanted = _row_values(tx)
    before = {k: getattr(row, k) for k in COMPARED}
    changed = {k: v for k, v in wanted.items() if before[k] != v}
    row.bridge_updated_at = max(aware(row.bridge_updated_at), tx.updated_at)
    if not changed:
        done.unchanged += 1
        return
    if changed.get("deleted") is True:
        kind = "deleted"
        done.deleted += 1
    elif changed.get("deleted") is False:
        kind = "restored"
        done.updated += 1
    elif before["future"] and changed.get("future") is False:
        kind = "booked"
        done.booked += 1
    else:
        kind = "updated"
        done.updated += 1
    for key, value in changed.items():
        setattr(row, key, value)
    row.version += 1
    row.changed_at = now
    session.add(BankTransactionChange(
        transaction_id=row.id, at=now, run_id=run_id, kind=kind,
        before=_plain({k: before[k] for k in changed}), after=_plain(changed)))
