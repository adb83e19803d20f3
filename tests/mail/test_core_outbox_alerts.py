"""The core's outbox and alerts, as other features call them."""

from __future__ import annotations

from datetime import date, timedelta

from raccord.core.alerts import clear_alert, open_alerts, raise_alert
from raccord.core.hub import Hub
from raccord.core.i18n import Tr
from raccord.core.outbox import Attachment, MailMessage, OutgoingMail, mail_state, queue_mail
from raccord.core.settings_store import SYSTEM

MAIL = OutgoingMail(to=("marie@client.fr",), subject="Relevé", text="Bonjour",
                    attachments=(Attachment("releve.csv", "text/csv", b"a;b\n"),),
                    reference="bank-log-1")


def test_a_mail_is_a_durable_row_queued_once_per_key(hub: Hub) -> None:
    first = queue_mail(hub, MAIL, origin="bank", idempotency_key="bank-log-1")
    again = queue_mail(hub, MAIL, origin="bank", idempotency_key="bank-log-1")
    other = queue_mail(hub, MAIL, origin="bank")
    assert first == again != other
    row = mail_state(hub, first)
    assert row is not None and row.state == "queued" and row.to == ["marie@client.fr"]
    assert row.message_id.startswith("<raccord.") and row.reference == "bank-log-1"
    with hub.db.session() as session:
        assert session.query(MailMessage).count() == 2


def test_alerts_open_refresh_and_clear(hub: Hub) -> None:
    raise_alert(hub, "bank:holder", interface="bank", severity="warning",
                message=Tr("Connexion à renouveler", "Connection to renew"))
    raise_alert(hub, "bank:holder", interface="bank", severity="error",
                message=Tr("Connexion expirée", "Connection expired"))
    [alert] = open_alerts(hub, "bank")
    assert alert.severity == "error" and alert.message.en == "Connection expired"
    assert open_alerts(hub, "gmail") == []
    clear_alert(hub, "bank:holder")
    assert open_alerts(hub) == []


def test_a_failing_test_is_an_alert_until_it_passes(hub: Hub) -> None:
    hub.run_tests("gmail")
    [alert] = open_alerts(hub, "gmail")
    assert alert.key == "status:gmail" and "Gmail" in alert.message.en
    hub.record_status("gmail", True, "test", Tr("Test réussi.", "Test passed."))
    assert open_alerts(hub, "gmail") == []


def test_a_transient_failure_is_no_alert(hub: Hub) -> None:
    hub.record_status("sirene", False, "job:x", Tr("délai", "timeout"), transient=True)
    assert open_alerts(hub) == []


def test_expiry_warnings_are_alerts_ended_by_renewal(hub: Hub) -> None:
    from raccord.core.housekeeping import expiry_warnings
    from raccord.core.schema import Kind

    name, field = next((n, f) for n, s in hub.settings.schemas.items() for f in s.fields
                       if f.kind is Kind.DATE)
    hub.settings.set(name, field.key, (date.today() + timedelta(days=3)).isoformat(), SYSTEM)
    expiry_warnings(hub)
    [alert] = open_alerts(hub, name)
    assert alert.severity == "warning" and "3 days" in alert.message.en
    hub.settings.set(name, field.key, (date.today() + timedelta(days=300)).isoformat(), SYSTEM)
    expiry_warnings(hub)
    assert open_alerts(hub, name) == []
