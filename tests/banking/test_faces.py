"""The faces of the bank connection: the console (connect a bank through the sandbox's
Bridge pages, fix one, assign, the intermediate table, statements and downloads), Bridge's
webhook, the REST API, the CLI, and the execution log addressed to bank.log_email."""

from __future__ import annotations

import json
import re
import ssl
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

import raccord.cli  # noqa: F401  (loads the CLI core before the feature's commands)
from raccord.core.hub import Hub
from raccord.core.outbox import MailMessage
from raccord.core.settings_store import SYSTEM
from raccord.features.banking import runs
from raccord.features.banking.cli import app as bank_cli
from raccord.features.banking.jobs import WEBHOOK_FETCH_JOB
from raccord.features.banking.models import BankAccount, BankRun
from raccord.interfaces.bank import users
from raccord.interfaces.bank.simulator import BridgeSimulator, refresh_item, webhook
from raccord.sandbox.setup import Sandbox
from raccord.web import create_app
from tests.banking.conftest import Bank, assign_all
from tests.console_client import Console


def sandbox_http(sandbox: Sandbox) -> httpx.Client:
    return httpx.Client(verify=ssl.create_default_context(cafile=str(sandbox.ca.ca_pem)))


def test_an_administrator_connects_a_bank_through_bridges_pages(
        sandboxed_hub: Hub, bridge: BridgeSimulator, sandbox: Sandbox) -> None:
    hub = sandboxed_hub
    users.create_user(hub, "Démo SARL", "compta@demo-sarl.fr", SYSTEM)
    console = Console(hub)
    screen = console.http.get("/interfaces/bank").text
    assert "Connecter une banque" in screen and 'href="/bank"' in screen
    response = console.http.post("/bank/connect", data={"csrf": console.csrf("/bank")},
                                 follow_redirects=False)
    assert response.status_code == 303
    bridge_page = response.headers["location"]
    assert bridge_page.startswith(sandbox.url("bank") + "/connect/")
    with sandbox_http(sandbox) as http:
        page = http.get(bridge_page)
        assert "Connectez votre banque" in page.text
        refused = http.post(bridge_page, data={"login": "jdupont", "password": "wrong",
                                               "sca_code": "123456", "provider_id": "408"})
        assert refused.status_code == 400 and "incorrect" in refused.text
        back = http.post(bridge_page, data={"login": "jdupont", "password": "s3cret",
                                            "sca_code": "123456", "provider_id": "408"},
                         follow_redirects=False)
    assert back.status_code == 303
    callback = back.headers["location"]
    assert callback.startswith("http://testserver/bank/connected?success=true&item_id=")
    page = console.http.get(callback.removeprefix("http://testserver"))
    assert "Banque connectée" in page.text and "BNP Paribas" in page.text
    assert len(re.findall(r'data-account="\d+"', page.text)) == 2
    assert "À affecter" in page.text

    account_id = re.findall(r'data-account="(\d+)"', page.text)[0]
    page = console.post(f"/bank/accounts/{account_id}", {"company": "DEMO", "journal": "bq1"},
                        page="/bank")
    assert "Enregistré" in page.text
    with hub.db.session() as session:
        row = session.get(BankAccount, int(account_id))
        assert row is not None and (row.company_code, row.journal_code) == ("DEMO", "BQ1")
    refused_assign = console.post(f"/bank/accounts/{account_id}",
                                  {"company": "NOPE", "journal": "BQ1"}, page="/bank")
    assert refused_assign.status_code == 422 and "NOPE" in refused_assign.text
    page = console.post(f"/bank/accounts/{account_id}/pause", {"paused": "true"}, page="/bank")
    assert "En pause" in page.text


def test_a_bank_needing_its_holder_is_shown_with_its_fix_and_logged(
        bank: Bank, sandbox: Sandbox) -> None:
    bank.sim.state["items"][bank.item_id].update(status=1010, status_code_info="SCA_REQUIRED")
    report = runs.run(bank.hub, "schedule")
    assert report.counts["banks_needing_holder"] == 1
    assert report.counts["accounts_fetched"] == 2  # what Bridge has is still fetched
    with bank.hub.db.session() as session:
        logged = session.scalar(select(BankRun).order_by(BankRun.id.desc()).limit(1))
    assert logged is not None and "strong authentication" in logged.log_en
    assert "click 'Fix'" in logged.log_en and logged.mail_to == "compta@demo-sarl.fr"
    console = Console(bank.hub)
    page = console.http.get("/bank").text
    assert "nouvelle authentification forte" in page and "Réparer" in page
    screen = console.http.get("/interfaces/bank").text
    assert "nouvelle authentification forte" in screen and "Réparer" in screen
    response = console.http.post(f"/bank/items/{bank.item_id}/fix",
                                 data={"csrf": console.csrf("/bank")}, follow_redirects=False)
    with sandbox_http(sandbox) as http:
        fix_page = http.get(response.headers["location"])
        assert "Reconnexion de votre banque" in fix_page.text
        back = http.post(response.headers["location"],
                         data={"login": "jdupont", "password": "x", "sca_code": "123456"},
                         follow_redirects=False)
    page = console.http.get(back.headers["location"].removeprefix("http://testserver")).text
    assert f'data-item="{bank.item_id}" data-state="ok"' in page
    assert runs.run(bank.hub, "schedule").counts["banks_needing_holder"] == 0


