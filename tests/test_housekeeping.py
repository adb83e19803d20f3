"""The call log and run history do not grow forever."""

from datetime import timedelta

from sqlalchemy import func, select

from raccord.core.housekeeping import CALL_LOG_DAYS, purge_history
from raccord.core.hub import Hub
from raccord.core.jobs import SCHEDULES, Scheduler
from raccord.core.models import CallLog, utcnow


def test_old_calls_are_purged_and_recent_ones_kept(hub: Hub) -> None:
    with hub.db.session() as session:
        for age in (CALL_LOG_DAYS + 1, 1):
            session.add(CallLog(at=utcnow() - timedelta(days=age), interface="sirene",
                                method="GET", url="https://x/", status=200, duration_ms=1,
                                outcome="ok"))
    assert purge_history(hub)["call_log_deleted"] == 1
    with hub.db.session() as session:
        assert session.scalar(select(func.count(CallLog.id))) == 1


def test_the_purge_is_scheduled_daily_without_any_setting(hub: Hub) -> None:
    schedule = SCHEDULES["core.purge_history"]
    assert schedule.every_s == 86400
    scheduler = Scheduler(hub)
    scheduler.arm_startup_delays()
    assert "core.purge_history" not in scheduler.tick()  # first run a minute after start


def test_a_client_secret_about_to_expire_raises_the_interface_banner(hub: Hub) -> None:
    from datetime import date

    from raccord.core.housekeeping import expiry_warnings
    from raccord.core.settings_store import SYSTEM

    soon = (date.today() + timedelta(days=10)).isoformat()
    hub.settings.set("exchange", "client_secret_expires_on", soon, SYSTEM)
    assert expiry_warnings(hub) == {"warnings": 1}
    status = hub.status("exchange")
    assert status is not None and not status.ok and "10 days" in status.summary
    hub.settings.set("exchange", "client_secret_expires_on",
                     (date.today() + timedelta(days=400)).isoformat(), SYSTEM)
    assert expiry_warnings(hub) == {"warnings": 0}


def test_an_expiry_date_must_be_a_date(hub: Hub) -> None:
    import pytest

    from raccord.core.schema import SettingError
    from raccord.core.settings_store import SYSTEM

    with pytest.raises(SettingError, match="YYYY-MM-DD"):
        hub.settings.set("exchange", "client_secret_expires_on", "next june", SYSTEM)
