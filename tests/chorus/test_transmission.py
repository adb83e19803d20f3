"""Invoices from the ERP to the (simulated) portal: the durable state machine, retries only for
transient failures, exactly-once deposits, quotas, rejections and re-sending."""

from __future__ import annotations

import time

import pytest

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM, company_scope
from raccord.features.einvoicing import followup, intake, store, transmit, views
from raccord.interfaces.chorus import client as chorus_client
from raccord.interfaces.chorus.simulator import ChorusSimulator
from tests.chorus.conftest import BUYER_EJ, BUYER_SERVICE, sample
from tests.chorus.helpers import drain


def deposits(sim: ChorusSimulator, number: str) -> int:
    return sim.portal.deposits[f"90243187300014/{number}"]


def test_an_invoice_goes_from_the_erp_to_payment_with_its_history(
        chorus_hub: Hub, sim: ChorusSimulator) -> None:
    receipt = intake.receive(chorus_hub, "DEMO", "erp-api", data=sample("F-1"))
    assert receipt.state == "queued"
    assert drain(chorus_hub) == {"F-1": "integrated"}
    invoice = store.get(chorus_hub, receipt.id)
    assert invoice is not None and invoice.flow_number and invoice.flow_number.startswith("CPP")
    assert invoice.portal_status == "MISE_A_DISPOSITION"
    for status in ("SERVICE_FAIT", "MANDATEE"):
        sim.portal.set_status(int(invoice.portal_id or 0), status)
        followup.follow_up(chorus_hub)
    history = store.events(chorus_hub, receipt.id)
    assert [e.to_state for e in history] == [
        "received", "valid", "queued", "depositing", "deposited", "integrated", "integrated",
        "integrated"]
    assert [e.portal_status for e in history[-3:]] == ["MISE_A_DISPOSITION", "SERVICE_FAIT",
                                                       "MANDATEE"]
    assert all(e.at is not None for e in history)
    assert {e.actor for e in history[3:]} == {"raccord-bot"}  # the technical user
    # MANDATEE is final: nothing is followed any more.
    sim.portal.set_status(int(invoice.portal_id or 0), "MISE_EN_PAIEMENT")
    followup.follow_up(chorus_hub)
    assert len(store.events(chorus_hub, receipt.id)) == len(history)
    assert deposits(sim, "F-1") == 1


def test_an_invalid_invoice_is_kept_and_never_sent(chorus_hub: Hub,
                                                   sim: ChorusSimulator) -> None:
    broken = sample("F-TOO-LONG-NUMBER-123456", payment={"means_code": ""})
    receipt = intake.receive(chorus_hub, "DEMO", "erp", data=broken)
    assert receipt.state == "invalid"
    rules = {(e["field"], e["rule"]) for e in receipt.errors}
    assert ("number (BT-1)", "CPRO-G1.05") in rules
    assert ("payment.means_code (BT-81)", "CPRO-PAIEMENT") in rules
    drain(chorus_hub)
    assert store.get(chorus_hub, receipt.id).state == "invalid"  # type: ignore[union-attr]
    assert sum(sim.portal.deposits.values()) == 0


def test_the_buyers_structure_rules_come_from_the_portal(chorus_hub: Hub) -> None:
    no_service = intake.receive(chorus_hub, "DEMO", "erp", data=sample("F-2", BUYER_SERVICE))
    assert no_service.state == "invalid"
    assert no_service.errors[0]["rule"] == "CPRO-SERVICE-OBLIGATOIRE"
    assert no_service.errors[0]["field"] == "buyer_reference (BT-10)"
    no_ej = intake.receive(chorus_hub, "DEMO", "erp", data=sample("F-3", BUYER_EJ))
    assert [e["rule"] for e in no_ej.errors] == ["CPRO-EJ-OBLIGATOIRE"]
    wrong_service = intake.receive(chorus_hub, "DEMO", "erp", data=sample(
        "F-4", BUYER_SERVICE, buyer_reference="INCONNU"))
    assert "SERVICE_DEST_SERV_OBL" in wrong_service.errors[0]["en"]
    ok = intake.receive(chorus_hub, "DEMO", "erp", data=sample(
        "F-5", BUYER_SERVICE, buyer_reference="SERVICE_DEST_SERV_OBL"))
    assert ok.state == "queued"
    service_ej = intake.receive(chorus_hub, "DEMO", "erp", data=sample(
        "F-6", buyer_reference="SERV_EJ_OBL"))
    assert service_ej.errors[0]["rule"] == "CPRO-EJ-OBLIGATOIRE"


