"""`raccord mail ...`: send a message through the outbox and follow it.

    raccord mail send --to ADDRESS [--to ...] --subject S (--text T | --html FILE)
                      [--attach FILE...] [--cc A] [--bcc A] [--reference R]
    raccord mail status [ID] [--json]
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from raccord.core.i18n import Tr
from raccord.core.outbox import Attachment, OutgoingMail, queue_mail
from raccord.features.mail import views
from raccord.toolkit.cli import fail, lang, open_hub, out

app = typer.Typer(no_args_is_help=True, help="Mail: send through Gmail or SMTP, follow it.")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise fail(Tr(f"{path} : fichier illisible ({error.strerror}).",
                      f"{path}: cannot read the file ({error.strerror}).")) from None


@app.command()
def send(to: Annotated[list[str], typer.Option("--to", help="Recipient (repeatable).")],
         subject: Annotated[str, typer.Option(help="Subject.")],
         text: Annotated[str | None, typer.Option(help="Plain-text body.")] = None,
         html: Annotated[Path | None, typer.Option(help="File with the HTML body.")] = None,
         attach: Annotated[list[Path] | None, typer.Option(help="File to attach (repeatable).")
                           ] = None,
         cc: Annotated[list[str] | None, typer.Option(help="Copy (repeatable).")] = None,
         bcc: Annotated[list[str] | None, typer.Option(help="Blind copy (repeatable).")] = None,
         reference: Annotated[str | None, typer.Option(help="Your reference.")] = None,
         key: Annotated[str | None, typer.Option("--idempotency-key",
                                                 help="Queued once per key.")] = None) -> None:
    """Queue a message; a worker sends it (see `raccord mail status ID`)."""
    if (text is None) == (html is None):
        raise fail(Tr("Donnez soit --text, soit --html FICHIER.",
                      "Give either --text or --html FILE."), 2)
    body_html = _read(html).decode("utf-8", "replace") if html is not None else None
    parts = tuple(Attachment(p.name, mimetypes.guess_type(p.name)[0] or
                             "application/octet-stream", _read(p)) for p in attach or [])
    mail = OutgoingMail(to=tuple(to), cc=tuple(cc or ()), bcc=tuple(bcc or ()),
                        subject=subject, text=text or views.text_of_html(body_html or ""),
                        html=body_html, attachments=parts, reference=reference)
    hub = open_hub()
    message_id = queue_mail(hub, mail, origin="cli", idempotency_key=key)
    found = views.detail(hub, message_id, lang())
    assert found is not None
    out.print(Tr(f"Message n°{message_id} : {found['state_label']}.",
                 f"Message {message_id}: {found['state_label']}.")(lang()), markup=False)


@app.command()
def status(message_id: Annotated[int | None, typer.Argument(help="A message's id.")] = None,
           state: Annotated[str | None, typer.Option(help="Only this state.")] = None,
           as_json: Annotated[bool, typer.Option("--json", help="Machine-readable.")] = False,
           ) -> None:
    """One message with its history, or the latest messages."""
    hub = open_hub()
    language = lang()
    if message_id is not None:
        found = views.detail(hub, message_id, language)
        if found is None:
            raise fail(Tr(f"Aucun message n°{message_id}.", f"No message {message_id}."))
        found.pop("html", None)
        if as_json:
            out.print_json(json.dumps(found, ensure_ascii=False))
            return
        for label, value in (("id", found["id"]), ("state", found["state_label"]),
                             ("to", ", ".join(found["to"])), ("subject", found["subject"]),
                             ("transport", found["transport"]), ("remote id", found["remote_id"]),
                             ("attempts", found["attempts"]), ("reason", found["reason"])):
            if value not in (None, ""):
                out.print(f"{label}: {value}", markup=False)
        for event in found["history"]:
            out.print(f"  {event['at']}  {event['state']}  {event.get('reason') or ''}",
                      markup=False)
        return
    rows = views.listing(hub, language, state)
    if as_json:
        out.print_json(json.dumps({"messages": rows}, ensure_ascii=False))
        return
    table = Table("id", "state", "to", "subject", "reason")
    for row in rows:
        table.add_row(str(row["id"]), row["state_label"], ", ".join(row["to"]), row["subject"],
                      row["reason"] or "")
    out.print(table)
