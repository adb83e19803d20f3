"""What an administrator does with banks and accounts: connect a bank (a Bridge connect
session for the one Bridge user, the holder authenticating on Bridge's pages), fix a bank
whose holder must authenticate again, assign an account to a company and a bank journal code
of the ERP, pause it and resume it, remove a bank."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import select

from raccord.core.i18n import Tr
from raccord.features.banking import runs
from raccord.features.banking.bridge import BankRefusal, open_session
from raccord.features.banking.models import BankAccount, BankItem
from raccord.features.banking.sync import BankNews, refresh_banks

if TYPE_CHECKING:
    from raccord.core.hub import Hub

JOURNAL = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


def connect_url(hub: Hub, callback_url: str, item_id: int | None = None) -> str:
    """The Bridge page to send the holder to (a new bank, or fixing `item_id`)."""
    if not hub.values("bank").get("enabled"):
        raise BankRefusal(Tr("La connexion bancaire n'est pas activée : cochez « Activer la "
                             "connexion bancaire » d'abord.",
                             "The bank connection is not enabled: tick 'Enable the bank "
                             "connection' first."), 409)
    if item_id is not None:
        with hub.db.session() as session:
            if session.get(BankItem, item_id) is None:
                raise BankRefusal(Tr(f"Banque {item_id} inconnue.", f"Unknown bank {item_id}."),
                                  404)
    with open_session(hub) as bridge:
        return bridge.client.connect_session(bridge.token, callback_url, bridge.user_email,
                                             item_id).url


def after_connect(hub: Hub) -> BankNews:
    """Back from Bridge's pages: the banks and accounts as Bridge now has them (what Bridge
    no longer has is logged and mailed there and then: the next run would not see it)."""
    with open_session(hub) as bridge:
        news = refresh_banks(hub, bridge)
    if news.gone_banks or news.gone_accounts:
        runs.log_news(hub, "connect", news)
    return news


def remove_bank(hub: Hub, item_id: int) -> None:
    """Delete the bank at Bridge (its accounts and transactions there too); raccord keeps its
    rows and statements, marked removed. Once every bank is removed the Bridge user may go."""
    with open_session(hub) as bridge:
        bridge.client.delete_item(bridge.token, item_id)
    with hub.db.session() as session:
        item = session.get(BankItem, item_id)
        if item is not None:
            item.removed = True
        for account in session.scalars(select(BankAccount).where(BankAccount.item_id == item_id)):
            account.removed = True


def assign(hub: Hub, account_id: int, company: str, journal: str) -> BankAccount:
    company, journal = company.strip(), journal.strip().upper()
    if hub.accounts.company(company) is None:
        raise BankRefusal(Tr(f"Société « {company} » inconnue : créez-la sur la page Sociétés.",
                             f"Unknown company '{company}': create it on the Companies page."))
    if not JOURNAL.match(journal):
        raise BankRefusal(Tr("Code journal de banque attendu : 1 à 20 lettres, chiffres, - "
                             "ou _ (tel que dans l'ERP, par exemple BQ1).",
                             "A bank journal code is expected: 1 to 20 letters, digits, - or _ "
                             "(as in the ERP, e.g. BQ1)."))
    with hub.db.session() as session:
        row = session.get(BankAccount, account_id)
        if row is None:
            raise BankRefusal(Tr(f"Compte {account_id} inconnu.", f"Unknown account "
                                 f"{account_id}."), 404)
        row.company_code, row.journal_code = company, journal
        return row


def set_paused(hub: Hub, account_id: int, paused: bool) -> BankAccount:
    with hub.db.session() as session:
        row = session.get(BankAccount, account_id)
        if row is None:
            raise BankRefusal(Tr(f"Compte {account_id} inconnu.", f"Unknown account "
                                 f"{account_id}."), 404)
        row.paused = paused
        return row
