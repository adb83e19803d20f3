"""Calendar events through Microsoft Graph v1.0 with an app-only token.

- create `POST /users/{m}/events` with `transactionId` and raccord's id in a single-value
  extended property; update `PATCH`, delete `DELETE /users/{m}/events/{id}`;
- find an event by raccord's id: `$filter` on the extended property;
- changes: `GET /users/{m}/calendarView/delta` per mailbox, following `@odata.nextLink`
  pages to the `@odata.deltaLink` (the cursor); 410 `syncStateNotFound` is `CursorExpired`;
- several operations go in one `POST /$batch` (20 at most, any mailboxes): one call.

Graph counts each request (alone or inside a batch) against a budget per application and
mailbox (10,000 in any 10 minutes): every request takes a ticket under that ceiling in the
core limiter (`exchange:{mailbox}`, shared by every worker with Redis) before it goes, so the
budget is not overrun in normal operation. A 429 on the whole call is retried by the core
(`Outgoing`, honouring Retry-After); a 429 on one request inside a batch pauses that mailbox in
the core limiter, and the request goes again once the pause is over."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError, parse_retry_after
from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr
from raccord.core.ratelimit import Ceiling
from raccord.interfaces.exchange.events import (
    GRAPH_PROPERTY_ID,
    Changes,
    Create,
    CursorExpired,
    Delete,
    Find,
    Operation,
    Outcome,
    RemoteEvent,
    Update,
)
from raccord.interfaces.exchange.graph import NO_MAILBOX_CODES, GraphClient, calendar_refusal
from raccord.interfaces.exchange.graph_events import (
    create_json,
    event_json,
    remote_event,
    utc_query,
)

if TYPE_CHECKING:
    from raccord.core.http import Outgoing
    from raccord.core.ratelimit import RateLimiter, Ticket

BATCH_SIZE = 20
MAILBOX_REQUESTS = 10_000  # Graph's budget per application and mailbox ...
MAILBOX_WINDOW_S = 600     # ... in any 10 minutes
DEFAULT_WAIT_S = 2.0
PREFER = 'outlook.timezone="UTC", outlook.body-content-type="text", IdType="ImmutableId"'


def mailbox_key(mailbox: str) -> str:
    """The limiter key of one mailbox: Graph counts per application and mailbox."""
    return f"exchange:{mailbox.lower()}"


@dataclass
class _Request:
    id: str
    method: str
    url: str  # relative to the Graph base
    body: dict[str, Any] | None = None
    headers: dict[str, str] | None = None


@dataclass
class _Answer:
    status: int
    headers: dict[str, str]
    body: Any


def mailbox_budget(values: dict[str, Any]) -> Ceiling:
    """Graph's budget per application and mailbox, read live, less one batch: a batch's
    requests for a mailbox arrive together, and one that waited for room between its
    requests' tickets could otherwise bring the count at Graph a batch over."""
    return Ceiling(
        "mailbox_requests", "second",
        lambda: max(1, int(values.get("graph_mailbox_requests") or MAILBOX_REQUESTS)
                    - (BATCH_SIZE - 1)),
        paced=True, spaced=False,
        multiples=max(1, int(values.get("graph_mailbox_window_s") or MAILBOX_WINDOW_S)))


def _users(mailbox: str) -> str:
    return f"/users/{quote(mailbox, safe='@')}"


def _property_filter(raccord_id: str | None) -> str:
    value = f"ep/value eq '{raccord_id}'" if raccord_id else "ep/value ne ''"
    return (f"$filter=singleValueExtendedProperties/Any(ep: ep/id eq '{GRAPH_PROPERTY_ID}' "
            f"and {value})&$expand=singleValueExtendedProperties($filter=id eq "
            f"'{GRAPH_PROPERTY_ID}')")


