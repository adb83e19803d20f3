"""Exactly once, at scale: the two reliability runs of the CHORUS PRO issue.

1. A batch of 500 invoices; the worker is killed (SIGKILL) in the middle, then restarted: every
   invoice must end deposited exactly once (the simulator's count), none lost.
2. The same batch with 10 % of the calls failing (5xx, timeouts, lost answers): every invoice
   ends integrated or failed with its reason after the configured tries, none deposited twice.

    uv run python bench/chorus_reliability.py [--invoices 500] [--latency-ms 100]

Last line: `killed_run_ok=… lost=… twice=… faults_run_ok=… failed=… twice_faults=…`
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from chorus_common import (  # noqa: E402
    SandboxProcess,
    configure,
    hand_over,
    make_home,
    sandbox_process,
    scratch,
    states,
    wait_for,
    workers,
)

from raccord.features.einvoicing import transmit  # noqa: E402
from raccord.wiring import open_hub  # noqa: E402


def killed_run(box: SandboxProcess, base: Path, invoices: int, latency_ms: int
               ) -> tuple[int, int]:
    box.reset(processing_s=0.5)
    env = make_home(base, "killed")
    hub = open_hub(env)
    configure(hub, box, 20, timeout_s=5, reconcile_after_s=5)
    hand_over(env, invoices, "K")
    box.faults(latency_ms=latency_ms)
    with workers(env, 1, 12) as [first]:
        while sum(n for s, n in states(hub).items() if s != "queued") < invoices // 2:
            time.sleep(0.2)
        first.send_signal(signal.SIGKILL)
        first.wait()
    print(f"[killed] worker killed with {states(hub)}", flush=True)
    with workers(env, 1, 12):
        time.sleep(2 * 5 + transmit.LEASE_MARGIN_S + 2)  # the killed deposits' lease
        print(f"[killed] after restart, sweep: {dict(transmit.sweep(hub, stale_s=0))}",
              flush=True)
        wait_for(hub, {"deposited", "integrated"}, invoices, timeout_s=600)
        final = wait_for(hub, {"integrated"}, invoices, timeout_s=300, follow=True)
    counts = box.record()["deposits"]
    twice = sum(1 for n in counts.values() if n > 1)
    lost = invoices - sum(1 for n in counts.values() if n >= 1)
    print(f"[killed] final {final}; {lost} never deposited, {twice} deposited twice",
          flush=True)
    return lost, twice


def faults_run(box: SandboxProcess, base: Path, invoices: int, latency_ms: int
               ) -> tuple[int, int, int]:
    box.reset(processing_s=0.5)
    env = make_home(base, "faults")
    hub = open_hub(env)
    configure(hub, box, 20, timeout_s=2, reconcile_after_s=3, retry_delay_s=1)
    hand_over(env, invoices, "F")
    box.faults(latency_ms=latency_ms, error_rate=0.04, timeout_rate=0.03, drop_rate=0.03,
               hang_s=3)
    with workers(env, 1, 16):
        final = wait_for(hub, {"integrated", "failed"}, invoices, timeout_s=900, follow=True)
    counts = box.record()["deposits"]
    twice = sum(1 for n in counts.values() if n > 1)
    from raccord.features.einvoicing.views import listing

    failed = listing(hub, state="failed", limit=invoices)
    unexplained = sum(1 for i in failed if not i.errors)
    print(f"[faults] final {final}; {twice} deposited twice; {len(failed)} failed "
          f"({unexplained} without a reason); reasons: "
          f"{Counter(i.errors[0]['en'][:60] for i in failed if i.errors).most_common(3)}",
          flush=True)
    settled = final.get("integrated", 0) + final.get("failed", 0)
    return settled, len(failed), twice + unexplained


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=500)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--smoke", action="store_true", help="a short run for CI: 40 invoices")
    args = parser.parse_args()
    if args.smoke:
        args.invoices = 40
    base = scratch("raccord-chorus-reliability-")
    with sandbox_process(base) as box:
        lost, twice = killed_run(box, base, args.invoices, args.latency_ms)
        settled, failed, bad = faults_run(box, base, args.invoices, args.latency_ms)
    print(f"killed_run_ok={lost == 0 and twice == 0} lost={lost} twice={twice} "
          f"faults_run_ok={settled == args.invoices and bad == 0} failed={failed} "
          f"twice_faults={bad}")


if __name__ == "__main__":
    main()
