"""Banks and accounts as Bridge has them: new ones appear, states and balances follow, those
Bridge no longer has are marked removed (their transactions and statements stay)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from raccord.core.models import utcnow
from raccord.features.banking.bridge import BridgeSession
from raccord.features.banking.models import BankAccount, BankItem
from raccord.interfaces.bank.records import Item, ItemState

if TYPE_CHECKING:
    from raccord.core.hub import Hub


@dataclass(frozen=True)
class ItemAlert:
    """An item whose state needs its holder, newly (to be mailed) or still."""

    item_id: int
    state: ItemState
    new: bool


def sync_items(hub: Hub, items: list[Item], names: dict[int, str] | None = None
               ) -> list[ItemAlert]:
    alerts = []
    now = utcnow()
    seen = {item.id for item in items}
    with hub.db.session() as session:
        rows = {row.id: row for row in session.scalars(select(BankItem))}
        for item in items:
            row = rows.get(item.id)
            if row is None:
                row = BankItem(id=item.id, alerted_state=ItemState.OK.value)
                session.add(row)
            row.provider_id = item.provider_id
            if names and item.provider_id in names:
                row.provider_name = names[item.provider_id]
            row.state = item.state.value
            row.status_code = item.status
            row.status_info = item.status_code_info
            row.last_refresh = item.last_refresh
            row.removed = False
            row.seen_at = now
            if item.needs_holder:
                alerts.append(ItemAlert(item.id, item.state, row.alerted_state != row.state))
                row.alerted_state = row.state
            else:
                row.alerted_state = row.state
        for row in rows.values():
            if row.id not in seen:
                row.removed = True
    return alerts


def sync_accounts(hub: Hub, bridge: BridgeSession) -> int:
    """Accounts and balances; returns how many accounts are new."""
    accounts = bridge.client.accounts(bridge.token)
    now = utcnow()
    new = 0
    seen = {a.id for a in accounts}
    with hub.db.session() as session:
        rows = {row.bridge_id: row for row in session.scalars(select(BankAccount))}
        for account in accounts:
            row = rows.get(account.id)
            if row is None:
                row = BankAccount(bridge_id=account.id, statements_from=date.today(),
                                  paused=False, removed=False, balance_cents=0)
                session.add(row)
                new += 1
            row.item_id = account.item_id
            row.name = account.name
            row.iban = account.iban
            row.currency = account.currency
            row.type = account.type
            row.balance_cents = account.balance_cents
            row.balance_at = now
            row.removed = False
        for row in rows.values():
            if row.bridge_id not in seen:
                row.removed = True
    return new


def refresh_banks(hub: Hub, bridge: BridgeSession) -> list[ItemAlert]:
    """Items (with their states) then accounts (with their balances)."""
    items = bridge.client.items(bridge.token)
    with hub.db.session() as session:
        named = {row.id for row in session.scalars(select(BankItem)) if row.provider_name}
    names = bridge.client.provider_names() if any(i.id not in named for i in items) else None
    alerts = sync_items(hub, items, names)
    sync_accounts(hub, bridge)
    return alerts