def test_a_rejected_invoice_shows_the_portals_reason_and_is_resent_corrected(
        chorus_hub: Hub, sim: ChorusSimulator) -> None:
    chorus_hub.accounts.add_company("QUALIF", "Fournisseur de qualification")
    for key, value in chorus_hub.values("chorus", company_scope("DEMO")).items():
        chorus_hub.settings.set("chorus", key, value, SYSTEM, scope=company_scope("QUALIF"))
    # A seller the technical account may not deposit for: only the portal can tell.
    # (With its VAT number: without one, EN 16931 refuses a standard-rated sale, BR-S-02.)
    wrong = sample("R-1", seller={"name": "Autre", "siret": "41816609600069",
                                  "vat_id": "FR16418166096", "address": {"city": "Paris"}})
    receipt = intake.receive(chorus_hub, "QUALIF", "erp", data=wrong)
    assert drain(chorus_hub) == {"R-1": "rejected"}
    rejected = store.get(chorus_hub, receipt.id)
    assert rejected is not None
    assert "n'est pas reference" in rejected.errors[0]["fr"]
    fixed = sample("R-1", seller={"name": "Qualif", "siret": "33254021000017",
                                  "vat_id": "FR86332540210", "address": {"city": "Paris"}})
    again = intake.receive(chorus_hub, "QUALIF", "erp", data=fixed)
    assert again.id == receipt.id and again.state == "queued"
    assert drain(chorus_hub) == {"R-1": "integrated"}
    assert [e.to_state for e in store.events(chorus_hub, receipt.id)].count("received") == 2


def test_transient_failures_are_retried_within_max_attempts(chorus_hub: Hub,
                                                            sim: ChorusSimulator) -> None:
    intake.receive(chorus_hub, "DEMO", "erp", data=sample("T-1"))
    sim.faults.fail_next, sim.faults.fail_status = 2, 503
    assert drain(chorus_hub) == {"T-1": "integrated"}
    assert deposits(sim, "T-1") == 1
    receipt = intake.receive(chorus_hub, "DEMO", "erp", data=sample("T-2"))
    sim.faults.fail_next, sim.faults.fail_status = 10, 503
    assert drain(chorus_hub, follow=False) == {"T-1": "integrated", "T-2": "failed"}
    failed = store.get(chorus_hub, receipt.id)
    assert failed is not None and failed.attempts == 3
    assert "Gave up after 3 tries" in failed.errors[0]["en"] and "503" in failed.errors[0]["en"]


def test_a_portal_429_is_retried_after_its_retry_after(chorus_hub: Hub,
                                                       sim: ChorusSimulator) -> None:
    intake.receive(chorus_hub, "DEMO", "erp", data=sample("Q-1"))
    sim.faults.force_429, sim.faults.retry_after_s = 1, 1
    started = time.monotonic()
    assert drain(chorus_hub) == {"Q-1": "integrated"}
    assert time.monotonic() - started >= 1.0
    assert deposits(sim, "Q-1") == 1


def test_an_authentication_refusal_stops_at_once(chorus_hub: Hub,
                                                 sim: ChorusSimulator) -> None:
    receipt = intake.receive(chorus_hub, "DEMO", "erp", data=sample("A-1"))
    chorus_hub.settings.set("chorus", "cpro_password", "expired", SYSTEM,
                            scope=company_scope("DEMO"))
    assert drain(chorus_hub) == {"A-1": "failed"}
    failed = store.get(chorus_hub, receipt.id)
    assert failed is not None and failed.attempts <= 1
    assert "cpro-account" in failed.errors[0]["en"]


