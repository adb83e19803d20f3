"""Bulk enrichment: per-line status, input kept, a clear stop on configuration problems."""

from __future__ import annotations

import csv
import io

import pytest

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Faults, Simulator
from raccord.features.sirene.enrich import EnrichProgress, EnrichStopped, enrich, survey
from raccord.interfaces.sirene.population import luhn_complete
from tests.sirene.conftest import Pick


def run(hub: Hub, text: str, **kwargs: object) -> tuple[list[dict[str, str]], EnrichProgress]:
    out = io.StringIO()
    lines, calls = survey(hub, io.StringIO(text))
    state = enrich(hub, io.StringIO(text), out, total=lines, api_calls=calls,
                   **kwargs)  # type: ignore[arg-type]
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    return list(csv.DictReader(io.StringIO(out.getvalue()), delimiter=delimiter)), state


def test_each_line_gets_its_status_and_the_input_is_kept(sandboxed_hub: Hub, sim: Simulator,
                                                         pick: Pick) -> None:
    unit, est = pick(lambda u, e: u.diffusible and not u.individual and e.open)
    other, _ = pick(lambda u, e: u.diffusible and not u.individual and u.siren != unit.siren)
    unknown = luhn_complete("7328293200" + "999")
    wrong_key = est.siret[:-1] + str((int(est.siret[-1]) + 1) % 10)
    text = (f"code;siret;comment\nC1;{est.siret};first\nC2;{other.siren};by SIREN\n"
            f"C3;{wrong_key};typo\nC4;12345;short\nC5;ABC;letters\n;;\nC6;{unknown};gone\n"
            f"C7;{est.siret[:3]} {est.siret[3:]};again\n")
    rows, state = run(sandboxed_hub, text, lang="en")
    assert [r["code"] for r in rows] == ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
    assert [r["status"] for r in rows] == ["ok", "ok", "invalid", "invalid", "invalid",
                                           "unknown", "ok"]
    assert rows[0]["name"] == unit.name and rows[0]["comment"] == "first"
    # The input's own "siret" column is kept; the filled one is told apart by a prefix.
    assert rows[0]["postcode"] == est.postcode and rows[0]["sirene_siret"] == est.siret
    assert rows[1]["siret"] == other.siren
    assert rows[1]["sirene_siret"] == other.head_office.siret and rows[1]["head_office"] == "true"
    assert "check digit" in rows[2]["reason"]
    assert "has 5 digits" in rows[3]["reason"]
    assert "other than digits" in rows[4]["reason"]
    assert "not known to INSEE" in rows[5]["reason"]
    assert rows[6]["source"] == "cache"  # the same number again costs no call
    assert state.counts == {"ok": 3, "invalid": 3, "unknown": 1}
    assert state.api_calls_left == 0
    assert sum(n for k, n in sim.counts.items() if k.startswith("GET")) == 3


def test_a_file_without_header_in_french_gets_french_reasons(sandboxed_hub: Hub,
                                                             pick: Pick) -> None:
    _, est = pick(lambda u, e: u.diffusible)
    rows, _ = run(sandboxed_hub, f"{est.siret},x\n123,y\n")
    assert rows[0]["column1"] == est.siret and rows[0]["status"] == "ok"
    assert "chiffres" in rows[1]["reason"]


def test_the_estimate_counts_only_the_calls_still_needed(sandboxed_hub: Hub,
                                                         pick: Pick) -> None:
    _, est = pick(lambda u, e: u.diffusible)
    text = f"siret\n{est.siret}\n{est.siret}\n999\n"
    seen: list[EnrichProgress] = []
    lines, calls = survey(sandboxed_hub, io.StringIO(text))
    assert (lines, calls) == (3, 1)
    state = EnrichProgress(0, lines, api_calls_left=calls)
    assert state.eta_s == pytest.approx(61 / 30)
    enrich(sandboxed_hub, io.StringIO(text), io.StringIO(), total=lines, api_calls=calls,
           progress=seen.append)
    assert seen[-1].api_calls_left == 0 and seen[-1].done == 3
    assert survey(sandboxed_hub, io.StringIO(text)) == (3, 0)  # now kept


def test_a_refused_key_stops_the_run_and_says_why(sandboxed_hub: Hub, pick: Pick) -> None:
    _, est = pick(lambda u, e: u.diffusible)
    sandboxed_hub.settings.set("sirene", "token", "revoked", SYSTEM)
    out = io.StringIO()
    with pytest.raises(EnrichStopped) as caught:
        enrich(sandboxed_hub, io.StringIO(f"siret\n123\n{est.siret}\n"), out, total=2)
    assert "HTTP 401" in caught.value.message.en and "Stopped after 1 of 2" in \
        caught.value.message.en
    assert "invalid" in out.getvalue()  # the line done before is in the output


def test_a_service_down_stops_after_a_few_failures(sandboxed_hub: Hub, sim: Simulator,
                                                   pick: Pick) -> None:
    sim.faults = Faults(error_rate=1.0, error_status=503)
    numbers = [e.siret for _, e in list(sim.state["establishments"].values())[:8]]
    out = io.StringIO()
    with pytest.raises(EnrichStopped) as caught:
        enrich(sandboxed_hub, io.StringIO("siret\n" + "\n".join(numbers)), out)
    assert caught.value.progress.counts["error"] == 4
    assert "HTTP 503" in caught.value.message.en
