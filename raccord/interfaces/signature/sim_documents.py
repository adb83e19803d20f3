"""What the Universign simulator signs with: a document-signing certificate issued under the
sandbox CA (handed over by the sandbox, or a throw-away CA of its own), PDFs signed for real
with pyHanko (one incremental signature per participant), and the requester attestation."""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


@dataclass
class SigningIdentity:
    ca_pem: bytes
    cert_pem: bytes
    key_pem: bytes
    _signer: signers.SimpleSigner | None = None

    @property
    def signer(self) -> signers.SimpleSigner:
        if self._signer is None:
            cert = load_cert_from_pemder_bytes(self.cert_pem)
            ca = load_cert_from_pemder_bytes(self.ca_pem)
            key = load_private_key_from_pemder_data(self.key_pem, passphrase=None)
            self._signer = signers.SimpleSigner(
                signing_cert=cert, signing_key=key,
                cert_registry=SimpleCertificateStore.from_certs([ca]))
        return self._signer


def load_cert_from_pemder_bytes(data: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pem.unarmor(data)[2] if pem.detect(data) else data)


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def own_ca() -> tuple[bytes, bytes]:
    """A throw-away CA when the simulator runs without the sandbox (its own tests)."""
    import trustme

    ca = trustme.CA(organization_name="Universign simulator")
    return ca.cert_pem.bytes(), ca.private_key_pem.bytes()


def issue_signing_identity(ca_pem: bytes, ca_key_pem: bytes) -> SigningIdentity:
    """A document-signing certificate (digital signature, non-repudiation) under the CA."""
    ca_cert = x509.load_pem_x509_certificate(ca_pem)
    ca_key = serialization.load_pem_private_key(ca_key_pem, password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Universign simulator"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Universign sandbox signing")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=825))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_cert.public_key()), critical=False)  # type: ignore[arg-type]
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))  # type: ignore[arg-type]
    return SigningIdentity(ca_pem, cert.public_bytes(serialization.Encoding.PEM), _pem(key))


def sign_pdf(identity: SigningIdentity, pdf: bytes, field_name: str, signer_name: str
             ) -> bytes:
    """Append one signature (a new invisible field) as an incremental update."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _sign(identity, pdf, field_name, signer_name)
    # pyHanko runs its own event loop: never inside a running one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_sign, identity, pdf, field_name, signer_name).result()


def _sign(identity: SigningIdentity, pdf: bytes, field_name: str, signer_name: str) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=field_name, name=signer_name,
                                        reason="Signature Universign (simulateur)")
    out = signers.sign_pdf(writer, meta, signer=identity.signer)
    return out.getvalue()


def attestation_pdf(tx: dict[str, Any], language: str) -> bytes:
    """The requester attestation: who was asked, who signed or refused, and when."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    title = ("Attestation de transaction" if language == "fr"
             else "Transaction attestation")
    page.setFont("Helvetica-Bold", 14)
    page.drawString(50, 800, f"{title} {tx['id']}")
    page.setFont("Helvetica", 10)
    y = 770
    lines = [f"{tx['name']} — {tx['state']}", f"created {tx['created_at']}",
             f"started {tx.get('started_at') or '-'}",
             f"completed {tx.get('completed_at') or '-'}"]
    for action in tx["actions"]:
        lines.append(f"{action['participant']}: {action['state']} "
                     f"{action.get('closed_at') or action.get('stalled_at') or ''} "
                     f"{action.get('comment') or ''}")
    for line in lines:
        page.drawString(50, y, line[:110])
        y -= 16
    page.showPage()
    page.save()
    return buffer.getvalue()
