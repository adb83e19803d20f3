"""`raccord signature ...`: send a quote or a delivery note to be signed, follow it.

    raccord signature send FILE --signer NAME,EMAIL[,PHONE] ... --kind quote|delivery-note
                           --reference REF [--company CODE] [--level level1] [--ordered]
                           [--language fr] [--expires 2026-12-31T18:00:00Z]
    raccord signature status [ID] [--json]
    raccord signature cancel ID / raccord signature remind ID
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.table import Table

from raccord.core.i18n import Tr
from raccord.features.signatures import intake, store, views
from raccord.toolkit.cli import cli_actor, fail, lang, open_hub, out

app = typer.Typer(no_args_is_help=True, help="Electronic signature (Universign): send quotes "
                  "and delivery notes to be signed, follow them.")


def _signer(text: str) -> dict[str, Any]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) not in (2, 3) or not all(parts):
        raise fail(Tr(f"--signer « {text} » : écrivez NOM,COURRIEL[,TÉLÉPHONE].",
                      f"--signer '{text}': write NAME,EMAIL[,PHONE]."), 2)
    signer: dict[str, Any] = {"name": parts[0], "email": parts[1]}
    if len(parts) == 3:
        signer["phone"] = parts[2]
    return signer


def _company(hub: Any, code: str | None) -> str:
    if code:
        return code
    companies = hub.accounts.companies()
    if len(companies) == 1:
        return str(companies[0].code)
    raise fail(Tr("Précisez la société avec --company CODE.",
                  "Say which company with --company CODE."), 2)


@app.command()
def send(file: Annotated[Path, typer.Argument(help="The PDF to sign.")],
         signer: Annotated[list[str], typer.Option(help="NAME,EMAIL[,PHONE], once per signer, "
                                                  "in signing order.")],
         kind: Annotated[str, typer.Option(help="quote or delivery-note.")],
         reference: Annotated[str, typer.Option(help="The ERP's reference of the document.")],
         company: Annotated[str | None, typer.Option(help="Company code.")] = None,
         level: Annotated[str, typer.Option(help="Signature level, level0 to level4.")] =
         "level1",
         ordered: Annotated[bool, typer.Option(help="Sign one after the other.")] = False,
         language: Annotated[str, typer.Option(help="Language of Universign's pages.")] = "fr",
         expires: Annotated[datetime | None, typer.Option(help="Expiry (ISO 8601).")] = None,
         anchor: Annotated[str | None, typer.Option(help="Text each signer signs next to.")]
         = None,
         as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Send a PDF to be signed through Universign."""
    hub = open_hub()
    try:
        content = file.read_bytes()
    except OSError as error:
        raise fail(Tr(f"{file} : fichier illisible ({error.strerror}).",
                      f"{file}: cannot read the file ({error.strerror}).")) from None
    signers = [_signer(s) | ({"anchor": anchor} if anchor else {}) for s in signer]
    try:
        data = intake.RequestIn.model_validate({
            "kind": kind, "reference": reference, "company": _company(hub, company),
            "signers": signers, "level": level, "ordered": ordered, "language": language,
            "expires_at": expires, "file_name": file.name})
    except ValidationError as error:
        first = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                          for e in error.errors()[:3])
        raise fail(Tr(f"Demande refusée : {first}", f"Request refused: {first}"), 2) from None
    try:
        kept, created = intake.receive(hub, data, content, cli_actor().login)
    except intake.Refused as refused:
        raise fail(refused.message) from None
    summary = views.summary(kept, lang())
    if as_json:
        out.print_json(json.dumps(summary, ensure_ascii=False))
        return
    said = Tr("reçue, envoi à Universign en file d'attente", "received, queued for Universign") \
        if created else Tr("déjà en cours", "already in progress")
    out.print(f"{kept.reference} (id {kept.id}): {said(lang())}", markup=False)


@app.command()
def status(request_id: Annotated[int | None, typer.Argument(help="Request id.")] = None,
           as_json: Annotated[bool, typer.Option("--json")] = False,
           limit: Annotated[int, typer.Option()] = 50) -> None:
    """Signature requests (latest first), or one request with its history."""
    hub = open_hub()
    if request_id is None:
        rows = [views.summary(r, lang()) for r in store.listing(hub, limit=limit)]
        if as_json:
            out.print_json(json.dumps(rows, ensure_ascii=False))
            return
        table = Table("id", "company", "kind", "reference", "signers", "state", "updated")
        for r in rows:
            signers = ", ".join(s["name"] + (" ✔" if s["signed"] else "") for s in r["signers"])
            table.add_row(str(r["id"]), r["company"], r["kind_label"], r["reference"], signers,
                          r["state_label"], (r["updated_at"] or "")[:19])
        out.print(table)
        return
    found = store.get(hub, request_id)
    if found is None:
        raise fail(Tr(f"Demande de signature {request_id} inconnue.",
                      f"Unknown signature request {request_id}."))
    document = views.detail(hub, found, lang())
    if as_json:
        out.print_json(json.dumps(document, ensure_ascii=False))
        return
    out.print(f"{document['kind_label']} {document['reference']} (id {document['id']}): "
              f"{document['state_label']}", markup=False)
    if document["reason_text"]:
        out.print(document["reason_text"], markup=False)
    for event in document["history"]:
        out.print(f"{(event['at'] or '')[:19]}  {event['to_label']:<28} {event['message'] or ''}",
                  markup=False)


def _act(request_id: int, action: Any, done: Tr) -> None:
    hub = open_hub()
    try:
        action(hub, request_id, cli_actor().login)
    except intake.Refused as refused:
        raise fail(refused.message) from None
    out.print(done(lang()))


@app.command()
def cancel(request_id: int) -> None:
    """Cancel a request not signed yet (its Universign transaction too)."""
    _act(request_id, intake.cancel, Tr("Demande annulée.", "Request cancelled."))


@app.command()
def remind(request_id: int) -> None:
    """Send the signers who have not signed a reminder."""
    _act(request_id, intake.remind, Tr("Relance envoyée.", "Reminder sent."))
