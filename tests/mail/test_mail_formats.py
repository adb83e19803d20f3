"""The mails raccord writes itself read the way their reader's language writes figures and
times (raccord.core.formats): a French alert mail says `02/12/2026 14:05`, `depuis 9 h`,
`3 fois`, never an ISO timestamp or a Python repr. (The bank's execution log:
tests/banking/test_log_formats.py.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from raccord.core import formats
from raccord.core.alerts import AlertRow, clear_alert, raise_alert
from raccord.core.hub import Hub
from raccord.core.i18n import Tr
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Simulator
from raccord.features.mail.alertmail import SETTLE_S, notify_alerts, subscribe

ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
RAW = re.compile(r"datetime\(|Decimal\(|\{'|\[\]|None")
FRENCH_MOMENT = re.compile(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b")


def spaced(text: str) -> str:
    """Babel's narrow and no-break spaces, as a reader sees them."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def mailed(hub: Hub, sim: Simulator) -> list[dict[str, object]]:
    notify_alerts(hub)
    hub.jobs.run_pending()
    return list(sim.state["sent"])


def test_a_french_alert_mail_writes_dates_durations_and_counts_in_french(
        mail_hub: Hub, gmail_sim: Simulator) -> None:
    subscribe(mail_hub, "op", "op@client.fr", language="fr", reminder_hours=4)
    message = Tr("Clé refusée par Google.", "Key refused by Google.")
    raise_alert(mail_hub, "status:chorus", interface="chorus", severity="error",
                message=message)
    started = (datetime.now(UTC) - timedelta(hours=9)).replace(second=0, microsecond=0)
    with mail_hub.db.session() as session:
        row = session.get(AlertRow, "status:chorus")
        assert row is not None
        row.started_at = started
    start, reminder = mailed(mail_hub, gmail_sim)
    for _ in range(3):  # it flaps three times while settling
        clear_alert(mail_hub, "status:chorus")
        raise_alert(mail_hub, "status:chorus", interface="chorus", severity="error",
                    message=message)
    clear_alert(mail_hub, "status:chorus")
    with mail_hub.db.session() as session:
        row = session.get(AlertRow, "status:chorus")
        assert row is not None
        row.cleared_at -= timedelta(seconds=SETTLE_S + 1)
    sent = mailed(mail_hub, gmail_sim)
    end = sent[-1]
    assert len(sent) == 3
    when = formats.moment(started, "fr")  # Paris time, 'dd/MM/yyyy HH:mm'
    assert FRENCH_MOMENT.fullmatch(when)
    assert f"Une alerte a commencé le {when} pour «" in str(start["body"])
    assert str(start["subject"]).startswith("[raccord] Alerte (erreur) : ")
    assert str(reminder["subject"]).startswith("[raccord] Rappel n°2 — alerte en cours")
    assert f"L'alerte commencée le {when}" in str(reminder["body"])
    assert "dure toujours (depuis 9 h) :" in spaced(str(reminder["body"]))
    assert str(end["subject"]).startswith("[raccord] Fin d'alerte : ")
    assert "Elle s'est interrompue puis reprise 3 fois." in spaced(str(end["body"]))
    for mail in sent:
        text = f"{mail['subject']}\n{mail['body']}"
        assert not ISO.search(text) and not RAW.search(text), text
        assert FRENCH_MOMENT.search(spaced(text)), text


def test_the_daily_limit_warning_writes_its_figures_in_each_language(
        mail_hub: Hub) -> None:
    from raccord.features.mail.send import _watch_daily_limit
    from raccord.features.mail.transport import gmail_transport

    mail_hub.settings.set_many("gmail", {"daily_limit": 2000, "near_limit_percent": 50},
                               SYSTEM)
    transport = gmail_transport(mail_hub, None)
    assert transport.daily is not None
    for _ in range(1200):
        mail_hub.limiter.acquire("gmail", [transport.daily])
    _watch_daily_limit(mail_hub, transport)
    with mail_hub.db.session() as session:
        row = session.get(AlertRow, f"quota:gmail:{transport.sender}")
        assert row is not None
    assert "a envoyé 1 200 messages aujourd'hui sur 2 000" in spaced(row.message["fr"])
    assert "sent 1,200 messages today out of the 2,000" in row.message["en"]
