"""The Universign Test and client against the Universign v1 simulator."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Faults
from raccord.interfaces.signature.client import UniversignClient
from raccord.interfaces.signature.simulator import (
    NO_RIGHTS_KEY,
    SANDBOX_LOGIN,
    SANDBOX_PASSWORD,
    set_state,
)
from raccord.sandbox.setup import Sandbox


def summary(hub: Hub, **changes: Any) -> str:
    if changes:
        hub.settings.set_many("signature", changes, SYSTEM)
    [report] = hub.run_tests("signature")
    return report.summary("en")


def test_test_passes_with_an_api_key(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    assert summary(sandboxed_hub) == "Test passed."
    assert sandbox.simulators["signature"].counts["GET /signature/v1/transactions"] == 1


def test_test_passes_with_an_account_login(sandboxed_hub: Hub) -> None:
    assert summary(sandboxed_hub, user=SANDBOX_LOGIN, password=SANDBOX_PASSWORD) == "Test passed."


def test_wrong_key_says_where_keys_are_made(sandboxed_hub: Hub) -> None:
    text = summary(sandboxed_hub, user="apikey_revoked")
    assert "401" in text and "API keys" in text and "apikey_revoked" not in text


def test_key_without_rights_is_told_apart(sandboxed_hub: Hub) -> None:
    text = summary(sandboxed_hub, user=NO_RIGHTS_KEY)
    assert "403" in text and "administrator or integrator" in text


def test_wrong_url_path_gives_the_right_url(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    text = summary(sandboxed_hub, url=sandbox.url("signature") + "/v1")
    assert "404" in text and "https://api.universign.com" in text


def test_legacy_xmlrpc_url_is_refused_before_any_call(sandboxed_hub: Hub) -> None:
    assert "XML-RPC" in summary(sandboxed_hub, url="https://ws.universign.eu/sign/rpc")


def test_server_error_says_try_later(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    sandbox.simulators["signature"].faults = Faults(error_rate=1.0, error_status=502)
    text = summary(sandboxed_hub)
    assert "HTTP 502" in text and "try again later" in text


def test_missing_user_is_named(hub: Hub) -> None:
    assert "Universign user" in summary(hub)


@pytest.mark.parametrize("enabled", [True, False])
def test_disabled_interface_is_noted(sandboxed_hub: Hub, enabled: bool) -> None:
    sandboxed_hub.settings.set_many("signature", {"enabled": enabled}, SYSTEM)
    [report] = sandboxed_hub.run_tests("signature")
    assert report.ok and any("not enabled" in n.en for n in report.notes) is not enabled


def test_create_then_read_a_transaction(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    client = UniversignClient(sandboxed_hub)
    mark = uuid.uuid4().hex
    created = client.create_transaction("Devis D-2026-0042", language="fr",
                                        metadata={"raccord_id": mark})
    assert created.state == "draft" and created.id.startswith("tx_")
    assert created.metadata == {"raccord_id": mark}
    set_state(sandbox.simulators["signature"], created.id, "completed")
    read = client.transaction(created.id)
    assert read is not None and read.state == "completed"
    assert client.transaction("tx_unknown") is None
    [found] = client.transactions(metadata={"raccord_id": mark})
    assert found.id == created.id


def test_bearer_key_is_accepted(sandboxed_hub: Hub) -> None:
    assert summary(sandboxed_hub, auth_scheme="bearer") == "Test passed."
