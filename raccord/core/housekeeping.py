"""Housekeeping jobs: the call log and the run history are kept for a bounded time."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete

from raccord.core.jobs import scheduled
from raccord.core.models import CallLog, JobRun, utcnow

if TYPE_CHECKING:
    from raccord.core.hub import Hub

CALL_LOG_DAYS = 30
RUN_HISTORY_DAYS = 90


@scheduled("core.purge_history", interface=None, interval_key=None, startup_key=None,
           every_s=86400)
def purge_history(hub: Hub) -> dict[str, int]:
    now = utcnow()
    with hub.db.session() as session:
        calls = session.execute(delete(CallLog).where(
            CallLog.at < now - timedelta(days=CALL_LOG_DAYS))).rowcount  # type: ignore[attr-defined]
        runs = session.execute(delete(JobRun).where(
            JobRun.started_at < now - timedelta(days=RUN_HISTORY_DAYS))).rowcount  # type: ignore[attr-defined]
    return {"call_log_deleted": calls, "runs_deleted": runs}
