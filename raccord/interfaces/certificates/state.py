"""What the Certificates row of the dashboard says instead of a Test: whether the imported
authorities are valid, one expiring within 30 days (a warning), or one expired; and which
interfaces connect through an authority (said before it is removed)."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from raccord.core.formats import counted, day
from raccord.core.hub import Hub
from raccord.core.i18n import Tr
from raccord.core.models import aware, utcnow
from raccord.core.trust import CertificateInfo

EXPIRY_WARNING_DAYS = 30
DAY = Tr("jour", "day"), Tr("jours", "days")


@dataclass(frozen=True)
class TrustState:
    level: str  # "ok", "warning", "failed", "none"
    message: Tr
    soonest: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.level in ("ok", "none")


def days_left(info: CertificateInfo, now: datetime | None = None) -> int:
    return (aware(info.not_after) - aware(now or utcnow())).days


def trust_state(hub: Hub, now: datetime | None = None) -> TrustState:
    authorities = hub.trust.list()
    if not authorities:
        return TrustState("none", Tr("Aucune autorité importée : celles du système seules.",
                                     "No authority imported: the system's only."))
    soonest = min(authorities, key=lambda c: c.not_after)
    left = days_left(soonest, now)
    name = soonest.subject
    when = Tr(day(soonest.not_after, "fr"), day(soonest.not_after, "en"))
    if left < 0:
        return TrustState("failed", Tr(
            f"L'autorité « {name} » a expiré le {when.fr} : les services qu'elle signe sont "
            "refusés ; importez son nouveau certificat.",
            f"The authority '{name}' expired on {when.en}: the services it signs are refused; "
            "import its new certificate."), soonest.not_after)
    if left <= EXPIRY_WARNING_DAYS:
        within = counted(left, *DAY)
        return TrustState("warning", Tr(
            f"L'autorité « {name} » expire dans {within.fr} (le {when.fr}) : importez son "
            "nouveau certificat avant cette date.",
            f"The authority '{name}' expires in {within.en} (on {when.en}): import its new "
            "certificate before then."), soonest.not_after)
    count = counted(len(authorities), Tr("autorité importée", "imported authority"),
                    Tr("autorités importées", "imported authorities"))
    return TrustState("ok", Tr(f"{count.fr}, valides ; la première expire le {when.fr}.",
                               f"{count.en}, valid; the first expires on {when.en}."),
                      soonest.not_after)


def _verified_by(pem: str, host: str, port: int, timeout: float = 3.0) -> bool:
    """Whether the server's certificate chain verifies against this authority alone (a TLS
    handshake trusting nothing else; nothing is sent)."""
    context = ssl.create_default_context(cadata=pem)
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                context.wrap_socket(raw, server_hostname=host):
            return True
    except (OSError, ssl.SSLError):
        return False


def interfaces_using(hub: Hub, info: CertificateInfo, urls: dict[str, str]) -> list[str]:
    """Which of these interfaces (name -> URL) reach a server whose certificate this authority
    issued: they would fail once it is removed."""
    verified: dict[tuple[str, int], bool] = {}
    using = []
    for name, url in urls.items():
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            continue
        where = (parts.hostname, parts.port or 443)
        if where not in verified:
            verified[where] = _verified_by(info.pem, *where)
        if verified[where]:
            using.append(name)
    return using
