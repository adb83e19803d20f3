"""Background work of the bank connection: the scheduled fetch (the screen's interval and
startup delay, read live) and the fetch Bridge's webhook asks for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.jobs import job, scheduled
from raccord.features.banking import runs

if TYPE_CHECKING:
    from raccord.core.hub import Hub

FETCH_JOB = "bank.fetch"
WEBHOOK_FETCH_JOB = "bank.fetch_item"


@scheduled(FETCH_JOB, interface="bank", interval_key="poll_interval_s",
           startup_key="startup_delay_s")
def scheduled_fetch(hub: Hub) -> dict[str, int]:
    return dict(runs.run(hub, "schedule").counts)


@job(WEBHOOK_FETCH_JOB, interface="bank")
def item_fetch(hub: Hub, item_id: int) -> dict[str, int]:
    return dict(runs.run(hub, "webhook", item_id=item_id).counts)
