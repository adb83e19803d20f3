"""Calendar tests: a hub pointed at the Microsoft 365 simulator, appointments handed over as
the ERP does, and the simulator's mailboxes seen "in Outlook"."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Simulator
from raccord.features.calendar import records
from raccord.interfaces.exchange import sim_directory as tenant
from raccord.interfaces.exchange.sim_calendar import Calendars, SimEvent
from raccord.sandbox.setup import Sandbox

PARIS = ZoneInfo("Europe/Paris")
MAILBOX = tenant.TEST_USER
OTHER = tenant.OTHER_USER
EWS = {"graph": False, "impersonation": True}


def tomorrow(hour: int, minute: int = 0, days: int = 1) -> datetime:
    base = datetime.now(PARIS).replace(hour=0, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days, hours=hour, minutes=minute)


def appointment(erp_id: str, mailbox: str = MAILBOX, **changes: Any) -> records.AppointmentIn:
    fields: dict[str, Any] = {
        "erp_id": erp_id, "mailbox": mailbox, "subject": f"Intervention {erp_id}",
        "start": tomorrow(9), "end": tomorrow(10, 30), "location": "Lyon",
        "body": "Chantier rue de la République", "categories": ["Planning"],
        **changes}
    return records.AppointmentIn.model_validate(fields)


@pytest.fixture
def exchange(sandbox: Sandbox) -> Simulator:
    return sandbox.simulators["exchange"]


@pytest.fixture
def calendars(exchange: Simulator) -> Calendars:
    found: Calendars = exchange.state["calendars"]
    return found


@pytest.fixture
def graph_hub(sandboxed_hub: Hub) -> Hub:
    sandboxed_hub.settings.set_many("exchange", {"timeout_s": 5}, SYSTEM)
    return sandboxed_hub


@pytest.fixture
def ews_hub(sandboxed_hub: Hub) -> Hub:
    sandboxed_hub.settings.set_many("exchange", {**EWS, "timeout_s": 5}, SYSTEM)
    return sandboxed_hub


def events_of(calendars: Calendars, mailbox: str = MAILBOX) -> list[SimEvent]:
    with calendars.lock:
        return sorted(calendars.of(mailbox).events.values(), key=lambda e: e.number)
