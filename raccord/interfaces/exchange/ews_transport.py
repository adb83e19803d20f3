"""exchangelib's HTTP, made to honour raccord's trust store and call log.

exchangelib talks through `requests`; its documented hook is `BaseProtocol.HTTP_ADAPTER_CLS`,
a class attribute read by class methods. We therefore build, per operation, a Protocol
subclass whose adapter verifies certificates with `hub.trust.ssl_context()` (the system's
authorities plus the imported ones; verification stays on) and writes every exchange to the
interface's call log. The subclass skips exchangelib's process-wide protocol cache so that a
newly imported authority or changed setting is used by the next operation."""

from __future__ import annotations

import ssl
import time
from typing import TYPE_CHECKING, Any

import requests
from exchangelib.protocol import CachingProtocol, Protocol
from requests.adapters import HTTPAdapter

from raccord.core.diagnosis import Problem, diagnose_exception
from raccord.core.http import USER_AGENT

if TYPE_CHECKING:
    from raccord.core.http import Outgoing

STATUS_PROBLEMS = {401: Problem.AUTH, 403: Problem.FORBIDDEN, 404: Problem.NOT_FOUND,
                   429: Problem.RATE_LIMIT}


def _outcome(status: int) -> str:
    if status == 200:
        return "ok"
    if status in STATUS_PROBLEMS:
        return STATUS_PROBLEMS[status].value
    return (Problem.SERVER if status >= 500 else Problem.REFUSED).value


def adapter_class(http: Outgoing) -> type[HTTPAdapter]:
    context: ssl.SSLContext = http.hub.trust.ssl_context()

    class TrustStoreAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            kwargs["ssl_context"] = context
            super().init_poolmanager(*args, **kwargs)

        def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
            kwargs["ssl_context"] = context
            return super().proxy_manager_for(proxy, **kwargs)

        def send(self, request: requests.PreparedRequest, *args: Any,
                 **kwargs: Any) -> requests.Response:
            started = time.monotonic()
            method, url = request.method or "POST", request.url or ""
            try:
                response = super().send(request, *args, **kwargs)
            except Exception as exc:
                diagnosis = diagnose_exception(exc, url, http.timeout)
                http.record(method, url, None, started, diagnosis.problem.value,
                            diagnosis.message)
                raise
            status = response.status_code
            http.record(method, url, status, started, _outcome(status),
                         None if status == 200 else f"HTTP {status}")
            return response

    return TrustStoreAdapter


class _Uncached(CachingProtocol):
    """A protocol per operation: exchangelib's cache would keep the first adapter forever."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return type.__call__(cls, *args, **kwargs)


def protocol_class(http: Outgoing) -> type[Protocol]:
    attributes = {"HTTP_ADAPTER_CLS": adapter_class(http), "TIMEOUT": http.timeout,
                  "USERAGENT": USER_AGENT, "RETRY_WAIT": 1}
    cls: type[Protocol] = _Uncached("RaccordEwsProtocol", (Protocol,), attributes)
    return cls
