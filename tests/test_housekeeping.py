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
