"""`/_sim/outlook`: each simulated mailbox's events, and what an employee does "in Outlook":
move, edit or delete an event; expire a mailbox's sync cursors (the next delta gets 410).

    GET  /_sim/outlook                          mailboxes (HTML, or JSON with ?format=json)
    GET  /_sim/outlook/{mailbox}                its events
    POST /_sim/outlook/{mailbox}/{id}/move      start, end (ISO, zone Europe/Paris if none)
    POST /_sim/outlook/{mailbox}/{id}/edit      subject, location, body, show_as
    POST /_sim/outlook/{mailbox}/{id}/delete
    POST /_sim/outlook/{mailbox}/expire-cursors
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from raccord.interfaces.exchange.sim_calendar import Calendars, SimEvent
from raccord.interfaces.exchange.sim_directory import Directory

PARIS = ZoneInfo("Europe/Paris")


def _when(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=PARIS)).astimezone(UTC)


def _view(event: SimEvent) -> dict[str, Any]:
    f = event.fields
    return {"id": event.graph_id, "ews_id": event.ews_id, "subject": f.get("subject", ""),
            "start": f["start"].astimezone(PARIS).isoformat(),
            "end": f["end"].astimezone(PARIS).isoformat(), "location": f.get("location", ""),
            "show_as": f.get("show_as", "busy"), "body": f.get("body", ""),
            "properties": {f"{k[0]}:{k[1]}": v for k, v in event.props.items()},
            "transaction_id": event.transaction_id}


async def _form(request: Request) -> dict[str, str]:
    if request.headers.get("content-type", "").startswith("application/json"):
        data = json.loads(await request.body() or b"{}")
        return {str(k): str(v) for k, v in data.items()}
    return {k: str(v) for k, v in (await request.form()).items()}


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>"
                        f"{html.escape(title)}</title></head><body><h1>{html.escape(title)}"
                        f"</h1>{body}</body></html>")


def add_outlook_view(app: FastAPI, directory: Directory, calendars: Calendars) -> None:
    def root(request: Request) -> str:
        return str(request.scope.get("root_path", ""))

    @app.get("/_sim/outlook", include_in_schema=False)
    def mailboxes(request: Request, format: str = "html") -> Response:
        rows = {m: len(calendars.of(m).events) for m, box in directory.mailboxes.items()
                if box.has_mailbox}
        if format == "json":
            return JSONResponse(rows)
        items = "".join(f"<li><a href='{root(request)}/_sim/outlook/{quote(m)}'>"
                        f"{html.escape(m)}</a> ({n})</li>" for m, n in rows.items())
        return _page("Outlook (simulator)", f"<ul>{items}</ul>")

    @app.get("/_sim/outlook/{mailbox}", include_in_schema=False)
    def events(mailbox: str, request: Request, format: str = "html") -> Response:
        with calendars.lock:
            found = sorted(calendars.of(mailbox).events.values(),
                           key=lambda e: e.fields["start"])
            views = [_view(e) for e in found]
        if format == "json":
            return JSONResponse(views)
        base = f"{root(request)}/_sim/outlook/{quote(mailbox)}"
        rows = []
        for v in views:
            action = f"{base}/{quote(v['id'])}"
            rows.append(
                f"<tr data-event='{html.escape(v['id'])}'><td>{html.escape(v['subject'])}</td>"
                f"<td>{v['start'][:16]}</td><td>{v['end'][:16]}</td>"
                f"<td>{html.escape(v['location'])}</td><td>"
                f"<form method='post' action='{action}/move'>"
                f"<input name='start' value='{v['start'][:16]}' aria-label='start'>"
                f"<input name='end' value='{v['end'][:16]}' aria-label='end'>"
                "<button type='submit'>Move</button></form>"
                f"<form method='post' action='{action}/delete'>"
                "<button type='submit'>Delete</button></form></td></tr>")
        table = ("<table><tr><th>Subject</th><th>Start</th><th>End</th><th>Location</th>"
                 f"<th></th></tr>{''.join(rows)}</table>")
        return _page(f"Calendar of {mailbox}", table)

    def _event(mailbox: str, event_id: str) -> SimEvent | None:
        return calendars.find(mailbox, event_id)

    def _done(request: Request, mailbox: str, event: SimEvent | None) -> Response:
        if request.headers.get("content-type", "").startswith("application/json"):
            if event is None:
                return JSONResponse({"status": "deleted"})
            return JSONResponse(_view(event))
        return RedirectResponse(f"{root(request)}/_sim/outlook/{quote(mailbox)}", 303)

    @app.post("/_sim/outlook/{mailbox}/expire-cursors", include_in_schema=False)
    def expire(mailbox: str) -> dict[str, int]:
        return {"expired": calendars.expire(mailbox)}

    @app.post("/_sim/outlook/{mailbox}/{event_id}/move", include_in_schema=False)
    async def move(mailbox: str, event_id: str, request: Request) -> Response:
        event = _event(mailbox, event_id)
        if event is None:
            return JSONResponse({"error": "no such event"}, status_code=404)
        form = await _form(request)
        calendars.update(event, {"start": _when(form["start"]), "end": _when(form["end"])})
        return _done(request, mailbox, event)

    @app.post("/_sim/outlook/{mailbox}/{event_id}/edit", include_in_schema=False)
    async def edit(mailbox: str, event_id: str, request: Request) -> Response:
        event = _event(mailbox, event_id)
        if event is None:
            return JSONResponse({"error": "no such event"}, status_code=404)
        form = await _form(request)
        changes: dict[str, Any] = {k: form[k] for k in ("subject", "location", "body",
                                                        "show_as") if k in form}
        calendars.update(event, changes)
        return _done(request, mailbox, event)

    @app.post("/_sim/outlook/{mailbox}/{event_id}/delete", include_in_schema=False)
    async def remove(mailbox: str, event_id: str, request: Request) -> Response:
        event = _event(mailbox, event_id)
        if event is None:
            return JSONResponse({"error": "no such event"}, status_code=404)
        calendars.delete(event)
        return _done(request, mailbox, None)
