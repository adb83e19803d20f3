"""Following deposited invoices: the flow's processing report (integrated or rejected with the
portal's error list), then the invoice's own statuses on the portal until a final one.

Calls are spent sparingly (they share the portal's quota with deposits): one paged search of
the company's recent invoices finds the integrated ones in bulk, `consulterCRDetaille` is asked
only for the flows the search did not show, and statuses come from one search of the invoices
whose status changed since the last look."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from raccord.core.diagnosis import ServiceError
from raccord.core.formats import counted
from raccord.core.i18n import Tr
from raccord.core.models import aware, utcnow
from raccord.features.einvoicing import store
from raccord.features.einvoicing.models import EInvoice, PortalCursor
from raccord.features.einvoicing.states import (
    FINAL_FLOW_STATES,
    FINAL_PORTAL_STATUSES,
    REJECTED_FLOW_STATES,
    State,
    portal_label,
)
from raccord.interfaces.chorus.client import ONE_TRY, ChorusClient
from raccord.interfaces.chorus.results import FlowReport, InvoiceSearch, PortalInvoice
from raccord.interfaces.chorus.settings import PARIS

if TYPE_CHECKING:
    from raccord.core.hub import Hub

PAGE = 500
MAX_PAGES = 40
# consulterCRDetaille only finds rejections (the search finds integrated invoices in bulk), so
# it is asked sparingly: a few flows per round, each again after a quarter of its age.
MAX_REPORTS = 50
RECHECK_MIN_S, RECHECK_MAX_S = 1.0, 300.0


def integrate(hub: Hub, invoice: EInvoice, found: PortalInvoice, actor: str) -> bool:
    status = found.status
    return store.move(
        hub, invoice, State.INTEGRATED, actor,
        Tr(f"Intégrée par le portail (facture CHORUS PRO n° {found.portal_id},"
           f" {portal_label(status).fr}).",
           f"Integrated by the portal (CHORUS PRO invoice no. {found.portal_id}"
           f", {portal_label(status).en})."),
        portal_status=status or None, details={"identifiantFactureCPP": found.portal_id},
        portal_id=found.portal_id, flow_state="IN_INTEGRE",
        portal_status_at=utcnow(), waiting_reason=None)


def reject(hub: Hub, invoice: EInvoice, report: FlowReport, actor: str) -> bool:
    state = report.state
    errors = [{"field": "numeroDP " + e.invoice_number, "rule": state,
               "fr": e.message, "en": e.message} for e in report.errors_of(invoice.number)]
    errors += [{"field": e.code or "flux", "rule": state, "fr": e.message, "en": e.message}
               for e in report.technical_errors]
    found = counted(len(errors), Tr("erreur", "error"), Tr("erreurs", "errors"))
    return store.move(hub, invoice, State.REJECTED, actor, Tr(
        f"Rejetée par le portail ({state}) : {found.fr}. Corrigez-la et renvoyez-la.",
        f"Rejected by the portal ({state}): {found.en}. Correct it and send it again."),
        details={"etatCourantDepotFlux": state}, errors=errors, flow_state=state)


def _all_pages(client: ChorusClient, search: InvoiceSearch) -> list[PortalInvoice]:
    rows, pages = client.search_invoices(search, 1, PAGE)
    for page in range(2, min(pages, MAX_PAGES) + 1):
        rows += client.search_invoices(search, page, PAGE)[0]
    return rows


def follow_flows(hub: Hub, client: ChorusClient, company: str, actor: str,
                 counts: Counter[str]) -> None:
    pending = store.in_states(hub, {State.DEPOSITED}, company=company)
    if not pending:
        return
    since = min((i.deposited_on or "9999") for i in pending)
    found = {(r.flow_number, r.number): r
             for r in _all_pages(client, InvoiceSearch(deposited_since=since))}
    rest = []
    for invoice in pending:
        row = found.get((invoice.flow_number or "", invoice.number))
        if row is None:
            rest.append(invoice)
        elif integrate(hub, invoice, row, actor):
            counts["integrated"] += 1
    for invoice in sorted(filter(_due_for_report, rest), key=lambda i: i.updated_at)[
            :MAX_REPORTS]:
        report = client.flow_report(str(invoice.flow_number))
        state = report.state
        mine = report.errors_of(invoice.number)
        if state in REJECTED_FLOW_STATES or (state in FINAL_FLOW_STATES and mine):
            if reject(hub, invoice, report, actor):
                counts["rejected"] += 1
        elif state in FINAL_FLOW_STATES:
            rows, _ = client.search_invoices(InvoiceSearch(flow_number=invoice.flow_number))
            row = next((r for r in rows if r.number == invoice.number), None)
            if row is not None and integrate(hub, invoice, row, actor):
                counts["integrated"] += 1
        else:
            store.note(hub, invoice.id, flow_state=state or "?")
            counts["processing"] += 1


def _due_for_report(invoice: EInvoice) -> bool:
    """Whether the flow's report is worth asking again (a quarter of its age after the last)."""
    now = utcnow()
    deposited = aware(invoice.attempt_started_at or invoice.updated_at)
    last = aware(invoice.updated_at)
    wait = min(max((last - deposited).total_seconds() / 4, RECHECK_MIN_S), RECHECK_MAX_S)
    return invoice.flow_state is None or (now - last).total_seconds() >= wait


