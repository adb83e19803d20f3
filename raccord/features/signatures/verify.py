"""A signed PDF is accepted only when it is the document that was sent, signed: the original
bytes come first, unchanged (each signature is an incremental update), every signature is
intact and made with a certificate that chains to an authority in raccord's trust store (the
Certificates screen), the last one covers the whole file, and there are as many as signers."""

from __future__ import annotations

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from raccord.core.i18n import Tr

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.signatures")


class SignedDocumentRefused(Exception):
    def __init__(self, message: Tr) -> None:
        super().__init__(message.en)
        self.message = message


def _roots(hub: Hub) -> list[asn1_x509.Certificate]:
    roots = []
    for info in hub.trust.list():
        data = info.pem.encode()
        roots.append(asn1_x509.Certificate.load(pem.unarmor(data)[2]))
    return roots


def check_signed(hub: Hub, original: bytes, signed: bytes, signers: int) -> list[str]:
    """The signers' certificate names; SignedDocumentRefused when it must not be accepted."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _check(hub, original, signed, signers)
    # pyHanko runs its own event loop: never inside a running one (an async caller).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_check, hub, original, signed, signers).result()


def _check(hub: Hub, original: bytes, signed: bytes, signers: int) -> list[str]:
    try:
        reader = PdfFileReader(io.BytesIO(signed), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as error:  # pyHanko raises many kinds on a damaged file
        log.warning("signed PDF unreadable: %s", error)
        raise SignedDocumentRefused(Tr("Le document signé renvoyé est illisible.",
                                       "The signed document returned is unreadable.")) from None
    if len(signatures) < signers:
        raise SignedDocumentRefused(Tr(
            f"Le document signé porte {len(signatures)} signature(s) pour {signers} "
            "signataire(s).",
            f"The signed document carries {len(signatures)} signature(s) for {signers} "
            "signer(s)."))
    context = ValidationContext(trust_roots=_roots(hub), allow_fetching=False,
                                revocation_mode="soft-fail")
    names = []
    coverage = None
    for index, embedded in enumerate(signatures):
        try:
            status = validate_pdf_signature(embedded, context)
        except Exception as error:
            log.warning("signature %s not validated: %s", index + 1, error)
            raise SignedDocumentRefused(Tr(
                f"La signature {index + 1} du document n'a pas pu être vérifiée.",
                f"Signature {index + 1} of the document could not be checked.")) from None
        if not status.intact:
            raise SignedDocumentRefused(Tr(
                f"La signature {index + 1} ne correspond plus au contenu : le document a été "
                "modifié après signature.",
                f"Signature {index + 1} no longer matches the content: the document was "
                "changed after signing."))
        if not status.trusted or not status.valid:
            raise SignedDocumentRefused(Tr(
                f"Le certificat de la signature {index + 1} ne remonte à aucune autorité de "
                "confiance : importez l'autorité d'Universign dans Certificats.",
                f"The certificate of signature {index + 1} chains to no trusted authority: "
                "import Universign's authority in Certificates."))
        names.append(status.signing_cert.subject.human_friendly)
        coverage = status.coverage
    if coverage is not SignatureCoverageLevel.ENTIRE_FILE:
        raise SignedDocumentRefused(Tr(
            "Du contenu a été ajouté après la dernière signature.",
            "Content was added after the last signature."))
    if not signed.startswith(original):
        raise SignedDocumentRefused(Tr(
            "Le document signé n'est pas celui qui a été envoyé.",
            "The signed document is not the one that was sent."))
    return names
