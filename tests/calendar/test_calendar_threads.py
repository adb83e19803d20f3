# ruff: noqa: F811  (fixtures imported from tests.calendar.helpers)
"""`exchange.max_threads` is the number of mailboxes synchronised at once (the seed's
"synchronisations en simultané"), through Graph (mailboxes sharing `$batch` calls) and EWS."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from raccord.core import locks
from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Simulator
from raccord.features.calendar import records
from raccord.features.calendar import sync as calendar_sync
from raccord.features.calendar.sync import group_shape, sync
from raccord.interfaces.exchange.sim_calendar import Calendars
from raccord.interfaces.exchange.sim_directory import Mailbox as DirectoryMailbox
from tests.calendar.helpers import (  # noqa: F401  (fixtures)
    EWS,
    appointment,
    calendars,
    events_of,
    exchange,
    graph_hub,
)


def test_groups_never_hold_more_mailboxes_than_max_threads() -> None:
    assert group_shape(4, graph=True) == (2, 2)
    assert group_shape(16, graph=True) == (4, 4)
    assert group_shape(21, graph=True) == (4, 5)
    assert group_shape(64, graph=True) == (8, 8)
    assert group_shape(1, graph=True) == (1, 1)
    assert group_shape(6, graph=False) == (1, 6)
    for limit in range(1, 65):
        size, at_once = group_shape(limit, graph=True)
        assert size <= 20 and limit - size < size * at_once <= limit


@pytest.mark.parametrize("protocol", ["graph", "ews"])
def test_at_most_max_threads_mailboxes_are_synchronised_at_once(
        graph_hub: Hub, exchange: Simulator, calendars: Calendars,
        monkeypatch: pytest.MonkeyPatch, protocol: str) -> None:
    team = [f"equipe-{n}@contoso.com" for n in range(7)]
    for address in team:
        monkeypatch.setitem(exchange.state["directory"].mailboxes, address,
                            DirectoryMailbox(address))
    graph_hub.settings.set_many("exchange", {"max_threads": 3, **(
        EWS if protocol == "ews" else {})}, SYSTEM)
    for address in team:
        for n in range(3):
            records.save(graph_hub, appointment(f"{address}-{n}", mailbox=address))
    held: set[str] = set()
    most = [0]
    guard = threading.Lock()
    take = locks.try_take

    class Counted:
        def __init__(self, lease: locks.Lease) -> None:
            self.lease = lease

        def release(self) -> None:
            with guard:
                held.discard(self.lease.key)
            self.lease.release()

    def counted(hub: Hub, key: str, ttl_s: float = 60.0) -> Any:
        lease = take(hub, key, ttl_s)
        if lease is None:
            return None
        with guard:
            held.add(key)
            most[0] = max(most[0], len(held))
        return Counted(lease)

    monkeypatch.setattr(calendar_sync, "try_take", counted)
    totals = sync(graph_hub)
    assert totals.counts["created"] == 21 and totals.counts["failed"] == 0
    assert most[0] == 3  # the whole allowance used, never more
    assert all(len(events_of(calendars, a)) == 3 for a in team)