def follow_statuses(hub: Hub, client: ChorusClient, company: str, actor: str,
                    counts: Counter[str]) -> None:
    tracked = {i.portal_id: i for i in store.in_states(hub, {State.INTEGRATED}, company=company)
               if i.portal_id is not None and i.portal_status not in FINAL_PORTAL_STATUSES}
    if not tracked:
        return
    with hub.db.session() as session:
        cursor = session.get(PortalCursor, company)
        last = cursor.statuses_checked_at if cursor else None
    checked = utcnow()
    oldest = min(aware(i.portal_status_at or checked) for i in tracked.values())
    since = aware(last) if last is not None else oldest
    day = (since.astimezone(PARIS) - timedelta(days=1)).date().isoformat()
    for row in _all_pages(client, InvoiceSearch(status_changed_since=day)):
        invoice = tracked.get(row.portal_id or 0)
        status = row.status
        if invoice is None or not status or status == invoice.portal_status:
            continue
        comment = row.status_comment
        label = portal_label(status)
        if store.move(hub, invoice, State.INTEGRATED, actor,
                      Tr(f"Statut sur le portail : {label.fr}" + (f" ({comment})" if comment
                                                                   else "") + ".",
                         f"Status on the portal: {label.en}" + (f" ({comment})" if comment
                                                                else "") + "."),
                      portal_status=status, portal_status_at=checked):
            counts["status_changes"] += 1
    with hub.db.session() as session:
        cursor = session.get(PortalCursor, company) or PortalCursor(company_code=company)
        cursor.statuses_checked_at = checked
        session.add(cursor)


def companies_to_follow(hub: Hub) -> list[str]:
    with hub.db.session() as session:
        return sorted(set(session.scalars(select(EInvoice.company_code).where(
            EInvoice.state.in_([State.DEPOSITED.value, State.INTEGRATED.value])).distinct())))


def follow_up(hub: Hub) -> Counter[str]:
    """One round for every company with invoices on the portal; a company whose account
    fails does not hold the others back (the first failure is raised at the end)."""
    counts: Counter[str] = Counter()
    actor = hub.technical_actor("chorus").login
    values = hub.values("chorus")
    failure: ServiceError | None = None
    for company in companies_to_follow(hub):
        try:
            with ChorusClient(hub, company, values, ONE_TRY) as client:
                follow_flows(hub, client, company, actor, counts)
                follow_statuses(hub, client, company, actor, counts)
        except ServiceError as error:
            counts["companies_failed"] += 1
            failure = failure or error
    if failure is not None:
        raise failure
    return counts
