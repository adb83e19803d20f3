"""Receipt OCR benchmark: the local reader (OCR_LOCAL) on generated receipts, and Mindee's
simulator on a few of them.

    uv run python bench/ocr_receipts.py            # 300 receipts
    uv run python bench/ocr_receipts.py --smoke    # 20 receipts, for CI
    uv run python bench/ocr_receipts.py --receipts 1000 --first-seed 5000

Each receipt is made by raccord.interfaces.ocr.receipts (varied shops, layouts, fonts and
sizes, photographed with noise, blur, rotation, perspective, creases and uneven light), then
read by the local provider, which sees only the pixels (the truth the file carries is for
the Mindee simulator). A field counts as right when it equals the printed value exactly:
the total incl. tax, the date, and the VAT lines (every rate with its amount). Seconds per
receipt count the reading only, on one core (Tesseract and OpenCV limited to one thread):
`s_per_receipt` is the processor time of this process and its Tesseract children (user +
system), so that a machine shared with other work does not inflate it; the wall-clock time
and the load average are printed beside it.

The last line is machine-readable:
    receipts=N total_ok=A date_ok=B vat_ok=C s_per_receipt=S peak_mb=M
with A, B, C shares between 0 and 1, and M the largest resident memory of this process or of
a Tesseract child, in MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from memory import MemorySampler  # noqa: E402

from raccord.interfaces.ocr import local  # noqa: E402
from raccord.interfaces.ocr.reading import ReceiptReading  # noqa: E402
from raccord.interfaces.ocr.receipts import ReceiptTruth, make_receipt  # noqa: E402


def vat_pairs(items: list[tuple[str, str]]) -> set[tuple[Decimal, Decimal]]:
    return {(Decimal(rate), Decimal(amount)) for rate, amount in items}


def judge(reading: ReceiptReading | None, truth: ReceiptTruth) -> dict[str, bool]:
    if reading is None:
        return {"total": False, "date": False, "vat": False, "net": False, "merchant": False}
    read_vat = vat_pairs([(str(v.rate), str(v.amount)) for v in reading.vat
                          if v.amount is not None])
    return {
        "total": reading.total_incl_tax == Decimal(truth.total_incl_tax),
        "date": reading.date == date.fromisoformat(truth.date),
        "vat": read_vat == vat_pairs([(v.rate, v.amount) for v in truth.vat]),
        "net": reading.total_excl_tax == Decimal(truth.total_excl_tax),
        "merchant": (reading.merchant or "").upper() == truth.merchant,
    }


def cpu_s() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_local(count: int, first_seed: int,
              verbose: bool) -> tuple[Counter[str], list[float], list[float]]:
    right: Counter[str] = Counter()
    seconds: list[float] = []
    walls: list[float] = []
    for seed in range(first_seed, first_seed + count):
        content, truth, _ = make_receipt(seed)
        started, cpu_started = time.perf_counter(), cpu_s()
        try:
            reading: ReceiptReading | None = local.read_receipt(content)
        except local.ReceiptUnreadable:
            reading = None
        seconds.append(cpu_s() - cpu_started)
        walls.append(time.perf_counter() - started)
        verdict = judge(reading, truth)
        right.update(k for k, ok in verdict.items() if ok)
        if verbose and not (verdict["total"] and verdict["date"]):
            print(f"  seed {seed}: {'' if verdict['total'] else 'total '}"
                  f"{'' if verdict['date'] else 'date '}wrong "
                  f"({reading.total_incl_tax if reading else None} / {truth.total_incl_tax}, "
                  f"{reading.date if reading else None} / {truth.date})", flush=True)
        done = seed - first_seed + 1
        if done % 50 == 0:
            print(f"  {done}/{count} read, {statistics.mean(seconds):.2f} s each", flush=True)
    return right, seconds, walls


def run_mindee(count: int, first_seed: int) -> tuple[Counter[str], float]:
    """The same receipts through raccord's Mindee client and the Mindee simulator (HTTPS,
    real paths and auth), paced by the client at Mindee's 4 calls a second."""
    import tempfile

    from raccord.core.config import DeploymentMode, Environment
    from raccord.interfaces.ocr.client import read_receipt
    from raccord.sandbox.setup import point_at_sandbox, start_sandbox
    from raccord.wiring import open_hub

    def make_env(home: Path) -> Environment:
        home.mkdir(parents=True)
        return Environment(home=home, database_url=f"sqlite:///{home / 'raccord.db'}",
                           redis_url=None, secret_key=None, mode=DeploymentMode.ON_PREMISE)

    right: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        hub = open_hub(make_env(home / "hub"))
        box = start_sandbox(open_hub(make_env(home / "sandbox")), ca_folder=home / "ca")
        try:
            point_at_sandbox(hub, box)
            started = time.perf_counter()
            for seed in range(first_seed, first_seed + count):
                content, truth, content_type = make_receipt(seed)
                reading = read_receipt(hub, content, "receipt", content_type, "OCR_MINDEE")
                right.update(k for k, ok in judge(reading, truth).items() if ok)
            elapsed = (time.perf_counter() - started) / max(count, 1)
        finally:
            box.stop()
    return right, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--receipts", type=int, default=300)
    parser.add_argument("--first-seed", type=int, default=100_000)
    parser.add_argument("--mindee", type=int, default=30, help="receipts sent to the simulator")
    parser.add_argument("--smoke", action="store_true", help="20 receipts, well under a minute")
    parser.add_argument("--verbose", action="store_true", help="name each receipt read wrong")
    args = parser.parse_args()
    count, mindee_count = (20, 5) if args.smoke else (args.receipts, args.mindee)
    if not local.available():
        raise SystemExit("tesseract is not installed: run scripts/install.sh")
    print(f"reading {count} generated receipts with OCR_LOCAL (one core); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} processors", flush=True)
    with MemorySampler() as memory:
        right, seconds, walls = run_local(count, args.first_seed, args.verbose)
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    shares = {k: right[k] / count for k in ("total", "date", "vat", "net", "merchant")}
    print("  " + ", ".join(f"{k} {v:.1%}" for k, v in shares.items())
          + f"; {statistics.mean(seconds):.2f} s of processor a receipt (p95 "
          f"{sorted(seconds)[int(len(seconds) * 0.95) - 1]:.2f} s), "
          f"{statistics.mean(walls):.2f} s of wall clock; load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    if mindee_count:
        mindee, each = run_mindee(mindee_count, args.first_seed)
        print(f"Mindee simulator on {mindee_count} of them: total "
              f"{mindee['total'] / mindee_count:.0%}, date {mindee['date'] / mindee_count:.0%},"
              f" vat {mindee['vat'] / mindee_count:.0%}; {each:.2f} s a receipt", flush=True)
    print(f"receipts={count} total_ok={shares['total']:.3f} date_ok={shares['date']:.3f} "
          f"vat_ok={shares['vat']:.3f} s_per_receipt={statistics.mean(seconds):.3f} "
          f"peak_mb={max(memory.peak, children_mb):.0f}")


if __name__ == "__main__":
    main()
