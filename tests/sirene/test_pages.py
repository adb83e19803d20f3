"""Console pages of the third parties: the as-you-type filling endpoint, the form without
JavaScript, the list."""

from __future__ import annotations

from raccord.core.hub import Hub
from tests.console_client import Console
from tests.sirene.conftest import Pick


def test_the_form_fills_in_from_a_siret_and_flags_a_wrong_key(sandboxed_hub: Hub,
                                                              pick: Pick) -> None:
    unit, est = pick(lambda u, e: u.diffusible and not u.individual and e.open)
    console = Console(sandboxed_hub)
    page = console.http.get("/thirdparties/new")
    assert page.status_code == 200 and 'data-sirene="14"' in page.text
    found = console.http.get(f"/thirdparties/fill?number={est.siret[:9]}%20{est.siret[9:]}")
    assert found.status_code == 200
    assert (found.json()["name"], found.json()["postcode"]) == (unit.name, est.postcode)
    wrong = est.siret[:-1] + str((int(est.siret[-1]) + 1) % 10)
    flagged = console.http.get(f"/thirdparties/fill?number={wrong}")
    assert flagged.status_code == 422 and "clé de contrôle fausse" in flagged.json()["error"]


def test_without_javascript_the_fill_button_then_save_create_the_customer(
        sandboxed_hub: Hub, pick: Pick) -> None:
    unit, est = pick(lambda u, e: u.diffusible and not u.individual and e.open)
    console = Console(sandboxed_hub)
    filled = console.post("/thirdparties/new", {"kind": "customer", "siret": est.siret,
                                                "action": "fill"}, page="/thirdparties/new")
    assert filled.status_code == 200 and f'value="{unit.name}"' in filled.text
    assert f'value="{est.postcode}"' in filled.text
    saved = console.post("/thirdparties/new", {"kind": "customer", "siret": est.siret,
                                               "name": unit.name, "city": "METZ",
                                               "action": "save"}, page="/thirdparties/new")
    assert saved.status_code == 200 and "Enregistré." in saved.text
    listing = console.http.get("/thirdparties?kind=customer").text
    assert unit.name in listing and est.siret in listing


def test_a_wrong_number_is_refused_in_place_and_nothing_is_saved(sandboxed_hub: Hub) -> None:
    console = Console(sandboxed_hub)
    refused = console.post("/thirdparties/new", {"kind": "supplier", "name": "X",
                                                 "siret": "73282932000075"},
                           page="/thirdparties/new")
    assert refused.status_code == 400 and "clé de contrôle fausse" in refused.text
    assert "Aucun tiers." in console.http.get("/thirdparties").text


def test_readers_see_but_do_not_change(sandboxed_hub: Hub) -> None:
    reader = Console(sandboxed_hub, login="reader", password="reader-password-1", role="reader")
    assert reader.http.get("/thirdparties").status_code == 200
    page = reader.http.get("/thirdparties/new")
    assert page.status_code == 403


def test_a_csv_enriched_from_the_console_is_followed_then_downloaded(sandboxed_hub: Hub,
                                                                     pick: Pick) -> None:
    _, est = pick(lambda u, e: u.diffusible)
    console = Console(sandboxed_hub)
    page = console.http.get("/sirene")
    assert "Pas encore de copie locale." in page.text and "raccord sirene import" in page.text
    assert "/sirene" in console.http.get("/interfaces/sirene").text
    sent = console.http.post("/sirene/enrichments", data={"csrf": console.csrf("/sirene")},
                             files={"file": ("in.csv", f"siret\n{est.siret}\n12\n".encode(),
                                             "text/csv")})
    assert sent.status_code == 200 and 'data-refresh="2"' in sent.text
    assert "en attente" in sent.text
    sandboxed_hub.jobs.run_pending()
    done = console.http.get(str(sent.url))
    assert "terminé" in done.text and "data-refresh" not in done.text
    result = console.http.get(str(sent.url) + "/result")
    assert result.headers["content-type"].startswith("text/csv")
    assert ",ok," in result.text and ",invalid," in result.text
    empty = console.http.post("/sirene/enrichments", data={"csrf": console.csrf("/sirene")},
                              files={"file": ("in.csv", b"siret\n", "text/csv")})
    assert empty.status_code == 400 and "aucun numéro" in empty.text


def test_the_page_shows_the_local_copy_in_use(sandboxed_hub: Hub, tmp_path: object) -> None:
    from pathlib import Path

    from raccord.features.sirene.importer import import_stock
    from raccord.interfaces.sirene.stock import write_stock_files

    stock = write_stock_files(Path(str(tmp_path)), 40)
    import_stock(sandboxed_hub.env.home, [stock.units, stock.establishments])
    page = Console(sandboxed_hub).http.get("/sirene").text
    assert "Données du <strong>01/10/2026</strong>" in page  # written the French way
    assert f"{stock.establishment_rows} établissements" in page
