"""The Bridge Test and the one Bridge user, against the Bridge v3 simulator."""

from __future__ import annotations

from typing import Any

import pytest

from raccord.core.diagnosis import ServiceError
from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Faults, Simulator
from raccord.interfaces.bank import users
from raccord.interfaces.bank.client import BridgeClient
from raccord.interfaces.bank.simulator import add_item
from raccord.sandbox.setup import Sandbox


def summary(hub: Hub, **changes: Any) -> str:
    if changes:
        hub.settings.set_many("bank", changes, SYSTEM)
    [report] = hub.run_tests("bank")
    return report.summary("en")


@pytest.fixture
def bridge(sandbox: Sandbox) -> Simulator:
    return sandbox.simulators["bank"]


def test_test_authenticates_the_application(sandboxed_hub: Hub, bridge: Simulator) -> None:
    assert summary(sandboxed_hub) == "Test passed."
    assert bridge.counts["GET /bank/v3/aggregation/users"] == 1


def test_wrong_client_secret_is_named(sandboxed_hub: Hub) -> None:
    text = summary(sandboxed_hub, client_secret="revoked-secret")
    assert "401" in text and "client ID or client secret" in text
    assert "revoked-secret" not in text


def test_wrong_path_and_server_error(sandboxed_hub: Hub, sandbox: Sandbox,
                                     bridge: Simulator) -> None:
    text = summary(sandboxed_hub, url=sandbox.url("bank") + "/v3")
    assert "404" in text and "https://api.bridgeapi.io" in text
    bridge.faults = Faults(error_rate=1.0, error_status=500)
    text = summary(sandboxed_hub, url=sandbox.url("bank"))
    assert "HTTP 500" in text and "try again later" in text


def test_missing_credentials_are_named(hub: Hub) -> None:
    text = summary(hub)
    assert "Bridge client ID" in text and "Bridge client secret" in text


def test_every_call_carries_the_app_headers_and_version(sandboxed_hub: Hub,
                                                        bridge: Simulator) -> None:
    bridge.state["apps"]["other-app"] = "other-secret"
    sandboxed_hub.settings.set_many("bank", {"client_id": "other-app",
                                             "client_secret": "other-secret"}, SYSTEM)
    try:
        assert summary(sandboxed_hub) == "Test passed."
    finally:
        del bridge.state["apps"]["other-app"]


def test_one_bridge_user_lifecycle(sandboxed_hub: Hub, bridge: Simulator) -> None:
    hub = sandboxed_hub
    assert users.get_user(hub) is None
    created = users.create_user(hub, "Démo SARL", "Compta@Demo-SARL.fr", SYSTEM)
    assert created.external_user_id.startswith("raccord-")
    assert bridge.state["users"][created.uuid]["external_user_id"] == created.external_user_id
    assert hub.values("bank")["bridge_user_uuid"] == created.uuid
    assert users.get_user(hub) == created

    with pytest.raises(users.BridgeUserError, match="only one"):
        users.create_user(hub, "Autre", "autre@demo-sarl.fr", SYSTEM)

    updated = users.update_user(hub, "Démo SARL (banques)", "banque@demo-sarl.fr", SYSTEM)
    assert (updated.uuid, updated.name, updated.email) == (
        created.uuid, "Démo SARL (banques)", "banque@demo-sarl.fr")

    item = add_item(bridge, created.uuid)
    with pytest.raises(users.BridgeUserError, match="1 bank") as refused:
        users.delete_user(hub, SYSTEM)
    assert "supprimez d'abord" in refused.value.message.fr.lower()
    assert created.uuid in bridge.state["users"]

    client = BridgeClient(hub)
    client.delete_item(client.user_token(created.uuid), item)
    users.delete_user(hub, SYSTEM)
    assert created.uuid not in bridge.state["users"]
    assert users.get_user(hub) is None and hub.values("bank")["bridge_user_name"] == ""


def test_a_lost_creation_answer_does_not_make_a_second_user(sandboxed_hub: Hub,
                                                            bridge: Simulator) -> None:
    # Bridge creates the user but its answer never arrives.
    bridge.faults = Faults(drop_rate=1.0, hang_s=0.05)
    with pytest.raises(ServiceError):
        users.create_user(sandboxed_hub, "Démo SARL", "compta@demo-sarl.fr", SYSTEM)
    assert len(bridge.state["users"]) == 1 and sandboxed_hub.values("bank")[
        "bridge_user_uuid"] == ""
    bridge.faults = Faults()
    user = users.create_user(sandboxed_hub, "Démo SARL", "compta@demo-sarl.fr", SYSTEM)
    assert list(bridge.state["users"]) == [user.uuid]


def test_user_deleted_at_bridge_is_reported(sandboxed_hub: Hub, bridge: Simulator) -> None:
    created = users.create_user(sandboxed_hub, "Démo SARL", "compta@demo-sarl.fr", SYSTEM)
    del bridge.state["users"][created.uuid]
    with pytest.raises(users.BridgeUserError, match="no longer exists"):
        users.get_user(sandboxed_hub)
    users.delete_user(sandboxed_hub, SYSTEM)
    assert sandboxed_hub.values("bank")["bridge_user_uuid"] == ""


def test_invalid_email_is_refused_before_calling_bridge(sandboxed_hub: Hub,
                                                        bridge: Simulator) -> None:
    from raccord.core.schema import SettingError

    with pytest.raises(SettingError):
        users.create_user(sandboxed_hub, "Démo SARL", "not-an-email", SYSTEM)
    assert bridge.counts["POST /bank/v3/aggregation/users"] == 0
