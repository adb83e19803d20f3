import logging

import pytest
from sqlalchemy import select

from raccord.core.diagnosis import Problem, ServiceError
from raccord.core.hub import Hub
from raccord.core.models import CallLog
from raccord.core.settings_store import SYSTEM
from raccord.interfaces.google.client import autocomplete, distance_km
from raccord.interfaces.google.simulator import (
    OVER_LIMIT_KEY,
    SANDBOX_DISTANCE_KEY,
    SANDBOX_PLACES_KEY,
)
from raccord.sandbox.setup import Sandbox


def failed(hub: Hub, which: str) -> str:
    [report] = hub.run_tests("google", which)
    assert not report.ok
    return report.summary("en")


def test_both_tests_pass_against_the_sandbox(sandboxed_hub: Hub) -> None:
    places, distance = sandboxed_hub.run_tests("google")
    assert places.test == "places" and places.ok, places.summary("en")
    assert distance.test == "distance" and distance.ok, distance.summary("en")
    [trip] = distance.notes
    assert trip.en.startswith("Paris, France → Lyon, France: ") and "km by road" in trip.en


def test_typed_address_is_completed_then_measured(sandboxed_hub: Hub) -> None:
    [station] = autocomplete(sandboxed_hub, "gare part-dieu", "session-1")
    assert station.main_text == "Gare de Lyon-Part-Dieu" and station.secondary_text.endswith(
        "Lyon, France")
    paris, *others = autocomplete(sandboxed_hub, "paris, france", "session-2")
    assert paris.description == "Paris, France" and others
    km = distance_km(sandboxed_hub, f"place_id:{paris.place_id}", f"place_id:{station.place_id}")
    assert 450 < km < 600  # Paris to Lyon by road
    assert autocomplete(sandboxed_hub, "zzzz introuvable", "session-3") == []


def test_an_unknown_address_is_told(sandboxed_hub: Hub) -> None:
    with pytest.raises(ServiceError) as caught:
        distance_km(sandboxed_hub, "Nulle Part Ailleurs", "Lyon, France")
    assert "cannot locate" in caught.value.diagnosis.message.en


def test_wrong_key_is_named(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("google", "places_key", "AIzaSyWrongKey", SYSTEM)
    text = failed(sandboxed_hub, "places")
    assert "REQUEST_DENIED: The provided API key is invalid." in text
    assert "Place Autocomplete API key" in text


def test_key_without_the_api_enabled_is_told(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("google", "distance_key", SANDBOX_PLACES_KEY, SYSTEM)
    text = failed(sandboxed_hub, "distance")
    assert "not authorized to use this API" in text and "Distance Matrix API" in text


def test_distance_test_refuses_while_places_is_off(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("google", "distance_enabled", False, SYSTEM)
    sandboxed_hub.settings.set("google", "places_enabled", False, SYSTEM)
    text = failed(sandboxed_hub, "distance")
    assert "Place Autocomplete switched on" in text and "cannot be used alone" in text
    with pytest.raises(ServiceError) as caught:
        distance_km(sandboxed_hub, "Paris, France", "Lyon, France")
    assert caught.value.diagnosis.problem is Problem.DISABLED


def test_wrong_url_path_is_told(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    sandboxed_hub.settings.set("google", "url", sandbox.url("google") + "/v1", SYSTEM)
    text = failed(sandboxed_hub, "places")
    assert "HTTP 404" in text and "/v1/maps/api/place/autocomplete/json" in text


def test_server_error_is_told(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    sandbox.simulators["google"].faults.error_rate = 1.0
    assert "The service is failing (HTTP 503)" in failed(sandboxed_hub, "distance")


def test_over_query_limit_is_told(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("google", "places_key", OVER_LIMIT_KEY, SYSTEM)
    assert "Too many requests to Place Autocomplete" in failed(sandboxed_hub, "places")


def test_keys_never_reach_the_call_log_or_logs(sandboxed_hub: Hub,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sandboxed_hub.run_tests("google")
    sandboxed_hub.settings.set("google", "places_key", OVER_LIMIT_KEY, SYSTEM)
    sandboxed_hub.run_tests("google", "places")
    with sandboxed_hub.db.session() as session:
        rows = session.scalars(select(CallLog).where(CallLog.interface == "google")).all()
        logged = [f"{r.url} {r.error or ''}" for r in rows]
    assert len(logged) == 3 and all("/maps/api/" in line for line in logged)
    assert not any("Lyon" in line for line in logged)  # trips are personal: not logged
    for secret in (SANDBOX_PLACES_KEY, SANDBOX_DISTANCE_KEY, OVER_LIMIT_KEY):
        assert not any(secret in line for line in logged)
        assert secret not in caplog.text
