"""The simulated banks' books: each account's transactions kept in `updated_at` order, so that
`since` and the paging cursor are cheap even with tens of thousands of rows, and made to
evolve between fetches the way Bridge's do (new, updated, deleted, pending then booked)."""

from __future__ import annotations

import base64
import bisect
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

LABELS = ("Prélèvement EDF", "Virement client Dupont SA", "CB Carrefour Market", "Loyer bureau",
          "Virement URSSAF", "Frais bancaires", "Remise chèques", "Prlv Orange Business",
          "Virement fournisseur Martin", "CB SNCF Connect")


class Clock:
    """Strictly increasing milliseconds: two changes never share an `updated_at`."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def tick(self) -> int:
        with self._lock:
            self._last = max(self._last + 1, int(time.time() * 1000))
            return self._last


def ms_text(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def parse_ms(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


class Tx:
    __slots__ = ("account_id", "amount", "category_id", "date", "deleted", "future", "id",
                 "label", "operation_type", "raw_label", "updated_ms")

    def __init__(self, tx_id: int, account_id: int, amount: int, on: date, label: str,
                 future: bool, updated_ms: int) -> None:
        self.id, self.account_id, self.amount, self.date = tx_id, account_id, amount, on
        self.label, self.raw_label = label, label.upper()
        self.future, self.deleted, self.updated_ms = future, False, updated_ms
        self.category_id, self.operation_type = 1, "card" if label.startswith("CB") else "transfer"

    def wire(self) -> dict[str, Any]:
        day = self.date.isoformat()
        return {"id": self.id, "account_id": self.account_id, "amount": self.amount / 100,
                "currency_code": "EUR", "date": day, "booking_date": None if self.future else day,
                "transaction_date": day, "value_date": day, "clean_description": self.label,
                "provider_description": self.raw_label, "operation_type": self.operation_type,
                "category_id": self.category_id, "future": self.future,
                "is_deleted": self.deleted, "updated_at": ms_text(self.updated_ms)}


@dataclass
class Ledger:
    """One account's transactions, ordered by (updated_at, id)."""

    account_id: int
    keys: list[tuple[int, int]] = field(default_factory=list)
    rows: dict[int, Tx] = field(default_factory=dict)
    # The balance before the first transaction, so that balance = base + booked amounts.
    base: int = 0
    booked: int = 0

    def put(self, tx: Tx) -> None:
        old = self.rows.get(tx.id)
        if old is not None:
            del self.keys[bisect.bisect_left(self.keys, (old.updated_ms, old.id))]
        self.rows[tx.id] = tx
        bisect.insort(self.keys, (tx.updated_ms, tx.id))

    def counts(self, tx: Tx) -> int:
        return 0 if (tx.deleted or tx.future) else tx.amount

    @property
    def balance(self) -> int:
        return self.base + self.booked

    def page(self, since_ms: int | None, after: tuple[int, int] | None, limit: int
             ) -> tuple[list[Tx], tuple[int, int] | None]:
        """Up to `limit` rows after the cursor; without `since`, deleted ones are left out."""
        start = (since_ms, -1) if since_ms is not None else (-1, -1)
        if after is not None and after > start:
            start = after
        index = bisect.bisect_right(self.keys, start)
        found: list[Tx] = []
        while index < len(self.keys) and len(found) < limit:
            tx = self.rows[self.keys[index][1]]
            index += 1
            if since_ms is None and tx.deleted:
                continue
            found.append(tx)
        more = index < len(self.keys) and found
        return found, ((found[-1].updated_ms, found[-1].id) if more else None)


