"""How close raccord gets to CHORUS PRO's ceiling without ever going over it.

Pushes invoices through the whole pipeline (structured data → Factur-X → validation → queue →
workers → deposit → flow report → integrated) against the simulator in its own process, with a
per-call latency of several hundred milliseconds, and measures from the simulator's record:
- achieved deposits per second ÷ the configured ceiling (target ≥ 0.95);
- the most calls the portal saw in any one-second window (must not exceed the ceiling);
- 429 answers received (must be 0);
then the same one call at a time (baseline), then with two worker processes sharing Redis.

    uv run python bench/chorus_throughput.py [--invoices 2000] [--ceiling 20] [--latency-ms 300]

Last line (machine-readable):
ceiling=C achieved=A ratio=R max_1s_window=M http_429=K baseline_ratio=B workers2_ratio=R2 \
workers2_max_1s_window=M2
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from chorus_common import (  # noqa: E402
    SandboxProcess,
    configure,
    hand_over,
    make_home,
    max_window,
    rate,
    redis_server,
    sandbox_process,
    scratch,
    states,
    wait_for,
    workers,
)

from raccord.wiring import open_hub  # noqa: E402


@dataclass
class Run:
    name: str
    invoices: int
    achieved: float
    ratio: float
    max_1s: int
    http_429: int
    integrated: int
    duplicates: int


def one_run(box: SandboxProcess, base: Path, name: str, *, invoices: int, ceiling: int,
            latency_ms: int, processes: int, threads: int, redis_url: str | None,
            fmt: str) -> Run:
    box.reset()
    env = make_home(base, name, redis_url)
    hub = open_hub(env)
    configure(hub, box, ceiling)
    box.faults()  # the structure lookups and token of the hand-over go at full speed
    took = hand_over(env, invoices, name.upper(), fmt)
    print(f"[{name}] {invoices} invoices validated and queued in {took:.1f} s", flush=True)
    box.faults(latency_ms=latency_ms)
    started = time.monotonic()
    with workers(env, processes, threads):
        done = wait_for(hub, {"deposited", "integrated", "failed", "rejected"}, invoices,
                        timeout_s=invoices / max(ceiling, 1) * 20 + 120)
        deposit_s = time.monotonic() - started
        print(f"[{name}] deposits done in {deposit_s:.1f} s: {done}", flush=True)
        done = wait_for(hub, {"integrated", "failed", "rejected"}, invoices, timeout_s=300,
                        follow=True)
    record = box.record()
    # Kept for a look at the busiest second (which calls, how far apart).
    (env.home / "record.json").write_text(json.dumps(record))
    achieved = rate(record["deposit_times"])
    run = Run(name, invoices, achieved, achieved / ceiling, max_window(record["calls"]),
              record["http_429"], done.get("integrated", 0),
              sum(1 for n in record["deposits"].values() if n > 1))
    print(f"[{name}] {run.achieved:.2f} deposits/s = {run.ratio:.3f} × ceiling {ceiling}; "
          f"busiest second {run.max_1s} calls; {run.http_429} × 429; {run.integrated} "
          f"integrated; {run.duplicates} deposited twice; states {states(hub)}", flush=True)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--baseline-invoices", type=int, default=200,
                        help="one call at a time is slow: its rate needs fewer invoices")
    parser.add_argument("--ceiling", type=int, default=20)
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--threads", type=int, default=0,
                        help="worker threads (default: enough to fill the ceiling)")
    parser.add_argument("--format", default="facturx", choices=("facturx", "ubl", "cii"))
    parser.add_argument("--smoke", action="store_true",
                        help="a short run for CI: 60 invoices, 20 for the baseline")
    args = parser.parse_args()
    if args.smoke:
        args.invoices, args.baseline_invoices = 60, 20
    # Enough threads to keep every slot used while others write to the database; more only
    # add contention (measured: 12 at 20/s and 300 ms).
    threads = args.threads or max(4, round(args.ceiling * (args.latency_ms / 1000 + 0.2) * 1.2))
    base = scratch("raccord-chorus-bench-")
    print(f"bench home {base}; ceiling {args.ceiling}/s, latency {args.latency_ms} ms, "
          f"{threads} worker threads", flush=True)
    with sandbox_process(base) as box:
        main_run = one_run(box, base, "main", invoices=args.invoices, ceiling=args.ceiling,
                           latency_ms=args.latency_ms, processes=1, threads=threads,
                           redis_url=None, fmt=args.format)
        baseline = one_run(box, base, "baseline", invoices=args.baseline_invoices,
                           ceiling=args.ceiling, latency_ms=args.latency_ms, processes=1,
                           threads=1, redis_url=None, fmt=args.format)
        with redis_server(base) as redis_url:
            two = one_run(box, base, "workers2", invoices=args.invoices, ceiling=args.ceiling,
                          latency_ms=args.latency_ms, processes=2,
                          threads=max(4, threads // 2 + 2), redis_url=redis_url,
                          fmt=args.format)
    print(f"ceiling={args.ceiling} achieved={main_run.achieved:.2f} ratio={main_run.ratio:.3f} "
          f"max_1s_window={main_run.max_1s} http_429={main_run.http_429} "
          f"baseline_ratio={baseline.ratio:.3f} workers2_ratio={two.ratio:.3f} "
          f"workers2_max_1s_window={two.max_1s}")


if __name__ == "__main__":
    main()
