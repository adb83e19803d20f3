"""ISO 20022 camt.053.001.02 (BankToCustomerStatementV02), the version French banks and
accounting software exchange: one statement, its opening (OPBD) and closing (CLBD) booked
balances, a summary, and one booked entry (BOOK) per line, corrections marked as reversals
when they withdraw an amount."""

from __future__ import annotations

from datetime import UTC

from lxml import etree

from raccord.features.banking.exports import StatementFile

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def _amount(cents: int) -> str:
    whole, part = divmod(abs(cents), 100)
    return f"{whole}.{part:02d}"


def _indicator(cents: int) -> str:
    return "DBIT" if cents < 0 else "CRDT"


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _text(value: str, limit: int) -> str:
    cleaned = " ".join(value.split())
    return cleaned[:limit] if cleaned else "-"


def _balance(parent: etree._Element, code: str, cents: int, currency: str, day: str) -> None:
    bal = _sub(parent, "Bal")
    _sub(_sub(_sub(bal, "Tp"), "CdOrPrtry"), "Cd", code)
    _sub(bal, "Amt", _amount(cents), Ccy=currency)
    _sub(bal, "CdtDbtInd", _indicator(cents))
    _sub(_sub(bal, "Dt"), "Dt", day)


def _totals(parent: etree._Element, tag: str, count: int, cents: int) -> etree._Element:
    totals = _sub(parent, tag)
    _sub(totals, "NbOfNtries", str(count))
    _sub(totals, "Sum", _amount(cents))
    return totals


def render(data: StatementFile) -> bytes:
    st, account = data.statement, data.account
    currency = st.currency
    created = data.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    document = etree.Element(f"{{{NS}}}Document", nsmap={None: NS})
    root = _sub(document, "BkToCstmrStmt")
    header = _sub(root, "GrpHdr")
    _sub(header, "MsgId", data.reference)
    _sub(header, "CreDtTm", created)
    stmt = _sub(root, "Stmt")
    _sub(stmt, "Id", data.reference)
    _sub(stmt, "ElctrncSeqNb", str(st.number))
    _sub(stmt, "CreDtTm", created)
    period = _sub(stmt, "FrToDt")
    _sub(period, "FrDtTm", f"{st.period_start.isoformat()}T00:00:00")
    _sub(period, "ToDtTm", f"{st.period_end.isoformat()}T23:59:59")
    acct = _sub(stmt, "Acct")
    ident = _sub(acct, "Id")
    if account.iban:
        _sub(ident, "IBAN", account.iban.replace(" ", "").upper())
    else:
        _sub(_sub(ident, "Othr"), "Id", str(account.bridge_id))
    _sub(acct, "Ccy", currency)
    if account.name:
        _sub(acct, "Nm", _text(account.name, 70))
    if data.holder:
        _sub(_sub(acct, "Ownr"), "Nm", _text(data.holder, 140))
    _balance(stmt, "OPBD", st.opening_cents, currency, st.period_start.isoformat())
    _balance(stmt, "CLBD", st.closing_cents, currency, st.period_end.isoformat())
    summary = _sub(stmt, "TxsSummry")
    entries = _totals(summary, "TtlNtries", len(data.lines),
                      sum(abs(line.amount_cents) for line in data.lines))
    net = st.credit_cents - st.debit_cents
    _sub(entries, "TtlNetNtryAmt", _amount(net))
    _sub(entries, "CdtDbtInd", _indicator(net))
    _totals(summary, "TtlCdtNtries", sum(1 for x in data.lines if x.amount_cents >= 0),
            st.credit_cents)
    _totals(summary, "TtlDbtNtries", sum(1 for x in data.lines if x.amount_cents < 0),
            st.debit_cents)
    for line in data.lines:
        entry = _sub(stmt, "Ntry")
        _sub(entry, "NtryRef", str(line.id))
        _sub(entry, "Amt", _amount(line.amount_cents), Ccy=currency)
        _sub(entry, "CdtDbtInd", _indicator(line.amount_cents))
        if line.kind == "correction" and line.label.startswith("Correction (suppression)"):
            _sub(entry, "RvslInd", "true")  # the bank withdrew a transaction already stated
        _sub(entry, "Sts", "BOOK")
        _sub(_sub(entry, "BookgDt"), "Dt", line.booking_date.isoformat())
        _sub(_sub(entry, "ValDt"), "Dt", line.value_date.isoformat())
        _sub(entry, "AcctSvcrRef", str(line.bridge_id))
        code = _sub(_sub(entry, "BkTxCd"), "Prtry")
        _sub(code, "Cd", _text(line.operation_type or "other", 35))
        _sub(code, "Issr", "Bridge")
        details = _sub(_sub(entry, "NtryDtls"), "TxDtls")
        _sub(_sub(details, "Refs"), "AcctSvcrRef", str(line.bridge_id))
        _sub(_sub(details, "RmtInf"), "Ustrd", _text(line.label, 140))
        if line.bank_label:
            _sub(details, "AddtlTxInf", _text(line.bank_label, 500))
        _sub(entry, "AddtlNtryInf", _text(line.label, 500))
    return bytes(etree.tostring(document, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))
