"""Lookups through the INSEE API (simulated): checked first, cached, clear failures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from raccord.core.diagnosis import Problem, ServiceError
from raccord.core.hub import Hub
from raccord.core.identifiers import IdentifierError
from raccord.core.models import utcnow
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Faults, Simulator
from raccord.features.sirene.cache import AnswerCache
from raccord.features.sirene.lookup import Lookups, UnknownNumber, lookup
from raccord.features.sirene.models import SireneAnswer
from raccord.interfaces.sirene.population import luhn_complete
from tests.sirene.conftest import Pick


def api_calls(sim: Simulator) -> int:
    return sum(n for key, n in sim.counts.items() if key.startswith("GET /"))


def unknown_siret(sim: Simulator) -> str:
    for nic in range(1, 9999):
        siret = luhn_complete(f"73282932{nic:05d}")
        if siret not in sim.state["establishments"]:
            return siret
    raise AssertionError


def test_a_siret_fills_the_third_party_then_is_served_from_the_kept_answer(
        sandboxed_hub: Hub, sim: Simulator, pick: Pick) -> None:
    unit, est = pick(lambda u, e: u.diffusible and not u.individual and e.open)
    filled = lookup(sandboxed_hub, f"{est.siret[:3]} {est.siret[3:6]} {est.siret[6:9]} "
                                   f"{est.siret[9:]}")
    assert (filled.name, filled.siret, filled.source) == (unit.name, est.siret, "api")
    assert filled.postcode == est.postcode
    assert sim.counts[f"GET /sirene/siret/{est.siret}"] == 1
    again = lookup(sandboxed_hub, est.siret)
    assert again.source == "cache" and again.name == unit.name
    assert api_calls(sim) == 1


def test_a_siren_alone_fills_from_the_head_office_in_one_call(
        sandboxed_hub: Hub, sim: Simulator, pick: Pick) -> None:
    unit, _ = pick(lambda u, e: u.diffusible and not u.individual and len(u.establishments) > 1)
    filled = lookup(sandboxed_hub, unit.siren)
    assert filled.siret == unit.head_office.siret and filled.head_office is True
    assert filled.name == unit.name
    assert api_calls(sim) == 1 and sim.counts["GET /sirene/siret"] == 1


def test_a_wrong_number_is_refused_before_any_call(sandboxed_hub: Hub, sim: Simulator,
                                                   pick: Pick) -> None:
    _, est = pick(lambda u, e: True)
    wrong = est.siret[:-1] + str((int(est.siret[-1]) + 1) % 10)
    with pytest.raises(IdentifierError) as caught:
        lookup(sandboxed_hub, wrong)
    assert "check digit" in caught.value.message.en
    with pytest.raises(IdentifierError) as caught:
        lookup(sandboxed_hub, "1234")
    assert "has 4 digits" in caught.value.message.en
    assert api_calls(sim) == 0


def test_an_unknown_number_is_said_so_and_asked_again_after_an_hour(
        sandboxed_hub: Hub, sim: Simulator) -> None:
    siret = unknown_siret(sim)
    with pytest.raises(UnknownNumber) as caught:
        lookup(sandboxed_hub, siret)
    assert f"SIRET {siret} is not known to INSEE" in caught.value.message.en
    with pytest.raises(UnknownNumber):
        lookup(sandboxed_hub, siret)
    assert api_calls(sim) == 1
    with sandboxed_hub.db.session() as session:
        row = session.get(SireneAnswer, f"siret:{siret}")
        assert row is not None
        row.fetched_at = utcnow() - timedelta(minutes=61)
    with pytest.raises(UnknownNumber):
        lookup(sandboxed_hub, siret)
    assert api_calls(sim) == 2


def test_kept_answers_expire_after_the_time_to_live(sandboxed_hub: Hub, sim: Simulator,
                                                    pick: Pick) -> None:
    _, est = pick(lambda u, e: u.diffusible)
    sandboxed_hub.settings.set("sirene", "cache_ttl_h", 2, SYSTEM)
    lookup(sandboxed_hub, est.siret)
    with sandboxed_hub.db.session() as session:
        row = session.get(SireneAnswer, f"siret:{est.siret}")
        assert row is not None
        row.fetched_at = utcnow() - timedelta(minutes=119)
    assert lookup(sandboxed_hub, est.siret).source == "cache"
    with sandboxed_hub.db.session() as session:
        row = session.get(SireneAnswer, f"siret:{est.siret}")
        assert row is not None
        row.fetched_at = utcnow() - timedelta(minutes=121)
    assert lookup(sandboxed_hub, est.siret).source == "api"
    assert lookup(sandboxed_hub, est.siret, fresh=True).source == "api"
    assert api_calls(sim) == 3
    cache = AnswerCache(sandboxed_hub)
    assert cache.count() == 1 and cache.purge() == 0
    with sandboxed_hub.db.session() as session:
        row = session.get(SireneAnswer, f"siret:{est.siret}")
        assert row is not None
        row.fetched_at = utcnow() - timedelta(hours=3)
    assert cache.purge() == 1 and cache.count() == 0


def test_a_refused_key_and_a_missing_subscription_are_named(sandboxed_hub: Hub,
                                                            pick: Pick) -> None:
    _, est = pick(lambda u, e: True)
    sandboxed_hub.settings.set("sirene", "token", "not-a-key", SYSTEM)
    with pytest.raises(ServiceError) as caught:
        lookup(sandboxed_hub, est.siret)
    assert caught.value.diagnosis.problem is Problem.AUTH
    assert "key refused (HTTP 401)" in caught.value.diagnosis.message.en
    sandboxed_hub.settings.set("sirene", "token", "sandbox-sirene-unsubscribed", SYSTEM)
    with pytest.raises(ServiceError) as caught:
        lookup(sandboxed_hub, est.siret)
    assert "not subscribed" in caught.value.diagnosis.message.en


def test_server_errors_are_retried_then_reported(sandboxed_hub: Hub, sim: Simulator,
                                                 pick: Pick) -> None:
    _, est = pick(lambda u, e: True)
    sim.faults = Faults(fail_next=2, fail_status=503)
    assert lookup(sandboxed_hub, est.siret).siret == est.siret
    sim.faults = Faults(fail_next=10, fail_status=500)
    with pytest.raises(ServiceError) as caught:
        lookup(sandboxed_hub, est.siret, fresh=True)
    message = caught.value.diagnosis.message
    assert "failing (HTTP 500) after 4 tries" in message.en and "réessayez plus tard" in message.fr


def test_a_429_is_waited_out_as_asked(sandboxed_hub: Hub, sim: Simulator, pick: Pick) -> None:
    import time

    _, est = pick(lambda u, e: True)
    sim.faults = Faults(force_429=1, retry_after_s=1)
    started = time.monotonic()
    assert lookup(sandboxed_hub, est.siret).siret == est.siret
    assert time.monotonic() - started >= 0.95
    assert sim.http_429 == 1 and api_calls(sim) == 2


def test_the_api_switched_off_says_where_to_switch_it_on(sandboxed_hub: Hub, sim: Simulator,
                                                         pick: Pick) -> None:
    _, est = pick(lambda u, e: True)
    sandboxed_hub.settings.set("sirene", "enabled", False, SYSTEM)
    with pytest.raises(ServiceError) as caught:
        lookup(sandboxed_hub, est.siret)
    assert caught.value.diagnosis.problem is Problem.DISABLED
    assert "Use the SIRENE API" in caught.value.diagnosis.message.en
    assert api_calls(sim) == 0


def test_a_url_that_is_not_the_api_is_told_apart_from_an_unknown_number(
        sandboxed_hub: Hub, pick: Pick) -> None:
    _, est = pick(lambda u, e: True)
    url = sandboxed_hub.values("sirene")["url"]
    sandboxed_hub.settings.set("sirene", "url", url.replace("/sirene", "/nowhere"), SYSTEM)
    with Lookups(sandboxed_hub) as lookups, pytest.raises(ServiceError) as caught:
        lookups.find(est.siret)
    assert "check the advanced URL" in caught.value.diagnosis.message.en
