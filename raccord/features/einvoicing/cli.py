"""`raccord chorus ...`: hand invoices over, follow them, read the quotas.

    raccord chorus send FILE... --company CODE [--format ubl] [--wait]
    raccord chorus status [INVOICE] [--company CODE] [--state STATE]
    raccord chorus quota
    raccord chorus cancel INVOICE / raccord chorus resend INVOICE
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console

from raccord.core.formats import counted, moment
from raccord.core.i18n import Tr
from raccord.features.einvoicing import intake, views
from raccord.features.einvoicing.dispatch import FOLLOW_UP_JOB, wake
from raccord.features.einvoicing.documents import Format
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.features.einvoicing.states import State, label
from raccord.toolkit.cli import cli_actor, err, fail, lang, open_hub, out, table

app = typer.Typer(no_args_is_help=True, help="CHORUS PRO: send invoices and follow them.")
# Column headings: the transmissions page's own words.
H = {"id": Tr("id", "id"), "number": Tr("numéro", "number"), "state": Tr("état", "status"),
     "errors": Tr("erreurs", "errors"), "company": Tr("société", "company"),
     "portal": Tr("statut sur le portail", "status on the portal"), "flow": Tr("flux", "flow"),
     "updated": Tr("mis à jour", "updated"), "note": Tr("note", "note"),
     "at": Tr("date", "date"), "by": Tr("par", "by"), "message": Tr("message", "message")}
DONE = {State.INTEGRATED, State.REJECTED, State.FAILED, State.INVALID, State.CANCELLED}


def _console(stderr: bool = False) -> Console:
    return err if stderr else out



def _read(path: Path) -> tuple[InvoiceData | None, bytes | None]:
    try:
        if path.stat().st_size > intake.MAX_FILE_BYTES:
            raise fail(Tr(f"{path} : ", f"{path}: ") + intake.TOO_LARGE)
        content = path.read_bytes()
    except OSError as error:
        raise fail(Tr(f"{path} : fichier illisible ({error.strerror}).",
                      f"{path}: cannot read the file ({error.strerror}).")) from None
    if path.suffix.lower() != ".json":
        return None, content
    try:
        return InvoiceData.model_validate(json.loads(content)), None
    except (ValueError, ValidationError) as error:
        first = str(error).splitlines()[:3]
        raise fail(Tr(f"{path} : JSON de facture invalide : {' '.join(first)}",
                      f"{path}: invalid invoice JSON: {' '.join(first)}")) from None


@app.command()
def send(files: Annotated[list[Path], typer.Argument(help="Invoice JSON (EN 16931), Factur-X "
                                                    "PDF, UBL or CII XML.")],
         company: Annotated[str, typer.Option(help="Code of the issuing company.")],
         format: Annotated[Format, typer.Option(help="E-invoice produced from JSON.")] =
         Format.FACTURX,
         wait: Annotated[bool, typer.Option(help="Wait until every invoice is integrated.")] =
         False,
         process: Annotated[bool, typer.Option(help="Do the work in this process (when no "
                                               "worker runs).")] = False,
         timeout: Annotated[float, typer.Option(help="Longest wait, seconds.")] = 3600.0
         ) -> None:
    """Validate and queue invoices for CHORUS PRO."""
    hub = open_hub()
    who = cli_actor().login
    receipts: list[intake.Receipt] = []
    for path in files:
        data, content = _read(path)
        try:
            receipts.append(intake.receive(hub, company, who, data=data, content=content,
                                           file_name=path.name, fmt=format))
        except intake.IntakeRefused as refused:
            raise fail(Tr(f"{path} : ", f"{path}: ") + refused.message) from None
    _print_receipts(receipts)
    if wait:
        _wait(hub, [r.id for r in receipts], process, timeout)
    elif any(r.state == State.INVALID.value for r in receipts):
        raise typer.Exit(1)


def _print_receipts(receipts: list[intake.Receipt]) -> None:
    listing = table(H["id"], H["number"], H["state"], H["errors"])
    for r in receipts:
        problems = "; ".join(f"{e['field']} [{e['rule']}] {e[lang()]}" for e in r.errors)
        listing.add_row(str(r.id), r.number, label(r.state)(lang()), problems)
    _console().print(listing)


def _wait(hub: Any, ids: list[int], process: bool, timeout: float) -> None:
    from raccord.features.einvoicing import followup, store

    deadline = time.monotonic() + timeout
    last_follow = 0.0
    while True:
        invoices = [store.get(hub, i) for i in ids]
        states = {i.id: State(i.state) for i in invoices if i is not None}
        if all(s in DONE for s in states.values()) or time.monotonic() > deadline:
            break
        if time.monotonic() - last_follow > 5:
            if process:
                hub.jobs.run_pending()
                followup.follow_up(hub)
            else:
                wake(hub, FOLLOW_UP_JOB)
            last_follow = time.monotonic()
        time.sleep(0.5)
    bad = [i for i in (store.get(hub, n) for n in ids) if i is not None
           and i.state != State.INTEGRATED.value]
    if not bad:
        done = counted(len(ids), Tr("facture intégrée", "invoice"),
                       Tr("factures intégrées", "invoices"))
        _console().print(Tr(f"{done.fr} par CHORUS PRO.",
                            f"{done.en} integrated by CHORUS PRO.")(lang()))
        return
    for invoice in bad:
        reasons = "; ".join(e.get(lang(), "") for e in invoice.errors) or (
            (invoice.waiting_reason or {}).get(lang(), ""))
        _console(True).print(f"{invoice.number}: {views.label(invoice.state)(lang())}"
                  + (f" — {reasons}" if reasons else ""), markup=False, soft_wrap=True)
    raise typer.Exit(1)


@app.command()
def status(invoice: Annotated[str | None, typer.Argument(help="Id or number.")] = None,
           company: Annotated[str | None, typer.Option()] = None,
           state: Annotated[str | None, typer.Option()] = None,
           limit: Annotated[int, typer.Option()] = 50,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Transmissions (latest first), or one invoice with its history and errors."""
    hub = open_hub()
    if invoice is None:
        rows = [views.summary(i, lang()) for i in views.listing(hub, company=company,
                                                               state=state, limit=limit)]
        if as_json:
            _console().print_json(json.dumps(rows, ensure_ascii=False))
            return
        listing = table(H["id"], H["company"], H["number"], H["state"], H["portal"], H["flow"],
                        H["updated"], H["note"])
        for r in rows:
            listing.add_row(str(r["id"]), r["company"], r["number"], r["state_label"],
                            r["portal_status_label"] or "", r["flow_number"] or "",
                            moment(r["updated_at"], lang()), r["waiting"] or "")
        _console().print(listing)
        return
    found = views.lookup(hub, invoice, company)
    if found is None:
        raise fail(Tr(f"Facture « {invoice} » introuvable (id, ou numéro avec --company).",
                      f"Invoice '{invoice}' not found (id, or number with --company)."))
    document = views.detail(hub, found, lang())
    document.pop("data")
    if as_json:
        _console().print_json(json.dumps(document, ensure_ascii=False))
        return
    _console().print(f"{document['company']} {document['number']} (id {document['id']}): "
              f"{document['state_label']}"
              + (f", {document['portal_status_label']}" if document["portal_status"] else "")
              + (f", {H['flow'](lang()).lower()} {document['flow_number']}"
                 if document["flow_number"] else ""), markup=False)
    if document["waiting"]:
        _console().print(document["waiting"], markup=False)
    history = table(H["at"], H["by"], H["state"], H["portal"], H["message"])
    for e in document["history"]:
        history.add_row(moment(e["at"], lang(), True), e["actor"], e["to_label"],
                        e["portal_status_label"] or "", e["message"] or "")
    _console().print(history)
    for e in document["errors"]:
        _console().print(f"[red]✗[/red] {e['field']} [{e['rule']}] {e.get(lang(), '')}",
                  soft_wrap=True)


