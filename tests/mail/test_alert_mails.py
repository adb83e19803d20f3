"""Alerts mailed to subscribers: start, reminders, end; a flapping interface does not flood
the mailbox; no secret ever reaches a mail."""

from __future__ import annotations

from datetime import timedelta

from raccord.core.alerts import AlertRow, clear_alert, open_alerts, raise_alert
from raccord.core.hub import Hub
from raccord.core.i18n import Tr
from raccord.core.outbox import OutgoingMail, queue_mail
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Simulator
from raccord.features.mail.alertmail import SETTLE_S, notify_alerts, subscribe
from raccord.interfaces.gmail.simulator import restore_sandbox_key, revoke_sandbox_key

BROKEN = Tr("Clé refusée par Google.", "Key refused by Google.")


def mails(hub: Hub, sim: Simulator) -> list[dict[str, object]]:
    notify_alerts(hub)
    hub.jobs.run_pending()
    return list(sim.state["sent"])


def age(hub: Hub, key: str, **shift: timedelta) -> None:
    """Move an alert's times into the past, as if it had lasted."""
    with hub.db.session() as session:
        row = session.get(AlertRow, key)
        assert row is not None
        for field, delta in shift.items():
            setattr(row, field, getattr(row, field) - delta)


def test_start_reminder_and_end_mails_in_each_subscriber_language(
        mail_hub: Hub, gmail_sim: Simulator) -> None:
    subscribe(mail_hub, "admin", "admin@client.fr", language="en", reminder_hours=4)
    subscribe(mail_hub, "op", "op@client.fr", interface="chorus", severity="error")
    subscribe(mail_hub, "other", "other@client.fr", interface="sirene")
    raise_alert(mail_hub, "status:chorus", interface="chorus", severity="error",
                message=BROKEN)
    started = mails(mail_hub, gmail_sim)
    assert sorted(m["to"][0] for m in started) == ["admin@client.fr", "op@client.fr"]
    by = {m["to"][0]: m for m in started}
    assert str(by["admin@client.fr"]["subject"]).startswith("[raccord] Alert (error): ")
    assert str(by["op@client.fr"]["subject"]).startswith("[raccord] Alerte (erreur) : ")
    assert "Key refused by Google." in str(by["admin@client.fr"]["body"])
    assert "Clé refusée par Google." in str(by["op@client.fr"]["body"])
    assert mails(mail_hub, gmail_sim) == started  # nothing more while nothing changes
    age(mail_hub, "status:chorus", started_at=timedelta(hours=9))
    reminded = mails(mail_hub, gmail_sim)[len(started):]
    # admin: reminder n°2 (every 4 h, 9 h on); op: every 24 h, not yet.
    assert [(m["to"][0], "Reminder 2" in str(m["subject"])) for m in reminded] == [
        ("admin@client.fr", True)]
    clear_alert(mail_hub, "status:chorus")
    assert open_alerts(mail_hub) == []
    assert len(mails(mail_hub, gmail_sim)) == 3  # settling: no end mail yet
    age(mail_hub, "status:chorus", cleared_at=timedelta(seconds=SETTLE_S + 1))
    ended = mails(mail_hub, gmail_sim)[3:]
    assert sorted(m["to"][0] for m in ended) == ["admin@client.fr", "op@client.fr"]
    assert sorted(str(m["subject"]).split(":")[0] for m in ended) == [
        "[raccord] Alert over", "[raccord] Fin d'alerte "]


def test_a_flapping_interface_sends_one_start_and_one_end(mail_hub: Hub,
                                                          gmail_sim: Simulator) -> None:
    subscribe(mail_hub, "admin", "admin@client.fr", language="en")
    for _ in range(20):  # fails, recovers, fails... every few seconds
        mail_hub.record_status("sirene", False, "test", BROKEN)
        notify_alerts(mail_hub)
        mail_hub.record_status("sirene", True, "test", Tr("Test réussi.", "Test passed."))
        notify_alerts(mail_hub)
    mail_hub.jobs.run_pending()
    [start] = gmail_sim.state["sent"]
    assert str(start["subject"]).startswith("[raccord] Alert (error): ")
    age(mail_hub, "status:sirene", cleared_at=timedelta(seconds=SETTLE_S + 1))
    sent = mails(mail_hub, gmail_sim)
    assert len(sent) == 2 and "came back 19 times" in str(sent[1]["body"])


def test_a_broken_gmail_key_is_an_alert_mailed_once_it_works_again(
        mail_hub: Hub, gmail_sim: Simulator) -> None:
    """The mail service itself failing: the alert is shown; its mails go out once Gmail
    works again (start, then end after settling), never lost."""
    subscribe(mail_hub, "admin", "admin@client.fr", language="en")
    revoke_sandbox_key(gmail_sim)
    [report] = mail_hub.run_tests("gmail")
    assert not report.ok
    [alert] = open_alerts(mail_hub, "gmail")
    notify_alerts(mail_hub)
    mail_hub.jobs.run_pending()
    assert gmail_sim.state["sent"] == []  # cannot be mailed through a broken Gmail
    restore_sandbox_key(gmail_sim)
    [report] = mail_hub.run_tests("gmail")
    assert report.ok
    from raccord.features.mail.send import sweep

    assert sweep(mail_hub)["alerts_resent"] == 1  # Gmail works again: the start mail goes
    mail_hub.jobs.run_pending()
    age(mail_hub, alert.key, cleared_at=timedelta(seconds=SETTLE_S + 1))
    subjects = [str(m["subject"]) for m in mails(mail_hub, gmail_sim)]
    assert subjects == ["[raccord] Alert (error): Gmail configuration",
                        "[raccord] Alert over: Gmail configuration"]


def test_no_secret_reaches_a_mail(mail_hub: Hub, gmail_sim: Simulator) -> None:
    secret = "smtp-S3cr3t-9c1f"
    mail_hub.settings.set("smtp", "password", secret, SYSTEM)
    subscribe(mail_hub, "admin", "admin@client.fr")
    raise_alert(mail_hub, "status:smtp", interface="smtp", severity="error",
                message=Tr(f"refusé avec {secret}", f"refused with {secret}"))
    queue_mail(mail_hub, OutgoingMail(to=("a@client.fr",), subject=f"code {secret}",
                                      text=f"the password is {secret}",
                                      html=f"<p>{secret}</p>", reference=secret),
               origin="test")
    sent = mails(mail_hub, gmail_sim)
    assert len(sent) == 2
    assert all(secret.encode() not in m["raw"] for m in sent)  # type: ignore[operator]
    assert [a.message.en for a in open_alerts(mail_hub)] != [] and all(
        secret not in a.message.en for a in open_alerts(mail_hub))
