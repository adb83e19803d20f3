"""A statement as the files French accounting software imports: CAMT.053 (ISO 20022),
CFONB 120, OFX, and JSON for the ERP's API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from raccord.features.banking.models import BankAccount, BankStatement, BankStatementLine


class Format(StrEnum):
    CAMT053 = "camt053"
    CFONB120 = "cfonb120"
    OFX = "ofx"
    JSON = "json"


@dataclass(frozen=True)
class StatementFile:
    """Everything a file is written from (read once, outside any session)."""

    statement: BankStatement
    lines: list[BankStatementLine]
    account: BankAccount
    holder: str
    bank_code: str
    created: datetime

    @property
    def reference(self) -> str:
        return f"RAC-{self.account.id}-{self.statement.number:05d}"

    @property
    def opening_day(self) -> date:
        return self.statement.period_start

    @property
    def closing_day(self) -> date:
        return self.statement.period_end


MEDIA = {Format.CAMT053: ("application/xml", "xml"), Format.CFONB120: ("text/plain", "txt"),
         Format.OFX: ("application/x-ofx", "ofx"), Format.JSON: ("application/json", "json")}
