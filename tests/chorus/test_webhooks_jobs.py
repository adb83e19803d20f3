"""The ERP is told of every status change (signed), and the follow-up runs as a scheduled job
with its interval and startup delay read from the settings."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request

from raccord.core.hub import Hub
from raccord.core.jobs import SCHEDULES, recent_runs
from raccord.core.settings_store import SYSTEM
from raccord.features.einvoicing import intake, views
from raccord.features.einvoicing.dispatch import FOLLOW_UP_JOB
from raccord.sandbox.server import ThreadedServer
from tests.chorus.conftest import sample
from tests.chorus.helpers import drain


@pytest.fixture
def erp() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    app = FastAPI()

    @app.post("/hooks/einvoices")
    async def hook(request: Request) -> dict[str, str]:
        body = await request.body()
        received.append({"body": json.loads(body), "raw": body,
                         "signature": request.headers.get("x-raccord-signature")})
        return {"ok": "yes"}

    server = ThreadedServer(app).start()
    yield f"{server.url}/hooks/einvoices", received
    server.stop()


def test_every_status_change_is_posted_to_the_erp_signed(
        chorus_hub: Hub, erp: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = erp
    chorus_hub.settings.set_many("chorus", {"webhook_url": url,
                                            "webhook_secret": "erp-shared-secret"}, SYSTEM)
    receipt = intake.receive(chorus_hub, "DEMO", "erp", data=sample("W-1"))
    drain(chorus_hub)
    chorus_hub.jobs.run_pending()
    states = [r["body"]["invoice"]["state"] for r in received]
    assert states == ["valid", "queued", "depositing", "deposited", "integrated"]
    last = received[-1]
    assert last["body"]["invoice"]["id"] == receipt.id
    assert last["body"]["invoice"]["portal_status"] == "MISE_A_DISPOSITION"
    expected = hmac.new(b"erp-shared-secret", last["raw"], hashlib.sha256).hexdigest()
    assert last["signature"] == f"sha256={expected}"


def test_the_follow_up_is_a_scheduled_job_reading_its_interval_live(chorus_hub: Hub) -> None:
    schedule = SCHEDULES[FOLLOW_UP_JOB]
    assert (schedule.interface, schedule.interval_key, schedule.startup_key) == (
        "chorus", "poll_interval_s", "startup_delay_s")
    intake.receive(chorus_hub, "DEMO", "erp", data=sample("J-1"))
    chorus_hub.jobs.run_pending()
    chorus_hub.jobs.enqueue(FOLLOW_UP_JOB)
    chorus_hub.jobs.run_pending()
    run = next(r for r in recent_runs(chorus_hub, interface="chorus")
               if r.task == FOLLOW_UP_JOB)
    assert run.outcome == "success" and (run.counts or {}).get("integrated") == 1
    assert views.counts_by_state(chorus_hub) == {"integrated": 1}
