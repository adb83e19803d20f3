"""What can become of a request besides being signed: a signer refuses, the transaction
expires, the signed PDF returned does not validate."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from raccord.core.hub import Hub
from raccord.core.simulator import Faults
from raccord.features.signatures import followup, store
from raccord.features.signatures.verify import SignedDocumentRefused, check_signed
from raccord.interfaces.signature.simulator import Universign, expire
from raccord.sandbox.setup import Sandbox
from raccord.wiring import open_hub
from tests.conftest import make_env
from tests.signatures.conftest import ALICE, BOB, hand_over, quote_pdf, run_jobs


def test_a_refused_signer_is_named_with_the_reason(sig_hub: Hub, us: Universign) -> None:
    request = hand_over(sig_hub, "D-REFUSE")
    run_jobs(sig_hub)
    tx_id = store.get(sig_hub, request.id).transaction_id  # type: ignore[union-attr]
    assert us.sign(tx_id, ALICE["email"]) is None
    assert us.refuse(tx_id, BOB["email"], "Le prix a changé") is None
    followup.follow_up(sig_hub)
    refused = store.get(sig_hub, request.id)
    assert refused is not None and refused.state == "refused"
    assert refused.refusal == {"signer": BOB["email"], "name": "Bob Durand",
                               "reason": "Le prix a changé"}
    assert refused.signed_by == [ALICE["email"]]
    assert us.transactions[tx_id]["state"] == "cancelled"  # nobody else signs it now
    last = store.events(sig_hub, request.id)[-1]
    assert last.message == {"fr": "Refusée par Bob Durand : Le prix a changé.",
                            "en": "Refused by Bob Durand: Le prix a changé."}


def test_an_expired_transaction_expires_the_request(sig_hub: Hub, us: Universign,
                                                    sandbox: Sandbox) -> None:
    request = hand_over(sig_hub, "D-EXPIRE")
    run_jobs(sig_hub)
    tx_id = store.get(sig_hub, request.id).transaction_id  # type: ignore[union-attr]
    expire(sandbox.simulators["signature"], tx_id)
    followup.follow_up(sig_hub)
    expired = store.get(sig_hub, request.id)
    assert expired is not None and expired.state == "expired"
    assert expired.signed_content is None


def test_the_expiry_date_asked_for_is_the_transactions(sig_hub: Hub, us: Universign) -> None:
    expires = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    request = hand_over(sig_hub, "D-EXPIRY", expires_at=expires)
    run_jobs(sig_hub)
    tx_id = store.get(sig_hub, request.id).transaction_id  # type: ignore[union-attr]
    assert us.transactions[tx_id]["expires_at"] == expires


def test_a_tampered_signed_pdf_is_refused(sig_hub: Hub, us: Universign) -> None:
    request = hand_over(sig_hub, "D-TAMPER")
    run_jobs(sig_hub)
    tx_id = store.get(sig_hub, request.id).transaction_id  # type: ignore[union-attr]
    us.sign(tx_id, ALICE["email"])
    us.sign(tx_id, BOB["email"])
    us.tampered.add(tx_id)
    followup.follow_up(sig_hub)
    failed = store.get(sig_hub, request.id)
    assert failed is not None and failed.state == "failed"
    assert failed.signed_content is None
    reason = (failed.reason or {}).get("en", "")
    assert reason.startswith("Signed document refused:"), reason


def test_a_signature_from_an_untrusted_authority_is_refused(sig_hub: Hub, us: Universign,
                                                            tmp_path: Path) -> None:
    request = hand_over(sig_hub, "D-UNTRUSTED", signers=[ALICE])
    run_jobs(sig_hub)
    tx_id = store.get(sig_hub, request.id).transaction_id  # type: ignore[union-attr]
    us.sign(tx_id, ALICE["email"])
    [signed] = us.pdfs[tx_id].values()
    assert check_signed(sig_hub, request.content, signed, 1)  # trusted here
    elsewhere = open_hub(make_env(tmp_path / "no-sandbox-ca"))  # the CA never imported
    with pytest.raises(SignedDocumentRefused) as refused:
        check_signed(elsewhere, request.content, signed, 1)
    assert "chains to no trusted authority" in refused.value.message.en


def test_a_signed_pdf_of_another_document_is_refused(sig_hub: Hub, us: Universign) -> None:
    request = hand_over(sig_hub, "D-OTHER", signers=[ALICE])
    run_jobs(sig_hub)
    tx_id = store.get(sig_hub, request.id).transaction_id  # type: ignore[union-attr]
    us.sign(tx_id, ALICE["email"])
    [signed] = us.pdfs[tx_id].values()
    with pytest.raises(SignedDocumentRefused) as refused:
        check_signed(sig_hub, quote_pdf("D-SOMETHING-ELSE"), signed, 1)
    assert "not the one that was sent" in refused.value.message.en
    with pytest.raises(SignedDocumentRefused):
        check_signed(sig_hub, request.content, signed, 2)  # a signature missing


def test_a_run_meeting_server_errors_changes_nothing_and_the_next_catches_up(
        sig_hub: Hub, us: Universign, sandbox: Sandbox) -> None:
    request = hand_over(sig_hub, "D-FAULTS", signers=[ALICE])
    run_jobs(sig_hub)
    tx_id = store.get(sig_hub, request.id).transaction_id  # type: ignore[union-attr]
    us.sign(tx_id, ALICE["email"])
    sim = sandbox.simulators["signature"]
    sim.faults = Faults(error_rate=1.0, error_status=503)
    counts = followup.follow_up(sig_hub)
    assert counts["unreachable"] >= 1 and "signed" not in counts
    assert store.get(sig_hub, request.id).state == "sent"  # type: ignore[union-attr]
    sim.faults = Faults()
    assert followup.follow_up(sig_hub).get("signed") == 1


def test_two_workers_woken_for_the_same_completion_fetch_it_once(
        sig_hub: Hub, us: Universign, sandbox: Sandbox) -> None:
    request = hand_over(sig_hub, "D-TWO-WORKERS", signers=[ALICE])
    run_jobs(sig_hub)
    tx_id = store.get(sig_hub, request.id).transaction_id  # type: ignore[union-attr]
    us.sign(tx_id, ALICE["email"])
    sim = sandbox.simulators["signature"]
    sim.counts.clear()
    sim.faults = Faults(latency_ms=300)  # both read the transaction before either fetches
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(lambda _: followup.sync(sig_hub, request.id), range(2)))
    sim.faults = Faults()
    assert outcomes == ["signed", "unchanged"]
    assert sum(v for k, v in sim.counts.items() if k.endswith("/download")) == 1
