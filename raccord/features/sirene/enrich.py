"""Bulk enrichment: a CSV of SIRET/SIREN numbers in, the same lines out with the third
parties' fields and a status per line (ok, invalid with the reason, unknown, error).

Input: comma, semicolon or tab separated, with or without a header; the number column is the
one named siret/siren/numero/number (else the first). Output keeps every input column, in the
input's separator, then the filled fields. A wrong key or an unknown number never stops the
run; a configuration problem (key refused, API off, unknown certificate authority) does,
since every following line would fail the same way."""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from raccord.core.diagnosis import Diagnosis, ServiceError
from raccord.core.i18n import Tr
from raccord.core.identifiers import IdentifierError, clean
from raccord.features.sirene.lookup import Lookups, UnknownNumber
from raccord.interfaces.sirene import client as sirene_client
from raccord.interfaces.sirene.mapping import Filled

if TYPE_CHECKING:
    from raccord.core.hub import Hub

OK, INVALID, UNKNOWN, ERROR = "ok", "invalid", "unknown", "error"
# What a line came to, in words (the file's status column keeps the machine value).
LINE_STATUSES = {OK: Tr("rempli", "filled in"), UNKNOWN: Tr("inconnu de l'INSEE",
                                                           "unknown to INSEE"),
                 INVALID: Tr("numéro invalide", "invalid number"),
                 ERROR: Tr("erreur du service", "service error")}
FIELDS = ("status", "reason", "name", "trade_name", "address1", "address2", "address3",
          "postcode", "city", "country", "siren", "siret", "naf", "legal_form", "vat_number",
          "head_office", "closed", "closed_on", "notes", "source")
NUMBER_HEADERS = {"siret", "siren", "numero", "numéro", "number", "siren/siret", "siret/siren",
                  "identifiant", "n° siret", "n° siren"}
# Transient failures in a row after which the service is taken as down and the run stops.
MAX_FAILURES_IN_A_ROW = 5


@dataclass
class EnrichProgress:
    done: int
    total: int
    counts: Counter[str] = field(default_factory=Counter)
    api_calls_left: int = 0

    @property
    def eta_s(self) -> float:
        """Time left: the API calls still needed at the portal's pace (the rest is instant)."""
        window = sirene_client.RATE_WINDOW
        return self.api_calls_left * (window.seconds + window.margin_s) / max(1, window.amount)


ProgressCallback = Callable[[EnrichProgress], None]


class EnrichStopped(Exception):
    """The run stopped early; the output holds the lines done so far."""

    def __init__(self, diagnosis: Diagnosis, progress: EnrichProgress) -> None:
        super().__init__(diagnosis.message.en)
        self.message = diagnosis.message + Tr(
            f"Arrêt après {progress.done} lignes sur {progress.total} : le fichier de sortie "
            "contient les lignes traitées ; relancez une fois le problème corrigé (les "
            "réponses déjà obtenues sont conservées).",
            f"Stopped after {progress.done} of {progress.total} lines: the output file holds "
            "the lines done; run again once the problem is fixed (the answers already "
            "obtained are kept).")
        self.diagnosis = diagnosis
        self.progress = progress


# A CSV line of numbers and a few columns is far shorter; a longer one is not such a file.
MAX_LINE_CHARS = 100_000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class UnreadableCsv(Exception):
    """The input is not a text CSV (binary content, a line too long, broken quoting)."""

    def __init__(self, message: Tr) -> None:
        super().__init__(message.en)
        self.message = message


def _checked_lines(source: TextIO, first_number: int = 1) -> Iterator[str]:
    for number, line in enumerate(source, first_number):
        _check_line(line, number)
        yield line


def _check_line(line: str, number: int) -> None:
    if len(line) > MAX_LINE_CHARS:
        raise UnreadableCsv(Tr(
            f"Ligne {number} de plus de {MAX_LINE_CHARS} caractères : ce n'est pas un CSV de "
            "numéros SIRET/SIREN.",
            f"Line {number} is over {MAX_LINE_CHARS} characters: this is not a CSV of "
            "SIRET/SIREN numbers."))
    if CONTROL.search(line):
        raise UnreadableCsv(Tr(
            f"Ligne {number} : contenu binaire (caractère de contrôle) : envoyez un fichier "
            "CSV texte.",
            f"Line {number}: binary content (a control character): send a text CSV file."))


