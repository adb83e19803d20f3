"""The local copy of the SIRENE base: a SQLite file of its own under RACCORD_HOME/sirene/
(tens of millions of rows do not belong in the main database, SQLite or PostgreSQL alike).

`current.json` names the copy in use; a new month's copy is built beside it and switched in
atomically when complete, so lookups always read a whole copy. Rows keep INSEE's column names
and are rebuilt into the API's answer shapes, so one mapping serves the API and the copy."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

UNIT_COLUMNS = (
    "statutDiffusionUniteLegale", "dateCreationUniteLegale", "sigleUniteLegale",
    "prenom1UniteLegale", "prenomUsuelUniteLegale", "dateDernierTraitementUniteLegale",
    "dateDebut", "etatAdministratifUniteLegale", "nomUniteLegale", "nomUsageUniteLegale",
    "denominationUniteLegale", "denominationUsuelle1UniteLegale",
    "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale", "nicSiegeUniteLegale")
ADDRESS_COLUMNS = (
    "complementAdresseEtablissement", "numeroVoieEtablissement",
    "indiceRepetitionEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement",
    "codePostalEtablissement", "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement", "distributionSpecialeEtablissement",
    "codeCommuneEtablissement", "codeCedexEtablissement", "libelleCedexEtablissement",
    "codePaysEtrangerEtablissement", "libellePaysEtrangerEtablissement")
PERIOD_COLUMNS = ("dateDebut", "etatAdministratifEtablissement", "enseigne1Etablissement",
                  "denominationUsuelleEtablissement", "activitePrincipaleEtablissement")
ESTABLISHMENT_COLUMNS = (
    "statutDiffusionEtablissement", "dateCreationEtablissement",
    "dateDernierTraitementEtablissement", "etablissementSiege",
    *ADDRESS_COLUMNS, *PERIOD_COLUMNS)
UNIT_PERIOD = ("dateDebut", "etatAdministratifUniteLegale", "nomUniteLegale",
               "nomUsageUniteLegale", "denominationUniteLegale",
               "denominationUsuelle1UniteLegale", "categorieJuridiqueUniteLegale",
               "activitePrincipaleUniteLegale", "nicSiegeUniteLegale")

# Rows are appended in file order and indexed once at the end: a sort-based index build is
# several times faster than keeping a key order while tens of millions of rows come in.
INDEXES = """
CREATE INDEX IF NOT EXISTS unit_siren ON unit (siren);
CREATE INDEX IF NOT EXISTS establishment_siret ON establishment (siret);
"""
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS unit (siren INTEGER,
    {", ".join(f'"{c}" TEXT' for c in UNIT_COLUMNS)});
CREATE TABLE IF NOT EXISTS establishment (siret INTEGER,
    {", ".join(f'"{c}" TEXT' for c in ESTABLISHMENT_COLUMNS)});
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS progress (file TEXT PRIMARY KEY, kind TEXT, signature TEXT,
    rows_done INTEGER, position INTEGER, total INTEGER, finished INTEGER, newest TEXT);
"""
POINTER = "current.json"
BUILDING = "building.sqlite"


def folder_of(home: Path) -> Path:
    return home / "sirene"


@dataclass(frozen=True)
class CopyInfo:
    path: Path
    data_date: str  # INSEE's latest treatment date in the files (ISO)
    imported_at: str
    units: int
    establishments: int
    sources: tuple[str, ...]

    @property
    def month(self) -> str:
        return self.data_date[:7]


def read_pointer(folder: Path) -> CopyInfo | None:
    try:
        data = json.loads((folder / POINTER).read_text())
    except (OSError, ValueError):
        return None
    path = folder / data["file"]
    if not path.is_file():
        return None
    return CopyInfo(path, data["data_date"], data["imported_at"], int(data["units"]),
                    int(data["establishments"]), tuple(data.get("sources", ())))


def write_pointer(folder: Path, info: CopyInfo) -> None:
    """Switch lookups to `info.path` in one step (a rename is atomic)."""
    temp = folder / f".{POINTER}.tmp"
    temp.write_text(json.dumps({
        "file": info.path.name, "data_date": info.data_date, "imported_at": info.imported_at,
        "units": info.units, "establishments": info.establishments,
        "sources": list(info.sources)}, indent=1))
    os.replace(temp, folder / POINTER)


def _row(names: tuple[str, ...], values: tuple[Any, ...]) -> dict[str, Any]:
    """A stored row as the API writes it: an empty cell is null."""
    return {name: value or None for name, value in zip(names, values, strict=True)}


