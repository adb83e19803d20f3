"""The French fiscal mileage scale ("barème kilométrique"): data per year, the shipped one
(arrêté of 27 March 2023, unchanged since) unless the operator saved another for that year.

The yearly amount for a distance `d` is `d × rate + fixed` in d's band. A trip is priced as
the difference between the year's amount after it and before it, so a trip that crosses a
band edge is priced on both sides of it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from raccord.core.i18n import Tr
from raccord.features.expenses.models import MileageScale

if TYPE_CHECKING:
    from raccord.core.hub import Hub

VEHICLES = ("car", "moto", "moped")
VEHICLE_LABELS = {"car": Tr("Voiture", "Car"), "moto": Tr("Moto (> 50 cm³)", "Motorcycle"),
                  "moped": Tr("Cyclomoteur (< 50 cm³)", "Moped")}
SHIPPED_YEAR = 2023
SHIPPED = Path(__file__).parent / "scale_2023.json"
CENT = Decimal("0.01")


class ScaleRefused(Exception):
    def __init__(self, message: Tr) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True)
class Band:
    upto: int | None
    rate: Decimal
    fixed: Decimal


@dataclass(frozen=True)
class Scale:
    year: int
    data: dict[str, Any]
    shipped: bool

    @property
    def electric_bonus(self) -> Decimal:
        return Decimal(str(self.data.get("electric_bonus", "0.20")))

    def bands(self, vehicle: str, cv: int) -> list[Band]:
        if vehicle not in VEHICLES:
            raise ScaleRefused(Tr(f"Type de véhicule inconnu « {vehicle} » : car, moto ou "
                                  "moped.", f"Unknown vehicle kind '{vehicle}': car, moto or "
                                  "moped."))
        for row in self.data[vehicle]:
            if row["cv_max"] is None or cv <= int(row["cv_max"]):
                return [Band(b["upto"], Decimal(str(b["rate"])), Decimal(str(b["fixed"])))
                        for b in row["bands"]]
        raise ScaleRefused(Tr("Barème incomplet : aucune ligne pour cette puissance.",
                              "Incomplete scale: no row for this horsepower."))


def validate(data: dict[str, Any]) -> dict[str, Any]:
    """An operator's scale, checked: each vehicle kind, rows by rising horsepower ending with
    an open row, bands by rising distance ending with an open band."""
    try:
        Decimal(str(data.get("electric_bonus", "0.20")))
        for vehicle in VEHICLES:
            rows = data[vehicle]
            if not rows or rows[-1]["cv_max"] is not None:
                raise ValueError(vehicle)
            for row in rows:
                bands = row["bands"]
                if not bands or bands[-1]["upto"] is not None:
                    raise ValueError(vehicle)
                edges = [int(b["upto"]) for b in bands[:-1]]
                if edges != sorted(edges):
                    raise ValueError(vehicle)
                for band in bands:
                    Decimal(str(band["rate"]))
                    Decimal(str(band["fixed"]))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        raise ScaleRefused(Tr(
            "Barème refusé : il faut, pour car, moto et moped, des lignes par puissance "
            "croissante (la dernière avec \"cv_max\": null), chacune avec des tranches "
            "{\"upto\", \"rate\", \"fixed\"} croissantes (la dernière avec \"upto\": null).",
            "Scale refused: car, moto and moped each need rows by rising horsepower (the "
            "last with \"cv_max\": null), each with rising bands {\"upto\", \"rate\", "
            "\"fixed\"} (the last with \"upto\": null).")) from None
    return data


def shipped() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return data


def scale_for(hub: Hub | None, year: int) -> Scale:
    """The operator's scale for `year`, else the latest one saved before it, else the shipped
    one (the scale is revised by decree, and the last one applies until the next)."""
    if hub is not None:
        with hub.db.session() as session:
            row = (session.query(MileageScale).filter(MileageScale.year <= year)
                   .order_by(MileageScale.year.desc()).first())
            if row is not None and (row.year >= SHIPPED_YEAR or year < SHIPPED_YEAR):
                return Scale(row.year, dict(row.data), False)
    return Scale(SHIPPED_YEAR, shipped(), True)


def save_scale(hub: Hub, year: int, data: dict[str, Any], login: str) -> None:
    validate(data)
    with hub.db.session() as session:
        row = session.get(MileageScale, year)
        if row is None:
            session.add(MileageScale(year=year, data=data, updated_by=login))
        else:
            row.data, row.updated_by = data, login


def yearly_amount(scale: Scale, vehicle: str, cv: int, km: Decimal,
                  electric: bool = False) -> Decimal:
    """The year's allowance in euros for `km` driven in the year."""
    if km < 0 or cv < 1:
        raise ScaleRefused(Tr("La distance et la puissance fiscale doivent être positives.",
                              "Distance and fiscal horsepower must be positive."))
    band = next(b for b in scale.bands(vehicle, cv) if b.upto is None or km <= b.upto)
    amount = km * band.rate + band.fixed
    if electric:
        amount *= 1 + scale.electric_bonus
    return amount.quantize(CENT, ROUND_HALF_UP)


def trip_allowance(scale: Scale, vehicle: str, cv: int, km_before: Decimal, km: Decimal,
                   electric: bool = False) -> Decimal:
    """A trip's share: the year's amount after it less the year's amount before it."""
    return (yearly_amount(scale, vehicle, cv, km_before + km, electric)
            - yearly_amount(scale, vehicle, cv, km_before, electric))
