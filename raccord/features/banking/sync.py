"""Banks and accounts as Bridge has them: new ones appear, states and balances follow, those
Bridge no longer has are marked removed (their transactions and statements stay). Nothing
changes silently: a bank that needs its holder raises an alert (cleared once repaired), and
what Bridge no longer has is told to the run, which logs and mails it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from raccord.core.i18n import Tr
from raccord.core.models import utcnow
from raccord.features.banking import notify
from raccord.features.banking.bridge import BridgeSession
from raccord.features.banking.models import BankAccount, BankItem
from raccord.interfaces.bank.records import (
    HOLDER_NEEDED,
    STATE_TEXTS,
    Account,
    Item,
    ItemState,
)

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def bank_name(row: BankItem) -> str:
    """How the log and the alerts name a bank: its name at Bridge and its item id."""
    return f"{row.provider_name or row.provider_id or '?'} ({row.id})"


@dataclass(frozen=True)
class ItemAlert:
    """An item whose state needs its holder, newly (to be mailed) or still."""

    item_id: int
    state: ItemState
    new: bool
    name: str = ""


@dataclass
class BankNews:
    """What a look at Bridge found that a person must hear of."""

    holder_needed: list[ItemAlert] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    gone_banks: list[str] = field(default_factory=list)
    gone_accounts: list[str] = field(default_factory=list)
    new_accounts: int = 0


def alert_key(item_id: int) -> str:
    return f"bank.item.{item_id}"


def _twice(write: Callable[[], BankNews]) -> BankNews:
    """Two looks at Bridge at once (a run woken by Bridge's webhook while the administrator
    comes back from Bridge's page) may both insert a new bank or account: the second one's
    write then fails on the primary key, and is made again over what the first stored."""
    try:
        return write()
    except IntegrityError:
        return write()


def _write_items(hub: Hub, items: list[Item], names: dict[int, str] | None) -> BankNews:
    found = BankNews()
    now = utcnow()
    seen = {item.id for item in items}
    needing = {state.value for state in HOLDER_NEEDED}
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
                found.holder_needed.append(ItemAlert(item.id, item.state,
                                                     row.alerted_state != row.state,
                                                     bank_name(row)))
            elif row.alerted_state in needing:
                found.repaired.append(bank_name(row))
            row.alerted_state = row.state
        for row in rows.values():
            if row.id not in seen and not row.removed:
                row.removed = True
                found.gone_banks.append(bank_name(row))
    return found


def sync_items(hub: Hub, items: list[Item], names: dict[int, str] | None = None,
               news: BankNews | None = None) -> list[ItemAlert]:
    found = _twice(lambda: _write_items(hub, items, names))
    if news is not None:
        news.holder_needed += found.holder_needed
        news.repaired += found.repaired
        news.gone_banks += found.gone_banks
    for alert in found.holder_needed:
        if alert.new:
            notify.raise_alert(hub, alert_key(alert.item_id),
                               Tr(f"Banque {alert.name} :", f"Bank {alert.name}:")
                               + STATE_TEXTS[alert.state])
    for item in items:
        if not item.needs_holder:
            notify.clear_alert(hub, alert_key(item.id))
    return found.holder_needed


def _write_accounts(hub: Hub, accounts: list[Account]) -> BankNews:
    found = BankNews()
    now = utcnow()
    seen = {a.id for a in accounts}
    with hub.db.session() as session:
        rows = {row.bridge_id: row for row in session.scalars(select(BankAccount))}
        for account in accounts:
            row = rows.get(account.id)
            if row is None:
                row = BankAccount(bridge_id=account.id, statements_from=date.today(),
                                  paused=False, removed=False, balance_cents=0)
                session.add(row)
                found.new_accounts += 1
            row.item_id = account.item_id
            row.name = account.name
            row.iban = account.iban
            row.currency = account.currency
            row.type = account.type
            row.balance_cents = account.balance_cents
            row.balance_at = now
            row.removed = False
        for row in rows.values():
            if row.bridge_id not in seen and not row.removed:
                row.removed = True
                found.gone_accounts.append(f"{row.name} ({row.iban or row.bridge_id})")
    return found


def sync_accounts(hub: Hub, bridge: BridgeSession, news: BankNews | None = None) -> int:
    """Accounts and balances; returns how many accounts are new."""
    accounts = bridge.client.accounts(bridge.token)
    found = _twice(lambda: _write_accounts(hub, accounts))
    if news is not None:
        news.gone_accounts += found.gone_accounts
        news.new_accounts += found.new_accounts
    return found.new_accounts


def refresh_banks(hub: Hub, bridge: BridgeSession) -> BankNews:
    """Items (with their states) then accounts (with their balances)."""
    items = bridge.client.items(bridge.token)
    with hub.db.session() as session:
        named = {row.id for row in session.scalars(select(BankItem)) if row.provider_name}
    names = bridge.client.provider_names() if any(i.id not in named for i in items) else None
    news = BankNews()
    sync_items(hub, items, names, news)
    sync_accounts(hub, bridge, news)
    return news
