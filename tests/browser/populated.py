"""A sandbox with something on every page: invoices in each state, an enrichment, a third
party, every interface tested, job runs, calls, history; a calendar mailbox with synced and
failed appointments and their runs, a signature request, a bank with accounts, transactions
and a statement, an expense report, mail messages and an alert subscription."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from playwright.sync_api import Page

from raccord.core.alerts import raise_alert
from raccord.core.hub import Hub
from raccord.core.i18n import Tr
from raccord.core.jobs import JOBS, SCHEDULES
from raccord.core.outbox import OutgoingMail, queue_mail
from raccord.core.settings_store import SYSTEM
from raccord.features.banking.periods import Period
from raccord.features.banking.statements import Request, generate
from raccord.features.calendar import records
from raccord.features.einvoicing import followup, intake
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.features.mail.alertmail import subscribe
from raccord.features.signatures import intake as signature_intake
from raccord.features.sirene import enrichments
from raccord.features.thirdparties import service
from raccord.features.thirdparties.service import PartyData
from raccord.interfaces.demo import DEMO
from raccord.interfaces.hub import InterfaceHub
from raccord.sandbox.examples import INVOICES, invoice_data
from raccord.sandbox.samples import quote_pdf
from raccord.sandbox.setup import Sandbox
from raccord.web import create_app
from tests.banking.conftest import setup_bank
from tests.calendar.helpers import MAILBOX, tomorrow

# Words a French page must not show: English statuses, and what raw data looks like.
ENGLISH_WORDS = ("success", "failure", "received", "queued", "deposited", "integrated",
                 "rejected", "invalid", "cancelled", "failed", "depositing", "uncertain",
                 "unknown", "running", "done", "on-premise", "provider", "not set",
                 "Never tested", "stopped", "delivered", "retry", "waiting", "Working",
                 "Failing", "Disabled",
                 # the later features' machine words (calendar, signatures, bank, mail...)
                 "synced", "pending", "removed_in_outlook", "deleted", "schedule", "push",
                 "cli", "outlook", "created_in_outlook", "answer_lost",
                 "found_again", "changed_in_outlook", "deleted_in_outlook", "recreating",
                 "restored_over_outlook", "pulled_back", "pulled back", "mailboxes", "busy",
                 "tentative", "oof", "workingElsewhere", "created", "updated", "sent",
                 "signed", "refused", "expired", "draft", "submitted", "approved", "paid",
                 "held", "sending", "open", "warning", "error", "booked", "unchanged",
                 "accounts_fetched", "statements", "requeued", "partly_signed", "started",
                 "completed", "Status", "State", "Amount")
ENGLISH = re.compile(r"(?<![\w/._-])(" + "|".join(re.escape(w) for w in ENGLISH_WORDS)
                     + r")(?![\w/._-])")
RAW_DICT = re.compile(r"\{\s*'[^']*'\s*:|\{\s*\"[^\"]*\"\s*:|\bdefaultdict\(|\bCounter\(")
# Registered job names (`calendar.sync`): the runs and the dashboard show their words instead.
def job_names() -> set[str]:
    return set(JOBS) | set(SCHEDULES)


# A moment written the machine's way (`2026-03-12 14:03`, `2026-03-12T14:03`) instead of Babel's.
RAW_MOMENT = re.compile(r"(?<![\w/-])\d{4}-\d\d-\d\d[ T]\d\d:\d\d")
SKIPPED = ("/logout", "/lang/", "/api/", "/static/", "/result", "/file", ".csv", ".pdf",
           "/receipts/", "/export", "/download")


def populate(hub: Hub, sandbox: Sandbox) -> None:
    assert isinstance(hub, InterfaceHub)
    sandbox.simulators["chorus"].portal.processing_s = 0.0
    hub.settings.set_many("chorus", {"retry_delay_s": 0, "timeout_s": 2}, SYSTEM)
    for n, example in enumerate(INVOICES):
        data = InvoiceData.model_validate(invoice_data(example, f"POP-{n}"))
        intake.receive(hub, DEMO.code, "erp", data=data)
    hub.jobs.run_pending(include_scheduled=True)
    followup.follow_up(hub)
    data = InvoiceData.model_validate(invoice_data(INVOICES[0], "POP-Q"))
    queued = intake.receive(hub, DEMO.code, "erp", data=data)  # left queued, with its amount
    assert queued.state == "queued"
    csv = ("siret\n" + DEMO.siret + "\n" + DEMO.siret[:-1] + "0\n").encode()
    enrichments.create(hub, csv, "alice")
    hub.jobs.run_pending()
    hub.jobs.enqueue("core.purge_history")
    hub.jobs.run_pending()
    service.create(hub, PartyData(kind="customer", siret=DEMO.siret), "alice", fill=True)
    for name, spec in hub.interfaces.items():
        if spec.tests:
            hub.run_tests(name)
    hub.settings.set("sirene", "token", "typed-then-cleared", SYSTEM)
    _later_features(hub, sandbox)


def _later_features(hub: InterfaceHub, sandbox: Sandbox) -> None:
    """The calendar, signatures, bank, expenses and mail, each through its own functions and
    the sandbox's simulators, as their own tests do."""
    hub.settings.set_many("exchange", {"timeout_s": 5}, SYSTEM)
    for erp_id, mailbox in (("POP-A1", MAILBOX), ("POP-A2", "nobody@contoso.com")):
        records.save(hub, records.AppointmentIn.model_validate({
            "erp_id": erp_id, "mailbox": mailbox, "subject": f"Intervention {erp_id}",
            "start": tomorrow(9), "end": tomorrow(10, 30), "location": "Lyon",
            "show_as": "tentative", "time_zone": "America/New_York"}))
    hub.jobs.enqueue("calendar.sync")
    hub.jobs.run_pending(include_scheduled=True)
    hub.settings.set_many("signature", {"timeout_s": 2, "retry_delay_s": 0}, SYSTEM)
    signature_intake.receive(hub, signature_intake.RequestIn.model_validate({
        "kind": "quote", "reference": "POP-D1", "company": DEMO.code,
        "signers": [{"name": "Alice Martin", "email": "alice.martin@client.fr",
                     "anchor": "Bon pour accord"}]}), quote_pdf("POP-D1"), "erp")
    hub.jobs.run_pending(include_scheduled=True)
    bank = setup_bank(hub, sandbox.simulators["bank"])  # type: ignore[arg-type]
    hub.jobs.enqueue("bank.fetch")
    hub.jobs.run_pending(include_scheduled=True)
    generate(hub, Request(bank.account().id, Period.SINCE_LAST, date.today()),
             "alice")
    hub.accounts.add_user("emma", "emma-password-1", "employee")
    emma = TestClient(create_app(hub))
    emma.headers["Authorization"] = f"Bearer {hub.accounts.new_api_key('emma')}"
    report = emma.post("/api/v1/expense-reports", json={
        "period_start": "2026-03-01", "period_end": "2026-03-31"}).json()
    emma.post(f"/api/v1/expense-reports/{report['id']}/expenses", json={
        "spent_on": "2026-03-02", "merchant": "Taxi", "amount_incl_tax": "1234.10",
        "category": "transport", "vat": [{"rate": "10", "amount": "112.19"}]})
    emma.post(f"/api/v1/expense-reports/{report['id']}/submit")
    subscribe(hub, "alice", "alice@demo-sarl.fr", severity="warning")
    raise_alert(hub, "pop.alert", interface="sirene", severity="warning",
                message=Tr("Exemple d'alerte", "Example alert"))
    queue_mail(hub, OutgoingMail(to=("marie.dupont@client.fr",), subject="Note de frais n°12",
                                 text="Bonjour,\nvotre note de frais est validée."),
               origin="test")
    hub.jobs.run_pending(include_scheduled=True)


def console_pages(page: Page, base: str, limit: int = 80,
                  start: tuple[str, ...] = ("/",)) -> list[str]:
    """Every page reachable from the menu and the pages' own links (a few of each kind)."""
    seen: list[str] = []
    queue = list(start)
    kinds: dict[str, int] = {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        kind = re.sub(r"/\d+", "/N", urlsplit(path).path)
        if kinds.get(kind, 0) >= 3:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        page.goto(base + path)
        seen.append(path)
        links = page.eval_on_selector_all(
            "a[href^='/']", "links => links.map(a => a.getAttribute('href'))")
        queue += [link.split("#")[0] for link in links
                  if not any(s in link for s in SKIPPED) and link.split("#")[0] not in seen]
    return seen
