"""`raccord einvoice ...`: judge e-invoices as the official rules do, build the one raccord
would deposit.

    raccord einvoice validate FILE... [--json] [--profile en16931|fr|chorus]
    raccord einvoice build INVOICE.json --format facturx|ubl|cii --output FILE
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from raccord.core.i18n import Tr
from raccord.features.einvoicing import documents
from raccord.features.einvoicing.documents import Format
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.features.einvoicing.validation import Problem, Profile
from raccord.features.einvoicing.verdict import Verdict, judge
from raccord.toolkit.cli import lang

app = typer.Typer(no_args_is_help=True,
                  help="E-invoices: validate them with the official rules, build them.")


def _lang() -> str:
    return lang()


def _print(text: str) -> None:
    typer.echo(text)


@app.command()
def validate(
        files: Annotated[list[Path], typer.Argument(help="Factur-X PDF, UBL/CII XML or JSON")],
        as_json: Annotated[bool, typer.Option("--json", help="One JSON list on stdout")] = False,
        profile: Annotated[Profile, typer.Option(
            help="en16931: EN 16931 rules; fr: and the French BR-FR rules; chorus: and CHORUS "
                 "PRO's (default)")] = Profile.CHORUS) -> None:
    """Judge each file; exit 0 only when every one is valid."""
    lang = _lang()
    verdicts = []
    for path in files:
        try:
            content = path.read_bytes()
        except OSError as error:
            verdict = Verdict(str(path))
            verdict.problems.append(_missing(error))
        else:
            verdict = judge(content, str(path), profile)
        verdicts.append(verdict)
        if not as_json:
            _show(verdict, lang)
    if as_json:
        _print(json.dumps([v.as_json(lang) for v in verdicts], ensure_ascii=False, indent=2))
    raise typer.Exit(0 if all(v.valid for v in verdicts) else 1)


def _missing(error: OSError) -> Problem:
    return Problem("file", "RACCORD-FILE", Tr(f"Fichier illisible : {error.strerror}.",
                                              f"Unreadable file: {error.strerror}."))


def _show(verdict: Verdict, lang: str) -> None:
    # The status word is the contract's (valid/invalid), whatever the language.
    word = "valid" if verdict.valid else "invalid"
    if lang == "fr":
        word += " (valide)" if verdict.valid else " (invalide)"
    _print(f"{verdict.file}: {word}")
    for p in verdict.problems:
        _print(f"  [{p.rule}] {p.flag} {p.field}\n    {p.message(lang)}")


@app.command()
def build(invoice: Annotated[Path, typer.Argument(help="The invoice as structured JSON")],
          fmt: Annotated[Format, typer.Option("--format", help="facturx, ubl or cii")],
          output: Annotated[Path, typer.Option("--output", help="Where to write it")]) -> None:
    """Write the e-invoice raccord would deposit for this JSON, without sending it; exit 1 (the
    file still written) when the rules raccord applies before a deposit refuse it."""
    lang = _lang()
    try:
        data = InvoiceData.model_validate(json.loads(invoice.read_text(encoding="utf-8-sig")))
    except OSError as error:
        _fail(Tr(f"Fichier illisible : {error.strerror}.", f"Unreadable file: {error.strerror}."),
              lang)
    except (ValueError, ValidationError) as error:
        _fail(Tr(f"Données de facture invalides : {error}", f"Invalid invoice data: {error}"),
              lang)
    doc = documents.produce(data, fmt)
    output.write_bytes(doc.content)
    _print(str(Tr(f"{output} écrit ({doc.syntax}, {len(doc.content)} octets).",
                  f"{output} written ({doc.syntax}, {len(doc.content)} bytes).")(lang)))
    verdict = judge(doc.content, str(output))
    if not verdict.valid:
        typer.echo(Tr("raccord ne la déposerait pas :", "raccord would not deposit it:")(lang),
                   err=True)
        for p in verdict.problems:
            typer.echo(f"  [{p.rule}] {p.flag} {p.field}: {p.message(lang)}", err=True)
        raise typer.Exit(1)


def _fail(message: Tr, lang: str) -> None:
    typer.echo(message(lang), err=True)
    raise typer.Exit(2)
