"""A sandboxed hub with the one Bridge user, a bank of two assigned accounts and their
history at the simulated Bridge."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.features.banking.bridge import open_session
from raccord.features.banking.models import BankAccount, BankTransaction
from raccord.features.banking.sync import refresh_banks
from raccord.interfaces.bank import users
from raccord.interfaces.bank.simulator import BridgeSimulator, add_account, add_item
from raccord.sandbox.setup import Sandbox, point_at_sandbox
from raccord.wiring import open_hub
from tests.conftest import make_env


@dataclass
class Bank:
    hub: Hub
    sim: BridgeSimulator
    user_uuid: str
    item_id: int
    bridge_accounts: list[int]

    def account(self, bridge_id: int | None = None) -> BankAccount:
        wanted = bridge_id or self.bridge_accounts[0]
        with self.hub.db.session() as session:
            row = session.scalar(select(BankAccount).where(BankAccount.bridge_id == wanted))
            assert row is not None
            return row

    def rows(self, bridge_id: int | None = None) -> dict[int, BankTransaction]:
        account = self.account(bridge_id)
        with self.hub.db.session() as session:
            return {r.bridge_id: r for r in session.scalars(select(BankTransaction).where(
                BankTransaction.account_id == account.id))}

    def ledger(self, bridge_id: int | None = None):  # type: ignore[no-untyped-def]
        return self.sim.books.ledgers[bridge_id or self.bridge_accounts[0]]


@pytest.fixture
def bridge(sandbox: Sandbox) -> BridgeSimulator:
    sim = sandbox.simulators["bank"]
    assert isinstance(sim, BridgeSimulator)
    return sim


def assign_all(hub: Hub, company: str = "DEMO", journal: str = "BQ1") -> None:
    with hub.db.session() as session:
        for row in session.scalars(select(BankAccount)):
            row.company_code, row.journal_code = company, journal


def setup_bank(hub: Hub, bridge: BridgeSimulator, history: int = 120) -> Bank:
    hub.settings.set_many("bank", {"log_email": "compta@demo-sarl.fr",
                                   "statement_period": "none"}, SYSTEM)
    user = users.create_user(hub, "Démo SARL", "compta@demo-sarl.fr", SYSTEM)
    item = add_item(bridge, user.uuid)
    accounts = [add_account(bridge, item, history=history, pending=3) for _ in range(2)]
    with open_session(hub) as connected:
        refresh_banks(hub, connected)
    assign_all(hub)
    return Bank(hub, bridge, user.uuid, item, accounts)


@pytest.fixture
def bank(sandboxed_hub: Hub, bridge: BridgeSimulator) -> Bank:
    return setup_bank(sandboxed_hub, bridge)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_bank(request: pytest.FixtureRequest, tmp_path: Path, sandbox: Sandbox,
             bridge: BridgeSimulator) -> Iterator[Bank]:
    """The same bank on SQLite, then on PostgreSQL."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    hub = open_hub(make_env(tmp_path / "home", url))
    bridge.reset()
    point_at_sandbox(hub, sandbox)
    yield setup_bank(hub, bridge, history=700)
    hub.db.engine.dispose()
