"""The bank's execution log mail reads the way each language writes figures and times
(raccord.core.formats): `1 200,00 €`, `02/12/2026 14:05`, `2 comptes` in French, never an ISO
timestamp or a Python repr."""

from __future__ import annotations

import re

from sqlalchemy import select

from raccord.core.hub import Hub
from raccord.core.outbox import MailMessage
from raccord.features.banking import runs
from raccord.interfaces.bank.simulator import BridgeSimulator
from tests.banking.conftest import setup_bank
from tests.mail.test_mail_formats import ISO, RAW, spaced


def test_a_french_bank_log_mail_writes_amounts_dates_and_plurals_in_french(
        sandboxed_hub: Hub, bridge: BridgeSimulator) -> None:
    bank = setup_bank(sandboxed_hub, bridge, history=20)
    for account in bank.bridge_accounts:
        ledger = bank.ledger(account)
        ledger.base = 120000 - ledger.booked  # 1 200,00 € at the bank
    report = runs.run(bank.hub, "schedule")
    with bank.hub.db.session() as session:
        mail = session.scalar(select(MailMessage).where(
            MailMessage.idempotency_key == f"bank-run-{report.id}"))
    assert mail is not None
    french, english = (spaced(part) for part in mail.text.split("\n\n----\n\n"))
    assert "1 200,00 €" in french and "€1,200.00" in english
    assert re.search(r"commencée le \d{2}/\d{2}/\d{4} \d{2}:\d{2}", french), french
    assert re.search(r": 1 200,00 € au \d{2}/\d{2}/\d{4} \d{2}:\d{2}", french), french
    subject = spaced(mail.subject)
    assert subject.startswith("raccord — banque : 2 comptes, "), subject
    assert re.search(r"\d+ transactions? ajoutées?, 0 relevé$", subject), subject
    for text in (mail.subject, mail.text):
        assert not ISO.search(text) and not RAW.search(text), text
