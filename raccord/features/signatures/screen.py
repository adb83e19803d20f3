"""What the Universign settings screen shows under its fields: a warning when the follow-up
interval is below one hour, how many requests are followed, and the follow-up's last run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from raccord.core.i18n import Tr
from raccord.core.models import JobRun
from raccord.features.signatures.dispatch import FOLLOW_UP_JOB
from raccord.features.signatures.followup import open_count

if TYPE_CHECKING:
    from raccord.core.hub import Hub

LOW_INTERVAL_S = 3600
LOW_INTERVAL = Tr(
    "Intervalle inférieur à une heure : chaque passage interroge Universign pour chaque "
    "transaction ouverte, ce qui charge le service (déconseillé). Préférez les webhooks "
    "Universign et un intervalle de quelques heures.",
    "Interval below one hour: each run asks Universign about every open transaction, which "
    "loads the service (not advised). Prefer Universign's webhooks and an interval of a few "
    "hours.")


def followup_summary(hub: Hub) -> dict[str, Any]:
    interval = int(hub.values("signature").get("poll_interval_s") or 0)
    with hub.db.session() as session:
        last = session.scalar(select(JobRun).where(JobRun.task == FOLLOW_UP_JOB)
                              .order_by(JobRun.id.desc()).limit(1))
    return {"open": open_count(hub), "last_run": last,
            "warning": LOW_INTERVAL if interval < LOW_INTERVAL_S else None}
