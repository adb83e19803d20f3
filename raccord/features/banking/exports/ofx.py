"""OFX 2.2 (XML) bank statement: the account, the transactions of the period and the ledger
balance at its end."""

from __future__ import annotations

from datetime import UTC
from xml.sax.saxutils import escape

from raccord.features.banking.exports import StatementFile
from raccord.features.banking.exports.cfonb120 import rib

HEADER = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
          '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" '
          'NEWFILEUID="NONE"?>\n')


def _amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def _text(value: str, limit: int) -> str:
    return escape(" ".join(value.split())[:limit] or "-")


def render(data: StatementFile) -> bytes:
    st, account = data.statement, data.account
    bank, branch, number = rib(account.iban, str(account.bridge_id))
    server = data.created.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    status = "<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>"
    rows = []
    for line in data.lines:
        fitid = str(line.bridge_id) if line.kind == "booked" else f"{line.bridge_id}-C{line.id}"
        rows.append(
            "<STMTTRN>"
            f"<TRNTYPE>{'CREDIT' if line.amount_cents >= 0 else 'DEBIT'}</TRNTYPE>"
            f"<DTPOSTED>{line.booking_date.strftime('%Y%m%d')}</DTPOSTED>"
            f"<DTUSER>{line.value_date.strftime('%Y%m%d')}</DTUSER>"
            f"<TRNAMT>{_amount(line.amount_cents)}</TRNAMT>"
            f"<FITID>{fitid}</FITID>"
            f"<NAME>{_text(line.label, 32)}</NAME>"
            f"<MEMO>{_text(line.bank_label or line.label, 255)}</MEMO>"
            "</STMTTRN>")
    body = (
        "<OFX>"
        f"<SIGNONMSGSRSV1><SONRS>{status}<DTSERVER>{server}</DTSERVER>"
        "<LANGUAGE>FRA</LANGUAGE></SONRS></SIGNONMSGSRSV1>"
        f"<BANKMSGSRSV1><STMTTRNRS><TRNUID>{data.reference}</TRNUID>{status}"
        f"<STMTRS><CURDEF>{st.currency}</CURDEF>"
        f"<BANKACCTFROM><BANKID>{bank}</BANKID><BRANCHID>{branch}</BRANCHID>"
        f"<ACCTID>{number}</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>"
        f"<BANKTRANLIST><DTSTART>{st.period_start.strftime('%Y%m%d')}</DTSTART>"
        f"<DTEND>{st.period_end.strftime('%Y%m%d')}</DTEND>{''.join(rows)}</BANKTRANLIST>"
        f"<LEDGERBAL><BALAMT>{_amount(st.closing_cents)}</BALAMT>"
        f"<DTASOF>{st.period_end.strftime('%Y%m%d')}</DTASOF></LEDGERBAL>"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")
    return (HEADER + body).encode("utf-8")