def encode_cursor(key: tuple[int, int]) -> str:
    return base64.urlsafe_b64encode(f"{key[0]}:{key[1]}".encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[int, int] | None:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        updated, tx_id = raw.split(":")
        return int(updated), int(tx_id)
    except (ValueError, UnicodeDecodeError):
        return None


class Books:
    """Every simulated account's ledger and the ids they draw from."""

    def __init__(self) -> None:
        self.clock = Clock()
        self.ledgers: dict[int, Ledger] = {}
        self.next_id = 33_000_191_035_700
        self.lock = threading.Lock()

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def open(self, account_id: int, base: int) -> Ledger:
        ledger = Ledger(account_id, base=base)
        self.ledgers[account_id] = ledger
        return ledger

    def add(self, account_id: int, amount: int, on: date, label: str,
            future: bool = False) -> Tx:
        with self.lock:
            ledger = self.ledgers[account_id]
            tx = Tx(self._new_id(), account_id, amount, on, label, future, self.clock.tick())
            ledger.put(tx)
            ledger.booked += ledger.counts(tx)
            return tx

    def change(self, account_id: int, tx_id: int, **changes: Any) -> Tx:
        """Update a transaction (amount, date, label, future, deleted): a new `updated_at`."""
        with self.lock:
            ledger = self.ledgers[account_id]
            old = ledger.rows[tx_id]
            tx = Tx(old.id, account_id, old.amount, old.date, old.label, old.future, 0)
            tx.deleted, tx.raw_label = old.deleted, old.raw_label
            for key, value in changes.items():
                setattr(tx, key, value)
            if "label" in changes:
                tx.raw_label = str(changes["label"]).upper()
            tx.updated_ms = self.clock.tick()
            ledger.booked += ledger.counts(tx) - ledger.counts(old)
            ledger.put(tx)
            return tx

    def fill(self, account_id: int, count: int, days: int = 365, rng: random.Random | None = None,
             pending: int = 0) -> None:
        """`count` booked transactions spread over the last `days` days, plus `pending`
        future ones."""
        rng = rng or random.Random(account_id)
        today = date.today()
        # History rows carry the time Bridge first aggregated them, spread over the past.
        now_ms = int(time.time() * 1000)
        step = days * 86_400_000 // max(count, 1)
        with self.lock:
            ledger = self.ledgers[account_id]
            for n in range(count):
                on = today - timedelta(days=days - 1 - (n * days) // max(count, 1))
                tx = Tx(self._new_id(), account_id,
                        rng.choice((-1, -1, 1)) * rng.randint(100, 250_000), on,
                        rng.choice(LABELS), False, now_ms - days * 86_400_000 + n * step)
                ledger.put(tx)
                ledger.booked += tx.amount
        for _ in range(pending):
            self.add(account_id, -rng.randint(100, 50_000), today, "CB en attente", future=True)

    def evolve(self, account_id: int, new: int = 0, update: int = 0, delete: int = 0,
               book: int = 0, rng: random.Random | None = None) -> dict[str, int]:
        """What a bank's day does to an account: new rows, changed amounts or labels, rows
        withdrawn by the bank, pending card payments booked."""
        rng = rng or random.Random()
        ledger = self.ledgers[account_id]
        today = date.today()
        live = [t for t in ledger.rows.values() if not t.deleted and not t.future]
        pending = [t for t in ledger.rows.values() if t.future and not t.deleted]
        done = {"new": 0, "updated": 0, "deleted": 0, "booked": 0}
        for tx in rng.sample(pending, min(book, len(pending))):
            self.change(account_id, tx.id, future=False, date=today)
            done["booked"] += 1
        chosen = rng.sample(live, min(update + delete, len(live)))
        for tx in chosen[:update]:
            if rng.random() < 0.5:
                self.change(account_id, tx.id, amount=tx.amount + rng.choice((-1, 1)) * 100)
            else:
                self.change(account_id, tx.id, label=tx.label + " (corrigé)")
            done["updated"] += 1
        for tx in chosen[update:]:
            self.change(account_id, tx.id, deleted=True)
            done["deleted"] += 1
        for _ in range(new):
            self.add(account_id, rng.choice((-1, 1)) * rng.randint(100, 90_000), today,
                     rng.choice(LABELS))
            done["new"] += 1
        return done
