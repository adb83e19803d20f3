"""Mindee API v1 client: expense receipts (product `mindee/expense_receipts` v5).

`POST {url}/v1/products/mindee/expense_receipts/v5/predict`, multipart field `document`,
header `Authorization: Token <key>`; answers 201 with `document.inference.prediction`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import httpx

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr
from raccord.core.ratelimit import Ceiling

if TYPE_CHECKING:
    from raccord.core.hub import Hub

PREDICT_PATH = "/v1/products/mindee/expense_receipts/v5/predict"
# Mindee v1 limits per account (docs.mindee.com/v1/integration/limitations).
PER_SECOND = Ceiling("calls_per_second", "second", lambda: 4)
PER_MINUTE = Ceiling("calls_per_minute", "minute", lambda: 75)
MAX_BYTES = 10 * 1024 * 1024
TOKEN_HELP = Tr("le token fourni par votre éditeur (ou une clé d'API de platform.mindee.com)",
                "the token given by your vendor (or an API key from platform.mindee.com)")


def _mindee_error(response: httpx.Response) -> str:
    """`api_request.error` of a Mindee failure: code, message and details, in one line."""
    error = response.json().get("api_request", {}).get("error", {})
    if not isinstance(error, dict):
        return ""
    details = error.get("details")
    if isinstance(details, dict):  # field errors: {"document": ["Missing data ..."]}
        details = "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                            for k, v in details.items())
    parts = [str(p) for p in (error.get("code"), error.get("message"), details) if p]
    return " - ".join(parts)


def explain(error: ServiceError) -> Diagnosis:
    """Mindee's words for the statuses a user can act on."""
    d = error.diagnosis
    if d.problem is Problem.AUTH:
        return Diagnosis(Problem.AUTH, Tr(
            "Token Mindee refusé (HTTP 401) : recopiez dans « Token Mindee »",
            "Mindee token refused (HTTP 401): copy again into 'Mindee token'") + TOKEN_HELP, 401)
    if d.problem is Problem.FORBIDDEN:
        return Diagnosis(Problem.FORBIDDEN, Tr(
            "Token reconnu mais le compte Mindee n'a pas accès à l'API « expense_receipts v5 » "
            "(HTTP 403) : activez ce produit sur le compte Mindee.",
            "Token known but the Mindee account may not use the 'expense_receipts v5' API "
            "(HTTP 403): enable that product on the Mindee account."), 403)
    if d.problem is Problem.REFUSED and d.status == 400:
        return Diagnosis(Problem.REFUSED, Tr(
            "Mindee a refusé le document (HTTP 400) : envoyez une photo JPEG, PNG, WEBP, TIFF, "
            "HEIC ou un PDF de moins de 10 Mo.",
            "Mindee refused the document (HTTP 400): send a JPEG, PNG, WEBP, TIFF or HEIC "
            "photo or a PDF under 10 MB.") + d.message, 400)
    return d


class MindeeClient:
    def __init__(self, hub: Hub) -> None:
        self.values = hub.values("ocr")
        self.http = hub.outgoing("ocr", timeout=60.0, ceilings=[PER_SECOND, PER_MINUTE])

    def predict_receipt(self, content: bytes, filename: str, content_type: str,
                        retry: RetryPolicy | None = None) -> dict[str, Any]:
        """The whole Mindee answer for one receipt (`document.inference.prediction` inside)."""
        token = self.values.get("token") or ""
        url = f"{str(self.values['url']).rstrip('/')}{PREDICT_PATH}"
        try:
            response = self.http.request(
                "POST", url, expect=(200, 201), detail=_mindee_error,
                # A refused call (429, 5xx) is not billed; an answer lost in transit is not
                # retried, since it may have been billed.
                retry=retry or RetryPolicy(attempts=3, delay_s=2.0, idempotent=False),
                headers={"Authorization": f"Token {token}", "Accept": "application/json"},
                files={"document": (filename, content, content_type)})
        except ServiceError as error:
            raise ServiceError(explain(error)) from None
        try:
            body: dict[str, Any] = response.json()
            body["document"]["inference"]["prediction"]
        except (ValueError, KeyError, TypeError):
            raise ServiceError(Diagnosis(Problem.PROTOCOL, Tr(
                "Réponse de Mindee illisible (pas de « document.inference.prediction ») : l'URL "
                "de connexion mène-t-elle bien à l'API Mindee v1 ?",
                "Unreadable Mindee answer (no 'document.inference.prediction'): does the "
                "connection URL lead to Mindee's v1 API?"), response.status_code)) from None
        return body