def test_a_bank_needing_its_holder_is_an_alert_until_repaired_and_named_in_the_mail(
        bank: Bank) -> None:
    from raccord.core.alerts import open_alerts

    bank.sim.state["items"][bank.item_id].update(status=430, status_code_info="CONSENT")
    first = runs.run(bank.hub, "schedule")
    [alert] = open_alerts(bank.hub, "bank")
    assert "Crédit Agricole Île-de-France" in alert.message.en
    assert "consent has expired" in alert.message.en
    with bank.hub.db.session() as session:
        mail = session.scalar(select(MailMessage).where(
            MailMessage.idempotency_key == f"bank-run-{first.id}"))
    assert mail is not None and mail.to == ["compta@demo-sarl.fr"]
    assert "1 banque à reconnecter" in mail.subject
    assert f"- [Crédit Agricole Île-de-France ({bank.item_id})] The holder's consent has " \
        "expired" in mail.text and "click 'Fix'" in mail.text
    runs.run(bank.hub, "schedule")  # still needing the holder: still in the log, one alert
    assert len(open_alerts(bank.hub, "bank")) == 1
    bank.sim.state["items"][bank.item_id].update(status=0, status_code_info="OK")
    repaired = runs.run(bank.hub, "schedule")
    assert open_alerts(bank.hub, "bank") == []
    assert repaired.counts["banks_repaired"] == 1 and not repaired.problems
    with bank.hub.db.session() as session:
        logged = session.get(BankRun, repaired.id)
    assert logged is not None and "connected again" in logged.log_en


def test_what_bridge_no_longer_has_is_logged_never_dropped_silently(bank: Bank) -> None:
    runs.run(bank.hub, "schedule")
    gone_account = bank.bridge_accounts[1]
    del bank.sim.state["accounts"][gone_account]
    report = runs.run(bank.hub, "schedule")
    assert report.counts["accounts_gone"] == 1 and report.counts["accounts_fetched"] == 1
    [problem] = report.problems
    assert "no longer has" in problem["en"] and "connect it again" in problem["todo_en"]
    assert not runs.run(bank.hub, "schedule").problems  # told once, then it stays removed
    bank.sim.state["items"].pop(bank.item_id)  # the holder removed the bank at Bridge
    for account_id in [a for a, raw in bank.sim.state["accounts"].items()
                       if raw["item_id"] == bank.item_id]:
        del bank.sim.state["accounts"][account_id]
    report = runs.run(bank.hub, "schedule")
    assert report.counts["banks_gone"] == 1 and report.counts["accounts_gone"] == 1
    assert report.problems[0]["account"] == f"Crédit Agricole Île-de-France ({bank.item_id})"
    assert "A bank Bridge no longer has" in report.problems[0]["en"]
    assert bank.account(gone_account).removed and len(bank.rows()) == 123  # rows are kept


def test_the_execution_log_is_addressed_to_the_log_email_and_shown(bank: Bank) -> None:
    runs.run(bank.hub, "schedule")
    with bank.hub.db.session() as session:
        logged = session.scalar(select(BankRun).order_by(BankRun.id.desc()).limit(1))
    assert logged is not None and logged.mail_to == "compta@demo-sarl.fr"
    assert logged.mail_state == "queued"
    with bank.hub.db.session() as session:
        mail = session.scalar(select(MailMessage).where(
            MailMessage.idempotency_key == f"bank-run-{logged.id}"))
    assert mail is not None and mail.to == ["compta@demo-sarl.fr"]
    assert "Transactions added: 246" in mail.text
    assert "Comptes récupérés : 2" in logged.log_fr and "Transactions added: 246" in \
        logged.log_en and "No error." in logged.log_en
    page = Console(bank.hub).http.get("/bank").text
    assert "compta@demo-sarl.fr" in page and "Transactions ajoutées : 246" in page
    bank.hub.settings.set_many("bank", {"log_email": ""}, SYSTEM)
    report = runs.run(bank.hub, "schedule")
    assert report.mail_state == "no_address"


