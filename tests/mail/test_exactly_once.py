"""A message is never sent twice, even when the worker sending it is killed (SIGKILL) after
Gmail received it but before its answer came back: the message is looked up in the sending
mailbox by its Message-ID (gmail.readonly), or left to a person when it cannot be."""

from __future__ import annotations

import signal
import time
from collections import Counter

from sqlalchemy import select

from raccord.core.hub import Hub
from raccord.core.outbox import MailMessage, OutgoingMail, queue_mail
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Simulator
from raccord.features.mail.send import sweep
from raccord.interfaces.gmail.sandbox_key import SANDBOX_CLIENT_ID, SANDBOX_DOMAIN
from raccord.interfaces.gmail.serviceaccount import GMAIL_READONLY, GMAIL_SEND
from raccord.interfaces.gmail.simulator import delegate
from tests.worker_process import start_worker, wait_until


def states(hub: Hub) -> Counter[str]:
    with hub.db.session() as session:
        return Counter(session.scalars(select(MailMessage.state)))


def queue(hub: Hub, count: int) -> None:
    # Not a test of the per-second quota: the killed worker's limiter dies with it, and the
    # next sends must not meet Gmail's count of its last second.
    hub.settings.set("gmail", "units_per_second", 100_000, SYSTEM)
    for n in range(count):
        queue_mail(hub, OutgoingMail(to=(f"client{n}@client.fr",), subject=f"Relevé {n}",
                                     text="Bonjour"), origin="test", idempotency_key=f"k{n}")


def kill_mid_send(hub: Hub, sim: Simulator, in_flight: int) -> None:
    """Gmail carries every send out but its answers never come back; once `in_flight` are
    at Gmail, the worker is killed."""
    sim.state["limits"].units_per_second = 100_000
    sim.state["lose_send_answers"] = True
    worker = start_worker(hub.env.home, workers=2)
    try:
        assert wait_until(lambda: len(sim.state["sent"]) >= in_flight, 90), (
            hub.env.home / "worker.log").read_text()[-3000:]
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    sim.state["lose_send_answers"] = False


def test_a_worker_killed_mid_send_sends_nothing_twice(mail_hub: Hub,
                                                      gmail_sim: Simulator) -> None:
    delegate(gmail_sim, SANDBOX_CLIENT_ID, SANDBOX_DOMAIN, {GMAIL_SEND, GMAIL_READONLY})
    mail_hub.settings.set("gmail", "search_sent", True, SYSTEM)
    queue(mail_hub, 6)
    kill_mid_send(mail_hub, gmail_sim, 2)
    assert states(mail_hub)["sending"] == 2  # at Gmail, their answers lost with the worker
    assert sweep(mail_hub, lease_s=0)["reconciled"] == 2
    mail_hub.jobs.run_pending()
    assert states(mail_hub) == {"sent": 6}
    per_message = Counter(m["message_id"] for m in gmail_sim.state["sent"])
    assert len(per_message) == 6 and set(per_message.values()) == {1}
    with mail_hub.db.session() as session:
        found = session.scalars(select(MailMessage).where(MailMessage.attempts == 1)).all()
        assert len(found) == 6  # found in the mailbox, not sent again


def test_a_send_killed_before_it_reached_gmail_is_sent_after_the_check(
        mail_hub: Hub, gmail_sim: Simulator) -> None:
    delegate(gmail_sim, SANDBOX_CLIENT_ID, SANDBOX_DOMAIN, {GMAIL_SEND, GMAIL_READONLY})
    mail_hub.settings.set("gmail", "search_sent", True, SYSTEM)
    queue(mail_hub, 1)
    gmail_sim.state["limits"].units_per_second = 100_000
    gmail_sim.faults.latency_ms = 60_000  # the call waits at Google's door
    worker = start_worker(mail_hub.env.home, workers=2)
    try:
        assert wait_until(lambda: states(mail_hub)["sending"] == 1, 60)
        time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    gmail_sim.faults.latency_ms = 0
    assert gmail_sim.state["sent"] == []
    sweep(mail_hub, lease_s=0)  # not in the mailbox: queued again
    mail_hub.jobs.run_pending()
    assert states(mail_hub) == {"sent": 1} and len(gmail_sim.state["sent"]) == 1


def test_without_the_mailbox_search_an_uncertain_send_waits_for_a_person(
        mail_hub: Hub, gmail_sim: Simulator) -> None:
    from raccord.features.mail.send import mark_sent

    queue(mail_hub, 1)
    kill_mid_send(mail_hub, gmail_sim, 1)
    sweep(mail_hub, lease_s=0)
    mail_hub.jobs.run_pending()
    assert states(mail_hub) == {"unknown": 1} and len(gmail_sim.state["sent"]) == 1
    with mail_hub.db.session() as session:
        row = session.scalars(select(MailMessage)).one()
    assert row.reason is not None and "check with the recipient" in row.reason["en"]
    assert mark_sent(mail_hub, row.id, "admin")
    assert states(mail_hub) == {"sent": 1}