def _value(prediction: dict[str, Any], key: str) -> Any:
    field = prediction.get(key)
    return field.get("value") if isinstance(field, dict) else None


def _money(raw: Any) -> Decimal | None:
    if raw is None or isinstance(raw, bool):
        return None
    try:
        return Decimal(str(raw)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _day(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def expense_from_prediction(body: dict[str, Any]) -> dict[str, Any]:
    """Map Mindee's receipt v5 prediction onto an expense's fields. Missing values are None
    (Mindee sends `value: null` with confidence 0)."""
    document = body["document"]
    prediction: dict[str, Any] = document["inference"]["prediction"]
    taxes = []
    for tax in prediction.get("taxes") or []:
        rate = tax.get("rate")  # a percentage in v1: 20.0 means 20 %
        taxes.append({"code": tax.get("code"), "rate": None if rate is None else Decimal(str(rate)),
                      "base": _money(tax.get("base")), "amount": _money(tax.get("value"))})
    total = _money(_value(prediction, "total_amount"))
    total_tax = _money(_value(prediction, "total_tax"))
    if total_tax is None and taxes and all(t["amount"] is not None for t in taxes):
        total_tax = sum((t["amount"] for t in taxes), Decimal("0.00"))
    net = _money(_value(prediction, "total_net"))
    if net is None and total is not None and total_tax is not None:
        net = total - total_tax
    locale = prediction.get("locale") or {}
    return {
        "date": _day(_value(prediction, "date")),
        "time": _value(prediction, "time"),
        "total_amount": total,
        "total_net": net,
        "total_tax": total_tax,
        "taxes": taxes,
        "supplier_name": _value(prediction, "supplier_name"),
        "category": _value(prediction, "category"),
        "subcategory": _value(prediction, "subcategory"),
        "currency": locale.get("currency"),
        "country": locale.get("country"),
        "language": locale.get("language"),
        "mindee_document_id": document.get("id"),
    }


def disabled_reason(values: dict[str, Any]) -> Tr | None:
    missing = [label for key, label in (("enabled", Tr("OCR Actif", "OCR enabled")),
                                        ("mindee_enabled", Tr("Mindee Actif", "Mindee enabled")))
               if not values.get(key)]
    if not missing:
        return None
    return Tr("L'OCR est désactivé : cochez " + " et ".join(m.fr for m in missing) +
              " dans Interfaces tierces > OCR.",
              "OCR is switched off: tick " + " and ".join(m.en for m in missing) +
              " in Third-party interfaces > OCR.")


def read_receipt(hub: Hub, content: bytes, filename: str, content_type: str) -> dict[str, Any]:
    """Read a photographed receipt into an expense's fields (date, amounts, taxes, supplier,
    category, currency). Raises ServiceError saying what to do when it cannot."""
    values = hub.values("ocr")
    off = disabled_reason(values)
    if off is not None:
        raise ServiceError(Diagnosis(Problem.DISABLED, off))
    if len(content) > MAX_BYTES:
        raise ServiceError(Diagnosis(Problem.CONFIG, Tr(
            "Justificatif trop lourd (plus de 10 Mo) : reprenez la photo en plus basse "
            "résolution.", "Receipt too large (over 10 MB): take the photo again at a lower "
            "resolution.")))
    expense = expense_from_prediction(
        MindeeClient(hub).predict_receipt(content, filename, content_type))
    # The seed: the technical user goes into the expense's history, to tell OCR from typing.
    expense["filled_by"] = values.get("technical_user") or None
    return expense
