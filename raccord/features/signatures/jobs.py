"""Background work of electronic signature (run by `raccord worker`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.jobs import job, scheduled
from raccord.features.signatures import followup, sending
from raccord.features.signatures.dispatch import FOLLOW_UP_JOB, SEND_JOB, SYNC_JOB

if TYPE_CHECKING:
    from raccord.core.hub import Hub


@job(SEND_JOB, interface="signature")
def send(hub: Hub, request_id: int) -> dict[str, int]:
    return {sending.send(hub, request_id): 1}


@job(SYNC_JOB, interface="signature")
def sync(hub: Hub, request_id: int) -> dict[str, int]:
    return {followup.sync(hub, request_id): 1}


@scheduled(FOLLOW_UP_JOB, interface="signature", interval_key="poll_interval_s",
           startup_key="startup_delay_s")
def follow_up(hub: Hub) -> dict[str, int]:
    return followup.follow_up(hub)