def test_a_lost_answer_is_found_on_the_portal_not_deposited_again(
        chorus_hub: Hub, sim: ChorusSimulator) -> None:
    sim.portal.lose_next_deposits, sim.faults.hang_s = 1, 1.5
    receipt = intake.receive(chorus_hub, "DEMO", "erp", data=sample("L-1"))
    chorus_hub.jobs.run_pending()
    assert store.get(chorus_hub, receipt.id).state == "uncertain"  # type: ignore[union-attr]
    assert drain(chorus_hub) == {"L-1": "integrated"}
    assert deposits(sim, "L-1") == 1
    assert "Found on the portal" in " ".join(
        (e.message or {}).get("en", "") for e in store.events(chorus_hub, receipt.id))


def test_a_deposit_that_never_arrived_is_tried_again_after_the_check(
        chorus_hub: Hub, sim: ChorusSimulator) -> None:
    chorus_hub.settings.set("chorus", "reconcile_after_s", 2, SYSTEM)
    receipt = intake.receive(chorus_hub, "DEMO", "erp", data=sample("L-2"))
    sim.faults.timeout_rate, sim.faults.hang_s = 1.0, 1.5  # the call hangs, nothing is done
    assert transmit.deposit(chorus_hub, receipt.id) == "uncertain"
    sim.faults.timeout_rate = 0.0
    assert transmit.reconcile(chorus_hub, receipt.id) == "waiting"  # flows may be in process
    time.sleep(1.0)  # until chorus.reconcile_after_s has passed since the try
    assert transmit.reconcile(chorus_hub, receipt.id) == "retry"
    assert drain(chorus_hub) == {"L-2": "integrated"}
    assert deposits(sim, "L-2") == 1


def test_a_spent_daily_quota_pauses_without_using_tries(
        chorus_hub: Hub, sim: ChorusSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chorus_client, "QUOTAS", {"test": (5, 6), "production": (20, 6)})
    for n in range(3):
        intake.receive(chorus_hub, "DEMO", "erp", data=sample(f"P-{n}"))
    chorus_hub.jobs.run_pending()
    now = drain(chorus_hub, timeout_s=0.1, follow=False)
    paused = [store.find(chorus_hub, "DEMO", n) for n, s in now.items() if s == "queued"]
    assert paused, now
    reason = paused[0].waiting_reason or {}  # type: ignore[union-attr]
    assert "resumes by itself at" in reason["en"]
    assert paused[0].attempts == 0  # type: ignore[union-attr]
    assert sum(sim.portal.deposits.values()) == 3 - len(paused)
    usage = views.quota(chorus_hub)  # what the console and `raccord chorus quota` show
    assert usage.paused_until is not None
    assert "Transmission paused, resumes by itself on" in usage.message().en


def test_an_invoice_can_be_cancelled_before_deposit(chorus_hub: Hub,
                                                    sim: ChorusSimulator) -> None:
    receipt = intake.receive(chorus_hub, "DEMO", "erp", data=sample("C-1"))
    intake.cancel(chorus_hub, receipt.id, "admin")
    assert drain(chorus_hub) == {"C-1": "cancelled"}
    assert deposits(sim, "C-1") == 0
    with pytest.raises(intake.IntakeRefused):
        intake.receive(chorus_hub, "DEMO", "erp", data=sample("C-2"))
        drain(chorus_hub)
        intake.cancel(chorus_hub, store.find(chorus_hub, "DEMO", "C-2").id, "admin")  # type: ignore[union-attr]


def test_the_same_file_twice_is_taken_once(chorus_hub: Hub, sim: ChorusSimulator) -> None:
    first = intake.receive(chorus_hub, "DEMO", "erp", data=sample("D-1"))
    second = intake.receive(chorus_hub, "DEMO", "erp", data=sample("D-1"))
    assert second.id == first.id and second.unchanged
    drain(chorus_hub)
    with pytest.raises(intake.IntakeRefused) as refused:
        intake.receive(chorus_hub, "DEMO", "erp", data=sample("D-1", note="changed"))
    assert "already" in refused.value.message.en
    assert deposits(sim, "D-1") == 1
