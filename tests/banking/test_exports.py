"""Statement files: CAMT.053 valid against the ISO 20022 schema, CFONB 120 records laid out
as the banks lay them, OFX readable by an OFX parser, JSON for the ERP."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from lxml import etree
from ofxtools.Parser import OFXTree
from sqlalchemy import select

from raccord.features.banking import runs, views
from raccord.features.banking.exports import Format
from raccord.features.banking.exports.cfonb120 import NEGATIVE, POSITIVE, signed_amount
from raccord.features.banking.models import BankAccount, BankStatement
from raccord.features.banking.periods import Period
from raccord.features.banking.statements import Request, generate
from tests.banking.conftest import Bank

SCHEMA = Path(__file__).parent / "schemas" / "camt.053.001.02.xsd"
NS = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"}
TODAY = date.today()


@pytest.fixture
def statement(bank: Bank) -> BankStatement:
    """A second statement: booked lines, one long label, and corrections."""
    runs.run(bank.hub, "cli")
    with bank.hub.db.session() as session:
        for row in session.scalars(select(BankAccount)):
            row.statements_from = TODAY - timedelta(days=20)
    account = bank.account().id
    generate(bank.hub, Request(account, Period.SINCE_LAST, TODAY), "raccord-bot")
    books, bridge_id = bank.sim.books, bank.bridge_accounts[0]
    ledger = bank.ledger()
    old = next(t for t in ledger.rows.values() if not t.future)
    books.change(bridge_id, old.id, deleted=True)
    books.add(bridge_id, 123_456, TODAY, "Virement reçu de la Société Générale des Eaux de "
              "Marne-la-Vallée, facture F-2026-0042 du 3 novembre, solde du marché n° 7")
    books.add(bridge_id, -9_90, TODAY, "CB Boulangerie Ãé")
    runs.run(bank.hub, "cli")
    tomorrow = TODAY + timedelta(days=1)
    return generate(bank.hub, Request(account, Period.SINCE_LAST, tomorrow), "raccord-bot",
                    today=tomorrow)


def test_camt053_is_valid_against_the_iso_20022_schema(bank: Bank,
                                                       statement: BankStatement) -> None:
    content = views.export(bank.hub, statement.id, Format.CAMT053)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(content)
    schema.assertValid(document)
    balances = {b.findtext("c:Tp/c:CdOrPrtry/c:Cd", namespaces=NS):
                (b.findtext("c:Amt", namespaces=NS), b.findtext("c:CdtDbtInd", namespaces=NS))
                for b in document.iterfind(".//c:Bal", NS)}
    assert set(balances) == {"OPBD", "CLBD"}
    closing = views.decimal(statement.closing_cents)
    assert balances["CLBD"] == (closing.lstrip("-"), "DBIT" if closing.startswith("-")
                                else "CRDT")
    entries = document.findall(".//c:Ntry", NS)
    assert len(entries) == statement.line_count == 3
    assert document.findtext(".//c:Acct/c:Id/c:IBAN", namespaces=NS) == bank.account().iban
    assert document.find(".//c:Ntry/c:RvslInd", NS) is not None  # the withdrawn one


def test_a_broken_camt053_would_be_caught_by_the_schema(bank: Bank,
                                                        statement: BankStatement) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(views.export(bank.hub, statement.id, Format.CAMT053))
    document.find(".//c:Ntry/c:Sts", NS).text = "DONE"  # type: ignore[union-attr]
    assert not schema.validate(document)


def _signed(field: str) -> int:
    last = field[-1]
    sign, digit = (-1, NEGATIVE.index(last)) if last in NEGATIVE else (1, POSITIVE.index(last))
    return sign * int(field[:-1] + str(digit))


def test_cfonb120_records(bank: Bank, statement: BankStatement) -> None:
    text = views.export(bank.hub, statement.id, Format.CFONB120).decode("ascii")
    records = text.split("\r\n")[:-1]
    assert all(len(r) == 120 for r in records)
    kinds = [r[:2] for r in records]
    assert kinds[0] == "01" and kinds[-1] == "07" and kinds.count("04") == 3
    assert "05" in kinds and kinds[kinds.index("05") - 1] == "04"
    iban = bank.account().iban
    for record in records:
        assert record[2:7] == iban[4:9] and record[11:16] == iban[9:14]
        assert record[16:19] == "EUR" and record[19] == "2" and record[21:32] == iban[14:25]
    opening, closing = _signed(records[0][90:104]), _signed(records[-1][90:104])
    assert (opening, closing) == (statement.opening_cents, statement.closing_cents)
    movements = [_signed(r[90:104]) for r in records if r.startswith("04")]
    assert opening + sum(movements) == closing
    first = records[0]
    assert first[34:40] == statement.period_start.strftime("%d%m%y")
    assert records[-1][34:40] == statement.period_end.strftime("%d%m%y")
    long_line = next(r for r in records
                     if r.startswith("04") and "VIREMENT RECU DE LA SOCIETE" in r)
    follow = records[records.index(long_line) + 1]
    assert follow.startswith("05") and follow[45:48] == "LIB" and "MARNE" in follow
    assert "BOULANGERIE AE" in text  # accents folded to ASCII
    assert signed_amount(-990) == "0000000000099}" and signed_amount(1234) == "0000000000123D"


def test_ofx_is_read_by_an_ofx_parser(bank: Bank, statement: BankStatement) -> None:
    content = views.export(bank.hub, statement.id, Format.OFX)
    tree = OFXTree()
    tree.parse(io.BytesIO(content))
    ofx = tree.convert()
    [stmt] = ofx.statements
    assert len(stmt.transactions) == 3
    assert str(stmt.ledgerbal.balamt) == views.decimal(statement.closing_cents)
    assert stmt.account.acctid == bank.account().iban[14:25]
    fitids = [t.fitid for t in stmt.transactions]
    assert len(set(fitids)) == 3


def test_json_carries_the_balances_and_the_lines(bank: Bank, statement: BankStatement) -> None:
    data = json.loads(views.export(bank.hub, statement.id, Format.JSON))
    assert data["closing_balance"] == views.decimal(statement.closing_cents)
    assert data["difference"] == "0.00" and len(data["entries"]) == 3
    assert {e["kind"] for e in data["entries"]} == {"booked", "correction"}
