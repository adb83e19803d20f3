"""Mail through the outbox at Gmail's per-user limits, and never a message twice.

Queues N messages, lets one `raccord worker` process (8 threads, one limiter) send them
through the Gmail simulator, whose per-user limits are the ones raccord is configured with
(quota units per second, a send costing 100; the daily sending limit), and measures from the
simulator's own record:
- sent: messages Gmail accepted; twice: Message-IDs Gmail received more than once (must be 0);
- rate_ratio: achieved sends per second over the allowed rate (target >= 0.9);
- http_429: refusals by Gmail's own limits (raccord's limiter should leave none).

    uv run python bench/mail_send.py [--messages 5000] [--units-per-second 5000] [--smoke]

Gmail's real per-user quota is 250 units a second (2.5 sends a second) and 2,000 messages a
day: the default scales the per-second quota up (25 sends a second) so that 5,000 messages
take minutes, not hours; the ratio is the same measure at any scale.

Last line (machine-readable): messages=N sent=S twice=T rate_ratio=R
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from raccord.core.config import DeploymentMode, Environment  # noqa: E402
from raccord.core.outbox import OutgoingMail, queue_mail  # noqa: E402
from raccord.core.settings_store import SYSTEM  # noqa: E402
from raccord.features.mail.send import sweep  # noqa: E402
from raccord.interfaces.gmail.sandbox_key import SANDBOX_CLIENT_ID, SANDBOX_DOMAIN  # noqa: E402
from raccord.interfaces.gmail.serviceaccount import GMAIL_READONLY, GMAIL_SEND  # noqa: E402
from raccord.interfaces.gmail.simulator import delegate  # noqa: E402
from raccord.sandbox.setup import point_at_sandbox, start_sandbox  # noqa: E402
from raccord.wiring import open_hub  # noqa: E402


def sent_states(hub: object) -> Counter[str]:
    """Messages per state, counted by the database: this process also runs the simulator,
    whose answers a poll reading every row would hold up (its GIL) every second."""
    from sqlalchemy import func, select

    from raccord.core.outbox import MailMessage

    with hub.db.read() as connection:  # type: ignore[attr-defined]
        return Counter(dict(connection.execute(
            select(MailMessage.state, func.count()).group_by(MailMessage.state)).all()))


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _worker_cpu(worker: subprocess.Popen[bytes]) -> float:
    """CPU seconds (user and system) the running worker used so far (Linux's /proc)."""
    try:
        fields = Path(f"/proc/{worker.pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stop(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGINT)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--units-per-second", type=int, default=2500)
    parser.add_argument("--daily", type=int, default=None,
                        help="daily sending limit (default: every message fits)")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--smoke", action="store_true", help="short run for CI")
    args = parser.parse_args()
    if args.smoke:
        args.messages, args.units_per_second = 120, 2000
    # Exactly room for every message: a send Gmail refused (429) and raccord retried counts
    # once, as at Gmail, so a limiter counting it twice would stop short of the last ones.
    daily = args.daily or args.messages
    base = Path(tempfile.mkdtemp(prefix="raccord-mail-bench-"))
    home = base / "home"
    home.mkdir()
    env = Environment(home=home, database_url=f"sqlite:///{home / 'raccord.db'}",
                      redis_url=None, secret_key=None, mode=DeploymentMode.ON_PREMISE)
    hub = open_hub(env)
    box = start_sandbox(hub, ca_folder=base / "ca")
    worker = None
    try:
        point_at_sandbox(hub, box)
        sim = box.simulators["gmail"]
        sim.state["limits"].units_per_second = args.units_per_second
        sim.state["limits"].daily_sends = daily
        # Uncertain sends are looked up in the mailbox (gmail.readonly), as advised.
        delegate(sim, SANDBOX_CLIENT_ID, SANDBOX_DOMAIN, {GMAIL_SEND, GMAIL_READONLY})
        hub.settings.set_many("gmail", {"units_per_second": args.units_per_second,
                                        "daily_limit": daily, "search_sent": True}, SYSTEM)
        started = time.monotonic()
        for n in range(args.messages):
            queue_mail(hub, OutgoingMail(to=(f"client{n}@client.fr",), subject=f"Relevé {n}",
                                         text=f"Bonjour,\nvotre relevé n°{n}."),
                       origin="bench", idempotency_key=f"bench-{n}")
        print(f"{args.messages} messages queued in {time.monotonic() - started:.1f} s",
              flush=True)
        variables = dict(os.environ, RACCORD_HOME=str(home),
                         RACCORD_DATABASE_URL=env.database_url, PYTHONPATH=str(ROOT))
        variables.pop("RACCORD_REDIS_URL", None)
        own_cpu = _cpu(resource.RUSAGE_SELF)
        worker = subprocess.Popen([sys.executable, "-c", "from raccord.cli import main; main()",
                                   "worker", "--workers", str(args.threads), "--no-scheduler"],
                                  cwd=ROOT, env=variables, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        allowed = args.units_per_second / 100
        deadline = time.monotonic() + args.messages / allowed * 3 + 60
        swept = time.monotonic()
        # The worker's CPU from its first send on (its start-up left out), per message sent.
        cpu_from: tuple[float, int] | None = None
        while time.monotonic() < deadline:
            if time.monotonic() - swept > 30:  # what the scheduler's mail.sweep does
                sweep(hub)
                swept = time.monotonic()
            states = sent_states(hub)
            if cpu_from is None and states["sent"]:
                cpu_from = (_worker_cpu(worker), states["sent"])
            if states["sent"] + states["failed"] + states["unknown"] >= args.messages or (
                    states["sent"] >= daily):
                break
            time.sleep(1.0)
        states = sent_states(hub)
        print(f"states: {dict(states)}", flush=True)
        record = list(sim.state["sent"])
        per_id = Counter(m["message_id"] for m in record)
        twice = sum(1 for count in per_id.values() if count > 1)
        times = sorted(m["at"] for m in record)
        achieved = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
        ratio = achieved / allowed
        print(f"allowed {allowed:.1f}/s, achieved {achieved:.2f}/s, Gmail refusals "
              f"{sim.state['limits'].refused}", flush=True)
        worker_cpu = _worker_cpu(worker)
        _stop(worker)
        worker = None
        simulator_cpu = _cpu(resource.RUSAGE_SELF) - own_cpu
        if cpu_from is not None and states["sent"] > cpu_from[1]:
            per_message = (worker_cpu - cpu_from[0]) / (states["sent"] - cpu_from[1])
            print(f"CPU per message: worker {per_message * 1000:.1f} ms (after its start-up), "
                  f"simulator and bench {simulator_cpu / len(per_id) * 1000:.1f} ms",
                  flush=True)
        print(f"messages={args.messages} sent={len(per_id)} twice={twice} "
              f"rate_ratio={ratio:.3f}")
        if args.smoke and (twice or len(per_id) < args.messages):
            raise SystemExit("smoke run: messages lost or sent twice")
    finally:
        if worker is not None:
            _stop(worker)
        box.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
