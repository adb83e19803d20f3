"""Reading INSEE's stock files as a stream of rows: zip CSV (as published), plain CSV, or
Parquet. Columns are found by header name, never by position. Memory stays
flat whatever the size of the file."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from raccord.core.i18n import Tr

UNITS = "units"
ESTABLISHMENTS = "establishments"
# Columns that tell a stock file from the history and succession files.
SIGNATURES = {
    ESTABLISHMENTS: {"siret", "etablissementSiege", "codePostalEtablissement"},
    UNITS: {"siren", "statutDiffusionUniteLegale", "nicSiegeUniteLegale"},
}
KIND_NAMES = {UNITS: "StockUniteLegale", ESTABLISHMENTS: "StockEtablissement"}


class StockFileError(Exception):
    def __init__(self, message: Tr) -> None:
        super().__init__(message.en)
        self.message = message


class _Counting(io.RawIOBase):
    """Counts the bytes read from a stream, for the progress of a compressed file."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size


@dataclass
class StockFile:
    path: Path
    kind: str
    fmt: str  # zip, csv, parquet
    header: list[str]
    total: int  # uncompressed bytes (CSV) or rows (Parquet): the progress bar's end

    @property
    def signature(self) -> str:
        """Changes when the file does: an import resumes only on the very same file."""
        stat = self.path.stat()
        return f"{self.path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"

    def column(self, name: str) -> int | None:
        try:
            return self.header.index(name)
        except ValueError:
            return None


def _kind(path: Path, header: list[str]) -> str:
    for kind, needed in SIGNATURES.items():
        if needed <= set(header):
            return kind
    raise StockFileError(Tr(
        f"{path.name} n'est pas un fichier stock SIRENE (StockUniteLegale ou "
        "StockEtablissement) : colonnes siren/siret introuvables. Les fichiers historiques et "
        "de liens de succession ne sont pas importés.",
        f"{path.name} is not a SIRENE stock file (StockUniteLegale or StockEtablissement): "
        "no siren/siret columns. History and succession files are not imported."))


def _open_text(path: Path) -> tuple[_Counting, IO[str], int, Any]:
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
        if not members:
            archive.close()
            raise StockFileError(Tr(f"{path.name} ne contient aucun fichier .csv.",
                                    f"{path.name} holds no .csv file."))
        raw: IO[bytes] = archive.open(members[0])
        total, keep = members[0].file_size, archive
    else:
        raw, total, keep = path.open("rb"), os.path.getsize(path), None
    counting = _Counting(raw)
    buffered = io.BufferedReader(counting, buffer_size=1 << 20)
    return counting, io.TextIOWrapper(buffered, encoding="utf-8-sig", newline=""), total, keep


def open_stock(path: Path) -> StockFile:
    """Identify a stock file by its header (and check it can be read)."""
    if not path.is_file():
        raise StockFileError(Tr(f"Fichier introuvable : {path}", f"File not found: {path}"))
    if path.suffix.lower() == ".parquet":
        import pyarrow  # imported late: it is heavy and only Parquet needs it
        import pyarrow.parquet as pq

        try:
            meta = pq.ParquetFile(path)
        except (pyarrow.ArrowException, OSError) as error:
            raise StockFileError(Tr(f"{path.name} est illisible ({error}).",
                                    f"{path.name} cannot be read ({error}).")) from None
        header = list(meta.schema_arrow.names)
        return StockFile(path, _kind(path, header), "parquet", header, meta.metadata.num_rows)
    try:
        _counting, text, total, archive = _open_text(path)
        try:
            header = next(csv.reader(text), [])
        finally:
            text.close()
            if archive is not None:
                archive.close()
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError, csv.Error) as error:
        raise StockFileError(Tr(f"{path.name} est illisible ({error}).",
                                f"{path.name} cannot be read ({error}).")) from None
    fmt = "zip" if zipfile.is_zipfile(path) else "csv"
    return StockFile(path, _kind(path, header), fmt, header, total)


def read_rows(stock: StockFile, columns: tuple[str, ...], skip: int = 0
              ) -> Iterator[tuple[tuple[str, ...], int]]:
    """(values of `columns`, progress) for each row after the first `skip`. An empty cell, or
    a column absent from an older header, reads as "" (stored so: as small as a NULL)."""
    if stock.fmt == "parquet":
        yield from _parquet_rows(stock, columns, skip)
        return
    indexes = [stock.column(c) for c in columns]
    counting, text, _total, archive = _open_text(stock.path)
    try:
        reader = csv.reader(text)
        next(reader, None)
        skipped = 0
        while skipped < skip:  # rows already imported (empty lines are not rows)
            row = next(reader, None)
            if row is None:
                return
            skipped += bool(row)
        width = len(stock.header)
        pick = itemgetter(*indexes) if None not in indexes and len(indexes) > 1 else None
        for row in reader:
            if pick is not None and len(row) == width:
                yield pick(row), counting.count
            elif row:  # a short or long line, or an older header without some columns
                size = len(row)
                yield tuple(row[i] if i is not None and i < size else "" for i in indexes), \
                    counting.count
    finally:
        text.close()
        if archive is not None:
            archive.close()


def _parquet_rows(stock: StockFile, columns: tuple[str, ...], skip: int
                  ) -> Iterator[tuple[tuple[str, ...], int]]:
    import pyarrow.parquet as pq

    present = [c for c in columns if c in stock.header]
    parquet = pq.ParquetFile(stock.path)
    seen = 0
    for batch in parquet.iter_batches(batch_size=50_000, columns=present):
        size = batch.num_rows
        if seen + size <= skip:
            seen += size
            continue
        data = {name: batch.column(name).to_pylist() for name in present}
        start = max(skip - seen, 0)
        for index in range(start, size):
            yield tuple(_text(data[c][index]) if c in data else "" for c in columns), \
                seen + index + 1
        seen += size


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
