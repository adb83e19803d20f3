"""`raccord calendar ...`: synchronise mailboxes now, see where each stands.

    raccord calendar sync [MAILBOX...] [--json]   exit 1 when a mailbox failed
    raccord calendar status [--json]
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from raccord.core.formats import moment, number, plural
from raccord.core.i18n import Tr
from raccord.core.words import outcome_label
from raccord.features.calendar.labels import BUSY, SYNCED
from raccord.features.calendar.labels import COUNTS as LABELS
from raccord.features.calendar.status import calendar_status
from raccord.features.calendar.sync import COUNTS, PERSON_WAITING, sync
from raccord.toolkit.cli import fail, lang, open_hub, out

app = typer.Typer(no_args_is_help=True,
                  help="Outlook calendars: synchronise the ERP's appointments now, status.")



@app.command("sync")
def sync_command(mailboxes: Annotated[list[str] | None, typer.Argument(
                     help="Mailbox addresses (all enabled mailboxes when none).")] = None,
                 as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Synchronise now (both ways) and print the counts."""
    hub = open_hub()
    words = lang()
    if mailboxes:
        known = {m["address"] for m in calendar_status(hub)["mailboxes"]}
        unknown = [m for m in mailboxes if m.lower() not in known]
        if unknown:
            raise fail(Tr(f"Boîte inconnue de raccord : {', '.join(unknown)} (elle apparaît "
                          "dès que l'ERP lui envoie un rendez-vous).",
                          f"Mailbox unknown to raccord: {', '.join(unknown)} (it appears "
                          "once the ERP sends it an appointment)."))
    totals = sync(hub, mailboxes or None, trigger="cli", retry=PERSON_WAITING)
    data = {**totals.as_dict(), "failing": totals.failing}
    if as_json:
        out.print_json(json.dumps(data))
    else:
        counts = ", ".join(f"{number(totals.counts[k], words)} {LABELS[k](words)}"
                           for k in COUNTS)
        colon = " : " if words == "fr" else ": "
        out.print(f"{plural(totals.mailboxes, *SYNCED, words)}{colon}{counts}.", markup=False)
        if totals.busy:
            out.print(plural(totals.busy, *BUSY, words) + ".", markup=False)
        for address in totals.failing:
            out.print(Tr(f"En échec répété : {address}", f"Failing repeatedly: {address}"
                         )(words), markup=False)
    if totals.counts["failed"]:
        raise typer.Exit(1)


@app.command("status")
def status_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Each mailbox's last sync and the appointments not yet in Outlook."""
    hub = open_hub()
    data = calendar_status(hub)
    if as_json:
        out.print_json(json.dumps(data))
        return
    words = lang()
    table = Table(Tr("Boîte", "Mailbox")(words), Tr("Dernière synchro", "Last sync")(words),
                  Tr("Résultat", "Outcome")(words), Tr("Échecs", "Failures")(words),
                  Tr("En attente", "Pending")(words))
    for box in data["mailboxes"]:
        table.add_row(box["address"],
                      moment(box["last_sync_at"], words, True) if box["last_sync_at"] else "—",
                      outcome_label(box["last_outcome"])(words) if box["last_outcome"] else "—",
                      number(box["failures"], words), number(box["pending"], words))
    out.print(table)
    protocol = "Microsoft Graph" if data["protocol"] == "graph" else "EWS"
    figures = {k: number(data[k], words) for k in ("appointments", "pending", "failed")}
    out.print(Tr(f"Protocole : {protocol} · rendez-vous : {figures['appointments']} · "
                 f"en attente : {figures['pending']} · en échec : {figures['failed']}",
                 f"Protocol: {protocol} · appointments: {figures['appointments']} · "
                 f"pending: {figures['pending']} · failing: {figures['failed']}")(words),
              markup=False)
