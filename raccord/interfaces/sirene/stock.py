"""INSEE's monthly stock files (StockUniteLegale, StockEtablissement) written from the generated
population, for tests and benchmarks: the real column names, UTF-8 comma-separated CSV in a zip
(as published on data.gouv.fr), or Parquet. Streamed: any size is
written in constant memory."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from raccord.interfaces.sirene.population import LegalUnit, generate
from raccord.interfaces.sirene.shapes import etablissement, unite_legale

UNIT_FILE = "StockUniteLegale_utf8"
ESTABLISHMENT_FILE = "StockEtablissement_utf8"

UNIT_COLUMNS = (
    "siren", "statutDiffusionUniteLegale", "unitePurgeeUniteLegale", "dateCreationUniteLegale",
    "sigleUniteLegale", "sexeUniteLegale", "prenom1UniteLegale", "prenom2UniteLegale",
    "prenom3UniteLegale", "prenom4UniteLegale", "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale", "identifiantAssociationUniteLegale", "trancheEffectifsUniteLegale",
    "anneeEffectifsUniteLegale", "dateDernierTraitementUniteLegale",
    "nombrePeriodesUniteLegale", "categorieEntreprise", "anneeCategorieEntreprise",
    "dateDebut", "etatAdministratifUniteLegale", "nomUniteLegale", "nomUsageUniteLegale",
    "denominationUniteLegale", "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale", "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale", "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale", "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale", "activitePrincipaleNAF25UniteLegale")

ESTABLISHMENT_COLUMNS = (
    "siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
    "trancheEffectifsEtablissement", "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement", "dateDernierTraitementEtablissement",
    "etablissementSiege", "nombrePeriodesEtablissement", "complementAdresseEtablissement",
    "numeroVoieEtablissement", "indiceRepetitionEtablissement",
    "dernierNumeroVoieEtablissement", "indiceRepetitionDernierNumeroVoieEtablissement",
    "typeVoieEtablissement", "libelleVoieEtablissement", "codePostalEtablissement",
    "libelleCommuneEtablissement", "libelleCommuneEtrangerEtablissement",
    "distributionSpecialeEtablissement", "codeCommuneEtablissement", "codeCedexEtablissement",
    "libelleCedexEtablissement", "codePaysEtrangerEtablissement",
    "libellePaysEtrangerEtablissement", "identifiantAdresseEtablissement",
    "coordonneeLambertAbscisseEtablissement", "coordonneeLambertOrdonneeEtablissement",
    "complementAdresse2Etablissement", "numeroVoie2Etablissement",
    "indiceRepetition2Etablissement", "typeVoie2Etablissement", "libelleVoie2Etablissement",
    "codePostal2Etablissement", "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement", "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement", "codeCedex2Etablissement", "libelleCedex2Etablissement",
    "codePaysEtranger2Etablissement", "libellePaysEtranger2Etablissement", "dateDebut",
    "etatAdministratifEtablissement", "enseigne1Etablissement", "enseigne2Etablissement",
    "enseigne3Etablissement", "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement", "activitePrincipaleNAF25Etablissement")


def unit_row(unit: LegalUnit) -> list[Any]:
    """The unit's row (None for an empty cell, as the csv module writes it)."""
    shape = unite_legale(unit)
    flat = {**shape, **shape["periodesUniteLegale"][0]}
    return [flat.get(c) for c in UNIT_COLUMNS]


def establishment_rows(unit: LegalUnit) -> Iterator[list[Any]]:
    for est in unit.establishments:
        shape = etablissement(unit, est)
        flat = {**shape, **shape["adresseEtablissement"], **shape["periodesEtablissement"][0]}
        flat["etablissementSiege"] = "true" if est.head_office else "false"
        yield [flat.get(c) for c in ESTABLISHMENT_COLUMNS]


@dataclass
class StockFiles:
    units: Path
    establishments: Path
    unit_rows: int = 0
    establishment_rows: int = 0


