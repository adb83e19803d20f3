"""Signature follow-up: calls per scheduled run for many open requests of which a few change
between runs, without and with Universign's webhooks.

5,000 requests are open on the Universign simulator (two signers each); between runs 2 % of
them change (a signer signs, which completes the half already signed once, or a signer
refuses). Each mode does `--runs` runs and prints

    webhooks=off open=N calls_per_run=C signed_fetched=S duplicates=D
    webhooks=on open=N calls_per_run=C signed_fetched=S duplicates=D

where C counts every call raccord made to Universign for a run (webhook-driven reads
included), S the signed documents fetched, D documents fetched twice or transactions created
twice. Targets: without webhooks, at most one status call per open request; with webhooks,
calls grow with the requests that changed, not with those open. The last line is JSON."""

from __future__ import annotations

import argparse
import io
import json
import random
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from raccord.core.config import DeploymentMode, Environment  # noqa: E402
from raccord.core.settings_store import SYSTEM  # noqa: E402
from raccord.features.signatures import followup, incoming  # noqa: E402
from raccord.features.signatures.models import SignatureRequest  # noqa: E402
from raccord.features.signatures.states import State  # noqa: E402
from raccord.interfaces.signature.sim_documents import sign_pdf  # noqa: E402
from raccord.interfaces.signature.simulator import Universign, universign  # noqa: E402
from raccord.sandbox.setup import Sandbox, point_at_sandbox, start_sandbox  # noqa: E402
from raccord.wiring import open_hub  # noqa: E402

SIGNERS = [{"name": "Alice Martin", "email": "alice@client.fr"},
           {"name": "Bob Durand", "email": "bob@client.fr"}]


def _pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 760, "Devis — Démo SARL")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _stamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())


def seed(hub: Any, us: Universign, count: int) -> None:
    """`count` requests already sent: started transactions on the simulator, rows in `sent`;
    half of them already signed by their first signer."""
    pdf = _pdf()
    half = sign_pdf(us.identity, pdf, "Signature1", SIGNERS[0]["name"])
    rows = []
    with us.lock:
        for n in range(count):
            uid = uuid.uuid4().hex
            tx_id = f"tx_bench{n:05d}{secrets.token_hex(3)}"
            doc_id = f"doc_{n:05d}"
            name = f"Devis Q-{n:05d}.pdf"
            us.transactions[tx_id] = {
                "object": "transaction", "id": tx_id, "state": "started", "stalled": False,
                "name": name, "language": "fr", "created_at": _stamp(),
                "updated_at": _stamp(), "sequencing": "parallel", "metadata": {
                    "raccord_id": uid},
                "participants": [{"email": s["email"], "full_name": s["name"]}
                                 for s in SIGNERS],
                "documents": [{"object": "document", "id": doc_id, "name": name,
                               "fields": []}],
                "instructions": {"signatures": []},
                "actions": [{"id": f"act_{n}_{i}", "participant": s["email"],
                             "state": "closed" if (i == 0 and n % 2) else "open"}
                            for i, s in enumerate(SIGNERS)],
                "progress_value": 50 if n % 2 else 0}
            us.pdfs[tx_id] = {doc_id: half if n % 2 else pdf}
            us.created[uid] += 1
            rows.append(SignatureRequest(
                uid=uid, company_code="DEMO", kind="quote", reference=f"Q-{n:05d}",
                file_name=name, content=pdf, signers=SIGNERS,
                state=(State.PARTLY_SIGNED if n % 2 else State.SENT).value,
                transaction_id=tx_id, universign_state="started",
                signed_by=[SIGNERS[0]["email"]] if n % 2 else []))
    with hub.db.session() as session:
        session.add_all(rows)


def change(us: Universign, share: float, rng: random.Random) -> int:
    """A share of the open transactions move: a signer signs (most), or refuses."""
    open_ids = [t["id"] for t in us.transactions.values()
                if t["state"] == "started" and not t["stalled"]]
    moved = rng.sample(open_ids, max(1, int(len(open_ids) * share))) if open_ids else []
    for tx_id in moved:
        tx = us.transactions[tx_id]
        waiting = [a["participant"] for a in tx["actions"] if a["state"] == "open"][::-1]
        if rng.random() < 0.1:
            us.refuse(tx_id, waiting[0], "Le prix a changé")
        else:
            us.sign(tx_id, waiting[0])
    return len(moved)


def _raccord_calls(counts: Counter[str]) -> int:
    return sum(v for k, v in counts.items() if k.startswith(("GET ", "POST ")))


def _downloads(counts: Counter[str]) -> Counter[str]:
    return Counter({k: v for k, v in counts.items() if k.endswith("/download")})


def measure(hub: Any, box: Sandbox, us: Universign, webhooks: bool, runs: int,
            rng: random.Random) -> dict[str, int]:
    sim = box.simulators["signature"]
    hub.settings.set("signature", "universign_webhooks", webhooks, SYSTEM)
    followup.follow_up(hub)  # a first run: with webhooks, where the listing starts from
    downloads: Counter[str] = Counter()
    calls = signed = 0
    opened = followup.open_count(hub)
    for _ in range(runs):
        sent_before = len(us.webhooks.sent)
        change(us, 0.02, rng)
        sim.counts.clear()
        if webhooks:  # what the API's webhook route does with each call
            for event in us.webhooks.sent[sent_before:]:
                incoming.receive(hub, event["body"].encode(), event["signature"], "bench")
            hub.jobs.run_pending()
        followup.follow_up(hub)
        hub.jobs.run_pending()  # the notifications (none: no ERP webhook URL), syncs
        calls += _raccord_calls(sim.counts)
        fetched = _downloads(sim.counts)
        signed += len(fetched)
        downloads.update(fetched)
    created_twice = sum(1 for v in us.created.values() if v > 1)
    duplicates = sum(v - 1 for v in downloads.values() if v > 1) + created_twice
    return {"open": opened, "calls_per_run": round(calls / runs), "signed_fetched": signed,
            "duplicates": duplicates}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="a short run for CI: 300 "
                        "requests, 2 runs")
    args = parser.parse_args()
    if args.smoke:
        args.requests, args.runs = 300, 2
    results: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="raccord-signature-bench-") as folder:
        for mode in ("off", "on"):
            home = Path(folder) / mode
            home.mkdir()
            env = Environment(home=home, database_url=f"sqlite:///{home / 'raccord.db'}",
                              redis_url=None, secret_key=None, mode=DeploymentMode.ON_PREMISE)
            hub = open_hub(env)
            box = start_sandbox(hub, ca_folder=Path(folder) / "ca")
            try:
                point_at_sandbox(hub, box)
                us = universign(box.simulators["signature"])
                us.archive_delay_s = 3600.0
                seed(hub, us, args.requests)
                result = measure(hub, box, us, mode == "on", args.runs, random.Random(12))
            finally:
                box.stop()
            results[mode] = result
            print(f"webhooks={mode} " + " ".join(f"{k}={v}" for k, v in result.items()),
                  flush=True)
    off, on = results["off"], results["on"]
    ok = (off["calls_per_run"] <= off["open"] * 1.1 and on["calls_per_run"] < off["open"] / 5
          and off["duplicates"] == 0 and on["duplicates"] == 0)
    print(json.dumps({"ok": ok, "webhooks_off": off, "webhooks_on": on}))


if __name__ == "__main__":
    main()
