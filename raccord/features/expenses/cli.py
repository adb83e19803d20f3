"""`raccord expenses ...`: read a receipt, price a year's mileage, show or replace a scale.

    raccord expenses read-receipt FILE [--provider OCR_LOCAL|OCR_MINDEE] [--json]
    raccord expenses allowance --cv N --km D [--year Y] [--electric] [--vehicle car|moto|moped]
    raccord expenses scale [--year Y] [--set FILE.json]
"""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer

from raccord.core.diagnosis import ServiceError
from raccord.core.i18n import Tr
from raccord.features.expenses import mileage
from raccord.interfaces.ocr.reading import ReceiptReading
from raccord.toolkit.cli import cli_actor, fail, lang, open_hub, out

app = typer.Typer(no_args_is_help=True,
                  help="Expense reports: read receipts, price mileage on the fiscal scale.")
PROVIDERS = ("OCR_LOCAL", "OCR_MINDEE")
CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
                 ".heic": "image/heic", ".heif": "image/heif", ".pdf": "application/pdf",
                 ".webp": "image/webp", ".tif": "image/tiff", ".tiff": "image/tiff"}


def _installed() -> bool:
    """Whether a raccord home exists here (reading a file must not create one)."""
    return bool(os.environ.get("RACCORD_DATABASE_URL")) or Path(
        os.environ.get("RACCORD_HOME", "var")).exists()


def _read(content: bytes, path: Path, provider: str | None) -> ReceiptReading:
    if provider in (None, "OCR_LOCAL"):
        hub = None
        if provider is None and _installed():
            try:
                hub = open_hub()
            except (typer.Exit, Exception):  # no hub here: the local reader needs none
                hub = None
        values = hub.values("ocr") if hub is not None else {}
        if provider == "OCR_LOCAL" or not values.get("enabled") \
                or values.get("provider") != "OCR_MINDEE":
            from raccord.interfaces.ocr.local import read_receipt as read_locally

            return read_locally(content)
    from raccord.interfaces.ocr.client import read_receipt

    content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return read_receipt(open_hub(), content, path.name, content_type, "OCR_MINDEE",
                        check_switches=False)


@app.command("read-receipt")
def read_receipt_command(
    file: Annotated[Path, typer.Argument(help="JPEG, PNG, HEIC, WEBP, TIFF or PDF")],
    provider: Annotated[str | None, typer.Option(help="OCR_LOCAL or OCR_MINDEE (default: "
                                                      "the saved provider when OCR is on, "
                                                      "else OCR_LOCAL)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the fields as JSON")] = False,
) -> None:
    """Print the fields read on a receipt; exit 1 with the reason when it cannot be read."""
    if provider is not None and provider.upper() not in PROVIDERS:
        raise fail(Tr(f"Fournisseur inconnu « {provider} » : OCR_LOCAL ou OCR_MINDEE.",
                      f"Unknown provider '{provider}': OCR_LOCAL or OCR_MINDEE."), 2)
    try:
        content = file.read_bytes()
    except OSError as error:
        raise fail(Tr(f"Lecture impossible de {file} : {error.strerror}.",
                      f"Cannot read {file}: {error.strerror}.")) from None
    try:
        reading = _read(content, file, provider.upper() if provider else None)
    except ServiceError as error:
        raise fail(error.diagnosis.message) from None
    if as_json:
        print(json.dumps(reading.as_json(), ensure_ascii=False))
        return
    words = lang()
    data = reading.as_json()
    labels = (("date", Tr("Date", "Date")), ("time", Tr("Heure", "Time")),
              ("merchant", Tr("Commerçant", "Merchant")), ("siret", Tr("SIRET", "SIRET")),
              ("total_incl_tax", Tr("Total TTC", "Total incl. tax")),
              ("total_excl_tax", Tr("Total HT", "Total excl. tax")),
              ("currency", Tr("Devise", "Currency")), ("category", Tr("Catégorie", "Category")))
    for key, label in labels:
        value = data[key]
        out.print(f"{label(words)}: {value if value is not None else '—'} "
                  f"({data['confidence'].get(key, 0):.0%})", markup=False)
    for vat in data["vat"]:
        out.print(f"TVA {vat['rate']:g} %: {vat['amount']} (base {vat['base']})", markup=False)


@app.command("allowance")
def allowance_command(
    cv: Annotated[int, typer.Option(help="fiscal horsepower (CV)")],
    km: Annotated[str, typer.Option(help="distance driven in the year, in km")],
    year: Annotated[int | None, typer.Option(help="the scale's year (default: this year)")]
    = None,
    electric: Annotated[bool, typer.Option("--electric", help="electric vehicle: +20 %")]
    = False,
    vehicle: Annotated[str, typer.Option(help="car, moto or moped")] = "car",
) -> None:
    """Print the year's mileage allowance in euros on the fiscal scale."""
    try:
        distance = Decimal(km.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise fail(Tr(f"Distance illisible « {km} ».", f"Unreadable distance '{km}'."),
                   2) from None
    try:
        hub = open_hub()
    except (typer.Exit, Exception):  # the shipped scale needs no hub
        hub = None
    try:
        scale = mileage.scale_for(hub, year or date.today().year)
        amount = mileage.yearly_amount(scale, vehicle, cv, distance, electric)
    except mileage.ScaleRefused as error:
        raise fail(error.message, 2) from None
    print(f"{amount:.2f}")


@app.command("scale")
def scale_command(
    year: Annotated[int | None, typer.Option(help="the scale's year")] = None,
    set_file: Annotated[Path | None, typer.Option("--set", help="a JSON scale to save for "
                                                                "that year")] = None,
) -> None:
    """Show the fiscal scale in force for a year, or save the operator's own for it."""
    hub = open_hub()
    wanted = year or date.today().year
    if set_file is not None:
        try:
            data = json.loads(set_file.read_text(encoding="utf-8"))
            mileage.save_scale(hub, wanted, data, cli_actor().login)
        except (OSError, ValueError):
            raise fail(Tr("Fichier JSON illisible.", "Unreadable JSON file.")) from None
        except mileage.ScaleRefused as error:
            raise fail(error.message) from None
    scale = mileage.scale_for(hub, wanted)
    print(json.dumps({"year": scale.year, "shipped": scale.shipped, **scale.data},
                     ensure_ascii=False, indent=2))
