"""Sending exactly once: a lost answer never makes a second transaction, a half-built draft is
resumed, and a request given up leaves no draft behind."""

from __future__ import annotations

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.features.signatures import intake, store
from raccord.interfaces.signature.simulator import Universign
from tests.signatures.conftest import hand_over, quote_pdf, request_in, run_jobs, state_of


def test_a_lost_answer_on_create_finds_the_transaction_again(sig_hub: Hub,
                                                             us: Universign) -> None:
    us.lose_answers["create"] = 1
    request = hand_over(sig_hub, "D-LOST-1")
    run_jobs(sig_hub)
    sent = store.get(sig_hub, request.id)
    assert sent is not None and sent.state == "sent", sent.reason if sent else None
    assert us.created[sent.uid] == 1  # created once, found again by its metadata
    assert us.transactions[sent.transaction_id or ""]["state"] == "started"
    history = [(e.to_state, (e.message or {}).get("en", "")) for e in
               store.events(sig_hub, request.id)]
    assert [h[0] for h in history] == ["received", "sending", "received", "sending", "sent"]
    assert "answer was lost" in history[2][1] or "lost" in history[2][1]


def test_a_draft_whose_document_answer_was_lost_is_resumed(sig_hub: Hub,
                                                           us: Universign) -> None:
    us.lose_answers["document"] = 1
    request = hand_over(sig_hub, "D-LOST-2")
    run_jobs(sig_hub)
    sent = store.get(sig_hub, request.id)
    assert sent is not None and sent.state == "sent"
    tx = us.transactions[sent.transaction_id or ""]
    assert len(tx["documents"]) == 1 and len(tx["documents"][0]["fields"]) == 2
    assert us.created[sent.uid] == 1


def test_a_lost_start_answer_is_not_started_twice(sig_hub: Hub, us: Universign) -> None:
    us.lose_answers["start"] = 1
    request = hand_over(sig_hub, "D-LOST-3")
    run_jobs(sig_hub)
    sent = store.get(sig_hub, request.id)
    assert sent is not None and sent.state == "sent"
    assert us.created[sent.uid] == 1


def test_a_request_given_up_cancels_its_draft(sig_hub: Hub, us: Universign) -> None:
    sig_hub.settings.set("signature", "max_attempts", 1, SYSTEM)
    us.lose_answers["document"] = 1
    request = hand_over(sig_hub, "D-GIVEUP")
    run_jobs(sig_hub)
    failed = store.get(sig_hub, request.id)
    assert failed is not None and failed.state == "failed"
    assert "Gave up after 1 try" in (failed.reason or {}).get("en", "")
    [tx] = [t for t in us.transactions.values() if t["metadata"].get("raccord_id") == failed.uid]
    assert tx["state"] == "cancelled"  # no half-built draft left behind


def test_a_refused_key_fails_at_once_with_where_keys_are_made(sig_hub: Hub) -> None:
    sig_hub.settings.set("signature", "user", "apikey_revoked", SYSTEM)
    request = hand_over(sig_hub, "D-KEY")
    run_jobs(sig_hub)
    failed = store.get(sig_hub, request.id)
    assert failed is not None and failed.state == "failed"
    assert "API keys" in (failed.reason or {}).get("en", "")
    assert "apikey_revoked" not in str(failed.reason)


def test_nothing_is_sent_while_the_interface_is_disabled(sig_hub: Hub, us: Universign) -> None:
    sig_hub.settings.set("signature", "enabled", False, SYSTEM)
    request = hand_over(sig_hub, "D-OFF")
    run_jobs(sig_hub)
    waiting = store.get(sig_hub, request.id)
    assert waiting is not None and waiting.state == "received"
    assert "disabled" in (waiting.reason or {}).get("en", "")
    assert us.created[waiting.uid] == 0


def test_the_same_reference_in_progress_is_not_sent_twice(sig_hub: Hub) -> None:
    first = hand_over(sig_hub, "D-TWICE")
    again, created = intake.receive(sig_hub, request_in("D-TWICE"), quote_pdf("D-TWICE"),
                                    "erp")
    assert not created and again.id == first.id


def test_a_cancelled_request_is_cancelled_on_universign(sig_hub: Hub, us: Universign) -> None:
    request = hand_over(sig_hub, "D-CANCEL")
    run_jobs(sig_hub)
    cancelled = intake.cancel(sig_hub, request.id, "erp")
    assert cancelled.state == "cancelled"
    assert us.transactions[cancelled.transaction_id or ""]["state"] == "cancelled"
    assert state_of(sig_hub, request.id) == "cancelled"


def test_a_reminder_reaches_the_signers_whose_turn_it_is(sig_hub: Hub, us: Universign) -> None:
    request = hand_over(sig_hub, "D-REMIND", ordered=True)
    run_jobs(sig_hub)
    reminded = intake.remind(sig_hub, request.id, "erp")
    tx_id = reminded.transaction_id or ""
    assert us.reminders[f"{tx_id}/alice.martin@client.fr"] == 1
    assert us.reminders[f"{tx_id}/bob.durand@client.fr"] == 0
    assert reminded.reminders == 1
    assert any((e.message or {}).get("en") == "Reminder sent to the signers."
               for e in store.events(sig_hub, request.id))
