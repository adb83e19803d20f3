"""The one way raccord calls the outside: trust store, timeouts, rate limits, retries with
Retry-After, a per-interface call log, and redaction of everything it records."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import insert

from raccord.core.diagnosis import (
    Diagnosis,
    Problem,
    ServiceError,
    diagnose_exception,
    diagnose_response,
)
from raccord.core.i18n import Tr, stored
from raccord.core.models import CallLog, utcnow
from raccord.core.ratelimit import Ceiling, Ticket

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.http")
DEFAULT_TIMEOUT = 20.0
USER_AGENT = "raccord/0.1 (+https://github.com/raccord)"
# Failures before any byte of the request reached the service.
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How one call is tried again after a transient failure: the only retry loop there is
    (docs/decisions.md, "One retry policy"). The default is one try: background jobs re-queue
    their work instead of waiting in a worker thread."""

    attempts: int = 1
    delay_s: float = 0.0
    # A call that is not idempotent is not retried after its request may have been received.
    idempotent: bool = True
    max_wait_s: float = 300.0
    # After a 429 without Retry-After, wait this long.
    rate_limit_wait_s: float = 1.0


@dataclass
class Outgoing:
    """An interface's door to the outside."""

    hub: Hub
    interface: str
    timeout: float = DEFAULT_TIMEOUT
    ceilings: list[Ceiling] = field(default_factory=list)
    sleep: Callable[[float], None] = time.sleep

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(verify=self.hub.trust.ssl_context(), timeout=self.timeout,
                            headers={"User-Agent": USER_AGENT}, **kwargs)

    def request(self, method: str, url: str, *, retry: RetryPolicy | None = None,
                expect: tuple[int, ...] = (200,), client: httpx.Client | None = None,
                detail: Callable[[httpx.Response], str] | None = None,
                judge: Callable[[httpx.Response], Diagnosis | None] | None = None,
                **kwargs: Any) -> httpx.Response:
        """Send a request; return the response when its status is expected, else raise
        ServiceError with a diagnosis, after the policy's retries for transient failures.
        `judge` reads an expected answer that may still be a failure (a service that says
        "over the limit" in a 200 body): its diagnosis is retried or raised like a status."""
        policy = retry or RetryPolicy()
        own = client is None
        http = client or self.client()
        try:
            attempt = 0
            while True:
                attempt += 1
                try:
                    return self._once(http, method, url, expect, detail, judge, policy,
                                      **kwargs)
                except ServiceError as error:
                    diagnosis = error.diagnosis
                    if not diagnosis.transient or attempt >= policy.attempts:
                        raise
                    if diagnosis.problem is Problem.OUTCOME_UNKNOWN and not policy.idempotent:
                        raise
                    wait = self._wait_before_retry(diagnosis, policy)
                    if wait > policy.max_wait_s:
                        raise
                    log.info("%s: %s %s failed (%s), try %d of %d in %.1f s", self.interface,
                             method, self.hub.redactor.url(url), diagnosis.problem, attempt + 1,
                             policy.attempts, wait)
                    self._pause_before_retry(diagnosis, wait)
        finally:
            if own:
                http.close()

    def _pause_before_retry(self, diagnosis: Diagnosis, wait: float) -> None:
        if diagnosis.problem is Problem.RATE_LIMIT and self.ceilings:
            # Every caller sharing the ceiling waits too (all workers with Redis): the next
            # try's slot comes after the pause.
            self.hub.limiter.pause(self.interface, wait)
        else:
            self.sleep(wait)

    @staticmethod
    def _wait_before_retry(diagnosis: Diagnosis, policy: RetryPolicy) -> float:
        if diagnosis.problem is Problem.RATE_LIMIT:
            return diagnosis.retry_after or policy.rate_limit_wait_s
        return max(policy.delay_s, diagnosis.retry_after or 0.0)

    def _once(self, http: httpx.Client, method: str, url: str, expect: tuple[int, ...],
              detail: Callable[[httpx.Response], str] | None,
              judge: Callable[[httpx.Response], Diagnosis | None] | None, policy: RetryPolicy,
              **kwargs: Any) -> httpx.Response:
        send_options = {k: kwargs.pop(k) for k in ("auth", "follow_redirects") if k in kwargs}
        try:
            # Built (bodies encoded) before waiting for a slot: once it comes, the call goes.
            request = http.build_request(method, url, **kwargs)
        except httpx.InvalidURL as exc:
            raise ServiceError(diagnose_exception(exc, url, self.timeout)) from None
        tickets: list[Ticket] = []
        if self.ceilings:
            tickets = self.hub.limiter.acquire(self.interface, self.ceilings)
            if tickets:
                request.extensions["trace"] = self._on_written(tickets)
        started = time.monotonic()
        try:
            response = http.send(request, **send_options)
        except httpx.HTTPError as exc:
            if isinstance(exc, NEVER_SENT):  # the service never had it: nothing to count
                self.hub.limiter.refused(tickets)
            diagnosis = diagnose_exception(exc, url, self.timeout)
            sent = isinstance(exc, httpx.ReadTimeout | httpx.RemoteProtocolError | httpx.ReadError)
            if sent and not policy.idempotent:
                diagnosis = Diagnosis(Problem.OUTCOME_UNKNOWN, Tr(
                    "La requête est partie mais la réponse s'est perdue : son effet sera vérifié "
                    "auprès du service avant tout nouvel essai.",
                    "The request went out but its answer was lost: its effect will be checked "
                    "with the service before any new try."))
            self.record(method, url, None, started, diagnosis.problem.value,
                         diagnosis.message)
            raise ServiceError(diagnosis) from None
        if response.status_code in expect:
            verdict = judge(response) if judge is not None else None
            if verdict is None:
                self.record(method, url, response.status_code, started, "ok", None)
                return response
            self.record(method, url, response.status_code, started, verdict.problem.value,
                         verdict.message)
            self._refused_for_rate(verdict, tickets)
            raise ServiceError(verdict)
        why = ""
        if detail is not None:
            try:
                why = detail(response)
            except Exception:  # a body we cannot read must not hide the status
                why = ""
        diagnosis = diagnose_response(response, self.hub.redactor.text(why))
        self.record(method, url, response.status_code, started, diagnosis.problem.value,
                     diagnosis.message)
        self._refused_for_rate(diagnosis, tickets)
        raise ServiceError(diagnosis)

    def _refused_for_rate(self, diagnosis: Diagnosis, tickets: list[Ticket]) -> None:
        """A call the service refused for its rate (429) did nothing there: it does not count
        against a daily quota (the one rule for every service; Gmail does not count it)."""
        if diagnosis.problem is Problem.RATE_LIMIT and tickets:
            self.hub.limiter.refused(tickets)

    def _on_written(self, tickets: list[Ticket]) -> Callable[[str, dict[str, Any]], None]:
        """httpcore's trace hook: once the request is written out, its paced calls count
        from then (see ratelimit.Pacer)."""
        limiter = self.hub.limiter

        def trace(event: str, _info: dict[str, Any]) -> None:
            if event.endswith("send_request_body.complete"):
                limiter.left(tickets)

        return trace

    def record(self, method: str, url: str, status: int | None, started: float, outcome: str,
               error: str | Tr | None) -> None:
        """One line of the call log (an error kept in both languages when it has them)."""
        redactor = self.hub.redactor
        if isinstance(error, Tr):
            error = stored(error)
        duration = int((time.monotonic() - started) * 1000)
        entry = {"at": utcnow(), "interface": self.interface, "method": method,
                 "url": redactor.url(url), "status": status, "duration_ms": duration,
                 "outcome": outcome, "error": redactor.text(error) if error else None}
        try:
            with self.hub.db.engine.begin() as connection:  # one row: no ORM session needed
                connection.execute(insert(CallLog), entry)
        except Exception:  # the call log must never break the call itself
            log.warning("call log unavailable for %s", self.interface)
