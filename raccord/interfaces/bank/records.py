"""What the Bridge client hands to features: typed items, accounts, transactions and connect
sessions. Bridge's wire format (floats in euros, status codes, ISO strings) stops here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from raccord.core.i18n import Tr


class ItemState(StrEnum):
    OK = "ok"
    REFRESHING = "refreshing"
    WRONG_CREDENTIALS = "wrong_credentials"
    SCA_REQUIRED = "sca_required"
    CONSENT_EXPIRED = "consent_expired"
    ACTION_NEEDED = "action_needed"
    FAILED = "failed"


# Bridge's item status codes (its documented list; v3 keeps the v2 numbers).
STATUS_CODES: dict[int, ItemState] = {
    0: ItemState.OK, -2: ItemState.REFRESHING, -3: ItemState.REFRESHING,
    402: ItemState.WRONG_CREDENTIALS, 429: ItemState.ACTION_NEEDED,
    430: ItemState.CONSENT_EXPIRED, 1010: ItemState.SCA_REQUIRED,
    1100: ItemState.CONSENT_EXPIRED,
}
HOLDER_NEEDED = {ItemState.WRONG_CREDENTIALS, ItemState.SCA_REQUIRED, ItemState.CONSENT_EXPIRED,
                 ItemState.ACTION_NEEDED}
STATE_TEXTS: dict[ItemState, Tr] = {
    ItemState.OK: Tr("Connectée", "Connected"),
    ItemState.REFRESHING: Tr("Synchronisation en cours chez Bridge", "Bridge is refreshing it"),
    ItemState.WRONG_CREDENTIALS: Tr(
        "Identifiants bancaires refusés par la banque : le titulaire doit les saisir à nouveau.",
        "The bank refuses the login details: the holder must enter them again."),
    ItemState.SCA_REQUIRED: Tr(
        "La banque demande une nouvelle authentification forte du titulaire.",
        "The bank asks the holder for a new strong authentication."),
    ItemState.CONSENT_EXPIRED: Tr(
        "Le consentement du titulaire a expiré (90 jours ou mot de passe changé) : il doit le "
        "renouveler.",
        "The holder's consent has expired (90 days, or the password changed): it must be "
        "renewed."),
    ItemState.ACTION_NEEDED: Tr(
        "La banque demande une action du titulaire sur son site (conditions, message).",
        "The bank asks the holder to act on its website (terms, message)."),
    ItemState.FAILED: Tr("Bridge n'arrive pas à synchroniser cette banque.",
                         "Bridge cannot refresh this bank."),
}


def cents(value: Any) -> int:
    """Euros as Bridge writes them (-4.99) to whole cents, exactly."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return int((amount * 100).to_integral_value())


def moment(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def wire_time(value: datetime) -> str:
    """The form Bridge writes times in (UTC, milliseconds, Z)."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Item:
    id: int
    status: int
    status_code_info: str
    description: str
    provider_id: int | None
    last_refresh: datetime | None

    @property
    def state(self) -> ItemState:
        return STATUS_CODES.get(self.status, ItemState.FAILED)

    @property
    def needs_holder(self) -> bool:
        return self.state in HOLDER_NEEDED

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Item:
        return cls(int(raw["id"]), int(raw.get("status") or 0),
                   str(raw.get("status_code_info") or ""),
                   str(raw.get("status_code_description") or ""),
                   int(raw["provider_id"]) if raw.get("provider_id") is not None else None,
                   moment(raw.get("last_successful_refresh")))


@dataclass(frozen=True)
class Account:
    id: int
    item_id: int
    name: str
    balance_cents: int
    currency: str
    iban: str
    type: str
    updated_at: datetime | None

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Account:
        return cls(int(raw["id"]), int(raw["item_id"]), str(raw.get("name") or ""),
                   cents(raw.get("balance") or 0), str(raw.get("currency_code") or "EUR"),
                   str(raw.get("iban") or ""), str(raw.get("type") or ""),
                   moment(raw.get("updated_at")))


@dataclass(frozen=True)
class Transaction:
    id: int
    account_id: int
    amount_cents: int
    currency: str
    date: dt.date
    booking_date: dt.date | None
    value_date: dt.date | None
    transaction_date: dt.date | None
    label: str
    bank_label: str
    operation_type: str
    category_id: int | None
    future: bool
    deleted: bool
    updated_at: datetime

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Transaction:
        when = day(raw.get("date"))
        updated = moment(raw.get("updated_at"))
        if when is None or updated is None:
            raise ValueError(f"transaction {raw.get('id')} without date or updated_at")
        return cls(int(raw["id"]), int(raw["account_id"]), cents(raw.get("amount") or 0),
                   str(raw.get("currency_code") or "EUR"), when, day(raw.get("booking_date")),
                   day(raw.get("value_date")), day(raw.get("transaction_date")),
                   str(raw.get("clean_description") or ""),
                   str(raw.get("provider_description") or ""),
                   str(raw.get("operation_type") or ""),
                   int(raw["category_id"]) if raw.get("category_id") is not None else None,
                   bool(raw.get("future")), bool(raw.get("is_deleted")), updated)


@dataclass(frozen=True)
class ConnectSession:
    id: str
    url: str