def unit_flat(unit: dict[str, Any]) -> dict[str, Any]:
    """A unit row as the `uniteLegale` object nested in an `etablissement` answer."""
    return {k: v for k, v in unit.items() if k != "dateDebut"}


def etablissement_shape(siret: str, est: dict[str, Any], unit: dict[str, Any] | None
                        ) -> dict[str, Any]:
    return {
        "siren": siret[:9], "nic": siret[9:], "siret": siret,
        "statutDiffusionEtablissement": est["statutDiffusionEtablissement"],
        "dateCreationEtablissement": est["dateCreationEtablissement"],
        "dateDernierTraitementEtablissement": est["dateDernierTraitementEtablissement"],
        "etablissementSiege": est["etablissementSiege"] == "true",
        "uniteLegale": unit_flat(unit) if unit else {},
        "adresseEtablissement": {c: est[c] for c in ADDRESS_COLUMNS},
        "periodesEtablissement": [{"dateFin": None, **{c: est[c] for c in PERIOD_COLUMNS}}],
    }


def unite_legale_shape(siren: str, unit: dict[str, Any]) -> dict[str, Any]:
    top = {k: v for k, v in unit.items() if k not in UNIT_PERIOD}
    return {"siren": siren, **top,
            "periodesUniteLegale": [{"dateFin": None, **{k: unit[k] for k in UNIT_PERIOD}}]}


class LocalCopy:
    """Reads the copy in use; follows a switch to a newer copy at the next lookup."""

    def __init__(self, home: Path) -> None:
        self.folder = folder_of(home)
        self._local = threading.local()

    def info(self) -> CopyInfo | None:
        return read_pointer(self.folder)

    def _connection(self) -> sqlite3.Connection | None:
        try:
            stamp = (self.folder / POINTER).stat().st_mtime_ns
        except OSError:
            return None
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == stamp:
            return held[1]  # type: ignore[no-any-return]
        info = read_pointer(self.folder)
        if info is None:
            return None
        # The copy never changes once switched in: immutable spares every lock.
        connection = sqlite3.connect(f"file:{info.path}?mode=ro&immutable=1", uri=True,
                                     check_same_thread=False)
        if held is not None:
            held[1].close()
        self._local.held = (stamp, connection)
        return connection

    def close(self) -> None:
        held = getattr(self._local, "held", None)
        if held is not None:
            held[1].close()
            self._local.held = None

    def _unit(self, connection: sqlite3.Connection, siren: str) -> dict[str, Any] | None:
        found = connection.execute(f"SELECT {_select(UNIT_COLUMNS)} FROM unit WHERE siren = ?",
                                   (int(siren),)).fetchone()
        return None if found is None else _row(UNIT_COLUMNS, found)

    def _establishment(self, connection: sqlite3.Connection, siret: int
                       ) -> dict[str, Any] | None:
        found = connection.execute(
            f"SELECT {_select(ESTABLISHMENT_COLUMNS)} FROM establishment WHERE siret = ?",
            (siret,)).fetchone()
        return None if found is None else _row(ESTABLISHMENT_COLUMNS, found)

    def etablissement(self, siret: str) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
        """(the `etablissement` answer, the unit's current period) or None if absent."""
        connection = self._connection()
        if connection is None:
            return None
        est = self._establishment(connection, int(siret))
        if est is None:
            return None
        unit = self._unit(connection, siret[:9])
        period = {"dateDebut": unit["dateDebut"]} if unit else None
        return etablissement_shape(siret, est, unit), period

    def head_office(self, siren: str
                    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None] | None:
        """(the head office's `etablissement` or None, the `uniteLegale`) or None if absent."""
        connection = self._connection()
        if connection is None:
            return None
        unit = self._unit(connection, siren)
        if unit is None:
            return None
        nic = unit.get("nicSiegeUniteLegale") or ""
        siret = f"{siren}{nic.zfill(5)}" if nic.isdigit() else None
        est = self._establishment(connection, int(siret)) if siret else None
        if est is None:  # the unit's pointer is missing: the flag on the establishments
            base = int(siren) * 100_000
            found = connection.execute(
                f"SELECT siret, {_select(ESTABLISHMENT_COLUMNS)} FROM establishment "
                "WHERE siret BETWEEN ? AND ? AND etablissementSiege = 'true' LIMIT 1",
                (base, base + 99_999)).fetchone()
            if found is not None:
                siret, est = f"{found[0]:014d}", _row(ESTABLISHMENT_COLUMNS, found[1:])
        shape = etablissement_shape(siret, est, unit) if est and siret else None
        return shape, unite_legale_shape(siren, unit)


def _select(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in columns)
