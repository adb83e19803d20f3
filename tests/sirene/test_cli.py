"""`raccord sirene lookup | enrich | import | status`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import raccord.cli  # noqa: F401  (loads the CLI core before the feature's commands)
from raccord.core.hub import Hub
from raccord.features.sirene.cli import app
from raccord.interfaces.sirene.population import generate
from raccord.interfaces.sirene.stock import write_stock_files
from tests.sirene.conftest import Pick


@pytest.fixture
def run(sandboxed_hub: Hub, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("RACCORD_HOME", str(sandboxed_hub.env.home))
    monkeypatch.setenv("RACCORD_LANG", "en")
    return CliRunner()


def test_lookup_prints_the_filled_third_party(run: CliRunner, pick: Pick) -> None:
    unit, est = pick(lambda u, e: u.diffusible and not u.individual and e.open)
    result = run.invoke(app, ["lookup", est.siret])
    assert result.exit_code == 0, result.output
    assert unit.name in result.output and est.postcode in result.output
    as_json = run.invoke(app, ["lookup", f"{est.siret[:9]} {est.siret[9:]}", "--json"])
    data = json.loads(as_json.output)
    assert (data["name"], data["siret"], data["source"]) == (unit.name, est.siret, "cache")
    assert data["address1"] and data["vat_number"].startswith("FR")


def test_lookup_fails_in_one_line_for_a_wrong_or_unknown_number(run: CliRunner) -> None:
    wrong = run.invoke(app, ["lookup", "732 829 321"])
    assert wrong.exit_code == 1
    assert wrong.output.strip().count("\n") == 0 and "wrong check digit" in wrong.output
    unknown = run.invoke(app, ["lookup", "732829320"])
    assert unknown.exit_code == 1 and "not known to INSEE" in unknown.output
    assert "Traceback" not in unknown.output


def test_enrich_writes_one_line_per_input_line(run: CliRunner, pick: Pick,
                                               tmp_path: Path) -> None:
    _, est = pick(lambda u, e: u.diffusible and e.open)
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    # As Excel saves it in France: semicolons, Windows-1252.
    source.write_text(f"réf;siret\nA;{est.siret}\nB;123\n", encoding="cp1252")
    result = run.invoke(app, ["enrich", str(source), str(target)])
    assert result.exit_code == 0, result.output
    assert "2 lines written" in result.output
    rows = list(csv.DictReader(target.open(encoding="cp1252"), delimiter=";"))
    assert [(r["réf"], r["status"]) for r in rows] == [("A", "ok"), ("B", "invalid")]
    missing = run.invoke(app, ["enrich", str(tmp_path / "none.csv"), str(target)])
    assert missing.exit_code == 1 and "cannot read the file" in missing.output


def test_import_then_status_then_lookups_from_the_copy(run: CliRunner, sandboxed_hub: Hub,
                                                       tmp_path: Path) -> None:
    stock = write_stock_files(tmp_path / "stock", 200)
    before = run.invoke(app, ["status"])
    assert "No local copy" in before.output
    done = run.invoke(app, ["import", str(stock.units), str(stock.establishments)])
    assert done.exit_code == 0, done.output
    assert f"{stock.establishment_rows:,} establishments" in done.output
    status = json.loads(run.invoke(app, ["status", "--json"]).output)
    assert status["copy"]["data_date"] == "2026-10-01"
    assert status["copy"]["units"] == stock.unit_rows
    siret = next(generate(1)).establishments[0].siret
    found = json.loads(run.invoke(app, ["lookup", siret, "--json"]).output)
    assert found["source"] == "copy"
    bad = run.invoke(app, ["import", str(stock.units)])
    assert bad.exit_code == 1 and "StockEtablissement is missing" in bad.output
