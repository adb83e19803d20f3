"""The REST API: API keys, the same validation as the console (422 naming the field, in French
and English), Tests, the audit; on SQLite and PostgreSQL where it stores something."""

from __future__ import annotations

from collections.abc import Callable

import trustme
from fastapi.testclient import TestClient

from raccord.core.config import DeploymentMode, Environment
from raccord.core.hub import Hub
from raccord.core.roles import Role
from raccord.web import create_app
from raccord.wiring import open_hub
from tests.core.helpers import PASSWORD, api_client, snapshot


def users(hub: Hub) -> dict[Role, TestClient]:
    clients = {}
    for role, login in ((Role.OPERATOR, "olga"), (Role.ADMINISTRATOR, "adam"),
                        (Role.READER, "rita")):
        hub.accounts.add_user(login, PASSWORD, role)
        clients[role] = api_client(hub, login)
    return clients


def test_a_setting_is_saved_with_an_api_key_and_audited(storage_hub: Hub) -> None:
    api = users(storage_hub)[Role.ADMINISTRATOR]
    response = api.put("/api/v1/settings/chorus/max_attempts", json={"value": 7})
    assert response.status_code == 200
    assert response.json() == {"interface": "chorus", "key": "max_attempts", "value": 7}
    assert storage_hub.values("chorus")["max_attempts"] == 7
    assert api.get("/api/v1/settings/chorus").json()["max_attempts"] == 7
    api.put("/api/v1/settings/sirene/token", json={"value": "api-token"})
    entries = api.get("/api/v1/audit").json()
    assert [(e["actor"], e["interface"], e["key"], e["old"], e["new"]) for e in entries] == [
        ("adam", "sirene", "token", "(non défini / not set)", "•••••• (défini / set)"),
        ("adam", "chorus", "max_attempts", "3", "7")]
    only = api.get("/api/v1/audit", params={"interface": "chorus"}).json()
    assert [e["key"] for e in only] == ["max_attempts"]
    cleared = api.delete("/api/v1/settings/sirene/token")
    assert cleared.status_code == 200 and storage_hub.values("sirene")["token"] == ""