class GraphCalendar:
    def __init__(self, http: Outgoing, values: dict[str, Any], limiter: RateLimiter,
                 retry: RetryPolicy | None = None) -> None:
        # Background work tries each call once and re-queues (docs/decisions.md, "One retry
        # policy"); a person waiting gets the tries they ask for.
        self.retry = retry or RetryPolicy()
        self.graph = GraphClient(http, values)
        self.http = http
        self.limiter = limiter
        self.budget = mailbox_budget(values)
        self.time_zone = "Europe/Paris"
        self.calls = 0
        self.throttled = 0

    @property
    def base(self) -> str:
        return self.graph.base

    # -- sending -------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.graph.token()}", "Prefer": PREFER,
                "Accept": "application/json"}

    @staticmethod
    def _own_headers(request: _Request) -> dict[str, str]:
        """A request's headers with raccord's Prefer (zone, text bodies, immutable ids)
        joined to its own (page size): each request of a batch carries its own."""
        headers = dict(request.headers or {})
        headers["Prefer"] = ", ".join(p for p in (PREFER, headers.get("Prefer")) if p)
        return headers

    def _one(self, request: _Request, idempotent: bool) -> _Answer:
        headers = {**self._headers(), **self._own_headers(request)}
        if request.body is not None:
            headers["Content-Type"] = "application/json"
        self.calls += 1
        tickets = self._tickets([request])
        try:
            response = self.http.request(
                request.method, self.base + request.url, json=request.body, headers=headers,
                expect=(200, 201, 204, 400, 404, 409, 410), detail=self.graph._detail,
                retry=replace(self.retry, idempotent=idempotent))
        finally:
            self.limiter.left(tickets)
        body: Any = None
        if response.content:
            try:
                body = response.json()
            except ValueError:
                body = None
        return _Answer(response.status_code, dict(response.headers), body)

    def _batch(self, requests: list[_Request], idempotent: bool) -> dict[str, _Answer]:
        payload = {"requests": [
            {"id": r.id, "method": r.method, "url": r.url,
             **({"body": r.body, "headers": {"Content-Type": "application/json",
                                             **self._own_headers(r)}} if r.body is not None
                else {"headers": self._own_headers(r)})}
            for r in requests]}
        self.calls += 1
        tickets = self._tickets(requests)
        try:
            response = self.http.request(
                "POST", f"{self.base}/$batch", json=payload,
                headers={**self._headers(), "Content-Type": "application/json"},
                detail=self.graph._detail,
                retry=replace(self.retry, idempotent=idempotent))
        finally:
            self.limiter.left(tickets)
        answers = {}
        for item in response.json().get("responses") or ():
            answers[str(item.get("id"))] = _Answer(int(item.get("status") or 500),
                                                   {k.lower(): str(v) for k, v in
                                                    (item.get("headers") or {}).items()},
                                                   item.get("body"))
        return answers

    def _tickets(self, requests: list[_Request]) -> list[Ticket]:
        """A ticket per request under its mailbox's budget, once the mailbox's pause (a
        Retry-After) is over. Handed back (`left`) once the call has gone: each counts from
        then."""
        tickets: list[Ticket] = []
        for request in requests:
            tickets += self.limiter.acquire(mailbox_key(_mailbox_of(request.url)), [self.budget])
        return tickets

    def send(self, requests: list[_Request], idempotent: bool = True) -> dict[str, _Answer]:
        """Send requests once, 20 to a batch (one alone goes as itself). A request throttled
        inside a batch is answered 429 and its mailbox paused in the core limiter for the
        Retry-After: the caller re-queues it, and its next call waits for the pause. Raises
        ServiceError when a whole call fails (after the policy's tries)."""
        if len(requests) == 1:
            return {requests[0].id: self._one(requests[0], idempotent)}
        answers: dict[str, _Answer] = {}
        for start in range(0, len(requests), BATCH_SIZE):
            chunk = requests[start:start + BATCH_SIZE]
            got = self._batch(chunk, idempotent)
            paused: set[str] = set()
            for request in chunk:
                answer = got.get(request.id) or _Answer(500, {}, None)
                answers[request.id] = answer
                mailbox = _mailbox_of(request.url)
                if answer.status == 429 and mailbox not in paused:
                    paused.add(mailbox)
                    self._throttled(mailbox, answer.headers.get("retry-after"))
        return answers

    def _throttled(self, mailbox: str, retry_after: str | float | None) -> float:
        """Pause the mailbox for every worker (the core limiter) for the Retry-After."""
        self.throttled += 1
        wait = (retry_after if isinstance(retry_after, float)
                else parse_retry_after(retry_after)) or DEFAULT_WAIT_S
        self.limiter.pause(mailbox_key(mailbox), wait)
        return wait

    # -- operations ----------------------------------------------------------------------
    def _request(self, index: int, op: Operation) -> _Request:
        users = _users(op.mailbox)
        if isinstance(op, Create):
            return _Request(str(index), "POST", f"{users}/events",
                            create_json(op.data, op.raccord_id, op.transaction_id))
        if isinstance(op, Update):
            return _Request(str(index), "PATCH", f"{users}/events/{quote(op.remote_id)}",
                            event_json(op.data, op.fields))
        if isinstance(op, Delete):
            return _Request(str(index), "DELETE", f"{users}/events/{quote(op.remote_id)}")
        return _Request(str(index), "GET",
                        f"{users}/events?{_property_filter(op.raccord_id)}&$top=2")

    def run(self, operations: list[Operation]) -> list[Outcome]:
        """Carry out operations (any mailboxes); one Outcome each, in order."""
        if not operations:
            return []
        requests = [self._request(i, op) for i, op in enumerate(operations)]
        creates = any(isinstance(op, Create) for op in operations)
        try:
            answers = self.send(requests, idempotent=not creates)
        except ServiceError as error:
            problem = error.diagnosis.problem
            if problem is Problem.RATE_LIMIT:
                wait = self._throttled(operations[0].mailbox, error.diagnosis.retry_after)
                return [Outcome(op, "throttled", retry_after=wait) for op in operations]
            kind = "unknown" if problem is Problem.OUTCOME_UNKNOWN else "failed"
            diagnosis = self._explain(error.diagnosis, operations[0].mailbox)
            return [Outcome(op, kind, diagnosis=diagnosis) for op in operations]
        return [self._outcome(op, answers[str(i)]) for i, op in enumerate(operations)]

    def _outcome(self, op: Operation, answer: _Answer) -> Outcome:
        status, body = answer.status, answer.body if isinstance(answer.body, dict) else {}
        if status == 429:
            return Outcome(op, "throttled", retry_after=parse_retry_after(
                answer.headers.get("retry-after")) or DEFAULT_WAIT_S)
        if isinstance(op, Delete) and status in (200, 204):
            return Outcome(op, "done")
        if status == 404 and not isinstance(op, Find):
            return Outcome(op, "missing")
        if status in (200, 201) and isinstance(op, Find):
            found = [remote_event(e, self.time_zone) for e in body.get("value") or ()]
            return Outcome(op, "done", found[0] if found else None)
        if status in (200, 201):
            event = remote_event(body, self.time_zone)
            if isinstance(op, Create | Update):
                event = RemoteEvent(event.remote_id, event.change_key, event.ical_uid,
                                    op.raccord_id or event.raccord_id, event.data)
            return Outcome(op, "done", event)
        refusal = body.get("error") if isinstance(body, dict) else None
        error: dict[str, Any] = refusal if isinstance(refusal, dict) else {}
        problem = {401: Problem.AUTH, 403: Problem.FORBIDDEN, 404: Problem.NOT_FOUND}.get(
            status, Problem.SERVER if status >= 500 else Problem.REFUSED)
        diagnosis = Diagnosis(problem, Tr(
            f"Microsoft Graph refuse l'opération (HTTP {status}, {error.get('code', '')} : "
            f"{error.get('message', '')}).",
            f"Microsoft Graph refuses the operation (HTTP {status}, {error.get('code', '')}: "
            f"{error.get('message', '')})."), status)
        return Outcome(op, "failed", diagnosis=self._explain(diagnosis, op.mailbox,
                                                             str(error.get("code", ""))))

    def _explain(self, diagnosis: Diagnosis, mailbox: str, code: str = "") -> Diagnosis:
        code = code or str(self.graph.last_error.get("code", ""))
        if diagnosis.problem is Problem.NOT_FOUND and code in NO_MAILBOX_CODES:
            return Diagnosis(Problem.NOT_FOUND, Tr(
                f"La boîte « {mailbox} » est introuvable dans Exchange Online (utilisateur "
                "inconnu ou sans boîte aux lettres) : vérifiez l'adresse envoyée par l'ERP, ou "
                "désactivez cette boîte.",
                f"The mailbox '{mailbox}' cannot be found in Exchange Online (unknown user or "
                "no mailbox): check the address the ERP sends, or disable this mailbox."), 404)
        return calendar_refusal(diagnosis, code, mailbox)

    # -- changes -------------------------------------------------------------------------
    def changes(self, cursors: dict[str, str | None], start: datetime, end: datetime,
                page_size: int = 100, max_pages: int = 50
                ) -> dict[str, Changes | CursorExpired | Outcome]:
        """Each mailbox's changes since its cursor (None: from the beginning of the window),
        pages followed to the deltaLink, or `max_pages` pages (then `complete` is false)."""
        links: dict[str, str] = {}
        for mailbox, cursor in cursors.items():
            links[mailbox] = self._relative(cursor) if cursor else (
                f"{_users(mailbox)}/calendarView/delta?startDateTime={utc_query(start)}"
                f"&endDateTime={utc_query(end)}")
        changed: dict[str, dict[str, RemoteEvent]] = {m: {} for m in cursors}
        removed: dict[str, set[str]] = {m: set() for m in cursors}
        pages = dict.fromkeys(cursors, 0)
        results: dict[str, Changes | CursorExpired | Outcome] = {}
        headers = {"Prefer": f"odata.maxpagesize={page_size}"}
        while links:
            order = list(links)
            calls_before = self.calls
            try:
                answers = self.send([_Request(str(i), "GET", links[m], headers=headers)
                                     for i, m in enumerate(order)])
            except ServiceError as error:
                for mailbox in order:
                    if error.diagnosis.problem is Problem.RATE_LIMIT:
                        wait = self._throttled(mailbox, error.diagnosis.retry_after)
                        results[mailbox] = Outcome(Find(mailbox, ""), "throttled",
                                                   retry_after=wait)
                    else:
                        results[mailbox] = Outcome(Find(mailbox, ""), "failed",
                                                   diagnosis=self._explain(error.diagnosis,
                                                                           mailbox))
                break
            share = max(1, self.calls - calls_before)
            next_links: dict[str, str] = {}
            for i, mailbox in enumerate(order):
                answer = answers[str(i)]
                body = answer.body if isinstance(answer.body, dict) else {}
                pages[mailbox] += 1
                if answer.status == 410 or (body.get("error") or {}).get("code") in (
                        "syncStateNotFound", "resyncRequired"):
                    results[mailbox] = CursorExpired(mailbox)
                    continue
                if answer.status != 200:
                    results[mailbox] = self._outcome(Find(mailbox, ""), answer)
                    continue
                for item in body.get("value") or ():
                    remote_id = str(item.get("id") or "")
                    if "@removed" in item:
                        removed[mailbox].add(remote_id)
                        changed[mailbox].pop(remote_id, None)
                    else:
                        changed[mailbox][remote_id] = remote_event(item, self.time_zone)
                        removed[mailbox].discard(remote_id)
                following = body.get("@odata.nextLink")
                if following and pages[mailbox] < max_pages:
                    next_links[mailbox] = self._relative(str(following))
                    continue
                cursor = str(following or body.get("@odata.deltaLink") or "")
                results[mailbox] = Changes(list(changed[mailbox].values()),
                                           sorted(removed[mailbox]), cursor,
                                           complete=not following,
                                           calls=max(1, pages[mailbox] * share // len(order)))
            links = next_links
        return results

    def owned(self, mailbox: str) -> list[RemoteEvent]:
        """Every event of the mailbox carrying raccord's id (a resync, a protocol switch)."""
        url: str | None = f"{_users(mailbox)}/events?{_property_filter(None)}&$top=100"
        found: list[RemoteEvent] = []
        while url:
            answer = self.send([_Request("0", "GET", url)])["0"]
            if answer.status != 200:
                raise ServiceError(self._outcome(Find(mailbox, ""), answer).diagnosis
                                   or Diagnosis(Problem.SERVER, Tr("", "")))
            body = answer.body if isinstance(answer.body, dict) else {}
            found += [remote_event(e, self.time_zone) for e in body.get("value") or ()]
            following = body.get("@odata.nextLink")
            url = self._relative(str(following)) if following else None
        return found

    def _relative(self, link: str) -> str:
        return link[len(self.base):] if link.startswith(self.base) else link


def _mailbox_of(url: str) -> str:
    from urllib.parse import unquote

    parts = url.split("/")
    return unquote(parts[2]) if len(parts) > 2 and parts[1] == "users" else ""


def new_transaction_id() -> str:
    return str(uuid.uuid4())