def _rows(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as error:
        raise UnreadableCsv(Tr(f"CSV illisible : {error}.", f"Unreadable CSV: {error}.")
                            ) from None


@dataclass(frozen=True)
class Layout:
    delimiter: str
    header: list[str] | None
    column: int


def _delimiter(first_line: str) -> str:
    """The separator the first line uses most; a comma (RFC 4180) for a single column."""
    best = max((";", ",", "\t"), key=first_line.count)
    return best if first_line.count(best) else ","


def _layout(first_row: list[str], delimiter: str) -> Layout:
    names = [c.strip().lower() for c in first_row]
    for index, name in enumerate(names):
        if name in NUMBER_HEADERS:
            return Layout(delimiter, first_row, index)
    cleaned = "".join(ch for ch in (first_row[0] if first_row else "") if ch not in " .")
    if cleaned.isdigit():
        return Layout(delimiter, None, 0)  # no header: the first line is data
    return Layout(delimiter, first_row, 0)


def read_layout(source: TextIO) -> tuple[Layout, Iterator[list[str]]]:
    """The file's layout and its data rows (the header consumed)."""
    first_line = source.readline(MAX_LINE_CHARS + 1)
    _check_line(first_line, 1)
    delimiter = _delimiter(first_line)
    first = next(_rows(csv.reader([first_line], delimiter=delimiter)), [])
    layout = _layout(first, delimiter)
    rows = _rows(csv.reader(_checked_lines(source, 2), delimiter=delimiter))
    if layout.header is None:
        return layout, _chain([first], rows)
    return layout, rows


def _chain(first: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from first
    yield from rest


def _out_names(header: list[str] | None, width: int) -> list[str]:
    taken = {h.strip().lower() for h in header or []}
    own = [f"sirene_{f}" if f in taken else f for f in FIELDS]
    return (header or [f"column{i + 1}" for i in range(width)]) + own


def _cells(filled: Filled, lang: str) -> list[str]:
    return [OK, "", filled.name, filled.trade_name, filled.address_line(0),
            filled.address_line(1), filled.address_line(2), filled.postcode, filled.city,
            filled.country, filled.siren, filled.siret, filled.naf, filled.legal_form,
            filled.vat_number,
            "" if filled.head_office is None else ("true" if filled.head_office else "false"),
            "true" if filled.closed else "false", filled.closed_on or "",
            " ".join(n(lang) for n in filled.notes), filled.source]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?[0-9]+([.,][0-9]+)?")


def inert(cell: str) -> str:
    """A cell a spreadsheet will not run: one starting like a formula (= + - @) gets a
    leading apostrophe (OWASP's advice for CSV injection); plain numbers stay as they are."""
    if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _failed(status: str, reason: str) -> list[str]:
    return [status, reason] + [""] * (len(FIELDS) - 2)


def enrich(hub: Hub, source: TextIO, target: TextIO, *, total: int | None = None,
           fresh: bool = False, lang: str = "fr", api_calls: int = 0,
           progress: ProgressCallback | None = None) -> EnrichProgress:
    """Enrich `source` into `target`, line by line; returns the counts per status."""
    layout, rows = read_layout(source)
    writer = csv.writer(target, delimiter=layout.delimiter, lineterminator="\n")
    state = EnrichProgress(0, total or 0, api_calls_left=api_calls)
    header_written = False
    failures = 0
    last_report = 0.0
    with Lookups(hub) as lookups:
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            if not header_written:
                writer.writerow([inert(c) for c in _out_names(layout.header, len(row))])
                header_written = True
            raw = row[layout.column] if layout.column < len(row) else ""
            costly = state.api_calls_left > 0 and lookups.needs_api(raw, fresh)
            try:
                cells = _cells(lookups.find(raw, fresh), lang)
                failures = 0
            except IdentifierError as error:
                cells = _failed(INVALID, error.message(lang))
            except UnknownNumber as error:
                cells = _failed(UNKNOWN, error.message(lang))
            except ServiceError as error:
                if not error.diagnosis.transient:
                    raise EnrichStopped(error.diagnosis, state) from None
                failures += 1
                if failures >= MAX_FAILURES_IN_A_ROW:
                    raise EnrichStopped(error.diagnosis, state) from None
                cells = _failed(ERROR, error.diagnosis.message(lang))
            writer.writerow([inert(c) for c in row + cells])
            state.done += 1
            state.counts[cells[0]] += 1
            if costly:
                state.api_calls_left -= 1
            state.total = max(state.total, state.done)
            now = time.monotonic()
            if progress is not None and (now - last_report > 0.2 or costly):
                last_report = now
                progress(state)
        if not header_written and layout.header is not None:
            writer.writerow([inert(c) for c in _out_names(layout.header, len(layout.header))])
    if progress is not None:
        progress(state)
    return state


def survey(hub: Hub, source: TextIO, fresh: bool = False) -> tuple[int, int]:
    """(data lines, API calls they need): a first pass for the progress bar and the
    estimate of the time left (numbers in the copy or kept answers cost nothing)."""
    layout, rows = read_layout(source)
    lines = 0
    costly: set[str] = set()
    with Lookups(hub) as lookups:
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            lines += 1
            raw = row[layout.column] if layout.column < len(row) else ""
            if lookups.needs_api(raw, fresh):
                costly.add(clean(raw))
    return lines, len(costly)
