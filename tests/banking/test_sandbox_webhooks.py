"""In the sandbox, Bridge's webhook reaches the running console: a refresh at the simulated
Bridge makes raccord fetch the item at once, without waiting for the schedule."""

from __future__ import annotations

import ssl

import httpx
from sqlalchemy import select

from raccord.features.banking import runs
from raccord.features.banking.models import BankRun
from raccord.interfaces.bank.sandbox import WEBHOOK_PATH
from raccord.interfaces.bank.simulator import SANDBOX_WEBHOOK_SECRET
from raccord.sandbox.setup import Sandbox
from tests.banking.conftest import Bank
from tests.live_console import live_console, wait_for


def webhook_run(bank: Bank) -> BankRun | None:
    with bank.hub.db.session() as session:
        return session.scalar(select(BankRun).where(BankRun.trigger == "webhook",
                                                    BankRun.finished_at.is_not(None)))


def test_a_refresh_at_bridge_makes_raccord_fetch_at_once(bank: Bank, sandbox: Sandbox) -> None:
    runs.run(bank.hub, "cli")
    with live_console(bank.hub, sandbox) as console:
        declared = bank.sim.state["webhook"]
        assert declared["url"] == console + WEBHOOK_PATH
        # Both sides hold the secret Bridge's dashboard gave, not the sandbox's default.
        assert bank.hub.values("bank")["bridge_webhook_secret"] == declared["secret"]
        assert declared["secret"] != SANDBOX_WEBHOOK_SECRET
        with httpx.Client(verify=ssl.create_default_context(
                cafile=str(sandbox.ca.ca_pem))) as http:
            changed = http.post(sandbox.url("bank") + "/_sim/bank/refresh",
                                json={"item_id": bank.item_id, "new": 3, "update": 2,
                                      "seed": 7}).json()
        assert changed["new"] == 2 * 3
        logged = wait_for(lambda: webhook_run(bank))
    assert bank.sim.counts["webhook_202"] == 1
    assert logged.counts["added"] == 2 * 3 and logged.counts["updated"] == 2 * 2
    assert len(bank.rows()) == 123 + 3


def test_a_webhook_signed_with_another_secret_is_refused_and_shown(bank: Bank,
                                                                   sandbox: Sandbox) -> None:
    with live_console(bank.hub, sandbox):
        bank.sim.state["webhook"]["secret"] = "whsec_rotated-at-bridge-only"
        with httpx.Client(verify=ssl.create_default_context(
                cafile=str(sandbox.ca.ca_pem))) as http:
            http.post(sandbox.url("bank") + "/_sim/bank/refresh",
                      json={"item_id": bank.item_id, "new": 1})
        wait_for(lambda: bank.sim.counts["webhook_401"])
    assert webhook_run(bank) is None
    status = bank.hub.status("bank")
    assert status is not None and not status.ok and status.source == "webhook"
    assert "saved Bridge webhook secret" in status.message.en


def test_a_bank_fixed_on_bridges_page_is_fetched_and_its_alert_ends(bank: Bank,
                                                                    sandbox: Sandbox) -> None:
    from raccord.core.alerts import open_alerts
    from raccord.features.banking import banks

    bank.sim.state["items"][bank.item_id].update(status=1010, status_code_info="SCA")
    runs.run(bank.hub, "cli")
    assert len(open_alerts(bank.hub, "bank")) == 1
    with live_console(bank.hub, sandbox) as console:
        page = banks.connect_url(bank.hub, console + "/bank/connected", bank.item_id)
        with httpx.Client(verify=ssl.create_default_context(
                cafile=str(sandbox.ca.ca_pem))) as http:
            back = http.post(page, data={"login": "jdupont", "password": "x",
                                         "sca_code": "123456"}, follow_redirects=False)
        assert back.status_code == 303
        logged = wait_for(lambda: webhook_run(bank))  # nobody came back to the console yet
    assert logged.counts["accounts_fetched"] == 2 and logged.counts["banks_repaired"] == 1
    assert open_alerts(bank.hub, "bank") == []
