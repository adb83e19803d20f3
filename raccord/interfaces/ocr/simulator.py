"""Mindee API v1 simulator: `POST /v1/products/mindee/expense_receipts/v5/predict` with
`Authorization: Token <key>`, a multipart `document`, the v5 answer shape (201) and Mindee's
error bodies (401 without or with a wrong token, 400 for a missing or non-image document,
429 beyond 4 calls a second or 75 a minute)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from raccord.core.simulator import Quotas, Simulator, build
from raccord.interfaces.ocr.receipts import ReceiptTruth, embedded_truth

SANDBOX_TOKEN = "sandbox-mindee-token-5f2c9a"
FORBIDDEN_TOKEN = "sandbox-mindee-no-receipts"
PREDICT = "/v1/products/mindee/expense_receipts/v5/predict"
FEATURES = ["locale", "category", "subcategory", "document_type", "date", "time", "total_amount",
            "total_net", "total_tax", "tip", "taxes", "supplier_name",
            "supplier_company_registrations", "supplier_address", "supplier_phone_number",
            "orientation", "receipt_number", "line_items"]
SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF", b"II*\x00", b"MM\x00*")

# (supplier, category, subcategory, date, time, rate %, total, address, phone, registration)
RECEIPTS = (
    ("LE BOUCHON DES CORDELIERS", "food", "restaurant", "2026-03-12", "12:47", 10.0, "42.90",
     "12 RUE MERCIERE 69002 LYON", "0478421234", "81234567800012"),
    ("TOTALENERGIES RELAIS DE MONTELIMAR", "gasoline", None, "2026-03-14", "08:12", 20.0,
     "78.60", "AIRE DE MONTELIMAR A7 26200 MONTELIMAR", "0475013344", "54205118000066"),
    ("SNCF VOYAGEURS", "transport", "train", "2026-03-15", "17:05", 10.0, "89.00",
     "9 RUE JEAN-PHILIPPE RAMEAU 93200 SAINT-DENIS", "3635", "51903758414786"),
    ("INDIGO GARE PART-DIEU", "parking", None, "2026-03-16", "19:30", 20.0, "18.00",
     "PLACE CHARLES BERAUDIER 69003 LYON", "0478601122", "80106985100219"),
)


def failure_body(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"api_request": {"error": error, "resources": [], "status": "failure",
                            "status_code": status, "url": f"https://api.mindee.net{PREDICT}"}}


def failure(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    return JSONResponse(failure_body(status, code, message, details), status_code=status)


def _field(value: Any, confidence: float = 0.99, **extra: Any) -> dict[str, Any]:
    return {"confidence": confidence if value is not None else 0.0, "page_id": 0,
            "polygon": [[0.1, 0.1], [0.6, 0.1], [0.6, 0.14], [0.1, 0.14]] if value is not None
            else [], "value": value, **extra}


def truth_prediction(truth: ReceiptTruth, content: bytes) -> dict[str, Any]:
    """What Mindee would read on a generated receipt: its printed values, with confidences
    that drop a little on a few fields, as they do on a real photo."""
    seed = int.from_bytes(hashlib.sha256(content).digest()[:4], "big")
    shaky = 0.62 if seed % 7 == 0 else 0.99  # one receipt in seven: a hesitant supplier name
    total = float(truth.total_incl_tax)
    net = float(truth.total_excl_tax)
    tax = round(total - net, 2)
    return {
        "category": {"confidence": 0.95, "value": truth.category},
        "subcategory": {"confidence": 0.0, "value": None},
        "document_type": {"confidence": 1.0, "value": "EXPENSE RECEIPT"},
        "date": _field(truth.date),
        "time": _field(truth.time, 0.97),
        "locale": {"confidence": 0.93, "country": "FR", "currency": truth.currency,
                   "language": "fr", "value": "fr-FR"},
        "total_amount": _field(total),
        "total_net": _field(net, 0.96),
        "total_tax": {**_field(tax), "page_id": None},
        "tip": {"confidence": 0.0, "page_id": None, "polygon": [], "value": None},
        "taxes": [{"base": float(v.base), "code": "TVA", "confidence": 0.97, "page_id": 0,
                   "polygon": [], "rate": float(v.rate), "value": float(v.amount)}
                  for v in truth.vat],
        "supplier_name": _field(truth.merchant, shaky, raw_value=truth.merchant),
        "supplier_company_registrations": [{**_field(truth.siret), "type": "SIRET"}],
        "supplier_address": _field(truth.address),
        "supplier_phone_number": _field(None),
        "receipt_number": _field(None),
        "line_items": [{"confidence": 0.95, "description": label, "page_id": 0, "polygon": [],
                        "quantity": 1.0, "total_amount": float(amount), "unit_price": None}
                       for label, amount, _ in truth.items],
    }


def prediction(content: bytes) -> dict[str, Any]:
    """The receipt a generated image carries; else a realistic French receipt, always the
    same one for the same image."""
    truth = embedded_truth(content)
    if truth is not None:
        return truth_prediction(truth, content)
    index = int.from_bytes(hashlib.sha256(content).digest()[:4], "big") % len(RECEIPTS)
    supplier, category, sub, day, time, rate, total_text, address, phone, reg = RECEIPTS[index]
    total = float(total_text)
    net = round(total / (1 + rate / 100), 2)
    tax = round(total - net, 2)
    return {
        "category": {"confidence": 0.99, "value": category},
        "subcategory": {"confidence": 0.97 if sub else 0.0, "value": sub},
        "document_type": {"confidence": 1.0, "value": "EXPENSE RECEIPT"},
        "date": _field(day),
        "time": _field(time),
        "locale": {"confidence": 0.93, "country": "FR", "currency": "EUR", "language": "fr",
                   "value": "fr-FR"},
        "total_amount": _field(total),
        "total_net": _field(net),
        "total_tax": {**_field(tax), "page_id": None},
        "tip": {"confidence": 0.0, "page_id": None, "polygon": [], "value": None},
        "taxes": [{"base": net, "code": "TVA", "confidence": 0.98, "page_id": 0, "polygon": [],
                   "rate": rate, "value": tax}],
        "supplier_name": _field(supplier, raw_value=supplier.title()),
        "supplier_company_registrations": [{**_field(reg), "type": "SIRET"}],
        "supplier_address": _field(address),
        "supplier_phone_number": _field(phone),
        "receipt_number": _field(f"{index + 1:03d}/{int(total * 100) % 9973:05d}"),
        "line_items": [{"confidence": 0.95, "description": supplier.split()[0], "page_id": 0,
                        "polygon": [], "quantity": 1.0, "total_amount": total,
                        "unit_price": total}],
    }


def answer(name: str, content: bytes) -> dict[str, Any]:
    finished = datetime.now(UTC).replace(tzinfo=None)
    started = finished - timedelta(seconds=1.3)
    doc_prediction = prediction(content)
    page_prediction = {k: v for k, v in doc_prediction.items() if k not in ("tip",)}
    page_prediction["orientation"] = {"value": 0}
    return {
        "api_request": {"error": {}, "resources": ["document"], "status": "success",
                        "status_code": 201, "url": f"https://api.mindee.net{PREDICT}"},
        "document": {
            "id": str(uuid.uuid4()), "name": name, "n_pages": 1, "is_presplit": False,
            "inference": {
                "extras": {}, "finished_at": finished.isoformat(),
                "started_at": started.isoformat(), "is_rotation_applied": True,
                "processing_time": 1.3,
                "product": {"name": "mindee/expense_receipts", "type": "standard",
                            "version": "5.3", "features": FEATURES},
                "prediction": doc_prediction,
                "pages": [{"id": 0, "orientation": {"value": 0}, "extras": {},
                           "prediction": page_prediction}],
            },
        },
    }


def is_document(content: bytes) -> bool:
    return (content.startswith(SIGNATURES)
            or (content[:4] == b"RIFF" and content[8:12] == b"WEBP")
            or content[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"))


def make_simulator() -> Simulator:
    sim = Simulator("ocr", default_quotas=Quotas(per_second=4, per_minute=75))
    sim.state["tokens"] = {SANDBOX_TOKEN}
    app = FastAPI(title="Mindee API v1 (simulated)")

    @app.post(PREDICT)
    async def predict(request: Request) -> Any:
        header = request.headers.get("authorization", "")
        if not header:
            return failure(401, "Unauthorized", "Authorization required", "No token provided")
        scheme, _, token = header.partition(" ")
        if token == FORBIDDEN_TOKEN:
            return failure(403, "Forbidden", "Access forbidden",
                           "This API key has no access to mindee/expense_receipts")
        if scheme != "Token" or token not in sim.state["tokens"]:
            return failure(401, "Unauthorized", "Authorization required",
                           "Invalid token provided")
        form = await request.form()
        document = form.get("document")
        if document is None:
            return failure(400, "BadRequest", "Invalid fields in form",
                           {"document": ["Missing data for required field."]})
        if not isinstance(document, UploadFile):
            return failure(400, "BadRequest", "Invalid fields in form",
                           {"document": ["Not a valid file or URL."]})
        content = await document.read()
        if len(content) > 10 * 1024 * 1024:
            return failure(413, "FileTooLarge", "File too large",
                           "Max file size is 10MB for synchronous calls.")
        if not is_document(content):
            return failure(400, "InvalidFiletype", "Invalid file type.",
                           "File type not allowed, must be one of image/jpeg, image/png, "
                           "image/webp, image/tiff, image/heic, application/pdf.")
        sim.counts["pages"] += 1
        return JSONResponse(answer(document.filename or "document", content), status_code=201)

    def error_body(status: int) -> dict[str, Any]:
        if status == 429:
            return failure_body(429, "TooManyRequests", "Too many requests",
                                "Too Many Requests.")
        return failure_body(status, "failure", "Inference failed",
                            "Can not run prediction: server error")

    return build(sim, app, error_body)
