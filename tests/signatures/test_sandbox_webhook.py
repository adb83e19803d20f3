"""In the sandbox, Universign's webhooks reach the running console: a document signed at the
simulated Universign moves its request on at once, without waiting for the scheduled
follow-up (the workers here run no schedule)."""

from __future__ import annotations

from raccord.core.hub import Hub
from raccord.features.signatures import store
from raccord.interfaces.signature.sandbox import WEBHOOK_PATH
from raccord.interfaces.signature.simulator import Universign
from raccord.sandbox.setup import Sandbox
from tests.live_console import live_console, wait_for
from tests.signatures.conftest import ALICE, BOB, hand_over


def state_is(hub: Hub, request_id: int, state: str) -> bool:
    found = store.get(hub, request_id)
    return found is not None and found.state == state


def test_a_signature_at_universign_updates_the_request_at_once(
        sig_hub: Hub, us: Universign, sandbox: Sandbox) -> None:
    with live_console(sig_hub, sandbox) as console:
        assert us.webhooks.endpoint == console + WEBHOOK_PATH
        assert sig_hub.values("signature")["universign_webhooks"] is True
        request = hand_over(sig_hub, "D-LIVE")
        wait_for(lambda: state_is(sig_hub, request.id, "sent"))
        sent = store.get(sig_hub, request.id)
        assert sent is not None and sent.transaction_id
        us.sign(sent.transaction_id, ALICE["email"])
        wait_for(lambda: state_is(sig_hub, request.id, "partly_signed"))
        us.sign(sent.transaction_id, BOB["email"])
        wait_for(lambda: state_is(sig_hub, request.id, "signed"))
    history = [e.to_state for e in store.events(sig_hub, request.id)]
    assert history[-2:] == ["partly_signed", "signed"]
