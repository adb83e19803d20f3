"""Calendar sync benchmark: the ERP's appointments pushed to Outlook through Microsoft Graph,
then steady rounds of changes on both sides, against the Microsoft 365 simulator.

    uv run python bench/calendar_sync.py             # 1,000 mailboxes x 50 appointments
    uv run python bench/calendar_sync.py --smoke     # 20 x 10, 2 rounds, for CI

Initial push of every appointment with 5 % of the answers carrying creates lost (the work is
done, the answer never comes: raccord must find the events again, never duplicate them), and
0.2 % of Graph requests throttled with a 429 and Retry-After on top of Graph's own limits
(4 concurrent requests and 10,000 per 10 minutes per mailbox, enforced by the simulator).
Then rounds where 1 % of the appointments change in the ERP and 1 % of the events are moved
in Outlook, each followed by one sync of every mailbox. `exchange.max_threads` is 64 (the
field's maximum: 64 mailboxes synchronised at once, 8 groups of 8 sharing `$batch` calls).

Checked at the end: every appointment has exactly one event carrying its id (duplicates),
with the ERP's values and Outlook's moves taken back (lost), and no request reached a mailbox
before the Retry-After it had been given (`early`, printed on the line before the last).

The last line is machine-readable:
    mailboxes=N events=E initial_s=A calls_per_change=C duplicates=D lost=L http_429=H
calls_per_change: calls to Graph in the steady rounds divided by the changes made (token
requests excluded); http_429: 429 answers the simulator gave (all honoured when early=0).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from raccord.core.config import DeploymentMode, Environment  # noqa: E402
from raccord.core.settings_store import SYSTEM  # noqa: E402
from raccord.features.calendar import records  # noqa: E402
from raccord.features.calendar.models import Appointment, Mailbox, State  # noqa: E402
from raccord.features.calendar.records import desired  # noqa: E402
from raccord.features.calendar.sync import sync  # noqa: E402
from raccord.interfaces.exchange.events import PROPERTY_NAME  # noqa: E402
from raccord.interfaces.exchange.sim_calendar import Calendars  # noqa: E402
from raccord.interfaces.exchange.sim_directory import Mailbox as DirectoryMailbox  # noqa: E402
from raccord.sandbox.setup import point_at_sandbox, start_sandbox  # noqa: E402
from raccord.wiring import open_hub  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
SEED = 11


def address(n: int) -> str:
    return f"bench-{n:04d}@contoso.com"


def seed_appointments(hub: Any, mailboxes: int, per: int) -> None:
    """The ERP's appointments, written in bulk (the API path is measured by the tests)."""
    day = datetime.now(PARIS).replace(hour=8, minute=0, second=0, microsecond=0)
    with hub.db.session() as session:
        for m in range(mailboxes):
            session.add(Mailbox(address=address(m), company="BENCH", enabled=True, failures=0))
            for a in range(per):
                start = day + timedelta(days=1 + a // 4, hours=2 * (a % 4))
                session.add(Appointment(
                    erp_id=f"B{m:04d}-{a:03d}", uid=uuid.uuid4().hex, mailbox=address(m),
                    subject=f"Intervention {m}/{a}", start_at=start.astimezone(UTC),
                    end_at=(start + timedelta(hours=1, minutes=30)).astimezone(UTC),
                    time_zone="Europe/Paris", all_day=False, location="Chantier",
                    body="Planning", categories=["Planning"], show_as="busy", private=False,
                    attendees=[], recurrence=None, deleted=False, erp_version=1,
                    pushed_version=0, state=State.PENDING.value,
                    transaction_id=str(uuid.uuid4()), create_sent=False, attempts=0))


def graph_calls(counts: dict[str, int]) -> int:
    return sum(v for k, v in counts.items() if "/v1.0/" in k)


def check(hub: Any, calendars: Calendars) -> tuple[int, int]:
    """(duplicates, lost) between the appointments and the mailboxes' events."""
    with hub.db.session() as session:
        rows = list(session.scalars(select(Appointment).where(Appointment.deleted.is_(False))))
    duplicates = lost = 0
    by_uid: dict[str, list[Any]] = {}
    with calendars.lock:
        for calendar in calendars.mailboxes.values():
            for event in calendar.events.values():
                uid = next((v for (_, name), v in event.props.items() if name == PROPERTY_NAME),
                           None)
                by_uid.setdefault(uid or "", []).append(event)
    for row in rows:
        events = by_uid.get(row.uid, [])
        duplicates += max(0, len(events) - 1)
        if not events:
            lost += 1
            continue
        event, wanted = events[0], desired(row)
        if (event.fields["subject"] != wanted.subject or event.fields["start"] != wanted.start
                or event.fields["end"] != wanted.end):
            lost += 1
    duplicates += len(by_uid.get("", []))
    return duplicates, lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mailboxes", type=int, default=1000)
    parser.add_argument("--per", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.mailboxes, args.per, args.rounds = 20, 10, 2
    random.seed(SEED)
    home = Path(tempfile.mkdtemp(prefix="raccord-calendar-bench-"))
    env = Environment(home=home, database_url=f"sqlite:///{home / 'raccord.db'}",
                      redis_url=None, secret_key=None, mode=DeploymentMode.ON_PREMISE)
    hub = open_hub(env)
    sandbox = start_sandbox(hub)
    try:
        point_at_sandbox(hub, sandbox)
        sim = sandbox.simulators["exchange"]
        calendars: Calendars = sim.state["calendars"]
        graph = sim.state["graph"]
        directory = sim.state["directory"]
        for m in range(args.mailboxes):
            directory.mailboxes[address(m)] = DirectoryMailbox(f"Bench {m}")
        hub.settings.set_many("exchange", {"graph": True, "max_threads": args.threads,
                                           "timeout_s": 10}, SYSTEM)
        sim.faults.hang_s = 10.5
        graph.drop_create_rate = 0.05
        calendars.throttle_rate = 0.002
        seed_appointments(hub, args.mailboxes, args.per)
        events = args.mailboxes * args.per
        print(f"{args.mailboxes} mailboxes x {args.per} appointments: initial push ...",
              flush=True)
        started = time.monotonic()
        totals = run_until_done(hub)
        print(f"  {totals}", flush=True)
        initial_s = time.monotonic() - started
        all_rows = [r.erp_id for r in _rows(hub)]
        calls = changes = 0
        for number in range(args.rounds):
            erp = random.sample(all_rows, max(1, len(all_rows) // 100))
            for erp_id in erp:
                records.change(hub, erp_id, {"subject": f"Replanifié {number} {erp_id}"})
            with calendars.lock:
                pool = [e for c in calendars.mailboxes.values() for e in c.events.values()]
            moved = random.sample(pool, max(1, len(pool) // 100))
            for event in moved:
                shift = timedelta(hours=1)
                calendars.update(event, {"start": event.fields["start"] + shift,
                                         "end": event.fields["end"] + shift})
            sim.counts.clear()
            totals = run_until_done(hub)
            round_calls = graph_calls(dict(sim.counts))
            calls += round_calls
            changes += len(erp) + len(moved)
            print(f"  round {number + 1}: {len(erp)} ERP changes, {len(moved)} Outlook moves, "
                  f"{round_calls} calls, {totals}", flush=True)
        graph.drop_create_rate = 0.0
        calendars.throttle_rate = 0.0
        duplicates, lost = check(hub, calendars)
        http_429 = calendars.throttled + sim.http_429
        print(f"early={calendars.early} (requests before their Retry-After)", flush=True)
        print(f"mailboxes={args.mailboxes} events={events} initial_s={initial_s:.1f} "
              f"calls_per_change={calls / max(1, changes):.2f} duplicates={duplicates} "
              f"lost={lost} http_429={http_429}", flush=True)
        ok = duplicates == 0 and lost == 0 and calendars.early == 0
        return 0 if ok and calls / max(1, changes) <= 1.5 else 1
    finally:
        sandbox.stop()


def run_until_done(hub: Any, runs: int = 12) -> dict[str, int]:
    """One sync of every mailbox, then the re-queued ones (throttled, lost answers, passing
    failures) as workers would take them: each waits for its mailbox's pause."""
    totals = sync(hub)
    counts = totals.as_dict()
    for _ in range(runs):
        if not totals.retry and not _pending(hub):
            break
        totals = sync(hub, list(totals.retry) or None)
        for key, value in totals.counts.items():
            counts[key] += value
    return counts


def _rows(hub: Any) -> list[Appointment]:
    with hub.db.session() as session:
        return list(session.scalars(select(Appointment)))


def _pending(hub: Any) -> list[Appointment]:
    with hub.db.session() as session:
        return list(session.scalars(select(Appointment).where(
            Appointment.pushed_version < Appointment.erp_version)))


if __name__ == "__main__":
    sys.exit(main())
