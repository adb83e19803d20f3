"""A quote sent from the ERP, signed by each signer on the sandbox's signing page, followed to
the signed copy, checked and kept."""

from __future__ import annotations

import ssl

import httpx

from raccord.core.hub import Hub
from raccord.features.signatures import followup, store
from raccord.interfaces.signature.simulator import Universign
from raccord.sandbox.setup import Sandbox
from tests.signatures.conftest import ALICE, BOB, hand_over, run_jobs, state_of


def test_the_whole_flow_to_the_signed_copy(sig_hub: Hub, us: Universign,
                                           sandbox: Sandbox) -> None:
    CA = ssl.create_default_context(cafile=str(sandbox.ca.ca_pem))
    request = hand_over(sig_hub, ordered=True, level="level2")
    run_jobs(sig_hub)
    assert state_of(sig_hub, request.id) == "sent"
    sent = store.get(sig_hub, request.id)
    assert sent is not None and sent.transaction_id
    tx = us.transactions[sent.transaction_id]
    assert tx["state"] == "started" and tx["sequencing"] == "ordered"
    assert tx["metadata"]["raccord_id"] == sent.uid
    assert [p["email"] for p in tx["participants"]] == [ALICE["email"], BOB["email"]]
    assert tx["participants"][0]["phone_number"] == "+33612345678"
    assert tx["participants"][0]["min_signature_level"] == "level2"
    fields = tx["documents"][0]["fields"]
    assert fields[0]["page"] == 1 and fields[1]["anchor"] == "Bon pour accord"
    links = httpx.get(sandbox.url("signature") + f"/_sim/signing-links/{tx['id']}",
                      verify=CA).json()
    # Ordered: Bob's turn comes after Alice's.
    bob_page = httpx.get(sandbox.url("signature") + links[BOB["email"]],
                         verify=CA).text
    assert "waiting" in bob_page and "id='sign'" not in bob_page
    signed = httpx.post(sandbox.url("signature") + links[ALICE["email"]],
                        data={"action": "sign"}, verify=CA).text
    assert "Document signé" in signed
    followup.follow_up(sig_hub)
    partly = store.get(sig_hub, request.id)
    assert partly is not None and partly.state == "partly_signed"
    assert partly.signed_by == [ALICE["email"]]
    httpx.post(sandbox.url("signature") + links[BOB["email"]], data={"action": "sign"},
               verify=CA)
    counts = followup.follow_up(sig_hub)
    assert counts.get("signed") == 1, counts
    done = store.get(sig_hub, request.id)
    assert done is not None and done.state == "signed"
    assert done.signed_content is not None and done.signed_content.startswith(request.content)
    assert done.attestation is not None and done.attestation.startswith(b"%PDF-")
    us.archive_delay_s = 0
    followup.follow_up(sig_hub)
    assert state_of(sig_hub, request.id) == "archived"
    history = [e.to_state for e in store.events(sig_hub, request.id)]
    assert history == ["received", "sending", "sent", "partly_signed", "signed", "archived"]