@app.command()
def quota(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Today's use of the portal's quotas, and whether transmission is paused."""
    hub = open_hub()
    usage = views.quota(hub)
    if as_json:
        _console().print_json(json.dumps(usage.as_dict(lang()), ensure_ascii=False))
        return
    _console().print(usage.message()(lang()))


@app.command()
def cancel(invoice: str, company: Annotated[str | None, typer.Option()] = None) -> None:
    """Cancel an invoice that has not been deposited yet."""
    hub = open_hub()
    found = views.lookup(hub, invoice, company)
    if found is None:
        raise fail(Tr(f"Facture « {invoice} » introuvable.", f"Invoice '{invoice}' not found."))
    try:
        intake.cancel(hub, found.id, cli_actor().login)
    except intake.IntakeRefused as refused:
        raise fail(refused.message) from None
    _console().print(Tr(f"Facture {found.number} annulée.", f"Invoice {found.number} cancelled.")(
        lang()))


@app.command()
def resend(invoice: str, company: Annotated[str | None, typer.Option()] = None) -> None:
    """Try a failed invoice again (after fixing the settings, for example)."""
    hub = open_hub()
    found = views.lookup(hub, invoice, company)
    if found is None:
        raise fail(Tr(f"Facture « {invoice} » introuvable.", f"Invoice '{invoice}' not found."))
    try:
        intake.resend(hub, found.id, cli_actor().login)
    except intake.IntakeRefused as refused:
        raise fail(refused.message) from None
    _console().print(Tr(f"Facture {found.number} remise en file.",
                 f"Invoice {found.number} queued again.")(lang()))
