"""CFONB 120: the French banks' account statement in 120-character records.

    01  ancien solde      (opening balance)
    04  mouvement         (one per line)
    05  complément        (the rest of a label beyond the 31 characters of its 04)
    07  nouveau solde     (closing balance)

Bank, branch and account numbers come from the French IBAN (FRkk BBBBB GGGGG CCCCCCCCCCC KK);
amounts are 14 digits whose last one carries the sign ({, A-I positive; }, J-R negative)."""

from __future__ import annotations

import unicodedata
from datetime import date

from raccord.features.banking.exports import StatementFile
from raccord.features.banking.models import BankStatementLine

WIDTH = 120
POSITIVE = "{ABCDEFGHI"
NEGATIVE = "}JKLMNOPQR"
# Interbank operation codes (CFONB) by Bridge operation type; "XX" means not specified.
OPERATIONS = {"card": "11", "transfer": "05", "direct_debit": "01", "check": "02",
              "withdrawal": "04", "deposit": "03", "bank_fees": "10"}


def signed_amount(cents: int) -> str:
    digits = f"{abs(cents):014d}"
    table = NEGATIVE if cents < 0 else POSITIVE
    return digits[:-1] + table[int(digits[-1])]


def ascii_text(value: str, width: int) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    plain = " ".join(plain.upper().split())
    return plain[:width].ljust(width)


def ddmmyy(day: date) -> str:
    return day.strftime("%d%m%y")


def rib(iban: str, fallback: str) -> tuple[str, str, str]:
    """(bank code, branch code, account number) from a French IBAN."""
    compact = iban.replace(" ", "").upper()
    if compact.startswith(("FR", "MC")) and len(compact) == 27:
        return compact[4:9], compact[9:14], compact[14:25]
    return "00000", "00000", fallback[-11:].rjust(11, "0")


def _head(kind: str, bank: str, operation: str, branch: str, currency: str,
          account: str) -> str:
    return f"{kind}{bank}{operation}{branch}{currency[:3]}2 {account}"


def _balance(kind: str, ids: tuple[str, str, str], currency: str, day: date,
             cents: int) -> str:
    bank, branch, account = ids
    record = (_head(kind, bank, "    ", branch, currency, account) + "  " + ddmmyy(day)
              + " " * 50 + signed_amount(cents) + " " * 16)
    assert len(record) == WIDTH
    return record


def _movement(ids: tuple[str, str, str], currency: str, line: BankStatementLine,
              number: int) -> list[str]:
    bank, branch, account = ids
    operation = OPERATIONS.get(line.operation_type, "XX").ljust(4)[:4]
    label = ascii_text(line.label, 200).rstrip()
    head = _head("04", bank, operation, branch, currency, account)
    record = (head + "  " + ddmmyy(line.booking_date) + "  " + ddmmyy(line.value_date)
              + ascii_text(label[:31], 31) + "  " + f"{number % 10_000_000:07d}" + " " + " "
              + signed_amount(line.amount_cents) + ascii_text(str(line.bridge_id), 16))
    assert len(record) == WIDTH
    records = [record]
    rest = label[31:]
    while rest:
        extra = (_head("05", bank, operation, branch, currency, account) + "  "
                 + ddmmyy(line.booking_date) + " " * 5 + "LIB" + ascii_text(rest[:70], 70)
                 + "  ")
        assert len(extra) == WIDTH
        records.append(extra)
        rest = rest[70:]
    return records


def render(data: StatementFile) -> bytes:
    st, account = data.statement, data.account
    ids = rib(account.iban, str(account.bridge_id))
    currency = st.currency
    records = [_balance("01", ids, currency, st.period_start, st.opening_cents)]
    for number, line in enumerate(data.lines, start=1):
        records += _movement(ids, currency, line, number)
    records.append(_balance("07", ids, currency, st.period_end, st.closing_cents))
    return ("\r\n".join(records) + "\r\n").encode("ascii")
