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
from raccord.interfaces.ocr.reading import (
    EMPTY,
    NOT_A_RECEIPT,
    TOO_LARGE,
    ReceiptReading,
    ReceiptUnreadable,
    VatAmount,
)

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


def _field(prediction: dict[str, Any], key: str) -> tuple[Any, float]:
    field = prediction.get(key)
    if not isinstance(field, dict):
        return None, 0.0
    return field.get("value"), float(field.get("confidence") or 0.0)


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


def _siret(prediction: dict[str, Any]) -> str | None:
    for registration in prediction.get("supplier_company_registrations") or []:
        value = "".join(ch for ch in str(registration.get("value") or "") if ch.isdigit())
        if str(registration.get("type", "")).upper() in ("SIRET", "SIREN") and value:
            return value
    return None


def reading_from_prediction(body: dict[str, Any]) -> ReceiptReading:
    """Mindee's receipt v5 prediction as a reading. Missing values are None (Mindee sends
    `value: null` with confidence 0); a tax without a rate is left out (nothing to file it
    under); totals Mindee left out are computed from the others when they can be."""
    document = body["document"]
    prediction: dict[str, Any] = document["inference"]["prediction"]
    taxes, tax_confidences = [], []
    for tax in prediction.get("taxes") or []:
        rate = tax.get("rate")  # a percentage in v1: 20.0 means 20 %
        if rate is None or isinstance(rate, bool):
            continue
        try:
            percent = Decimal(str(rate))
            percent = percent.quantize(Decimal(1)) if percent == percent.to_integral() \
                else percent.normalize()
        except InvalidOperation:
            continue
        taxes.append(VatAmount(percent, _money(tax.get("value")), _money(tax.get("base"))))
        tax_confidences.append(float(tax.get("confidence") or 0.0))
    total_raw, total_confidence = _field(prediction, "total_amount")
    tax_raw, tax_confidence = _field(prediction, "total_tax")
    net_raw, net_confidence = _field(prediction, "total_net")
    total, total_tax, net = _money(total_raw), _money(tax_raw), _money(net_raw)
    if total_tax is None and taxes and all(t.amount is not None for t in taxes):
        total_tax = sum((t.amount for t in taxes if t.amount is not None), Decimal("0.00"))
        tax_confidence = min(tax_confidences)
    if net is None and total is not None and total_tax is not None:
        net, net_confidence = total - total_tax, min(total_confidence, tax_confidence)
    day, date_confidence = _field(prediction, "date")
    time, time_confidence = _field(prediction, "time")
    supplier, supplier_confidence = _field(prediction, "supplier_name")
    category, category_confidence = _field(prediction, "category")
    locale = prediction.get("locale") or {}
    siret = _siret(prediction)
    return ReceiptReading(
        provider="OCR_MINDEE", date=_day(day), time=time, total_incl_tax=total,
        total_excl_tax=net, vat=tuple(taxes), merchant=supplier, category=category,
        currency=locale.get("currency"), siret=siret, document_id=document.get("id"),
        confidence={"date": date_confidence if _day(day) else 0.0, "time": time_confidence,
                    "total_incl_tax": total_confidence, "total_excl_tax": net_confidence,
                    "vat": min(tax_confidences) if tax_confidences else 0.0,
                    "merchant": supplier_confidence, "category": category_confidence,
                    "currency": float(locale.get("confidence") or 0.0)
                    if locale.get("currency") else 0.0,
                    "siret": 0.9 if siret else 0.0})


def disabled_reason(values: dict[str, Any]) -> Tr | None:
    """Why OCR may not read now: the global switch, then the provider's own (Mindee's)."""
    keys = [("enabled", Tr("OCR Actif", "OCR enabled"))]
    if (values.get("provider") or "OCR_MINDEE") == "OCR_MINDEE":
        keys.append(("mindee_enabled", Tr("Mindee Actif", "Mindee enabled")))
    missing = [label for key, label in keys if not values.get(key)]
    if not missing:
        return None
    return Tr("L'OCR est désactivé : cochez " + " et ".join(m.fr for m in missing) +
              " dans Interfaces tierces > OCR.",
              "OCR is switched off: tick " + " and ".join(m.en for m in missing) +
              " in Third-party interfaces > OCR.")


def read_receipt(hub: Hub, content: bytes, filename: str, content_type: str,
                 provider: str | None = None, check_switches: bool = True) -> ReceiptReading:
    """Read a photographed receipt with the chosen provider (the saved one by default).
    Raises ServiceError (ReceiptUnreadable for a file no provider could read) saying what to
    do. The reading names no user: the feature writes `ocr.technical_user` in the history."""
    values = hub.values("ocr")
    if check_switches:
        off = disabled_reason({**values, "provider": provider or values.get("provider")})
        if off is not None:
            raise ServiceError(Diagnosis(Problem.DISABLED, off))
    if not content:
        raise ReceiptUnreadable(EMPTY)
    if len(content) > MAX_BYTES:
        raise ReceiptUnreadable(TOO_LARGE)
    if (provider or values.get("provider") or "OCR_MINDEE") == "OCR_LOCAL":
        from raccord.interfaces.ocr.local import read_receipt as read_locally

        return read_locally(content)
    reading = reading_from_prediction(
        MindeeClient(hub).predict_receipt(content, filename, content_type))
    if reading.total_incl_tax is None and reading.date is None:
        raise ReceiptUnreadable(NOT_A_RECEIPT)
    return reading
