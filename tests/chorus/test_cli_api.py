"""The ERP's two doors: `raccord chorus ...` and the REST API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import raccord.cli  # noqa: F401  (loads the CLI core before the feature's commands)
from raccord.core.hub import Hub
from raccord.features.einvoicing import documents
from raccord.features.einvoicing.cli import app
from raccord.web import create_app
from tests.chorus.conftest import sample


@pytest.fixture
def run(chorus_hub: Hub, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("RACCORD_HOME", str(chorus_hub.env.home))
    monkeypatch.setenv("RACCORD_LANG", "en")
    return CliRunner()


def test_send_wait_exits_zero_once_integrated(run: CliRunner, tmp_path: Path) -> None:
    json_file = tmp_path / "F-10.json"
    json_file.write_text(sample("F-10").model_dump_json())
    ubl_file = tmp_path / "F-11.xml"
    ubl_file.write_bytes(documents.produce(sample("F-11"), documents.Format.UBL).content)
    result = run.invoke(app, ["send", str(json_file), str(ubl_file), "--company", "DEMO",
                              "--wait", "--process", "--timeout", "30"])
    assert result.exit_code == 0, result.output
    assert "2 invoices integrated by CHORUS PRO" in result.output
    status = run.invoke(app, ["status", "F-11", "--company", "DEMO"])
    assert status.exit_code == 0
    assert "integrated" in status.output and "made available" in status.output
    listing = run.invoke(app, ["status", "--json"])
    assert {r["number"] for r in json.loads(listing.output)} == {"F-10", "F-11"}
    quota = run.invoke(app, ["quota"])
    assert quota.exit_code == 0 and "calls today" in quota.output


def test_send_wait_fails_with_the_reasons_of_an_invalid_invoice(run: CliRunner,
                                                                 tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(sample("F-12", payment={"means_code": ""}).model_dump_json())
    result = run.invoke(app, ["send", str(bad), "--company", "DEMO", "--wait", "--process",
                              "--timeout", "10"])
    assert result.exit_code == 1
    assert "CPRO-PAIEMENT" in result.output and "payment means is required" in result.output


def test_send_refuses_bad_input_in_one_line(run: CliRunner, tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    result = run.invoke(app, ["send", str(junk), "--company", "DEMO"])
    assert result.exit_code == 1 and "invalid invoice JSON" in result.output
    assert "Traceback" not in result.output
    unknown = run.invoke(app, ["send", str(junk), "--company", "NOPE"])
    assert unknown.exit_code == 1


def test_the_rest_api_takes_an_invoice_and_shows_its_history(chorus_hub: Hub) -> None:
    chorus_hub.accounts.add_user("erp", "erp-password-1", "administrator")
    key = chorus_hub.accounts.new_api_key("erp")
    api = TestClient(create_app(chorus_hub))
    auth = {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
    as_json = {**auth, "Content-Type": "application/json"}
    sent = api.post("/api/v1/einvoicing/invoices?company=DEMO", headers=as_json,
                    content=sample("API-1").model_dump_json())
    assert sent.status_code == 202, sent.text
    invoice_id = sent.json()["id"]
    invalid = api.post("/api/v1/einvoicing/invoices?company=DEMO", headers=as_json,
                       content=sample("API-2", buyer_siret="123").model_dump_json())
    assert invalid.status_code == 422
    # The SIRET is the buyer's identifier (BT-46, scheme 0009); its SIREN the legal one (BT-47).
    assert ("buyer.siret (BT-46)", "CPRO-SIRET") in {
        (e["field"], e["rule"]) for e in invalid.json()["errors"]}
    pdf = documents.produce(sample("API-3"), documents.Format.FACTURX)
    uploaded = api.post("/api/v1/einvoicing/invoices/file?company=DEMO", headers=auth,
                        files={"file": (pdf.file_name, pdf.content, "application/pdf")})
    assert uploaded.status_code == 202, uploaded.text
    chorus_hub.jobs.run_pending()
    detail = api.get(f"/api/v1/einvoicing/invoices/{invoice_id}", headers=auth).json()
    assert detail["state"] == "deposited" and detail["flow_number"].startswith("CPP")
    assert [h["to"] for h in detail["history"]][-1] == "deposited"
    file = api.get(f"/api/v1/einvoicing/invoices/{invoice_id}/file", headers=auth)
    assert file.content.startswith(b"%PDF")
    listing = api.get("/api/v1/einvoicing/invoices?company=DEMO&state=invalid", headers=auth)
    assert [r["number"] for r in listing.json()] == ["API-2"]
    assert api.get("/api/v1/einvoicing/quota", headers=auth).json()["calls_per_day"] == 1000000
    cancel = api.post(f"/api/v1/einvoicing/invoices/{invoice_id}/cancel", headers=auth)
    assert cancel.status_code == 409 and "waiting for deposit" in cancel.json()["error"]
    assert api.get("/api/v1/einvoicing/invoices").status_code == 401
