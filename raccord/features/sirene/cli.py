"""`raccord sirene ...`: look numbers up, enrich a CSV, keep a local copy of the base.

    raccord sirene lookup NUMBER [--json] [--fresh]
    raccord sirene enrich IN.csv OUT.csv [--fresh]
    raccord sirene import StockUniteLegale_utf8.zip StockEtablissement_utf8.zip [--restart]
    raccord sirene status [--json]
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from raccord.core.diagnosis import ServiceError
from raccord.core.formats import counted, number
from raccord.core.i18n import Tr
from raccord.core.identifiers import IdentifierError
from raccord.features.sirene.enrich import (
    LINE_STATUSES,
    EnrichProgress,
    EnrichStopped,
    UnreadableCsv,
    enrich,
    survey,
)
from raccord.features.sirene.enrichments import file_encoding
from raccord.features.sirene.importer import Progress as ImportProgress
from raccord.features.sirene.importer import import_stock
from raccord.features.sirene.lookup import SOURCE_LABELS, UnknownNumber, lookup
from raccord.features.sirene.status import status_data
from raccord.features.sirene.stockfiles import StockFileError
from raccord.interfaces.sirene.mapping import Filled
from raccord.toolkit.cli import err, fail, lang, open_hub, out

app = typer.Typer(no_args_is_help=True,
                  help="SIRENE: fill third parties from a SIRET/SIREN; local copy of the base.")


def _console(stderr: bool = False) -> Console:
    return err if stderr else out



def fr_n(number: int) -> str:
    """A count written the French way: 30 152."""
    return f"{number:,}".replace(",", "\u202f")


def _filled_table(filled: Filled) -> Table:
    words = lang()
    rows = [
        (Tr("Nom", "Name"), filled.name), (Tr("Enseigne", "Trade name"), filled.trade_name),
        *[(Tr(f"Adresse {i + 1}", f"Address {i + 1}"), line)
          for i, line in enumerate(filled.address_lines)],
        (Tr("Code postal", "Postcode"), filled.postcode), (Tr("Ville", "City"), filled.city),
        (Tr("Pays", "Country"), filled.country), (Tr("SIREN", "SIREN"), filled.siren),
        (Tr("SIRET", "SIRET"), filled.siret), (Tr("Code NAF", "NAF code"), filled.naf),
        (Tr("Forme juridique", "Legal form"), filled.legal_form + (
            f" ({filled.legal_form_label(words)})" if filled.legal_form_label else "")),
        (Tr("N° TVA intracommunautaire", "EU VAT number"), filled.vat_number),
        (Tr("Siège", "Head office"), Tr("oui", "yes")(words) if filled.head_office
         else Tr("non", "no")(words)),
        (Tr("État", "State"), (Tr("fermé", "closed")(words) + (
            f" ({filled.closed_on})" if filled.closed_on else "")) if filled.closed
         else Tr("ouvert", "open")(words)),
        (Tr("Source", "Source"), SOURCE_LABELS.get(filled.source, Tr("", ""))(words)),
    ]
    table = Table(show_header=False, box=None)
    for label, value in rows:
        table.add_row(label(words), value or "—")
    return table


@app.command("lookup")
def lookup_command(number: Annotated[str, typer.Argument(help="SIRET (14 digits) or SIREN "
                                                         "(9 digits); spaces and dots are "
                                                         "fine.")],
                   as_json: Annotated[bool, typer.Option("--json")] = False,
                   fresh: Annotated[bool, typer.Option(help="Ask the API even when the copy "
                                                      "or a kept answer has it.")] = False
                   ) -> None:
    """Print the third party SIRENE fills in for a number."""
    hub = open_hub()
    try:
        filled = lookup(hub, number, fresh=fresh)
    except (IdentifierError, UnknownNumber) as error:
        raise fail(error.message) from None
    except ServiceError as error:
        raise fail(error.diagnosis.message) from None
    if as_json:
        _console().print_json(json.dumps(filled.as_dict(lang()), ensure_ascii=False))
        return
    _console().print(_filled_table(filled))
    for note in filled.notes:
        _console().print(f"! {note(lang())}", markup=False, soft_wrap=True)


def _enrich_bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("{task.fields[eta]}"),
                    console=_console(stderr=True), transient=False)


def _eta(state: EnrichProgress) -> str:
    if state.api_calls_left <= 0:
        return ""
    left = dt.timedelta(seconds=round(state.eta_s))
    return Tr(f"reste ~{left} ({state.api_calls_left} appels API)",
              f"~{left} left ({state.api_calls_left} API calls)")(lang())


@app.command("enrich")
def enrich_command(source: Annotated[Path, typer.Argument(metavar="IN.csv")],
                   target: Annotated[Path, typer.Argument(metavar="OUT.csv")],
                   fresh: Annotated[bool, typer.Option(help="Ask the API for every number.")] =
                   False) -> None:
    """Fill a CSV of SIRET/SIREN numbers in: one output line per input line, with its status
    (ok, invalid, unknown, error) and reason."""
    hub = open_hub()
    try:
        encoding = file_encoding(source)
        with source.open(encoding=encoding, newline="") as handle:
            lines, calls = survey(hub, handle, fresh)
    except UnreadableCsv as error:
        raise fail(Tr(f"{source} : ", f"{source}: ") + error.message) from None
    except OSError as error:
        raise fail(Tr(f"{source} : fichier illisible ({error}).",
                      f"{source}: cannot read the file ({error}).")) from None
    if calls:
        window = EnrichProgress(0, lines, api_calls_left=calls)
        _console(True).print(Tr(
            f"{lines} lignes, dont {calls} numéros à demander à l'API SIRENE : environ "
            f"{dt.timedelta(seconds=round(window.eta_s))} au rythme autorisé par l'INSEE.",
            f"{lines} lines, {calls} numbers to ask the SIRENE API for: about "
            f"{dt.timedelta(seconds=round(window.eta_s))} at the pace INSEE allows.")(lang()))
    bar = _enrich_bar()
    task = bar.add_task(Tr("Enrichissement", "Enriching")(lang()), total=lines, eta="")

    def show(state: EnrichProgress) -> None:
        bar.update(task, completed=state.done, eta=_eta(state))

    try:
        # Written back in the input's encoding (Excel reads its own cp1252 files back).
        with bar, source.open(encoding=encoding, newline="") as src, \
                target.open("w", encoding="utf-8" if encoding != "cp1252" else encoding,
                            errors="replace", newline="") as dst:
            state = enrich(hub, src, dst, total=lines, fresh=fresh, lang=lang(),
                           api_calls=calls, progress=show)
    except EnrichStopped as stopped:
        raise fail(stopped.message) from None
    except OSError as error:
        raise fail(Tr(f"{target} : écriture impossible ({error}).",
                      f"{target}: cannot write ({error}).")) from None
    counts = ", ".join(
        f"{LINE_STATUSES.get(status, Tr(status, status))(lang())} : {number(n, lang())}"
        if lang() == "fr" else
        f"{LINE_STATUSES.get(status, Tr(status, status))(lang())}: {number(n, lang())}"
        for status, n in sorted(state.counts.items()))
    written = counted(state.done, Tr("ligne écrite", "line written"),
                      Tr("lignes écrites", "lines written"))
    _console().print(Tr(f"{written.fr} dans {target} ({counts}).",
                        f"{written.en} to {target} ({counts}).")(lang()), markup=False)


@app.command("import")
def import_command(files: Annotated[list[Path], typer.Argument(
        help="StockUniteLegale and StockEtablissement of the same month (zip CSV as "
             "published by INSEE, CSV, or Parquet).")],
                   restart: Annotated[bool, typer.Option(help="Start over instead of resuming "
                                                       "an interrupted import.")] = False
                   ) -> None:
    """Build a local copy of the SIRENE base from INSEE's monthly stock files; lookups use it
    as soon as it is complete (the previous copy serves until then)."""
    hub = open_hub()
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                   TextColumn("{task.fields[rows]}"), TimeElapsedColumn(),
                   TimeRemainingColumn(), console=_console(stderr=True))
    tasks: dict[str, Any] = {}

    def show(progress: ImportProgress) -> None:
        if progress.file not in tasks:
            if progress.resumed_from:
                _console(True).print(Tr(
                    f"{progress.file} : reprise après {progress.resumed_from} lignes.",
                    f"{progress.file}: resuming after {progress.resumed_from} rows.")(lang()))
            tasks[progress.file] = bar.add_task(progress.file, total=progress.total, rows="")
        bar.update(tasks[progress.file], completed=progress.position,
                   rows=Tr(f"{fr_n(progress.rows)} lignes", f"{progress.rows:,} rows")(lang()))

    try:
        with bar:
            info = import_stock(hub.env.home, files, progress=show, restart=restart)
    except StockFileError as error:
        raise fail(error.message) from None
    except KeyboardInterrupt:
        raise fail(Tr("Import interrompu : relancez la même commande pour reprendre.",
                      "Import interrupted: run the same command again to resume."), 130) \
            from None
    _console().print(Tr(
        f"Copie locale à jour : données du {info.data_date}, {fr_n(info.units)} unités "
        f"légales, {fr_n(info.establishments)} établissements ({info.path.name}).",
        f"Local copy ready: data of {info.data_date}, {info.units:,} legal units, "
        f"{info.establishments:,} establishments ({info.path.name}).")(lang()), markup=False)


@app.command("status")
def status_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The local copy (date, counts), an import under way, the API and its kept answers."""
    hub = open_hub()
    data = status_data(hub)
    if as_json:
        _console().print_json(json.dumps(data, ensure_ascii=False))
        return
    copy = data["copy"]
    say = _console().print
    if copy is None:
        say(Tr("Pas de copie locale : importez les fichiers stock (raccord sirene import).",
               "No local copy: import the stock files (raccord sirene import).")(lang()))
    else:
        say(Tr(f"Copie locale : données du {copy['data_date']}, {fr_n(copy['units'])} unités "
               f"légales, {fr_n(copy['establishments'])} établissements, importée le "
               f"{copy['imported_at']} ({copy['size_mb']} Mo).",
               f"Local copy: data of {copy['data_date']}, {copy['units']:,} legal units, "
               f"{copy['establishments']:,} establishments, imported {copy['imported_at']} "
               f"({copy['size_mb']} MB).")(lang()), markup=False)
    for part in data["import_in_progress"]:
        share = f" {part['share']:.0%}" if part["share"] is not None else ""
        state = Tr("terminé", "done")(lang()) if part["finished"] else Tr(
            "interrompu ou en cours", "interrupted or running")(lang())
        say(Tr(f"Import : {part['file']} {fr_n(part['rows'])} lignes{share}, {state}.",
               f"Import: {part['file']} {part['rows']:,} rows{share}, {state}.")(lang()),
            markup=False)
    api = data["api"]
    say(Tr(f"API SIRENE : {'activée' if api['enabled'] else 'désactivée'}, "
           f"{api['calls_in_window']}/{api['calls_allowed']} appels dans la fenêtre en cours, "
           f"{data['kept_answers']} réponses conservées.",
           f"SIRENE API: {'enabled' if api['enabled'] else 'disabled'}, "
           f"{api['calls_in_window']}/{api['calls_allowed']} calls in the current window, "
           f"{data['kept_answers']} kept answers.")(lang()), markup=False)
