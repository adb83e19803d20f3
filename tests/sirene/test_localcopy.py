"""The local copy: streamed import of the stock files, lookups with no call, the API as a
fallback, resume after an interruption, the previous copy in use until the new one is whole."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Simulator
from raccord.features.sirene import importer
from raccord.features.sirene.importer import Progress, building_state, current_copy, import_stock
from raccord.features.sirene.lookup import Lookups, UnknownNumber, lookup
from raccord.features.sirene.stockfiles import StockFileError
from raccord.interfaces.sirene.mapping import from_establishment
from raccord.interfaces.sirene.population import generate
from raccord.interfaces.sirene.shapes import etablissement
from raccord.interfaces.sirene.stock import StockFiles, write_stock_files

SMALL = 120  # establishments: fewer than the simulator's population
LARGE = 1500


@pytest.fixture(scope="module")
def stock_small(tmp_path_factory: pytest.TempPathFactory) -> StockFiles:
    return write_stock_files(tmp_path_factory.mktemp("small"), SMALL)


@pytest.fixture(scope="module")
def stock_large(tmp_path_factory: pytest.TempPathFactory) -> StockFiles:
    return write_stock_files(tmp_path_factory.mktemp("large"), LARGE)


def files(stock: StockFiles) -> list[Path]:
    return [stock.units, stock.establishments]


def api_calls(sim: Simulator) -> int:
    return sum(n for key, n in sim.counts.items() if key.startswith("GET /"))


def test_the_stock_files_have_inse_s_columns(stock_small: StockFiles) -> None:
    with zipfile.ZipFile(stock_small.establishments) as archive:
        [member] = archive.namelist()
        assert member == "StockEtablissement_utf8.csv"
        header = next(csv.reader(io.TextIOWrapper(archive.open(member), "utf-8")))
    assert header[:3] == ["siren", "nic", "siret"] and "etablissementSiege" in header
    assert stock_small.establishment_rows >= SMALL


def test_the_copy_answers_like_the_api_without_any_call(sandboxed_hub: Hub, sim: Simulator,
                                                        stock_large: StockFiles) -> None:
    info = import_stock(sandboxed_hub.env.home, files(stock_large))
    assert (info.units, info.establishments) == (stock_large.unit_rows,
                                                 stock_large.establishment_rows)
    assert current_copy(sandboxed_hub.env.home) == info
    units = list(generate(60))
    with Lookups(sandboxed_hub) as lookups:
        for unit in units:
            for est in unit.establishments:
                from_copy = lookups.find(est.siret)
                expected = from_establishment(etablissement(unit, est))
                assert from_copy.source == "copy"
                from_copy.source = ""
                if unit.open:  # the API's /siret answer carries no unit closing date
                    assert from_copy == expected
                else:
                    assert from_copy.closed and from_copy.name == expected.name
            head = lookups.find(unit.siren)
            assert head.siret == unit.head_office.siret and head.source == "copy"
    assert api_calls(sim) == 0


def test_numbers_missing_from_the_copy_or_asked_fresh_go_to_the_api(
        sandboxed_hub: Hub, sim: Simulator, stock_small: StockFiles) -> None:
    import_stock(sandboxed_hub.env.home, files(stock_small))
    in_copy = next(generate(1)).establishments[0].siret
    missing = [e.siret for u in list(generate(300))[-50:] for e in u.establishments][0]
    assert lookup(sandboxed_hub, missing).source == "api"
    assert lookup(sandboxed_hub, in_copy, fresh=True).source == "api"
    assert lookup(sandboxed_hub, in_copy).source == "copy"
    assert api_calls(sim) == 2
    sandboxed_hub.settings.set("sirene", "enabled", False, SYSTEM)
    other = [e.siret for u in list(generate(300))[-50:] for e in u.establishments][1]
    with pytest.raises(UnknownNumber) as caught:
        lookup(sandboxed_hub, other)
    assert "not in the local copy (data of 2026-10-01)" in caught.value.message.en
    assert "API is not enabled" in caught.value.message.en


def test_an_interrupted_import_resumes_and_the_old_copy_serves_meanwhile(
        hub: Hub, stock_small: StockFiles, stock_large: StockFiles,
        monkeypatch: pytest.MonkeyPatch) -> None:
    home = hub.env.home
    first = import_stock(home, files(stock_small))
    monkeypatch.setattr(importer, "BATCH_ROWS", 200)
    seen: list[Progress] = []

    def stop_midway(progress: Progress) -> None:
        seen.append(progress)
        if progress.kind == "establishments" and progress.rows >= 600:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_stock(home, files(stock_large), progress=stop_midway)
    state = {s.kind: s for s in building_state(home)}
    assert state["units"].finished and not state["establishments"].finished
    assert state["establishments"].rows == 600
    # The previous copy still answers, and only it.
    assert current_copy(home) == first
    late = [e.siret for u in list(generate(400))[-100:] for e in u.establishments]
    hub.settings.set("sirene", "enabled", False, SYSTEM)
    with pytest.raises(UnknownNumber):
        lookup(hub, late[0])

    seen.clear()
    done = import_stock(home, files(stock_large), progress=seen.append)
    assert seen[0].kind == "establishments" and seen[0].resumed_from == 600
    assert done.establishments == stock_large.establishment_rows
    assert done.units == stock_large.unit_rows
    assert building_state(home) == []
    assert current_copy(home) == done
    assert lookup(hub, late[0]).source == "copy"  # in the large files only


def test_other_files_restart_the_import_cleanly(hub: Hub, stock_small: StockFiles,
                                                stock_large: StockFiles,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BATCH_ROWS", 50)

    def stop(progress: Progress) -> None:
        if progress.rows >= 50:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_stock(hub.env.home, files(stock_large), progress=stop)
    seen: list[Progress] = []
    info = import_stock(hub.env.home, files(stock_small), progress=seen.append)
    assert all(p.resumed_from == 0 for p in seen)
    assert info.establishments == stock_small.establishment_rows


def test_files_that_cannot_make_a_copy_are_refused_with_the_reason(
        hub: Hub, stock_small: StockFiles, tmp_path: Path) -> None:
    with pytest.raises(StockFileError) as caught:
        import_stock(hub.env.home, [stock_small.establishments])
    assert "StockUniteLegale is missing" in caught.value.message.en
    history = tmp_path / "StockEtablissementHistorique_utf8.csv"
    history.write_text("siren,nic,siret,dateFin,dateDebut\n")
    with pytest.raises(StockFileError) as caught:
        import_stock(hub.env.home, [stock_small.units, history])
    assert "not a SIRENE stock file" in caught.value.message.en
    with pytest.raises(StockFileError) as caught:
        import_stock(hub.env.home, [stock_small.units, tmp_path / "nowhere.zip"])
    assert "File not found" in caught.value.message.en
    assert current_copy(hub.env.home) is None


def test_parquet_stock_files_import_like_the_zip_ones(hub: Hub, tmp_path: Path) -> None:
    stock = write_stock_files(tmp_path, SMALL, fmt="parquet")
    info = import_stock(hub.env.home, files(stock))
    assert info.establishments == stock.establishment_rows
    unit = next(generate(1))
    hub.settings.set("sirene", "enabled", False, SYSTEM)
    assert lookup(hub, unit.establishments[0].siret).name == (unit.name or "")


def test_a_damaged_parquet_file_is_refused_with_its_name(hub: Hub, tmp_path: Path) -> None:
    broken = tmp_path / "StockEtablissement_utf8.parquet"
    broken.write_bytes(b"PAR1 this is not a parquet file")
    with pytest.raises(StockFileError) as caught:
        import_stock(hub.env.home, [broken])
    assert "StockEtablissement_utf8.parquet" in caught.value.message.en
