"""SIRENE local copy benchmark: import, lookups, bulk enrichment, against the API's pace.

    uv run python bench/sirene_lookup.py                  # 5,000,000 establishments
    uv run python bench/sirene_lookup.py --rows 20000000
    uv run python bench/sirene_lookup.py --smoke          # ~50,000 rows, for CI

Builds INSEE-shaped stock files (zip CSV, real columns) from the generated population (in a
child process, cached in --work for later runs), imports them into a fresh local copy while
sampling the process's memory, then times 10,000 lookups and the enrichment of a 10,000-line
CSV from the copy. The API alone would need one call per number at 30 calls a minute.

The last line is machine-readable:
    rows=N import_rows_per_s=X peak_mb=M lookup_p50_ms=A lookup_p99_ms=B enrich_10k_s=S
    api_only_10k_s=T
rows: establishments in the copy; import_rows_per_s: rows of both files (legal units and
establishments) per second; peak_mb: the largest resident memory of this process during the
import (the child process that writes the files is not counted).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from raccord.wiring import open_hub

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from memory import MemorySampler, rss_mb  # noqa: E402

NUMBERS = 10_000
SEED = 42


def stock_files(work: Path, rows: int) -> tuple[Path, Path, int, int]:
    """Generated once per (rows, seed) in a child process, then reused."""
    folder = work / f"stock-{rows}-{SEED}"
    manifest = folder / "manifest.json"
    if not manifest.exists():
        started = time.monotonic()
        print(f"generating stock files for {rows:,} establishments in {folder} ...", flush=True)
        subprocess.run([sys.executable, __file__, "--generate", str(folder), "--rows",
                        str(rows)], check=True)
        print(f"  generated in {time.monotonic() - started:.0f} s", flush=True)
    data = json.loads(manifest.read_text())
    return Path(data["units"]), Path(data["establishments"]), data["unit_rows"], \
        data["establishment_rows"]


def generate(folder: Path, rows: int) -> None:
    from raccord.interfaces.sirene.stock import write_stock_files

    files = write_stock_files(folder, rows, SEED)
    (folder / "manifest.json").write_text(json.dumps({
        "units": str(files.units), "establishments": str(files.establishments),
        "unit_rows": files.unit_rows, "establishment_rows": files.establishment_rows}))


def sample_numbers(count: int, units_in_copy: int) -> list[str]:
    """SIRETs (80 %), SIRENs (15 %) and numbers the copy does not hold (5 %)."""
    from raccord.interfaces.sirene.population import generate as population
    from raccord.interfaces.sirene.population import luhn_complete

    rng = random.Random(7)
    known = list(population(min(units_in_copy, 60_000), SEED))
    numbers = []
    for _ in range(count):
        roll = rng.random()
        unit = rng.choice(known)
        if roll < 0.80:
            numbers.append(rng.choice(unit.establishments).siret)
        elif roll < 0.95:
            numbers.append(unit.siren)
        else:
            numbers.append(luhn_complete(f"{unit.siren}9{rng.randrange(1000):03d}"))
    return numbers


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000,
                        help="establishments in the copy (default 5,000,000)")
    parser.add_argument("--smoke", action="store_true", help="~50,000 rows, well under a minute")
    parser.add_argument("--work", type=Path, default=None,
                        help="where generated stock files are kept between runs")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, args.rows)
        return
    rows = 50_000 if args.smoke else args.rows
    work = args.work or Path(tempfile.gettempdir()) / "raccord-bench-sirene"
    units_file, establishments_file, unit_rows, establishment_rows = stock_files(work, rows)

    from cryptography.fernet import Fernet

    from raccord.core.config import DeploymentMode, Environment
    from raccord.features.sirene.enrich import enrich
    from raccord.features.sirene.importer import Progress, import_stock
    from raccord.features.sirene.lookup import Lookups, UnknownNumber

    with tempfile.TemporaryDirectory(prefix="raccord-bench-home-", dir=work) as home_dir:
        home = Path(home_dir)
        marks: dict[int, float] = {}

        def watch(progress: Progress) -> None:
            if progress.kind == "establishments" and progress.total:
                quarter = int(4 * progress.position / progress.total)
                marks.setdefault(quarter, rss_mb())

        print(f"importing {unit_rows:,} legal units and {establishment_rows:,} establishments"
              " ...", flush=True)
        started = time.monotonic()
        with MemorySampler() as memory:
            info = import_stock(home, [units_file, establishments_file], progress=watch)
        import_s = time.monotonic() - started
        rows_per_s = (info.units + info.establishments) / import_s
        print(f"  {import_s:.1f} s, {rows_per_s:,.0f} rows/s, peak {memory.peak:.0f} MB; "
              "memory at 25/50/75/100 % of the establishments: "
              + " / ".join(f"{marks[q]:.0f}" for q in sorted(marks) if q > 0) + " MB; copy "
              f"{info.path.stat().st_size / 2**20:,.0f} MB", flush=True)

        env = Environment(home=home, database_url=f"sqlite:///{home / 'raccord.db'}",
                          redis_url=None, secret_key=Fernet.generate_key().decode(),
                          mode=DeploymentMode.ON_PREMISE)
        hub = open_hub(env)  # the API is off: every answer comes from the copy
        numbers = sample_numbers(NUMBERS, info.units)
        timings = []
        with Lookups(hub) as lookups:
            for number in numbers[:200]:  # open the copy, warm its first pages
                with contextlib.suppress(UnknownNumber):
                    lookups.find(number)
            for number in numbers:
                began = time.perf_counter()
                with contextlib.suppress(UnknownNumber):
                    lookups.find(number)
                timings.append((time.perf_counter() - began) * 1000)
        p50, p99 = percentile(timings, 0.50), percentile(timings, 0.99)
        print(f"lookups from the copy: p50 {p50:.3f} ms, p99 {p99:.3f} ms", flush=True)

        source = io.StringIO("siret\n" + "\n".join(numbers) + "\n")
        began = time.monotonic()
        state = enrich(hub, source, io.StringIO(), total=NUMBERS)
        enrich_s = time.monotonic() - began
        calls = sum(1 for n in numbers if n.isdigit())
        api_only_s = calls * 60 / 30
        print(f"enrich {NUMBERS:,} numbers from the copy: {enrich_s:.1f} s "
              f"({dict(state.counts)}); the API alone at 30 calls a minute: "
              f"{api_only_s:,.0f} s ({api_only_s / 3600:.1f} h), "
              f"{api_only_s / max(enrich_s, 1e-9):,.0f} times longer", flush=True)
        hub.db.engine.dispose()

    print(f"rows={info.establishments} import_rows_per_s={rows_per_s:.0f} "
          f"peak_mb={memory.peak:.0f} lookup_p50_ms={p50:.3f} lookup_p99_ms={p99:.3f} "
          f"enrich_10k_s={enrich_s:.2f} api_only_10k_s={api_only_s:.0f}")


if __name__ == "__main__":
    main()
