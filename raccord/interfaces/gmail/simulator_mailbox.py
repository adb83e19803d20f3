"""The sandbox's mail catcher: every message the simulated Gmail sent, readable by a person
trying the sandbox (`/gmail/mailbox`), and buttons that break and mend the sandbox's key."""

from __future__ import annotations

import html
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse

from raccord.core.simulator import Simulator

STYLE = ("body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}"
         "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;"
         "padding:.4rem;text-align:left}pre{white-space:pre-wrap;background:#f6f6f6;"
         "padding:1rem}iframe{width:100%;height:30rem;border:1px solid #ccc}"
         "form{display:inline}")


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
                        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
                        f"<body>{body}</body></html>")


def _parsed(entry: dict[str, Any]) -> EmailMessage:
    return cast(EmailMessage, message_from_bytes(entry["raw"], policy=policy.default))


def mailbox_page(app: FastAPI, sim: Simulator) -> None:
    from raccord.interfaces.gmail.simulator import restore_sandbox_key, revoke_sandbox_key

    @app.get("/mailbox", response_class=HTMLResponse, include_in_schema=False)
    def inbox() -> HTMLResponse:
        rows = []
        for entry in reversed(sim.state["sent"]):
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry["at"]))
            rows.append(f"<tr><td>{when}</td><td>{html.escape(entry['from'])}</td>"
                        f"<td>{html.escape(', '.join(entry['to']))}</td>"
                        f"<td><a href='mailbox/{entry['id']}'>"
                        f"{html.escape(entry['subject'] or '(sans objet)')}</a></td></tr>")
        table = ("<table><tr><th>Date</th><th>De / From</th><th>À / To</th>"
                 "<th>Objet / Subject</th></tr>" + "".join(rows) + "</table>") if rows else (
            "<p>Aucun message envoyé pour l'instant. / No message sent yet.</p>")
        keys = sim.state["accounts"].get(next(iter(sim.state["accounts"]), ""), {}).get("keys")
        state = ("<p>Clé du compte de service : <b>valide</b> / Service account key: "
                 "<b>valid</b></p><form method='post' action='mailbox/revoke-key'><button>"
                 "Révoquer la clé / Revoke the key</button></form>" if keys else
                 "<p>Clé du compte de service : <b>révoquée</b> / Service account key: "
                 "<b>revoked</b></p><form method='post' action='mailbox/restore-key'><button>"
                 "Rétablir la clé / Restore the key</button></form>")
        return _page("Boîte d'envoi (bac à sable)",
                     f"<h1>Boîte d'envoi Gmail du bac à sable / Sandbox Gmail sent mail</h1>"
                     f"{state}<p>{len(sim.state['sent'])} message(s)</p>{table}")

    @app.get("/mailbox/{message_id}", response_class=HTMLResponse, include_in_schema=False)
    def read(message_id: str) -> HTMLResponse:
        entry = next((m for m in sim.state["sent"] if m["id"] == message_id), None)
        if entry is None:
            return _page("?", "<p>Message inconnu. / Unknown message.</p>")
        message = _parsed(entry)
        heads = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                        for k, v in message.items()
                        if k in ("From", "To", "Cc", "Reply-To", "Subject", "Date",
                                 "Message-ID"))
        text = message.get_body(("plain",))
        rich = message.get_body(("html",))
        parts = [f"<pre>{html.escape(text.get_content())}</pre>" if text is not None else ""]
        if rich is not None:
            parts.append(f"<iframe sandbox='' srcdoc='{html.escape(rich.get_content())}'>"
                         "</iframe>")
        files = [f"<li>{html.escape(p.get_filename() or '?')} ({p.get_content_type()}, "
                 f"{len(p.get_content() if isinstance(p.get_content(), bytes) else b'')} o)</li>"
                 for p in message.iter_attachments()]
        if files:
            parts.append("<h2>Pièces jointes / Attachments</h2><ul>" + "".join(files) + "</ul>")
        return _page(entry["subject"], f"<p><a href='../mailbox'>← Boîte / Mailbox</a></p>"
                     f"<h1>{html.escape(entry['subject'])}</h1><table>{heads}</table>"
                     + "".join(parts))

    @app.post("/mailbox/revoke-key", include_in_schema=False)
    def revoke() -> RedirectResponse:
        revoke_sandbox_key(sim)
        return RedirectResponse("../mailbox", status_code=303)

    @app.post("/mailbox/restore-key", include_in_schema=False)
    def restore() -> RedirectResponse:
        restore_sandbox_key(sim)
        return RedirectResponse("../mailbox", status_code=303)
