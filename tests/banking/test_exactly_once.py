"""Exactly once under failures and concurrency: a failure after a page leaves nothing
half-applied; two fetches at once (threads standing for workers or machines) never insert a
transaction twice; a killed worker's lease runs out and another resumes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from raccord.core import locks
from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.i18n import Tr
from raccord.core.locks import LeaseRow
from raccord.core.models import utcnow
from raccord.core.simulator import Faults
from raccord.features.banking import fetch, runs
from raccord.features.banking.bridge import open_session
from raccord.features.banking.models import BankTransaction
from raccord.interfaces.bank.client import BridgeClient, ceilings
from raccord.interfaces.bank.records import Transaction
from tests.banking.conftest import Bank


def total(bank: Bank) -> int:
    with bank.hub.db.session() as session:
        return int(session.scalar(select(func.count(BankTransaction.id))) or 0)


def duplicates(bank: Bank) -> int:
    with bank.hub.db.session() as session:
        rows = session.execute(select(BankTransaction.account_id, BankTransaction.bridge_id,
                                      func.count()).group_by(BankTransaction.account_id,
                                                             BankTransaction.bridge_id)
                               .having(func.count() > 1)).all()
    return len(rows)


def test_a_failure_after_a_page_leaves_nothing_half_applied(
        any_bank: Bank, monkeypatch: pytest.MonkeyPatch) -> None:
    bank = any_bank
    pages = BridgeClient.transaction_pages

    def first_page_then_fail(self: BridgeClient, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for page in pages(self, *args, **kwargs):
            yield page
            raise ServiceError(Diagnosis(Problem.SERVER, Tr("Bridge HTTP 500", "Bridge HTTP 500"),
                                         500))

    monkeypatch.setattr(BridgeClient, "transaction_pages", first_page_then_fail)
    report = runs.run(bank.hub, "cli")
    assert report.counts["accounts_fetched"] == 0 and len(report.problems) == 2
    assert "Nothing was stored for this account" in report.problems[0]["todo_en"]
    assert total(bank) == 0 and bank.account().cursor is None
    free = locks.try_take(bank.hub, fetch.lease_key(bank.account().id))
    assert free is not None  # released for the next run
    free.release()
    monkeypatch.setattr(BridgeClient, "transaction_pages", pages)
    report = runs.run(bank.hub, "cli")
    assert report.counts["added"] == 2 * 703 and total(bank) == 2 * 703


def test_a_failure_while_writing_rolls_the_whole_fetch_back(
        bank: Bank, monkeypatch: pytest.MonkeyPatch) -> None:
    runs.run(bank.hub, "cli")
    cursor = bank.account().cursor
    account = bank.bridge_accounts[0]
    for tx in list(bank.ledger().rows.values())[:5]:
        bank.sim.books.change(account, tx.id, label=tx.label + " bis")
    bank.sim.books.add(account, 100, utcnow().date(), "Nouvelle")
    calls = {"n": 0}
    original = fetch._update

    def breaks_on_the_third(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        original(*args)

    monkeypatch.setattr(fetch, "_update", breaks_on_the_third)
    with pytest.raises(RuntimeError), open_session(bank.hub) as bridge:
        fetch.fetch_account(bank.hub, bridge, bank.account().id)
    assert bank.account().cursor == cursor
    assert not any(r.label.endswith(" bis") for r in bank.rows().values())
    assert len(bank.rows()) == 123
    monkeypatch.setattr(fetch, "_update", original)
    with open_session(bank.hub) as bridge:
        done = fetch.fetch_account(bank.hub, bridge, bank.account().id)
    assert (done.added, done.updated) == (1, 5)


def test_two_fetches_at_once_never_insert_twice(any_bank: Bank) -> None:
    bank = any_bank
    barrier = threading.Barrier(4)
    reports: list[runs.RunReport] = []

    def worker() -> None:
        barrier.wait()
        reports.append(runs.run(bank.hub, "schedule", statements=False))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert duplicates(bank) == 0 and total(bank) == 2 * 703
    assert sum(r.counts["added"] for r in reports) == 2 * 703
    assert sum(r.counts["accounts_fetched"] + r.counts["accounts_busy"]
               for r in reports) == 4 * 2


def test_a_killed_workers_lease_runs_out_then_another_resumes(bank: Bank) -> None:
    account = bank.account()
    key = fetch.lease_key(account.id)
    with bank.hub.db.session() as session:  # a worker took it, then was SIGKILLed
        session.add(LeaseRow(key=key, token="killed-worker",
                             expires_at=utcnow() + timedelta(seconds=60)))
    report = runs.run(bank.hub, "cli")
    assert report.counts["accounts_busy"] == 1 and report.counts["accounts_fetched"] == 1
    with bank.hub.db.session() as session:  # no renewal: it runs out
        session.execute(update(LeaseRow).where(LeaseRow.key == key)
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
    report = runs.run(bank.hub, "cli")
    assert report.counts["accounts_fetched"] == 2 and duplicates(bank) == 0
    assert len(bank.rows()) == 123


def test_a_worker_that_lost_its_lease_writes_nothing(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    account = bank.account()
    lease = locks.try_take(bank.hub, fetch.lease_key(account.id))
    assert lease is not None
    lease.lost = True  # a renewal found it taken: another worker has the account now
    tx = next(iter(bank.ledger().rows.values()))
    changed = Transaction.parse({**tx.wire(), "amount": 1.0,
                                 "updated_at": "2099-01-01T00:00:00.000Z"})
    with pytest.raises(fetch.LeaseLost):
        fetch.apply(bank.hub, account.id, [changed], lease=lease)
    lease.release()
    assert bank.rows()[tx.id].amount_cents == tx.amount


def test_a_429_is_honoured_and_the_fetch_completes(bank: Bank) -> None:
    bank.sim.faults = Faults(force_429=2, retry_after_s=1)
    report = runs.run(bank.hub, "cli")
    assert report.counts["accounts_fetched"] == 2 and not report.problems
    assert bank.sim.http_429 == 2


def test_bridges_three_limits_are_counted_by_the_core_limiter(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    limits = ceilings(bank.hub)
    app_used, app_limit = bank.hub.limiter.usage("bank", limits["app"])
    user_used, user_limit = bank.hub.limiter.usage("bank", limits["user"])
    token_used, token_limit = bank.hub.limiter.usage("bank", limits["token"])
    assert (app_limit, user_limit, token_limit) == (2000, 60, 10)
    assert token_used >= 1 and user_used > token_used and app_used >= user_used


def test_the_simulator_refuses_beyond_bridges_user_limit(bank: Bank) -> None:
    bank.sim.state["limits"]["user_per_min"] = 3
    client = BridgeClient(bank.hub)
    token = client.user_token(bank.user_uuid)
    statuses = []
    for _ in range(4):
        response = client.user_http.client().get(
            f"{client.base}/v3/aggregation/items",
            headers={"Client-Id": client.values["client_id"],
                     "Client-Secret": client.values["client_secret"],
                     "Bridge-Version": "2025-01-15", "Authorization": f"Bearer {token}"})
        statuses.append(response.status_code)
    assert statuses[-1] == 429 and "Retry-After" in response.headers


def test_two_looks_at_bridge_at_once_store_a_new_bank_once(any_bank: Bank) -> None:
    """The administrator comes back from Bridge's page while Bridge's webhook woke a run: both
    see the new bank; the one that writes second makes its write again over the first's."""
    from sqlalchemy import event, insert
    from sqlalchemy.orm import Session

    from raccord.features.banking.models import BankAccount, BankItem
    from raccord.features.banking.sync import refresh_banks
    from raccord.interfaces.bank.simulator import add_item

    bank = any_bank
    new_item = add_item(bank.sim, bank.user_uuid, accounts=1, history=5)
    new_account = max(bank.sim.state["accounts"])
    raced: list[str] = []

    def meanwhile(session: Session, *_: Any) -> None:
        """Just before this look writes, the other one stores the same bank and account."""
        if any(isinstance(o, BankItem) for o in session.new) and "item" not in raced:
            raced.append("item")
            with bank.hub.db.engine.begin() as other:
                other.execute(insert(BankItem).values(
                    id=new_item, provider_id=574, provider_name="", state="ok", status_code=0,
                    status_info="OK", alerted_state="ok", removed=False, seen_at=utcnow()))
        if any(isinstance(o, BankAccount) for o in session.new) and "account" not in raced:
            raced.append("account")
            with bank.hub.db.engine.begin() as other:
                other.execute(insert(BankAccount).values(
                    bridge_id=new_account, item_id=new_item, name="", iban="", currency="EUR",
                    type="", paused=False, removed=False, balance_cents=0,
                    statements_from=utcnow().date(), created_at=utcnow()))

    event.listen(Session, "before_flush", meanwhile)
    try:
        with open_session(bank.hub) as bridge:
            news = refresh_banks(bank.hub, bridge)
    finally:
        event.remove(Session, "before_flush", meanwhile)
    assert raced == ["item", "account"]
    with bank.hub.db.session() as session:
        assert session.scalar(select(func.count()).select_from(BankItem)) == 2
        stored = session.scalars(select(BankAccount).where(
            BankAccount.bridge_id == new_account)).all()
    assert len(stored) == 1 and stored[0].name.startswith("Compte courant")
    assert news.new_accounts == 0  # the other look found it new
