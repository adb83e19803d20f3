"""A sandbox with something on every page: invoices in each state, an enrichment, a third
party, every interface tested, job runs, calls, history."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.features.einvoicing import followup, intake
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.features.sirene import enrichments
from raccord.features.thirdparties import service
from raccord.features.thirdparties.service import PartyData
from raccord.interfaces.demo import DEMO
from raccord.interfaces.hub import InterfaceHub
from raccord.sandbox.examples import INVOICES, invoice_data
from raccord.sandbox.setup import Sandbox

# Words a French page must not show: English statuses, and what raw data looks like.
ENGLISH_WORDS = ("success", "failure", "received", "queued", "deposited", "integrated",
                 "rejected", "invalid", "cancelled", "failed", "depositing", "uncertain",
                 "unknown", "running", "done", "on-premise", "provider", "not set",
                 "Never tested", "stopped", "delivered", "retry", "waiting", "Working",
                 "Failing", "Disabled")
ENGLISH = re.compile(r"(?<![\w/._-])(" + "|".join(re.escape(w) for w in ENGLISH_WORDS)
                     + r")(?![\w/._-])")
RAW_DICT = re.compile(r"\{\s*'[^']*'\s*:|\{\s*\"[^\"]*\"\s*:|\bdefaultdict\(|\bCounter\(")
SKIPPED = ("/logout", "/lang/", "/api/", "/static/", "/result", "/file")


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


def console_pages(page: Page, base: str, limit: int = 80) -> list[str]:
    """Every page reachable from the menu and the pages' own links (a few of each kind)."""
    seen: list[str] = []
    queue = ["/"]
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
