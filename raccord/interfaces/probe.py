"""The availability probe: each enabled interface's Test runs by itself every
`probe_interval_s` (a live setting of each interface with a Test, hourly by default, never
below what the service tolerates), so the dashboard says whether it works and since when
without anyone pressing Test. A change of status is recorded once (`StatusChange`); alerts
follow those changes.

One scheduled job (`core.probe`) wakes every minute and tests the interfaces that are due;
each interface's turn is claimed in `probe_runs` by its generation, so two schedulers or
workers never test the same interface twice for one turn."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update

from raccord.core.jobs import scheduled
from raccord.core.models import ProbeRun, aware, utcnow

if TYPE_CHECKING:
    from raccord.core.hub import Hub
    from raccord.interfaces.hub import InterfaceHub

PROBE_JOB = "core.probe"
DEFAULT_INTERVAL_S = 3600


def should_probe(hub: InterfaceHub, name: str) -> bool:
    """Enabled interfaces are probed; one with no `enabled` field once it has been tested (a
    screen nobody filled in is not reported failing every hour)."""
    spec = hub.interfaces[name]
    if not spec.tests:
        return False
    values = hub.values(name)
    if "enabled" in values:
        return bool(values["enabled"])
    return hub.status(name) is not None


def interval_of(hub: Hub, name: str) -> int:
    value = hub.values(name).get("probe_interval_s")
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_INTERVAL_S


def _claim(hub: Hub, name: str, interval_s: int) -> bool:
    """Take this interface's turn if it is due (first turn: now)."""
    now = utcnow()
    with hub.db.session() as session:
        row = session.get(ProbeRun, name)
        if row is None:
            session.add(ProbeRun(interface=name, last_at=now, generation=1))
            try:
                session.flush()
            except Exception:  # another worker inserted the first turn at the same moment
                return False
            return True
        if aware(row.last_at) + timedelta(seconds=interval_s) > now:
            return False
        return bool(session.execute(  # type: ignore[attr-defined]
            update(ProbeRun).where(ProbeRun.interface == name,
                                   ProbeRun.generation == row.generation)
            .values(last_at=now, generation=row.generation + 1)
            .execution_options(synchronize_session=False)).rowcount)


def next_probe_at(hub: Hub, name: str) -> object:
    with hub.db.session() as session:
        row = session.get(ProbeRun, name)
        return None if row is None else aware(row.last_at) + timedelta(
            seconds=interval_of(hub, name))


def probe(hub: InterfaceHub) -> Counter[str]:
    """Test every interface that is due; the outcome becomes its status (source `probe`)."""
    counts: Counter[str] = Counter()
    for name in hub.interfaces:
        if not should_probe(hub, name) or not _claim(hub, name, interval_of(hub, name)):
            continue
        reports = hub.run_tests(name, source="probe")
        counts["tested"] += 1
        counts["up" if all(r.ok for r in reports) else "down"] += 1
    return counts


@scheduled(PROBE_JOB, interface=None, interval_key=None, startup_key=None, every_s=60)
def probe_job(hub: Hub) -> dict[str, int]:
    from raccord.interfaces.hub import InterfaceHub

    assert isinstance(hub, InterfaceHub)
    return dict(probe(hub))
