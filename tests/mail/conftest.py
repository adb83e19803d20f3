"""Fixtures of the mail tests: a hub pointed at the sandbox (Gmail chosen, GOOGLE_MAIL on),
its Gmail simulator, and a helper that runs the queued jobs."""

from __future__ import annotations

from typing import Any

import pytest

from raccord.core.hub import Hub
from raccord.core.outbox import MailMessage, OutgoingMail, mail_state, queue_mail
from raccord.core.simulator import Simulator
from raccord.sandbox.setup import Sandbox


@pytest.fixture
def gmail_sim(sandbox: Sandbox) -> Simulator:
    return sandbox.simulators["gmail"]


@pytest.fixture
def mail_hub(sandboxed_hub: Hub, gmail_sim: Simulator) -> Hub:
    gmail_sim.reset()
    return sandboxed_hub


def send_now(hub: Hub, mail: OutgoingMail | None = None, **options: Any) -> MailMessage:
    """Queue a mail, run the queue, return the row as it ends."""
    message_id = queue_mail(hub, mail or OutgoingMail(
        to=("marie.dupont@client.fr",), subject="Note de frais n°12",
        text="Bonjour,\nvotre note de frais est validée."), origin="test", **options)
    hub.jobs.run_pending()
    row = mail_state(hub, message_id)
    assert row is not None
    return row
