"""Fixtures of the signature tests: a hub pointed at the sandbox with short delays, the
Universign simulator's workspace, and quotes to sign."""

from __future__ import annotations

import io
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.features.signatures import intake, store
from raccord.features.signatures.models import SignatureRequest
from raccord.interfaces.signature.simulator import Universign, universign
from raccord.sandbox.setup import Sandbox

ALICE = {"name": "Alice Martin", "email": "alice.martin@client.fr", "phone": "+33612345678",
         "page": 1, "x": 100, "y": 120}
BOB = {"name": "Bob Durand", "email": "bob.durand@client.fr", "anchor": "Bon pour accord"}


def quote_pdf(reference: str = "D-2026-0042") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawString(72, 760, f"Devis {reference} — Démo SARL")
    page.drawString(72, 700, "Bon pour accord")
    page.showPage()
    page.save()
    return buffer.getvalue()


def request_in(reference: str = "D-2026-0042", signers: list[dict[str, Any]] | None = None,
               **changes: Any) -> intake.RequestIn:
    data: dict[str, Any] = {"kind": "quote", "reference": reference, "company": "DEMO",
                            "signers": signers or [ALICE, BOB]}
    data.update(changes)
    return intake.RequestIn.model_validate(data)


def hand_over(hub: Hub, reference: str = "D-2026-0042", **changes: Any) -> SignatureRequest:
    request, created = intake.receive(hub, request_in(reference, **changes),
                                      quote_pdf(reference), "erp")
    assert created
    return request


def run_jobs(hub: Hub) -> int:
    return hub.jobs.run_pending(include_scheduled=True)


def state_of(hub: Hub, request_id: int) -> str:
    found = store.get(hub, request_id)
    assert found is not None
    return found.state


@pytest.fixture
def us(sandbox: Sandbox) -> Universign:
    found = universign(sandbox.simulators["signature"])
    found.archive_delay_s = 3600.0
    found.tampered.clear()
    found.webhooks.endpoint = None
    return found


@pytest.fixture
def sig_hub(sandboxed_hub: Hub, us: Universign) -> Hub:
    sandboxed_hub.settings.set_many("signature", {"timeout_s": 2, "retry_delay_s": 0,
                                                  "max_attempts": 3}, SYSTEM)
    return sandboxed_hub
