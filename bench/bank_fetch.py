"""Bank fetch benchmark: Bridge's simulator in its own process (HTTPS), raccord workers in
theirs.

1. First fetch of ACCOUNTS accounts holding TRANSACTIONS transactions each over a year: the
   worker is SIGKILLed in the middle, then restarted; it resumes (the killed worker's lease
   runs out) and nothing is stored twice or lost.
2. Ten incremental fetches where 1 % of each account changes (new, updated, deleted, pending
   booked); one of them by two workers at once.
3. Two statements per account (everything up to yesterday, then today with the corrections),
   each checked against Bridge's balance.
4. The intermediate table is compared with the simulated banks' books.

Bridge's limits (2,000 calls per 5 minutes, 60 per user per minute) are raised for the run on
both sides, as Bridge does for large applications on request: the run measures raccord.

Last line: accounts=N rows=R first_fetch_rows_per_s=A calls_per_incremental=C duplicates=D
lost=L balance_mismatches=B

    uv run python bench/bank_fetch.py [--smoke] [--accounts 40] [--transactions 25000]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LEASE_S = 3.0
LIMITS = {"app_per_5min": 1_000_000, "user_per_min": 1_000_000, "token_per_min": 1000}


# -- the processes -------------------------------------------------------------------------
def serve(port: int, ca_folder: str) -> None:
    import gc

    import uvicorn

    from raccord.interfaces.bank.simulator import make_simulator
    from raccord.sandbox.server import SandboxCA, sandbox_app

    ca = SandboxCA(Path(ca_folder)).ensure()
    gc.freeze()
    uvicorn.run(sandbox_app([make_simulator()]), host="127.0.0.1", port=port,
                log_level="error", ssl_certfile=str(ca.cert_pem), ssl_keyfile=str(ca.key_pem))


def work() -> None:
    """A worker: fetch until no account is held by another worker; print its counts."""
    from raccord.features.banking import fetch, runs
    from raccord.wiring import open_hub

    fetch.LEASE_S = LEASE_S
    hub = open_hub()
    print("ready", flush=True)
    totals: dict[str, float] = {"waited_s": 0.0}
    started = time.monotonic()
    while True:
        report = runs.run(hub, "bench", statements=False)
        for key, value in report.counts.items():
            totals[key] = totals.get(key, 0) + value
        if report.problems:
            totals["problems"] = totals.get("problems", 0) + len(report.problems)
            print(json.dumps(report.problems[:3]), file=sys.stderr)
        if not report.counts.get("accounts_busy"):
            break
        time.sleep(LEASE_S / 2)
        totals["waited_s"] += LEASE_S / 2
        totals["accounts_fetched_before"] = totals.get("accounts_fetched", 0)
    totals["elapsed_s"] = time.monotonic() - started
    print(json.dumps(totals))


def spawn(role: str, *args: str, home: Path | None = None) -> subprocess.Popen[bytes]:
    # Each process compiles raccord once into the run's own cache, not on every start.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(ROOT),
               PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "raccord-bench-pycache"))
    if home is not None:
        env["RACCORD_HOME"] = str(home)
    return subprocess.Popen([sys.executable, str(Path(__file__)), f"--{role}", *args], env=env,
                            stdout=subprocess.PIPE, cwd=str(ROOT))


def finished(process: subprocess.Popen[bytes], timeout: float = 3600) -> dict[str, float]:
    out, _ = process.communicate(timeout=timeout)
    if process.returncode != 0:
        raise SystemExit(f"worker failed ({process.returncode})")
    result: dict[str, float] = json.loads(out.decode().strip().splitlines()[-1])
    return result


START = time.monotonic()


def phase(name: str) -> None:
    print(f"{time.monotonic() - START:8.1f} s  {name} done", file=sys.stderr, flush=True)


# -- the run -------------------------------------------------------------------------------
def setup(home: Path, base: str, ca_pem: Path, control: httpx.Client, accounts: int,
          transactions: int) -> tuple[int, list[int]]:
    from sqlalchemy import update

    from raccord.core.roles import Role
    from raccord.core.settings_store import SYSTEM
    from raccord.features.banking.bridge import open_session
    from raccord.features.banking.models import BankAccount
    from raccord.features.banking.sync import refresh_banks
    from raccord.interfaces.bank import users
    from raccord.interfaces.bank.simulator import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
    from raccord.wiring import open_hub

    os.environ["RACCORD_HOME"] = str(home)
    hub = open_hub()
    hub.trust.add(ca_pem.read_bytes(), SYSTEM.login)
    hub.accounts.add_user("raccord-bot", "bench-bot-password", Role.OPERATOR, technical=True)
    hub.accounts.add_company("DEMO", "Démo SARL", "73282932000074")
    hub.settings.set_many("bank", {
        "url": base, "client_id": SANDBOX_CLIENT_ID, "client_secret": SANDBOX_CLIENT_SECRET,
        "enabled": True, "technical_user": "raccord-bot", "statement_period": "none",
        "technical_password": "bench-bot-password", "log_email": "compta@demo-sarl.fr",
        "app_calls_per_5min": LIMITS["app_per_5min"],
        "user_calls_per_minute": LIMITS["user_per_min"],
        "token_calls_per_minute": LIMITS["token_per_min"]}, SYSTEM)
    user = users.create_user(hub, "Démo SARL", "compta@demo-sarl.fr", SYSTEM)
    made = control.post("/bank/bank", json={
        "user_uuid": user.uuid, "accounts": accounts, "history": transactions,
        "pending": max(1, transactions // 500)}).json()
    with open_session(hub) as bridge:
        refresh_banks(hub, bridge)
    with hub.db.session() as session:
        session.execute(update(BankAccount).values(
            company_code="DEMO", journal_code="BQ1",
            statements_from=date.today() - timedelta(days=400)))
    hub.db.engine.dispose()
    return int(made["item_id"]), [int(a) for a in made["accounts"]]


def first_fetch(home: Path, rows_expected: int) -> float:
    """A worker killed in the middle, then restarted; rows per second of fetching."""
    from sqlalchemy import func, select

    from raccord.features.banking.models import BankTransaction
    from raccord.wiring import open_hub

    hub = open_hub()
    first = spawn("worker", home=home)
    assert first.stdout is not None
    first.stdout.readline()  # started: the clock runs from here
    started = time.monotonic()
    while first.poll() is None:
        with hub.db.session() as session:
            stored = session.scalar(select(func.count(BankTransaction.id))) or 0
        if stored >= rows_expected // 3:
            first.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    first.wait()
    killed_after = time.monotonic() - started
    restarted = finished(spawn("worker", home=home))
    fetching = killed_after + restarted["elapsed_s"] - restarted["waited_s"]
    hub.db.engine.dispose()
    return rows_expected / max(fetching, 1e-6)


def calls(control: httpx.Client) -> int:
    counts = control.get("/stats").json()["counts"]
    return sum(v for k, v in counts.items() if k.startswith(("GET ", "POST ", "DELETE ")))


def incremental(home: Path, control: httpx.Client, item_id: int, transactions: int,
                rounds: int) -> float:
    per_round = []
    change = max(4, transactions // 100)
    for number in range(rounds):
        control.post("/bank/refresh", json={
            "item_id": item_id, "seed": number, "new": change * 4 // 10,
            "update": change * 4 // 10, "delete": change // 10, "book": change // 10})
        before = calls(control)
        workers = 2 if number == rounds // 2 else 1  # one round by two workers at once
        for worker in [spawn("worker", home=home) for _ in range(workers)]:
            finished(worker)
        per_round.append(calls(control) - before)
    return sum(per_round) / max(len(per_round), 1)


def check(home: Path, control: httpx.Client, accounts: list[int]) -> tuple[int, int, int, int]:
    """(rows, duplicates, lost, balance mismatches) after two statements per account."""
    from sqlalchemy import func, select

    from raccord.features.banking.bridge import open_session
    from raccord.features.banking.models import BankAccount, BankTransaction
    from raccord.features.banking.periods import Period
    from raccord.features.banking.statements import Request, generate
    from raccord.features.banking.sync import refresh_banks
    from raccord.wiring import open_hub

    hub = open_hub()
    with open_session(hub) as bridge:  # balances as Bridge has them now
        refresh_banks(hub, bridge)
    today = date.today()
    mismatches = lost = 0
    with hub.db.session() as session:
        rows = int(session.scalar(select(func.count(BankTransaction.id))) or 0)
        duplicates = len(session.execute(
            select(BankTransaction.account_id, BankTransaction.bridge_id)
            .group_by(BankTransaction.account_id, BankTransaction.bridge_id)
            .having(func.count() > 1)).all())
        ids = {a.bridge_id: a.id for a in session.scalars(select(BankAccount))}
    for bridge_id in accounts:
        books = control.get(f"/bank/ledger/{bridge_id}").json()
        with hub.db.session() as session:
            stored = {r.bridge_id: r for r in session.scalars(select(BankTransaction).where(
                BankTransaction.account_id == ids[bridge_id]))}
        for tx_id, amount, deleted, future in books["rows"]:
            row = stored.get(tx_id)
            if deleted:
                lost += row is not None and not row.deleted
            elif row is None or row.deleted or row.amount_cents != amount \
                    or row.future != future:
                lost += 1
        for end, day in ((today - timedelta(days=1), today), (today, today)):
            made = generate(hub, Request(ids[bridge_id], Period.SINCE_LAST, end), "raccord-bot",
                            today=day)
            mismatches += made.difference_cents != 0
    hub.db.engine.dispose()
    return rows, duplicates, lost, mismatches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="3 accounts × 600, 3 rounds")
    parser.add_argument("--accounts", type=int, default=40)
    parser.add_argument("--transactions", type=int, default=25_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "CA"), help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1])
        return
    if args.worker:
        work()
        return
    if args.smoke:
        args.accounts, args.transactions, args.rounds = 3, 600, 3
    from raccord.sandbox.server import SandboxCA, free_port

    with tempfile.TemporaryDirectory(prefix="raccord-bank-bench-") as folder:
        base_dir = Path(folder)
        ca = SandboxCA(base_dir / "ca").ensure()
        port = free_port()
        server = spawn("serve", str(port), str(base_dir / "ca"))
        try:
            base = f"https://127.0.0.1:{port}/bank"
            verify = ssl.create_default_context(cafile=str(ca.ca_pem))
            control = httpx.Client(base_url=f"{base}/_sim", verify=verify, timeout=600)
            for _ in range(200):
                try:
                    control.get("/stats")
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            control.post("/bank/limits", json=LIMITS)
            home = base_dir / "home"
            home.mkdir()
            item_id, accounts = setup(home, base, ca.ca_pem, control, args.accounts,
                                      args.transactions)
            pending = max(1, args.transactions // 500)
            expected = args.accounts * (args.transactions + pending)
            phase("setup")
            rate = first_fetch(home, expected)
            phase("first fetch")
            per_incremental = incremental(home, control, item_id, args.transactions,
                                          args.rounds)
            phase("incremental fetches")
            rows, duplicates, lost, mismatches = check(home, control, accounts)
            phase("check")
            control.close()
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"accounts={args.accounts} rows={rows} first_fetch_rows_per_s={rate:.0f} "
          f"calls_per_incremental={per_incremental:.1f} duplicates={duplicates} lost={lost} "
          f"balance_mismatches={mismatches}")


if __name__ == "__main__":
    main()