def test_a_refused_value_is_a_422_naming_the_field_in_both_languages(storage_hub: Hub) -> None:
    api = users(storage_hub)[Role.OPERATOR]
    before = snapshot(storage_hub)
    response = api.put("/api/v1/settings/chorus/max_attempts", json={"value": 50},
                       headers={"Accept-Language": "en"})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "max_attempts"
    assert body["error_en"] == "Successive attempts on error: the largest allowed value is 20."
    assert body["error_fr"] == ("Nombre d'essais successifs en cas d'erreur : la valeur "
                                "maximale est 20.")
    assert body["error"] == body["error_en"]
    french = api.put("/api/v1/settings/chorus/url", json={"value": "http://api.piste.gouv.fr"},
                     headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert french.status_code == 422 and french.json()["error"] == french.json()["error_fr"]
    rule = api.put("/api/v1/settings/exchange/graph", json={"value": True})
    assert rule.status_code == 422 and rule.json()["field"] == "graph"
    assert "Fill in first" in rule.json()["error_en"]
    for path in ("/api/v1/settings/chorus/nope", "/api/v1/settings/nope/url"):
        unknown = api.put(path, json={"value": "x"})
        assert unknown.status_code == 422 and "Unknown" in unknown.json()["error_en"]
    wrong_type = api.put("/api/v1/settings/sirene/url", json={"value": ["https://x.fr"]})
    assert wrong_type.status_code == 422
    assert "a text value is expected" in wrong_type.json()["error_en"]
    assert snapshot(storage_hub) == before


def test_the_api_needs_a_valid_key_and_the_right_role(hub: Hub) -> None:
    clients = users(hub)
    anonymous = TestClient(create_app(hub))
    assert anonymous.get("/api/v1/settings/sirene").status_code == 401
    forged = TestClient(create_app(hub), headers={"Authorization": "Bearer rk_forged"})
    assert forged.get("/api/v1/settings/sirene").status_code == 401
    before = snapshot(hub)
    reader = clients[Role.READER]
    assert reader.get("/api/v1/settings/sirene").status_code == 200
    assert reader.put("/api/v1/settings/sirene/cache_ttl_h", json={"value": 1}
                      ).status_code == 403
    assert reader.delete("/api/v1/settings/sirene/token").status_code == 403
    assert reader.post("/api/v1/companies", json={"code": "X", "name": "X"}).status_code == 403
    assert reader.post("/api/v1/interfaces/sirene/test").status_code == 403
    assert snapshot(hub) == before
    # On-premise the administrator sets vendor fields.
    assert clients[Role.ADMINISTRATOR].put("/api/v1/settings/bank/client_id",
                                           json={"value": "bridge-id"}).status_code == 200


def test_in_saas_mode_only_the_operator_sets_vendor_fields(
        new_storage_env: Callable[..., Environment]) -> None:
    hub = open_hub(new_storage_env(DeploymentMode.SAAS))
    clients = users(hub)
    before = snapshot(hub)
    refused = clients[Role.ADMINISTRATOR].put("/api/v1/settings/bank/client_secret",
                                              json={"value": "bridge-secret"})
    assert refused.status_code == 422 and refused.json()["field"] == "client_secret"
    assert "is set by the operator in SaaS mode" in refused.json()["error_en"]
    assert snapshot(hub) == before
    assert clients[Role.ADMINISTRATOR].put("/api/v1/settings/bank/log_email",
                                           json={"value": "ops@example.fr"}).status_code == 200
    assert clients[Role.OPERATOR].put("/api/v1/settings/bank/client_secret",
                                      json={"value": "bridge-secret"}).status_code == 200
    assert hub.values("bank")["client_secret"] == "bridge-secret"


def test_the_test_endpoint_returns_the_report(sandboxed_hub: Hub) -> None:
    api = users(sandboxed_hub)[Role.ADMINISTRATOR]
    passed = api.post("/api/v1/interfaces/sirene/test", headers={"Accept-Language": "en"})
    assert passed.status_code == 200
    body = passed.json()
    assert body["ok"] is True
    [report] = body["reports"]
    assert report["summary"] == "Test passed." and all(s["ok"] for s in report["steps"])
    assert len(report["steps"]) >= 2
    api.put("/api/v1/settings/sirene/token", json={"value": "not-the-right-key"})
    failed = api.post("/api/v1/interfaces/sirene/test", headers={"Accept-Language": "en"}).json()
    assert failed["ok"] is False
    [report] = failed["reports"]
    assert "401" in report["summary"] and report["steps"][-1]["ok"] is False
    assert "not-the-right-key" not in str(failed)
    one = api.post("/api/v1/interfaces/google/test", params={"which": "places"}).json()
    assert [r["test"] for r in one["reports"]] == ["places"] and one["ok"]
    assert api.post("/api/v1/interfaces/telepathy/test").status_code == 404
    assert api.post("/api/v1/interfaces/google/test", params={"which": "x"}).status_code == 404


def test_companies_and_certificates_through_the_api(storage_hub: Hub) -> None:
    api = users(storage_hub)[Role.ADMINISTRATOR]
    bad = api.post("/api/v1/companies", json={"code": "ACME", "name": "Acme",
                                              "siret": "73282932000075"})
    assert bad.status_code == 422 and "wrong check digit" in bad.json()["error_en"]
    made = api.post("/api/v1/companies", json={"code": "ACME", "name": "Acme",
                                               "siret": "73282932000074"})
    assert made.json() == {"code": "ACME", "name": "Acme", "siret": "73282932000074"}
    assert api.get("/api/v1/companies").json() == [made.json()]
    saved = api.put("/api/v1/companies/ACME/settings/chorus/cpro_login",
                    json={"value": "TECH_1_acme@cpro.fr"})
    assert saved.status_code == 200
    assert storage_hub.values("chorus", "company:ACME")["cpro_login"] == "TECH_1_acme@cpro.fr"
    assert api.put("/api/v1/companies/NOPE/settings/chorus/cpro_login",
                   json={"value": "x"}).status_code == 404
    pem = trustme.CA(organization_name="API Root").cert_pem.bytes()
    added = api.post("/api/v1/certificates", files={"file": ("root.pem", pem)})
    assert added.status_code == 200 and "O=API Root" in added.json()["subject"]
    listed = api.get("/api/v1/certificates").json()
    assert [c["fingerprint"] for c in listed] == [added.json()["fingerprint"]]
    corrupt = api.post("/api/v1/certificates", files={"file": ("x.pem", b"nope")})
    assert corrupt.status_code == 422 and "not a readable certificate" in corrupt.json()[
        "error_en"]
    removed = api.delete(f"/api/v1/certificates/{added.json()['fingerprint']}")
    assert removed.status_code == 200 and storage_hub.trust.list() == []
