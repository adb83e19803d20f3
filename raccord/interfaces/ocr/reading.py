"""What a receipt reader hands the features, whichever provider read it: typed values and
each field's confidence (0 to 1). The wire formats (Mindee's JSON, Tesseract's words) stay in
this folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.i18n import Tr

FIELDS = ("date", "time", "total_incl_tax", "total_excl_tax", "vat", "merchant", "category",
          "currency", "siret")


@dataclass(frozen=True)
class VatAmount:
    rate: Decimal  # a percentage: 20, 10, 5.5
    amount: Decimal | None
    base: Decimal | None = None


@dataclass(frozen=True)
class ReceiptReading:
    provider: str
    date: date | None = None
    time: str | None = None
    total_incl_tax: Decimal | None = None
    total_excl_tax: Decimal | None = None
    vat: tuple[VatAmount, ...] = ()
    merchant: str | None = None
    category: str | None = None
    currency: str | None = None
    siret: str | None = None
    confidence: dict[str, float] = field(default_factory=dict)
    document_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The contract of `raccord expenses read-receipt --json` and of the API."""
        return {
            "date": self.date.isoformat() if self.date else None,
            "time": self.time,
            "total_incl_tax": _num(self.total_incl_tax),
            "total_excl_tax": _num(self.total_excl_tax),
            "vat": [{"rate": _num(v.rate), "amount": _num(v.amount), "base": _num(v.base)}
                    for v in self.vat],
            "merchant": self.merchant,
            "category": self.category,
            "currency": self.currency,
            "siret": self.siret,
            "confidence": {k: round(self.confidence.get(k, 0.0), 2) for k in FIELDS},
            "provider": self.provider,
        }

    @property
    def total_vat(self) -> Decimal | None:
        amounts = [v.amount for v in self.vat if v.amount is not None]
        return sum(amounts, Decimal("0.00")) if amounts else None


def _num(value: Decimal | None) -> float | None:
    """JSON numbers: 5.5 stays 5.5, 12.30 becomes 12.3 (the value, not its writing)."""
    return None if value is None else float(value)


class ReceiptUnreadable(ServiceError):
    """The file is not a receipt raccord can read: too large, empty, not an image or PDF, or
    no amount and no date on it."""

    def __init__(self, message: Tr) -> None:
        super().__init__(Diagnosis(Problem.REFUSED, message))


TOO_LARGE = Tr("Justificatif trop lourd (plus de 10 Mo) : reprenez la photo en plus basse "
               "résolution.", "Receipt too large (over 10 MB): take the photo again at a "
               "lower resolution.")
EMPTY = Tr("Le fichier est vide.", "The file is empty.")
NOT_A_DOCUMENT = Tr("Ce fichier n'est ni une image (JPEG, PNG, HEIC, WEBP, TIFF) ni un PDF.",
                    "This file is neither an image (JPEG, PNG, HEIC, WEBP, TIFF) nor a PDF.")
DAMAGED = Tr("L'image est illisible (fichier abîmé ou tronqué).",
             "The image cannot be opened (damaged or truncated file).")
NOT_A_RECEIPT = Tr("Aucun montant ni date lisible : ce document ne ressemble pas à un "
                   "justificatif. Reprenez la photo à plat, bien éclairée, ou saisissez la "
                   "dépense à la main.",
                   "No amount and no date could be read: this does not look like a receipt. "
                   "Take the photo again flat and well lit, or type the expense by hand.")
