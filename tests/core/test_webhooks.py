"""Notifications to the ERP: signed, kept until delivered, retried by re-queueing without
multiplying attempts, and never sent when no URL is saved."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from raccord.core.hub import Hub
from raccord.core.models import WebhookDelivery
from raccord.core.settings_store import SYSTEM
from raccord.core.webhooks import notify, sign


class Receiver:
    def __init__(self) -> None:
        self.bodies: list[tuple[bytes, dict[str, str]]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.bodies.append((body, dict(self.headers)))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


def test_a_notification_is_signed_and_delivered_once(hub: Hub, receiver: Receiver) -> None:
    hub.settings.set_many("chorus", {"webhook_url": receiver.url,
                                     "webhook_secret": "s3cret-for-the-erp"}, SYSTEM)
    delivery = notify(hub, "chorus", "thing.changed", {"thing": {"id": 7}})
    hub.jobs.run_pending()
    [(body, headers)] = receiver.bodies
    assert json.loads(body)["thing"] == {"id": 7}
    assert headers["X-Raccord-Signature"] == sign("s3cret-for-the-erp", body)
    with hub.db.session() as session:
        row = session.get(WebhookDelivery, delivery)
        assert row is not None and row.state == "delivered" and row.attempts == 1


def test_an_unreachable_erp_is_tried_max_attempts_times_in_all(hub: Hub,
                                                               receiver: Receiver) -> None:
    hub.settings.set_many("chorus", {"webhook_url": receiver.url, "max_attempts": 3,
                                     "retry_delay_s": 0}, SYSTEM)
    receiver.status = 503
    delivery = notify(hub, "chorus", "thing.changed", {})
    hub.jobs.run_pending(include_scheduled=True)
    assert len(receiver.bodies) == 3
    with hub.db.session() as session:
        row = session.get(WebhookDelivery, delivery)
        assert row is not None and row.state == "failed" and row.attempts == 3


def test_no_url_no_notification(hub: Hub) -> None:
    assert notify(hub, "chorus", "thing.changed", {}) is None
    assert hub.jobs.pending() == 0