def _units_for(establishments: int, seed: int) -> Iterator[LegalUnit]:
    """Units until at least `establishments` establishments were produced."""
    produced = 0
    for unit in generate(10**8, seed):
        if produced >= establishments:
            return
        produced += len(unit.establishments)
        yield unit


def write_stock_files(folder: Path, establishments: int, seed: int = 42,
                      fmt: str = "zip") -> StockFiles:
    """Both stock files for a population of at least `establishments` establishments; the
    first units are those the simulator answers for (same seed)."""
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        return _write_parquet(folder, establishments, seed)
    files = StockFiles(folder / f"{UNIT_FILE}.zip", folder / f"{ESTABLISHMENT_FILE}.zip")
    with zipfile.ZipFile(files.units, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as uz, \
            zipfile.ZipFile(files.establishments, "w", zipfile.ZIP_DEFLATED,
                            compresslevel=1) as ez, \
            uz.open(f"{UNIT_FILE}.csv", "w", force_zip64=True) as ubin, \
            ez.open(f"{ESTABLISHMENT_FILE}.csv", "w", force_zip64=True) as ebin:
        utext = io.TextIOWrapper(ubin, encoding="utf-8", newline="")
        etext = io.TextIOWrapper(ebin, encoding="utf-8", newline="")
        uwriter, ewriter = csv.writer(utext), csv.writer(etext)
        uwriter.writerow(UNIT_COLUMNS)
        ewriter.writerow(ESTABLISHMENT_COLUMNS)
        for unit in _units_for(establishments, seed):
            uwriter.writerow(unit_row(unit))
            files.unit_rows += 1
            for row in establishment_rows(unit):
                ewriter.writerow(row)
                files.establishment_rows += 1
        utext.flush()
        etext.flush()
        utext.detach()
        etext.detach()
    return files


def _write_parquet(folder: Path, establishments: int, seed: int) -> StockFiles:
    import pyarrow as pa  # imported late: heavy, and only Parquet needs it
    import pyarrow.parquet as pq

    files = StockFiles(folder / f"{UNIT_FILE}.parquet", folder / f"{ESTABLISHMENT_FILE}.parquet")
    uschema = pa.schema([(c, pa.string()) for c in UNIT_COLUMNS])
    eschema = pa.schema([(c, pa.string()) for c in ESTABLISHMENT_COLUMNS])
    batch = 50_000
    with pq.ParquetWriter(files.units, uschema) as uw, \
            pq.ParquetWriter(files.establishments, eschema) as ew:
        urows: list[list[Any]] = []
        erows: list[list[Any]] = []

        def flush(rows: list[list[Any]], writer: Any, schema: Any, columns: tuple[str, ...]
                  ) -> None:
            if rows:
                table = pa.table({c: [None if r[i] is None else str(r[i]) for r in rows]
                                  for i, c in enumerate(columns)}, schema=schema)
                writer.write_table(table)
                rows.clear()

        for unit in _units_for(establishments, seed):
            urows.append(unit_row(unit))
            files.unit_rows += 1
            for row in establishment_rows(unit):
                erows.append(row)
                files.establishment_rows += 1
            if len(erows) >= batch:
                flush(urows, uw, uschema, UNIT_COLUMNS)
                flush(erows, ew, eschema, ESTABLISHMENT_COLUMNS)
        flush(urows, uw, uschema, UNIT_COLUMNS)
        flush(erows, ew, eschema, ESTABLISHMENT_COLUMNS)
    return files


def main() -> None:
    """`python -m raccord.interfaces.sirene.stock FOLDER ESTABLISHMENTS [--parquet]`"""
    import sys

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2 or not args[1].isdigit():
        raise SystemExit("usage: python -m raccord.interfaces.sirene.stock FOLDER "
                         "ESTABLISHMENTS [--parquet]")
    files = write_stock_files(Path(args[0]), int(args[1]),
                              fmt="parquet" if "--parquet" in sys.argv else "zip")
    print(f"{files.units} ({files.unit_rows} rows)\n"
          f"{files.establishments} ({files.establishment_rows} rows)")


if __name__ == "__main__":
    main()
