"""Rows of issue 16 that ended in a server error: huge ids and limits, a SIRENE enrichment
of a binary body or a 5 MB line, XML declaring entities, a non-Latin-1 file name."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient

from raccord.core.hub import Hub
from raccord.core.roles import Role
from raccord.features.einvoicing import documents
from raccord.web import create_app
from tests.chorus.conftest import DEMO_SIRET, sample

HUGE = str(2**63)
HUGER = "9" * 40


@pytest.fixture
def api(hub: Hub) -> TestClient:
    hub.accounts.add_user("erp", "erp-password-1", Role.OPERATOR)
    hub.accounts.add_company("DEMO", "Démo SARL", DEMO_SIRET)
    key = hub.accounts.new_api_key("erp")
    return TestClient(create_app(hub), raise_server_exceptions=False,
                      headers={"Authorization": f"Bearer {key}", "Accept-Language": "en"})


@pytest.mark.parametrize("path", [
    f"/api/v1/einvoicing/invoices/{HUGE}", f"/api/v1/einvoicing/invoices/{HUGER}/file",
    f"/api/v1/einvoicing/invoices?limit={HUGE}", f"/api/v1/thirdparties/{HUGE}",
    f"/api/v1/thirdparties?limit={HUGER}", f"/api/v1/thirdparties?offset={HUGE}",
    f"/api/v1/audit?limit={HUGE}", f"/api/v1/jobs/runs?limit={HUGER}",
    f"/api/v1/sirene/enrichments/{HUGE}", f"/api/v1/sirene/enrichments/{HUGE}/result",
])
def test_ids_and_limits_above_2_63_are_refused_not_crashing(api: TestClient, path: str
                                                            ) -> None:
    """low: ids, `limit` or `offset` above 2^63 on invoices, runs, audit, third parties
    were server errors."""
    answer = api.get(path)
    assert answer.status_code == 422, (path, answer.status_code, answer.text[:200])


def test_changes_to_ids_above_2_63_are_refused_not_crashing(api: TestClient) -> None:
    assert api.post(f"/api/v1/einvoicing/invoices/{HUGE}/cancel").status_code == 422
    assert api.post(f"/api/v1/einvoicing/invoices/{HUGE}/resend").status_code == 422
    assert api.delete(f"/api/v1/thirdparties/{HUGE}").status_code == 422
    assert api.patch(f"/api/v1/thirdparties/{HUGE}", json={}).status_code == 422


@pytest.mark.parametrize("body", [
    os.urandom(4096) + b"\x00",
    b"siret\n" + b"7" * (5 * 1024 * 1024) + b"\n",
    b"siret\n\"732829320" + b"\n" * 3 + b"x" * 200_000 + b"\"\n",
], ids=["binary", "5MB-line", "5MB-quoted-field"])
def test_a_sirene_enrichment_of_a_binary_body_or_a_huge_line_is_refused(
        api: TestClient, body: bytes) -> None:
    """low: SIRENE enrichment with a binary body or a 5 MB line was a server error."""
    answer = api.post("/api/v1/sirene/enrichments", content=body,
                      headers={"Content-Type": "text/csv"})
    assert answer.status_code == 422, answer.text[:300]
    assert answer.json()["reason"] == "invalid"
    assert any(word in answer.json()["error_en"] for word in ("binary", "characters", "CSV"))


def test_xml_declaring_an_entity_is_refused(api: TestClient) -> None:
    """low: XML referencing a DTD entity was a server error."""
    xml = documents.produce(sample("DTD-1"), documents.Format.UBL).content
    head, rest = xml.split(b"?>", 1)
    hostile = (head + b'?>\n<!DOCTYPE Invoice [<!ENTITY who "Evil">]>' +
               rest.replace(b"Conseil", b"&who;", 1))
    answer = api.post("/api/v1/einvoicing/invoices/file?company=DEMO",
                      files={"file": ("dtd.xml", hostile, "application/xml")})
    assert answer.status_code == 422, answer.text
    assert "document type" in answer.json()["error_en"]
    external = (head + b'?>\n<!DOCTYPE Invoice SYSTEM "http://evil.example/x.dtd">' + rest)
    assert api.post("/api/v1/einvoicing/invoices/file?company=DEMO",
                    files={"file": ("ext.xml", external, "application/xml")}
                    ).status_code == 422


def test_an_invoice_with_a_non_latin_1_name_downloads_under_its_name(api: TestClient) -> None:
    """medium: `GET …/invoices/{id}/file` of an invoice uploaded with a non-Latin-1 name
    was a server error (UnicodeEncodeError in Content-Disposition)."""
    xml = documents.produce(sample("NAME-1"), documents.Format.UBL).content
    name = "facture Ōsaka 請求書.xml"
    sent = api.post("/api/v1/einvoicing/invoices/file?company=DEMO",
                    files={"file": (name, xml, "application/xml")})
    assert sent.status_code == 202, sent.text
    answer = api.get(f"/api/v1/einvoicing/invoices/{sent.json()['id']}/file")
    assert answer.status_code == 200 and answer.content == xml
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="facture Osaka ___.xml"'), disposition
    assert disposition.endswith(
        "filename*=UTF-8''facture%20%C5%8Csaka%20%E8%AB%8B%E6%B1%82%E6%9B%B8.xml")


def test_found_by_schemathesis_a_null_closed_flag_and_control_characters(
        api: TestClient) -> None:
    """PATCH /thirdparties/{id} with `"closed": null` was a server error ("Not a boolean
    value"); texts with control characters were stored as sent."""
    created = api.post("/api/v1/thirdparties", json={"kind": "customer", "name": "Dupont"})
    assert created.status_code == 201, created.text
    party = created.json()["id"]
    nulls = api.patch(f"/api/v1/thirdparties/{party}", json={"closed": None, "city": None})
    assert nulls.status_code == 200 and nulls.json()["closed"] is False
    assert nulls.json()["city"] == ""
    control = api.patch(f"/api/v1/thirdparties/{party}", json={"address1": "rue\x00\x1b"})
    assert control.status_code == 422 and "control character" in control.json()["error_en"]


def test_found_by_schemathesis_one_character_removed_an_authority(api: TestClient,
                                                                  hub: Hub) -> None:
    """`DELETE /certificates/0` removed the first authority whose fingerprint starts with 0."""
    import trustme

    info = hub.trust.add(trustme.CA().cert_pem.bytes(), "test")
    for prefix in (info.fingerprint[:1], info.fingerprint[:15]):
        assert api.delete(f"/api/v1/certificates/{prefix}").status_code == 422
    assert [c.fingerprint for c in hub.trust.list()] == [info.fingerprint]
    assert api.delete(f"/api/v1/certificates/{info.fingerprint[:16]}").status_code == 200


def test_found_by_schemathesis_control_characters_in_an_invoice_and_cancelling_an_invalid_one(
        api: TestClient) -> None:
    """A control character in a text of the invoice data, or cancelling an invalid invoice,
    were server errors."""
    data = sample("CTRL-1").model_dump(mode="json")
    data["buyer"]["name"] = "Destinataire\x0cpublic"
    sent = api.post("/api/v1/einvoicing/invoices?company=DEMO", json=data)
    assert sent.status_code == 422 and "control character" in sent.json()["error_en"]
    invalid = api.post("/api/v1/einvoicing/invoices?company=DEMO",
                       json=sample("CTRL-2", buyer_siret="123").model_dump(mode="json"))
    assert invalid.status_code == 422, invalid.text
    cancel = api.post(f"/api/v1/einvoicing/invoices/{invalid.json()['id']}/cancel")
    assert cancel.status_code == 409
