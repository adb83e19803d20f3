"""Third parties kept by raccord, filled in from SIRENE, through the REST API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from raccord.core.hub import Hub
from raccord.core.identifiers import vat_number
from raccord.web import create_app
from tests.sirene.conftest import Pick


@pytest.fixture
def api(sandboxed_hub: Hub) -> tuple[TestClient, dict[str, str]]:
    sandboxed_hub.accounts.add_user("erp", "erp-password-1", "administrator")
    auth = {"Authorization": f"Bearer {sandboxed_hub.accounts.new_api_key('erp')}",
            "Accept-Language": "en"}
    return TestClient(create_app(sandboxed_hub)), auth


def test_a_customer_created_from_its_siret_is_filled_in(api: tuple[TestClient, dict[str, str]],
                                                        pick: Pick) -> None:
    client, auth = api
    unit, est = pick(lambda u, e: u.diffusible and not u.individual and e.open)
    made = client.post("/api/v1/thirdparties?fill=true", headers=auth,
                       json={"kind": "customer", "siret": f"{est.siret[:9]} {est.siret[9:]}",
                             "trade_name": "Our own name for them"})
    assert made.status_code == 201, made.text
    party = made.json()
    assert (party["name"], party["siret"], party["siren"]) == (unit.name, est.siret, unit.siren)
    assert party["trade_name"] == "Our own name for them"  # the caller's value wins
    assert party["postcode"] == est.postcode and party["address1"]
    assert party["vat_number"] == vat_number(unit.siren) and party["sirene"]["source"] == "api"
    listed = client.get("/api/v1/thirdparties?kind=customer&q=" + est.siret[:9],
                        headers=auth).json()
    assert [p["id"] for p in listed] == [party["id"]]


def test_a_non_diffusible_supplier_says_why_fields_are_empty(
        api: tuple[TestClient, dict[str, str]], pick: Pick) -> None:
    client, auth = api
    _, est = pick(lambda u, e: u.individual and not u.diffusible)
    refused = client.post("/api/v1/thirdparties?fill=true", headers=auth,
                          json={"kind": "supplier", "siret": est.siret})
    assert refused.status_code == 422 and "name is required" in refused.json()["error"]
    made = client.post("/api/v1/thirdparties?fill=true", headers=auth,
                       json={"kind": "supplier", "siret": est.siret, "name": "Plombier Dupont"})
    assert made.status_code == 201
    info = made.json()["sirene"]
    assert set(info["hidden"]) >= {"name", "address"} and "status P" in info["notes"][-1]
    assert made.json()["city"] and made.json()["address1"] == ""


def test_numbers_are_checked_before_anything_is_saved(api: tuple[TestClient, dict[str, str]],
                                                      pick: Pick) -> None:
    client, auth = api
    unit, est = pick(lambda u, e: u.diffusible and not u.individual)
    wrong = client.post("/api/v1/thirdparties", headers=auth,
                        json={"kind": "prospect", "name": "X", "siret": est.siret[:-1] + "0"
                              if est.siret[-1] != "0" else est.siret[:-1] + "1"})
    assert wrong.status_code == 422 and "check digit" in wrong.json()["error"]
    mismatch = client.post("/api/v1/thirdparties", headers=auth,
                           json={"kind": "prospect", "name": "X", "siret": est.siret,
                                 "siren": "732829320"})
    assert "does not belong to the SIREN" in mismatch.json()["error"]
    vat = client.post("/api/v1/thirdparties", headers=auth,
                      json={"kind": "prospect", "name": "X", "siren": unit.siren,
                            "vat_number": "FR00" + unit.siren})
    assert f"expected {vat_number(unit.siren)}" in vat.json()["error"]
    unknown = client.post("/api/v1/thirdparties?fill=true", headers=auth,
                          json={"kind": "prospect", "siren": "732829320"})
    assert unknown.status_code == 422 and unknown.json()["reason"] == "unknown"
    assert client.get("/api/v1/thirdparties", headers=auth).json() == []


def test_a_third_party_is_changed_refreshed_and_deleted(api: tuple[TestClient, dict[str, str]],
                                                        pick: Pick) -> None:
    client, auth = api
    unit, _ = pick(lambda u, e: u.diffusible and not u.individual and e.open)
    made = client.post("/api/v1/thirdparties", headers=auth,
                       json={"kind": "prospect", "name": "Typed by hand",
                             "siren": unit.siren}).json()
    assert made["sirene"] is None
    changed = client.patch(f"/api/v1/thirdparties/{made['id']}", headers=auth,
                           json={"kind": "customer", "city": "NANCY"}).json()
    assert (changed["kind"], changed["city"], changed["name"]) == ("customer", "NANCY",
                                                                    "Typed by hand")
    refreshed = client.post(f"/api/v1/thirdparties/{made['id']}/refresh", headers=auth).json()
    assert refreshed["name"] == unit.name and refreshed["siret"] == unit.head_office.siret
    assert refreshed["kind"] == "customer"
    assert client.delete(f"/api/v1/thirdparties/{made['id']}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/thirdparties/{made['id']}", headers=auth).status_code == 404
