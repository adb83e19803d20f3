"""Building a local copy from INSEE's monthly stock files.

The copy is built in `building.sqlite`, beside the copy in use. Every batch of rows is
committed with the number of rows read so far, so an interrupted import resumes where it
stopped (same files) or restarts cleanly (other files). When both files are in, the copy is
renamed `copy-YYYYMM.sqlite` and `current.json` switched to it: lookups read the previous
copy until that very moment."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from queue import Full, Queue

from raccord.core.files import private_file
from raccord.core.i18n import Tr
from raccord.features.sirene.localcopy import (
    BUILDING,
    ESTABLISHMENT_COLUMNS,
    INDEXES,
    SCHEMA,
    UNIT_COLUMNS,
    CopyInfo,
    folder_of,
    read_pointer,
    write_pointer,
)
from raccord.features.sirene.stockfiles import (
    ESTABLISHMENTS,
    KIND_NAMES,
    UNITS,
    StockFile,
    StockFileError,
    open_stock,
    read_rows,
)

BATCH_ROWS = 20_000
KEPT_COPIES = 2  # the copy in use and the one before


@dataclass
class Progress:
    """Where an import stands, for a progress bar: `position` of `total` in the file."""

    file: str
    kind: str
    rows: int
    position: int
    total: int
    resumed_from: int = 0


ProgressCallback = Callable[[Progress], None]


class ImportBusy(StockFileError):
    pass


@contextmanager
def _import_lock(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "import.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportBusy(Tr(
                "Un import de la base SIRENE est déjà en cours : attendez sa fin "
                "(raccord sirene status).",
                "An import of the SIRENE base is already running: wait for it to end "
                "(raccord sirene status).")) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _open_building(path: Path) -> sqlite3.Connection:
    private_file(path)
    connection = sqlite3.connect(path, isolation_level=None)
    # WAL without sync: a crash of raccord loses nothing committed; a power cut may cost the
    # building copy, which is then rebuilt (the copy in use is never written to).
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-65536")  # 64 MB, whatever the file's size
    connection.executescript(SCHEMA)
    return connection


def _resumable(connection: sqlite3.Connection, stocks: list[StockFile]) -> bool:
    known = {row[0]: row[1] for row in connection.execute(
        "SELECT file, signature FROM progress")}
    return bool(known) and known == {s.path.name: s.signature for s in stocks}


def _check_set(stocks: list[StockFile]) -> None:
    kinds = [s.kind for s in stocks]
    missing = [KIND_NAMES[k] for k in (UNITS, ESTABLISHMENTS) if k not in kinds]
    doubled = [KIND_NAMES[k] for k in set(kinds) if kinds.count(k) > 1]
    if missing or doubled:
        raise StockFileError(Tr(
            "Une copie se construit avec les deux fichiers stock du même mois, "
            "StockUniteLegale et StockEtablissement (zip CSV ou Parquet) : "
            + (f"il manque {', '.join(missing)}." if missing else
               f"{', '.join(doubled)} est donné deux fois."),
            "A copy is built from both stock files of the same month, StockUniteLegale and "
            "StockEtablissement (zip CSV or Parquet): "
            + (f"{', '.join(missing)} is missing." if missing else
               f"{', '.join(doubled)} is given twice.")))


def import_stock(home: Path, paths: list[Path], progress: ProgressCallback | None = None,
                 restart: bool = False) -> CopyInfo:
    """Build a copy from the stock files and switch lookups to it; returns the new copy."""
    stocks = [open_stock(p) for p in paths]
    _check_set(stocks)
    folder = folder_of(home)
    with _import_lock(folder):
        building = folder / BUILDING
        connection = _open_building(building)
        if restart or not _resumable(connection, stocks):
            connection.close()
            _remove_db(building)
            connection = _open_building(building)
            connection.executemany(
                "INSERT INTO progress VALUES (?, ?, ?, 0, 0, ?, 0, '')",
                [(s.path.name, s.kind, s.signature, s.total) for s in stocks])
        try:
            for stock in sorted(stocks, key=lambda s: s.kind != UNITS):
                _load(connection, stock, progress)
            info = _finish(connection, folder)
        finally:
            connection.close()
        return _switch(folder, building, info)


@dataclass
class _Batch:
    rows: list[tuple[int | str, ...]]
    read: int  # lines read, malformed ones included (they are skipped, not half-imported)
    position: int
    newest: str


def _batches(stock: StockFile, wanted: tuple[str, ...], skip: int, newest: str
             ) -> Iterator[_Batch]:
    width = 9 if stock.kind == UNITS else 14
    stamp_at = wanted.index("dateDernierTraitementUniteLegale" if stock.kind == UNITS
                            else "dateDernierTraitementEtablissement")
    nic_at = wanted.index("nicSiegeUniteLegale") if stock.kind == UNITS else None
    rows: list[tuple[int | str, ...]] = []
    read, position = 0, 0
    for values, position in read_rows(stock, wanted, skip=skip):
        read += 1
        number = values[0]
        if not number.isdigit() or len(number) > width:
            pass  # counted as read, never half-imported
        else:
            when = values[stamp_at]
            if when > newest:
                newest = when
            if nic_at is not None and 0 < len(values[nic_at]) < 5:  # Parquet's integers
                values = (*values[:nic_at], values[nic_at].zfill(5), *values[nic_at + 1:])
            rows.append((int(number), *values[1:]))
        if read >= BATCH_ROWS:
            yield _Batch(rows, read, position, newest)
            rows, read = [], 0
    yield _Batch(rows, read, position or stock.total, newest)


def _prefetched(batches: Iterator[_Batch], depth: int = 2) -> Iterator[_Batch]:
    """Read and parse the next batches in a thread while this one is written: SQLite lets
    the GIL go while it works, so both cores are used. Memory: `depth` batches at most."""
    queue: Queue[_Batch | BaseException | None] = Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        queue.put(batch, timeout=0.1)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    return
            queue.put(None)
        except BaseException as error:  # handed to the consumer, which raises it
            queue.put(error)

    thread = threading.Thread(target=produce, name="sirene-import-reader", daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)


def _load(connection: sqlite3.Connection, stock: StockFile,
          progress: ProgressCallback | None) -> None:
    done, finished, newest = connection.execute(
        "SELECT rows_done, finished, newest FROM progress WHERE file = ?",
        (stock.path.name,)).fetchone()
    if finished:
        return
    key, columns, table = (("siren", UNIT_COLUMNS, "unit") if stock.kind == UNITS
                           else ("siret", ESTABLISHMENT_COLUMNS, "establishment"))
    wanted = (key, *columns)
    insert = f"INSERT INTO {table} VALUES ({', '.join('?' * len(wanted))})"
    state = Progress(stock.path.name, stock.kind, done, 0, stock.total, resumed_from=done)
    for batch in _prefetched(_batches(stock, wanted, done, newest or "")):
        connection.execute("BEGIN")
        connection.executemany(insert, batch.rows)
        state.rows += batch.read
        connection.execute(
            "UPDATE progress SET rows_done = ?, position = ?, newest = ? WHERE file = ?",
            (state.rows, batch.position, batch.newest, stock.path.name))
        connection.execute("COMMIT")
        state.position = batch.position
        if progress is not None:
            progress(state)
    connection.execute("UPDATE progress SET finished = 1 WHERE file = ?", (stock.path.name,))


def _finish(connection: sqlite3.Connection, folder: Path) -> CopyInfo:
    rows = {kind: (done, newest) for kind, done, newest in connection.execute(
        "SELECT kind, rows_done, newest FROM progress")}
    names = tuple(r[0] for r in connection.execute("SELECT file FROM progress ORDER BY kind"))
    newest = max(rows[UNITS][1] or "", rows[ESTABLISHMENTS][1] or "")
    data_date = newest[:10] or datetime.now(UTC).date().isoformat()
    info = CopyInfo(folder / f"copy-{data_date[:4]}{data_date[5:7]}.sqlite", data_date,
                    datetime.now(UTC).isoformat(timespec="seconds"), rows[UNITS][0],
                    rows[ESTABLISHMENTS][0], names)
    connection.executescript(INDEXES)
    # One self-contained file, read-only afterwards: no WAL beside it.
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("PRAGMA journal_mode=DELETE")
    return info


def _switch(folder: Path, building: Path, info: CopyInfo) -> CopyInfo:
    os.replace(building, info.path)
    write_pointer(folder, info)
    copies = sorted(folder.glob("copy-*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in copies[KEPT_COPIES:]:
        old.unlink(missing_ok=True)  # open readers keep reading it until they switch
    return info


@dataclass
class BuildState:
    """An import in progress or interrupted: file, rows read, share done."""

    file: str
    kind: str
    rows: int
    position: int
    total: int
    finished: bool


def building_state(home: Path) -> list[BuildState]:
    path = folder_of(home) / BUILDING
    if not path.exists():
        return []
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = connection.execute(
                "SELECT file, kind, rows_done, position, total, finished FROM progress "
                "ORDER BY kind DESC").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return []
    return [BuildState(f, k, r, p, t, bool(done)) for f, k, r, p, t, done in rows]


def current_copy(home: Path) -> CopyInfo | None:
    return read_pointer(folder_of(home))
