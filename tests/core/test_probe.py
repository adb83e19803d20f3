"""The availability probe: each enabled interface's Test runs by itself at its live
interval, a change of status is recorded once, and certificates say their own state."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import trustme
from sqlalchemy import func, select, update

from raccord.core.hub import Hub
from raccord.core.models import ProbeRun, StatusChange
from raccord.core.schema import SettingError
from raccord.core.settings_store import SYSTEM
from raccord.interfaces.certificates.state import trust_state
from raccord.interfaces.probe import probe
from raccord.sandbox.setup import Sandbox


def changes(hub: Hub, interface: str) -> int:
    with hub.db.session() as session:
        return int(session.scalar(select(func.count(StatusChange.id)).where(
            StatusChange.interface == interface)) or 0)


def age_the_last_probe(hub: Hub, interface: str, seconds: float) -> None:
    with hub.db.session() as session:
        row = session.get(ProbeRun, interface)
        assert row is not None
        session.execute(update(ProbeRun).where(ProbeRun.interface == interface)
                        .values(last_at=row.last_at - timedelta(seconds=seconds)))


def test_enabled_interfaces_are_tested_by_the_probe_at_their_live_interval(
        sandboxed_hub: Hub) -> None:
    hub = sandboxed_hub
    first = probe(hub)
    # The sandbox enables CHORUS, SIRENE, OCR, signature and bank: each tested once, now.
    assert first["tested"] >= 4 and first["down"] == 0, first
    status = hub.status("sirene")
    assert status is not None and status.ok and status.source == "probe"
    assert probe(hub)["tested"] == 0  # not due again within the hour
    age_the_last_probe(hub, "sirene", 1000)
    assert probe(hub)["tested"] == 0  # 1,000 s is not an hour
    hub.settings.set("sirene", "probe_interval_s", 600, SYSTEM)  # live: no restart
    assert probe(hub) == {"tested": 1, "up": 1}
    # Never more often than the service tolerates.
    with pytest.raises(SettingError):
        hub.settings.set("sirene", "probe_interval_s", 10, SYSTEM)
    hub.settings.set("sirene", "enabled", False, SYSTEM)
    age_the_last_probe(hub, "sirene", 7200)
    assert probe(hub).get("tested", 0) == 0  # a disabled interface is left alone


def test_a_change_of_status_is_recorded_once(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    hub = sandboxed_hub
    hub.run_tests("sirene")
    hub.run_tests("sirene")
    assert changes(hub, "sirene") == 1  # first known state
    up = hub.status("sirene")
    assert up is not None and up.ok
    since = up.since
    [authority] = hub.trust.list()
    hub.trust.remove(authority.fingerprint)
    # Many workers seeing the same failure at once: one change.
    threads = [threading.Thread(target=hub.run_tests, args=("sirene",)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert changes(hub, "sirene") == 2
    down = hub.status("sirene")
    assert down is not None and not down.ok and down.since is not None
    assert since is not None and down.since > since
    hub.trust.add(sandbox.ca.ca_pem.read_bytes(), "test")
    hub.run_tests("sirene")
    history = hub.status_changes("sirene")
    assert [c.ok for c in history] == [True, False, True]


def test_certificates_warn_thirty_days_before_an_authority_expires(hub: Hub) -> None:
    assert trust_state(hub).level == "none"
    authority = trustme.CA(organization_name="Expiring Root")
    hub.trust.add(authority.cert_pem.bytes(), "test")
    [info] = hub.trust.list()
    expires = info.not_after
    assert trust_state(hub, expires - timedelta(days=31)).level == "ok"
    warned = trust_state(hub, expires - timedelta(days=30, hours=1))
    assert warned.level == "warning"
    assert "expire dans 30 jours" in warned.message.fr
    assert "expires in 30 days" in warned.message.en
    assert trust_state(hub, expires + timedelta(days=1)).level == "failed"
