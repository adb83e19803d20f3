"""The OCR Test: saved values, the technical user, then one real reading by Mindee.

Mindee's v1 API has no call that only checks a token (no "whoami"), and an empty predict
would lean on the undocumented order in which Mindee checks the token and the form. So the
Test reads a tiny receipt-like image built in code: a 201 proves the token, the product
subscription and the URL at once. It counts one page on the Mindee account, as the note says."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr
from raccord.interfaces.base import (
    CONFIG_STEP,
    TECHNICAL_STEP,
    Checker,
    CheckFailed,
    TestReport,
    check_technical_user,
    require,
    run_checks,
)
from raccord.interfaces.ocr.client import MindeeClient, disabled_reason, reading_from_prediction
from raccord.interfaces.ocr.sample import sample_receipt_png
from raccord.interfaces.ocr.settings import SCHEMA

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def run_test(hub: Hub) -> TestReport:
    def body(check: Checker) -> None:
        values = hub.values("ocr")
        with check.step(CONFIG_STEP):
            require(values, SCHEMA, "url", "token")
        with check.step(TECHNICAL_STEP):
            check_technical_user(hub, values)
        with check.step(Tr("Lecture d'un justificatif d'essai par Mindee",
                           "Mindee reads a sample receipt")):
            # One try: a Test reports what happened now rather than hiding it behind retries.
            answer = MindeeClient(hub).predict_receipt(
                sample_receipt_png(), "raccord-test.png", "image/png",
                retry=RetryPolicy(attempts=1))
            reading = reading_from_prediction(answer)
        product = answer["document"]["inference"].get("product", {})
        amount = reading.total_incl_tax if reading.total_incl_tax is not None else "—"
        check.report.notes.append(Tr(
            f"Mindee a répondu ({product.get('name', '?')} {product.get('version', '?')}) ; "
            f"montant lu sur l'image d'essai : {amount}. Ce test compte une "
            "page sur le compte Mindee.",
            f"Mindee answered ({product.get('name', '?')} {product.get('version', '?')}); "
            f"amount read on the sample image: {amount}. This Test counts one "
            "page on the Mindee account."))
        off = disabled_reason(values)
        if off is not None:
            check.report.notes.append(off)

    return run_checks("ocr", body)


def run_local_test(hub: Hub) -> TestReport:
    """OCR_LOCAL: Tesseract and its French data are installed, and a generated receipt is
    read right on this server (nothing leaves it)."""
    from raccord.interfaces.ocr import local
    from raccord.interfaces.ocr.receipts import sample

    def body(check: Checker) -> None:
        values = hub.values("ocr")
        with check.step(TECHNICAL_STEP):
            check_technical_user(hub, values)
        with check.step(Tr("Tesseract et ses données françaises installés",
                           "Tesseract and its French data installed")):
            if not local.available():
                raise CheckFailed(local.NO_TESSERACT)
            if local.language().split("+")[0] not in local.installed_languages():
                raise CheckFailed(Tr(
                    "Données françaises de Tesseract absentes : installez le paquet Debian "
                    "tesseract-ocr-fra (scripts/install.sh).",
                    "Tesseract's French data missing: install the Debian package "
                    "tesseract-ocr-fra (scripts/install.sh)."))
        content, truth, _ = sample(0)
        with check.step(Tr("Lecture d'un justificatif d'essai sur ce serveur",
                           "Reading a sample receipt on this server")):
            reading = local.read_receipt(content)
        check.report.notes.append(Tr(
            f"Montant lu : {reading.total_incl_tax} (imprimé : {truth.total_incl_tax}) ; "
            "aucune donnée n'a quitté le serveur.",
            f"Amount read: {reading.total_incl_tax} (printed: {truth.total_incl_tax}); no "
            "data left the server."))
        off = disabled_reason({**values, "provider": "OCR_LOCAL"})
        if off is not None:
            check.report.notes.append(off)

    return run_checks("ocr", body)
