"""`raccord bank ...`: fetch the transactions, list the accounts, make and export statements.

    raccord bank fetch [--json]
    raccord bank accounts [--json]
    raccord bank statements generate --account ID --to DATE [--period since_last|day|week|month]
    raccord bank statements export ID --format camt053|cfonb120|ofx|json FILE
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from raccord.core.i18n import Tr
from raccord.features.banking import runs, views
from raccord.features.banking.bridge import BankRefusal
from raccord.features.banking.exports import Format
from raccord.features.banking.periods import Period
from raccord.features.banking.statements import Request, generate
from raccord.toolkit.cli import cli_actor, fail, lang, open_hub, out

app = typer.Typer(no_args_is_help=True, help="Bank connection (Bridge): transactions and "
                                             "statements.")
statements_app = typer.Typer(no_args_is_help=True, help="Bank statements.")
app.add_typer(statements_app, name="statements")


@app.command()
def fetch(as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON.")] =
          False) -> None:
    """Fetch every active account's transactions now, then print the execution log."""
    hub = open_hub()
    report = runs.run(hub, "cli")
    if as_json:
        out.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        out.print(runs.log_text(report, lang()), markup=False, soft_wrap=True)
    if report.problems and not report.counts.get("accounts_fetched"):
        raise typer.Exit(1)


@app.command()
def accounts(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The banks' accounts with their assignment, balance and last fetch."""
    hub = open_hub()
    rows = [views.account_view(a, lang(), n) for a, n in views.accounts(hub)]
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        state = "pause" if row["paused"] else ("removed" if row["removed"] else "active")
        out.print(f"{row['id']:>5}  {row['iban'] or row['bridge_id']:<27}  "
                  f"{row['company'] or '-':<8} {row['journal'] or '-':<6} {state:<7} "
                  f"{row['balance']:>14}  {row['unstated']} unstated", markup=False)


@statements_app.command("generate")
def generate_statement(
        account: Annotated[int, typer.Option(help="raccord account id (raccord bank "
                                             "accounts).")],
        to: Annotated[str, typer.Option(help="Last day, YYYY-MM-DD (a day of the period "
                                        "for day/week/month).")],
        period: Annotated[Period, typer.Option(help="What the statement covers.")] =
        Period.SINCE_LAST,
        as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Generate the account's next statement."""
    try:
        day = date.fromisoformat(to)
    except ValueError:
        raise fail(Tr(f"Date invalide « {to} » : attendu AAAA-MM-JJ.",
                      f"Invalid date '{to}': YYYY-MM-DD expected.")) from None
    hub = open_hub()
    try:
        statement = generate(hub, Request(account, period, day), cli_actor().login)
    except BankRefusal as refusal:
        raise fail(refusal.message) from None
    view = views.statement_view(statement, lang())
    if as_json:
        out.print_json(json.dumps(view, ensure_ascii=False))
        return
    out.print(f"{view['id']}: {view['from']} → {view['to']}  {view['opening_balance']} → "
              f"{view['closing_balance']} ({view['lines']} lines)", markup=False)
    for part in view["explanation"]:
        out.print(part["text"], markup=False, soft_wrap=True)


@statements_app.command("export")
def export_statement(
        statement_id: Annotated[int, typer.Argument(help="Statement id.")],
        file: Annotated[Path, typer.Argument(help="File to write.")],
        format: Annotated[Format, typer.Option("--format")] = Format.CAMT053) -> None:
    """Write a statement as CAMT.053, CFONB 120, OFX or JSON."""
    hub = open_hub()
    try:
        content = views.export(hub, statement_id, format, lang())
    except BankRefusal as refusal:
        raise fail(refusal.message) from None
    try:
        file.write_bytes(content)
    except OSError as error:
        raise fail(Tr(f"{file} : écriture impossible ({error.strerror}).",
                      f"{file}: cannot write ({error.strerror}).")) from None
    out.print(f"{file} ({len(content)} bytes)", markup=False)