def test_bridges_webhook_is_checked_then_fetches_the_item(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    http = TestClient(create_app(bank.hub))
    body, headers = webhook(bank.sim, "item.refreshed",
                            {"item_id": bank.item_id, "user_uuid": bank.user_uuid})
    forged = {**headers, "BridgeApi-Signature": "v1=" + "0" * 64}
    assert http.post("/api/v1/bank/webhooks/bridge", content=body,
                     headers=forged).status_code == 401
    assert http.post("/api/v1/bank/webhooks/bridge", content=body,
                     headers={"Content-Type": "application/json"}).status_code == 401
    assert http.post("/api/v1/bank/webhooks/bridge", content=body + b" ",
                     headers=headers).status_code == 401
    refresh_item(bank.sim, bank.item_id, new=3, update=2)
    answer = http.post("/api/v1/bank/webhooks/bridge", content=body, headers=headers)
    assert answer.status_code == 202 and answer.json() == {"status": "queued",
                                                           "item_id": bank.item_id}
    assert bank.hub.jobs.run_pending() >= 1
    with bank.hub.db.session() as session:
        logged = session.scalar(select(BankRun).order_by(BankRun.id.desc()).limit(1))
    assert logged is not None and logged.trigger == "webhook"
    assert logged.counts["added"] == 2 * 3 and logged.counts["updated"] == 2 * 2
    assert WEBHOOK_FETCH_JOB == "bank.fetch_item"


def test_the_rest_api(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    key = bank.hub.accounts.new_api_key("raccord-bot")
    http = TestClient(create_app(bank.hub), headers={"Authorization": f"Bearer {key}"})
    listing = http.get("/api/v1/bank/accounts").json()
    assert listing["banks"][0]["state"] == "ok" and len(listing["accounts"]) == 2
    account = listing["accounts"][0]
    assert account["company"] == "DEMO" and account["unstated"] == 120
    pending = http.get("/api/v1/bank/transactions",
                       params={"account_id": account["id"], "status": "pending"}).json()
    assert len(pending) == 3 and all(t["status"] == "pending" for t in pending)
    some = http.get("/api/v1/bank/transactions", params={
        "account_id": account["id"], "since": (date.today() - timedelta(30)).isoformat(),
        "limit": 5}).json()
    assert 0 < len(some) <= 5
    with bank.hub.db.session() as session:
        session.execute(update(BankAccount).values(
            statements_from=date.today() - timedelta(days=30)))
    made = http.post("/api/v1/bank/statements", json={"account_id": account["id"],
                                                      "period": "since_last"})
    assert made.status_code == 201, made.text
    statement = made.json()
    assert statement["difference"] == "0.00" and statement["lines"] > 0
    again = http.post("/api/v1/bank/statements", json={"account_id": account["id"]})
    assert again.status_code == 409 and "Already covered" in again.json()["error_en"]
    assert [s["id"] for s in http.get("/api/v1/bank/statements").json()] == [statement["id"]]
    detail = http.get(f"/api/v1/bank/statements/{statement['id']}").json()
    assert len(detail["entries"]) == statement["lines"]
    for fmt, media in (("camt053", "application/xml"), ("cfonb120", "text/plain"),
                       ("ofx", "application/x-ofx"), ("json", "application/json")):
        file = http.get(f"/api/v1/bank/statements/{statement['id']}/file",
                        params={"format": fmt})
        assert file.status_code == 200 and file.headers["content-type"].startswith(media)
    assert http.get("/api/v1/bank/statements/999/file").status_code == 404
    assert TestClient(create_app(bank.hub)).get("/api/v1/bank/accounts").status_code == 401


def test_console_table_statements_and_downloads(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    console = Console(bank.hub)
    account = bank.account()
    page = console.http.get("/bank/transactions", params={"account": account.id,
                                                          "status": "pending"}).text
    assert page.count('data-status="pending"') == 3 and 'data-status="booked"' not in page
    with bank.hub.db.session() as session:
        session.execute(update(BankAccount).values(
            statements_from=date.today() - timedelta(days=30)))
    page = console.post("/bank/statements", {"account_id": str(account.id),
                                             "period": "since_last",
                                             "on": date.today().isoformat()},
                        page="/bank/statements")
    assert "Solde de clôture" in page.text and 'data-amount="0.00">0,00\xa0€' in page.text
    link = re.search(r'href="(/bank/statements/\d+/file\?format=camt053)"', page.text)
    assert link is not None
    download = console.http.get(link.group(1))
    assert download.status_code == 200 and b"camt.053.001.02" in download.content
    again = console.post("/bank/statements", {"account_id": str(account.id),
                                              "period": "since_last"}, page="/bank/statements")
    assert again.status_code == 409 and "Déjà couvert" in again.text
    table = console.http.get("/bank/transactions", params={"account": account.id,
                                                           "unstated": "true"}).text
    assert 'data-status="booked"' not in table  # all are in a statement or its opening


@pytest.fixture
def cli(bank: Bank, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("RACCORD_HOME", str(bank.hub.env.home))
    monkeypatch.setenv("RACCORD_LANG", "en")
    return CliRunner()


def test_the_cli(bank: Bank, cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(bank_cli, ["fetch", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["added"] == 246
    text = cli.invoke(bank_cli, ["fetch"])
    assert "Accounts fetched: 2" in text.output
    account = bank.account().id
    made = cli.invoke(bank_cli, ["statements", "generate", "--account", str(account),
                                 "--to", date.today().isoformat(), "--json"])
    assert made.exit_code == 0, made.output
    statement_id = json.loads(made.output)["id"]
    refused = cli.invoke(bank_cli, ["statements", "generate", "--account", str(account),
                                    "--to", "not-a-date"])
    assert refused.exit_code == 1 and "YYYY-MM-DD" in refused.output
    for fmt in ("camt053", "cfonb120", "ofx"):
        target = tmp_path / f"statement.{fmt}"
        exported = cli.invoke(bank_cli, ["statements", "export", str(statement_id),
                                         "--format", fmt, str(target)])
        assert exported.exit_code == 0, exported.output
        assert target.stat().st_size > 0
    missing = cli.invoke(bank_cli, ["statements", "export", "999", "--format", "ofx",
                                    str(tmp_path / "x")])
    assert missing.exit_code == 1 and "Unknown statement 999" in missing.output


def test_unassigned_accounts_are_named_in_the_log(bank: Bank) -> None:
    assign_all(bank.hub, "DEMO", "BQ1")
    with bank.hub.db.session() as session:
        session.execute(update(BankAccount).where(
            BankAccount.bridge_id == bank.bridge_accounts[1]).values(journal_code=None))
    report = runs.run(bank.hub, "schedule")
    assert report.counts["accounts_unassigned"] == 1 and report.counts["accounts_fetched"] == 1
    assert "Assign it to a company" in report.problems[0]["todo_en"]


def test_the_fetch_is_scheduled_by_the_screens_live_interval(bank: Bank) -> None:
    from raccord.core.jobs import SCHEDULES, Scheduler

    schedule = SCHEDULES["bank.fetch"]
    assert (schedule.interval_key, schedule.startup_key) == ("poll_interval_s",
                                                             "startup_delay_s")
    bank.hub.settings.set_many("bank", {"startup_delay_s": 0, "poll_interval_s": 3600}, SYSTEM)
    scheduler = Scheduler(bank.hub)
    scheduler.arm_startup_delays()
    assert "bank.fetch" in scheduler.tick()
    assert "bank.fetch" not in scheduler.tick()  # next one in an hour
    bank.hub.settings.set_many("bank", {"poll_interval_s": 60}, SYSTEM)
    bank.hub.settings.set_many("bank", {"enabled": False}, SYSTEM)
    assert "bank.fetch" not in scheduler.tick()


def test_removing_every_bank_lets_the_bridge_user_be_deleted(bank: Bank) -> None:
    runs.run(bank.hub, "cli")
    console = Console(bank.hub)
    refused = console.post("/interfaces/bank/bridge-user/delete", page="/interfaces/bank")
    assert refused.status_code == 400 and "1 banque" in refused.text
    page = console.post(f"/bank/items/{bank.item_id}/delete", page="/bank").text
    assert "Retiré chez Bridge" in page
    assert bank.item_id not in bank.sim.state["items"]
    assert len(bank.rows()) == 123  # raccord keeps what it fetched
    page = console.post("/interfaces/bank/bridge-user/delete", page="/interfaces/bank").text
    assert "Créer un nouvel utilisateur Bridge" in page


def test_a_fetch_while_the_connection_is_off_says_so(bank: Bank, cli: CliRunner) -> None:
    bank.hub.settings.set_many("bank", {"enabled": False}, SYSTEM)
    result = cli.invoke(bank_cli, ["fetch"])
    assert result.exit_code == 1 and "not enabled" in result.output
    assert "Tick 'Enable the bank connection'" in result.output
