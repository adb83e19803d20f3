"""The ERP's REST door: `/api/v1/sirene/...`."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.web import create_app
from tests.sirene.conftest import Pick


@pytest.fixture
def api(sandboxed_hub: Hub) -> TestClient:
    return TestClient(create_app(sandboxed_hub))


def key(hub: Hub, login: str, role: str) -> dict[str, str]:
    hub.accounts.add_user(login, f"{login}-password-1", role)
    return {"Authorization": f"Bearer {hub.accounts.new_api_key(login)}",
            "Accept-Language": "en"}


def test_lookup_answers_fields_or_says_why_not(api: TestClient, sandboxed_hub: Hub,
                                              pick: Pick) -> None:
    unit, est = pick(lambda u, e: u.diffusible and not u.individual and e.open)
    auth = key(sandboxed_hub, "erp-reader", "reader")
    found = api.get(f"/api/v1/sirene/lookup/{est.siret}", headers=auth)
    assert found.status_code == 200
    assert (found.json()["name"], found.json()["siret"]) == (unit.name, est.siret)
    by_siren = api.get(f"/api/v1/sirene/lookup/{unit.siren}", headers=auth).json()
    assert by_siren["siret"] == unit.head_office.siret
    wrong = api.get("/api/v1/sirene/lookup/732829321", headers=auth)
    assert wrong.status_code == 422 and wrong.json()["reason"] == "invalid"
    assert "check digit" in wrong.json()["error"] and "clé" in wrong.json()["error_fr"]
    unknown = api.get("/api/v1/sirene/lookup/732829320", headers=auth)
    assert unknown.status_code == 404 and unknown.json()["reason"] == "unknown"
    sandboxed_hub.settings.set("sirene", "enabled", False, SYSTEM)
    off = api.get(f"/api/v1/sirene/lookup/{unit.establishments[-1].siret}?fresh=true",
                  headers=auth)
    assert off.status_code == 409 and off.json()["reason"] == "disabled"
    assert api.get("/api/v1/sirene/lookup/732829320").status_code == 401


def test_a_csv_handed_over_is_filled_in_the_background(api: TestClient, sandboxed_hub: Hub,
                                                       pick: Pick) -> None:
    _, est = pick(lambda u, e: u.diffusible and e.open)
    auth = key(sandboxed_hub, "erp", "administrator")
    body = f"siret\n{est.siret}\n999\n".encode()
    sent = api.post("/api/v1/sirene/enrichments", headers={**auth, "Content-Type": "text/csv"},
                    content=body)
    assert sent.status_code == 202, sent.text
    started = sent.json()
    assert (started["state"], started["total"]) == ("queued", 2)
    assert started["eta_s"] == pytest.approx(61 / 30, abs=0.1)  # one API call to make
    early = api.get(started["result_url"], headers=auth)
    assert early.status_code == 409 and early.json()["reason"] == "running"
    sandboxed_hub.jobs.run_pending()
    status = api.get(started["status_url"], headers=auth).json()
    assert status["state"] == "done" and status["counts"] == {"ok": 1, "invalid": 1}
    result = api.get(started["result_url"], headers=auth)
    rows = list(csv.DictReader(io.StringIO(result.text)))
    assert [r["status"] for r in rows] == ["ok", "invalid"]
    assert rows[0]["sirene_siret"] == est.siret


def test_a_multipart_upload_in_windows_1252_is_read(api: TestClient, sandboxed_hub: Hub,
                                                    pick: Pick) -> None:
    _, est = pick(lambda u, e: u.diffusible)
    auth = key(sandboxed_hub, "erp2", "administrator")
    content = f"numéro;société\n{est.siret};Société Générale\n".encode("cp1252")
    sent = api.post("/api/v1/sirene/enrichments", headers=auth,
                    files={"file": ("export.csv", content, "text/csv")})
    assert sent.status_code == 202, sent.text
    sandboxed_hub.jobs.run_pending()
    result = api.get(sent.json()["result_url"], headers=auth)
    rows = list(csv.DictReader(io.StringIO(result.text), delimiter=";"))
    assert rows[0]["société"] == "Société Générale" and rows[0]["status"] == "ok"


def test_readers_may_not_hand_work_over_and_empty_files_are_refused(
        api: TestClient, sandboxed_hub: Hub) -> None:
    reader = key(sandboxed_hub, "looker", "reader")
    assert api.post("/api/v1/sirene/enrichments", headers=reader,
                    content=b"siret\n").status_code == 403
    admin = key(sandboxed_hub, "boss", "administrator")
    empty = api.post("/api/v1/sirene/enrichments", headers=admin, content=b"siret\n")
    assert empty.status_code == 422 and "no number" in empty.json()["error"]
    assert api.get("/api/v1/sirene/enrichments/999", headers=admin).status_code == 404
    status = api.get("/api/v1/sirene/status", headers=reader).json()
    assert status["copy"] is None and status["api"]["enabled"] is True
