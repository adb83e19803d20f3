"""Certificate authorities trusted by outgoing HTTPS, beside the system's.

Imported authorities take effect for the next call in every process: the SSL context is
rebuilt whenever the set of imported fingerprints changes. Verification is never turned off.
"""

from __future__ import annotations

import ssl
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from sqlalchemy import delete, select

from raccord.core.db import Database
from raccord.core.i18n import Tr
from raccord.core.models import Certificate

MIN_FINGERPRINT_CHARS = 16


class CertificateError(Exception):
    def __init__(self, message: Tr) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True)
class CertificateInfo:
    fingerprint: str
    subject: str
    not_after: datetime
    pem: str


def parse_certificate(data: bytes) -> CertificateInfo:
    cert = None
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            cert = x509.load_pem_x509_certificate(data)
        else:
            cert = x509.load_der_x509_certificate(data)
    except ValueError:
        pass
    if cert is None:
        raise CertificateError(Tr(
            "Ce fichier n'est pas un certificat lisible : attendu un certificat X.509 au format "
            "DER (.der, .cer) ou PEM (.pem, .crt).",
            "This file is not a readable certificate: expected an X.509 certificate in DER "
            "(.der, .cer) or PEM (.pem, .crt) format."))
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        is_ca = constraints.ca
    except x509.ExtensionNotFound:
        is_ca = cert.issuer == cert.subject
    if not is_ca:
        raise CertificateError(Tr(
            "Ce certificat n'est pas celui d'une autorité de certification : importez le "
            "certificat racine de l'autorité (par exemple certigna.der), pas celui du serveur.",
            "This certificate is not a certificate authority's: import the authority's root "
            "certificate (e.g. certigna.der), not the server's."))
    now = datetime.now(UTC)
    if cert.not_valid_after_utc < now:
        day = f"{cert.not_valid_after_utc:%Y-%m-%d}"
        raise CertificateError(Tr(
            f"Ce certificat d'autorité a expiré le {day} : aucun serveur ne peut plus "
            "s'en prévaloir. Demandez au fournisseur du service son certificat racine actuel.",
            f"This authority's certificate expired on {day}: no server can rely on it any "
            "more. Ask the service's provider for its current root certificate."))
    if cert.not_valid_before_utc > now:
        day = f"{cert.not_valid_before_utc:%Y-%m-%d}"
        raise CertificateError(Tr(
            f"Ce certificat d'autorité n'est valable qu'à partir du {day} : vérifiez la date "
            "de cette machine, ou importez-le ce jour-là.",
            f"This authority's certificate is valid only from {day}: check this machine's "
            "date, or import it on that day."))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return CertificateInfo(
        fingerprint=cert.fingerprint(hashes.SHA256()).hex(),
        subject=cert.subject.rfc4514_string(),
        not_after=cert.not_valid_after_utc,
        pem=pem,
    )


class TrustStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._cached: tuple[tuple[str, ...], ssl.SSLContext] | None = None

    def add(self, data: bytes, actor: str) -> CertificateInfo:
        info = parse_certificate(data)
        with self.db.session() as session:
            if session.get(Certificate, info.fingerprint) is None:
                session.add(Certificate(fingerprint=info.fingerprint, subject=info.subject,
                                        not_after=info.not_after, pem=info.pem, added_by=actor))
        return info

    def list(self) -> list[CertificateInfo]:
        with self.db.session() as session:
            rows = session.scalars(select(Certificate).order_by(Certificate.added_at)).all()
            return [CertificateInfo(r.fingerprint, r.subject, r.not_after, r.pem) for r in rows]

    def remove(self, fingerprint: str) -> CertificateInfo:
        wanted = fingerprint.replace(":", "").lower().strip()
        # A prefix, as long as it cannot be typed by chance: "0" must not remove an authority.
        enough = len(wanted) >= MIN_FINGERPRINT_CHARS
        matches = [c for c in self.list() if c.fingerprint.startswith(wanted)] if enough else []
        if len(matches) != 1:
            raise CertificateError(Tr(
                f"Aucun certificat importé n'a l'empreinte « {fingerprint[:80]} » "
                f"(ou elle en désigne plusieurs) : copiez-la depuis la liste "
                f"({MIN_FINGERPRINT_CHARS} caractères au moins).",
                f"No single imported certificate has the fingerprint '{fingerprint[:80]}': "
                f"copy it from the list ({MIN_FINGERPRINT_CHARS} characters at least)."))
        with self.db.session() as session:
            session.execute(delete(Certificate).where(
                Certificate.fingerprint == matches[0].fingerprint))
        return matches[0]

    def ssl_context(self) -> ssl.SSLContext:
        # Asked before every call: the fingerprints alone are read (no ORM, no commit), the
        # authorities themselves only when they changed.
        with self.db.read() as connection:
            stamp = tuple(connection.scalars(select(Certificate.fingerprint)
                                             .order_by(Certificate.added_at)))
        with self._lock:
            if self._cached is not None and self._cached[0] == stamp:
                return self._cached[1]
        certificates = self.list()
        stamp = tuple(c.fingerprint for c in certificates)
        with self._lock:
            context = ssl.create_default_context(cafile=certifi.where())
            context.load_default_certs()
            if certificates:
                context.load_verify_locations(cadata="".join(c.pem for c in certificates))
            self._cached = (stamp, context)
            return context
