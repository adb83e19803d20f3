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


def test_banks_needing_their_holder_are_warnings_the_test_still_passes(
        sandboxed_hub: Hub, bridge: Simulator) -> None:
    hub = sandboxed_hub
    created = users.create_user(hub, "Démo SARL", "compta@demo-sarl.fr", SYSTEM)
    fine = add_item(bridge, created.uuid, provider_id=179)
    sca = add_item(bridge, created.uuid, provider_id=408)
    consent = add_item(bridge, created.uuid, provider_id=574)
    wrong = add_item(bridge, created.uuid, provider_id=179)
    for item, status in ((sca, 1010), (consent, 1100), (wrong, 402)):
        bridge.state["items"][item]["status"] = status
    [report] = hub.run_tests("bank")
    assert report.ok and all(step.ok for step in report.steps)
    warnings = [w.en for w in report.warnings]
    assert len(warnings) == 3
    assert warnings[0].startswith(f"Bank BNP Paribas ({sca}): The bank asks the holder for a "
                                  "new strong authentication.")
    assert f"Bank Crédit Agricole Île-de-France ({consent}): The holder's consent has " \
        "expired" in warnings[1]
    assert f"Bank Société Générale ({wrong}): The bank refuses the login details" in warnings[2]
    assert all("'Fix' button beside the bank" in w for w in warnings)
    assert str(fine) not in " ".join(warnings)
    assert "Banks at Bridge: 4, 1 of them up to date." in [n.en for n in report.notes]
    assert report.summary("en").startswith("Test passed, to see to: Bank BNP Paribas")
    status = hub.status("bank")
    assert status is not None and status.ok  # the dashboard shows it passed, with the warnings

    from tests.console_client import Console

    console = Console(hub)
    page = console.post("/interfaces/bank/test", {"which": "api"},
                        page="/interfaces/bank").text
    assert 'class="banner report warn" data-test-result="ok"' in page
    assert page.count("data-warning") == 3 and "bouton « Réparer »" in page


def test_a_failing_application_still_fails_whatever_the_banks(
        sandboxed_hub: Hub, bridge: Simulator) -> None:
    created = users.create_user(sandboxed_hub, "Démo SARL", "compta@demo-sarl.fr", SYSTEM)
    item = add_item(bridge, created.uuid)
    bridge.state["items"][item]["status"] = 1010
    text = summary(sandboxed_hub, client_secret="revoked-secret")
    assert "client ID or client secret" in text and "strong authentication" not in text


def test_a_bridge_user_gone_at_bridge_fails_the_banks_step(sandboxed_hub: Hub,
                                                           bridge: Simulator) -> None:
    created = users.create_user(sandboxed_hub, "Démo SARL", "compta@demo-sarl.fr", SYSTEM)
    del bridge.state["users"][created.uuid]
    [report] = sandboxed_hub.run_tests("bank")
    assert not report.ok and report.failure is not None
    assert report.failure.name.en == "Banks connected by the Bridge user"
