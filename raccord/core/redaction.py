"""Keeping secrets out of logs, call logs, audit and error pages.

Two nets: every secret value currently stored (known from the schemas' secret fields), and
patterns for credentials that never touch the store (bearer tokens, `key=` query parameters,
passwords in URLs)."""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
SENSITIVE_PARAMS = {
    "key", "token", "access_token", "client_secret", "password", "api_key", "apikey",
    "refresh_token", "assertion", "code", "signature", "sig",
}
PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9\-._~+/=]+"),
    re.compile(r"(?i)(basic\s+)[A-Za-z0-9+/=]+"),
    re.compile(r"(?i)(token\s+)[A-Za-z0-9\-._~+/=]{8,}"),
    re.compile(r'(?i)("?(?:access_token|client_secret|password|refresh_token)"?\s*[:=]\s*"?)'
               r'[^"&\s,}]+'),
]
MIN_SECRET_LENGTH = 4


class Redactor:
    def __init__(self) -> None:
        self._known: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def replace_known(self, secrets: Iterable[str]) -> None:
        values = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
        with self._lock:
            # Longest first, so that a secret containing another is masked whole.
            self._known = tuple(sorted(values, key=len, reverse=True))

    def text(self, value: str) -> str:
        for secret in self._known:
            if secret in value:
                value = value.replace(secret, MASK)
        for pattern in PATTERNS:
            value = pattern.sub(lambda m: m.group(1) + MASK, value)
        return value

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = MASK + "@" + netloc.split("@", 1)[1]
        query = urlencode(
            [(k, MASK if k.lower() in SENSITIVE_PARAMS else v)
             for k, v in parse_qsl(parts.query, keep_blank_values=True)],
            safe="*",
        )
        return self.text(urlunsplit((parts.scheme, netloc, parts.path, query, "")))


def redact_record(record: logging.LogRecord, redactors: Iterable[Redactor]) -> None:
    """Replace a record's message by its redacted text; a traceback becomes its redacted
    one-liner (tracebacks can carry secrets in their text)."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed logging call keeps its raw text, still redacted
        message = str(record.msg)
    error = record.exc_info[1] if record.exc_info else None
    if error is not None:
        message += " | " + repr(error)
    for redactor in redactors:
        message = redactor.text(message)
    record.msg = message
    record.args = None
    if error is not None:
        record.exc_info = None
        record.exc_text = None


class RedactingFilter(logging.Filter):
    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record, (self.redactor,))
        return True


# Redactors of the hubs alive in this process (weak: a hub's end drops its secrets), read by
# the record factory; replaced whole, never mutated, so that logging threads can read it.
_live: tuple[weakref.ref[Redactor], ...] = ()
_previous_factory: Callable[..., logging.LogRecord] | None = None


def _redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    assert _previous_factory is not None
    record = _previous_factory(*args, **kwargs)
    redactors = [r for r in (ref() for ref in _live) if r is not None]
    if redactors:
        redact_record(record, redactors)
    return record


def install_log_redaction(redactor: Redactor) -> None:
    """Redact every log record when it is made, whichever handler writes it later (one added
    after the hub, uvicorn's own): the record factory; and the filter on the root handlers."""
    global _live, _previous_factory
    _live = (*(ref for ref in _live if ref() is not None), weakref.ref(redactor))
    if _previous_factory is None:
        _previous_factory = logging.getLogRecordFactory()
        logging.setLogRecordFactory(_redacting_factory)
    root = logging.getLogger()
    redacting = RedactingFilter(redactor)
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                            "%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("huey").setLevel(logging.WARNING)
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(redacting)
