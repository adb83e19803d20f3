"""Alerts mailed to the people who subscribed: a mail when an alert starts, a reminder every
`reminder_hours` while it lasts, and a closing mail when it ends.

Flapping: a cleared alert ends only after it has stayed clear for `SETTLE_S` (10 minutes);
raised again before, it is the same alert going on (no new start mail, no end mail), its
flaps counted and told in the closing mail. So an interface failing and recovering every
minute sends one start mail, reminders at their interval, and one end mail.

Every mail has an idempotency key naming the alert, its episode, the kind of mail (and the
reminder's number) and the subscription: this job may run twice, in two processes, or be
killed half-way, and no one gets the same mail twice."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from raccord.core import formats
from raccord.core.alerts import AlertRow
from raccord.core.i18n import Tr
from raccord.core.models import aware, utcnow
from raccord.core.outbox import OutgoingMail, queue_mail
from raccord.features.mail.models import ALL_INTERFACES, AlertSubscription

if TYPE_CHECKING:
    from raccord.core.hub import Hub

SETTLE_S = 600
SEVERITY = {"warning": Tr("avertissement", "warning"), "error": Tr("erreur", "error")}


def subscribers(hub: Hub, row: AlertRow) -> list[AlertSubscription]:
    with hub.db.session() as session:
        subs = list(session.scalars(select(AlertSubscription)))
    chosen: dict[tuple[str, str], AlertSubscription] = {}
    for sub in subs:
        if sub.interface not in (ALL_INTERFACES, row.interface or ""):
            continue
        if sub.severity == "error" and row.severity != "error":
            continue
        chosen.setdefault((sub.login, sub.email), sub)  # one mail per person, whatever rules
    return list(chosen.values())


def _title(hub: Hub, row: AlertRow) -> Tr:
    spec = getattr(hub, "interfaces", {}).get(row.interface or "")
    return spec.schema.title if spec is not None else Tr(row.interface or "raccord",
                                                         row.interface or "raccord")


def _mail(hub: Hub, row: AlertRow, sub: AlertSubscription, kind: str, number: int = 0) -> None:
    """One alert mail in the subscriber's language, its figures and times written the way
    that language writes them (raccord.core.formats): `02/12/2026 14:05`, `3 fois`."""
    lang = sub.language
    title = _title(hub, row)(lang)
    message = Tr(row.message.get("fr", ""), row.message.get("en", ""))(lang)
    severity = SEVERITY.get(row.severity, SEVERITY["error"])(lang)
    started = formats.moment(aware(row.started_at), lang)
    lasted = formats.duration((utcnow() - aware(row.started_at)).total_seconds(), lang)
    flaps = formats.plural(row.flaps, Tr("fois", "time"), Tr("fois", "times"), lang)
    words = {
        "start": Tr(f"[raccord] Alerte ({severity}) : {title}",
                    f"[raccord] Alert ({severity}): {title}"),
        "reminder": Tr(f"[raccord] Rappel n°{formats.number(number, 'fr')} — alerte en cours : "
                       f"{title}",
                       f"[raccord] Reminder {formats.number(number, 'en')} — alert still on: "
                       f"{title}"),
        "end": Tr(f"[raccord] Fin d'alerte : {title}", f"[raccord] Alert over: {title}"),
    }
    bodies = {
        "start": Tr(f"Une alerte a commencé le {started} pour « {title} » :\n\n{message}\n\n"
                    "Elle est aussi affichée sur le tableau de bord et l'écran de l'interface. "
                    "Vous recevrez un courriel quand elle sera terminée.",
                    f"An alert started on {started} for '{title}':\n\n{message}\n\n"
                    "It is also shown on the dashboard and the interface's screen. You will "
                    "get a mail when it is over."),
        "reminder": Tr(f"L'alerte commencée le {started} pour « {title} » dure toujours "
                       f"(depuis {lasted}) :\n\n{message}",
                       f"The alert that started on {started} for '{title}' is still on "
                       f"(for {lasted}):\n\n{message}"),
        "end": Tr(f"L'alerte commencée le {started} pour « {title} » est terminée : "
                  f"l'interface fonctionne de nouveau.\n\nDernier message :\n{message}"
                  + (f"\n\nElle s'est interrompue puis reprise {flaps}." if row.flaps
                     else ""),
                  f"The alert that started on {started} for '{title}' is over: the interface "
                  f"works again.\n\nLast message:\n{message}"
                  + (f"\n\nIt stopped and came back {flaps}." if row.flaps else "")),
    }
    queue_mail(hub, OutgoingMail(to=(sub.email,), subject=words[kind](lang),
                                 text=bodies[kind](lang), reference=f"alert:{row.key}"),
               origin="alerts",
               idempotency_key=f"alert:{row.key}:{row.episode}:{kind}:{number}:{sub.id}")


def notify_alerts(hub: Hub) -> dict[str, int]:
    """Mail what is due, and end the alerts that stayed clear long enough."""
    from raccord.core.outbox import MailMessage

    now = utcnow()
    counts = {"start": 0, "reminder": 0, "end": 0}
    with hub.db.session() as session:
        rows = list(session.scalars(select(AlertRow).where(AlertRow.state != "closed")))
    for row in rows:
        if row.state == "clearing":
            if row.cleared_at is None or aware(row.cleared_at) > now - timedelta(
                    seconds=SETTLE_S):
                continue
            with hub.db.session() as session:
                live = session.get(AlertRow, row.key)
                if live is None or live.state != "clearing":
                    continue
                live.state = "closed"
            for sub in subscribers(hub, row):
                with hub.db.session() as session:
                    started = session.scalar(select(MailMessage.id).where(
                        MailMessage.idempotency_key
                        == f"alert:{row.key}:{row.episode}:start:0:{sub.id}"))
                if started is not None:
                    _mail(hub, row, sub, "end")
                    counts["end"] += 1
            continue
        for sub in subscribers(hub, row):
            _mail(hub, row, sub, "start")
            counts["start"] += 1
            if sub.reminder_hours > 0:
                lasted = (now - aware(row.started_at)).total_seconds()
                number = int(lasted // (sub.reminder_hours * 3600))
                if number > 0:
                    _mail(hub, row, sub, "reminder", number)
                    counts["reminder"] += 1
    return counts


def subscribe(hub: Hub, login: str, email: str, *, interface: str = ALL_INTERFACES,
              severity: str = "warning", language: str = "fr", reminder_hours: int = 24) -> int:
    with hub.db.session() as session:
        found = session.scalar(select(AlertSubscription).where(
            AlertSubscription.login == login, AlertSubscription.interface == interface,
            AlertSubscription.severity == severity))
        if found is None:
            found = AlertSubscription(login=login, interface=interface, severity=severity)
            session.add(found)
        found.email, found.language, found.reminder_hours = email, language, reminder_hours
        session.flush()
        return found.id


def unsubscribe(hub: Hub, subscription_id: int, login: str | None = None) -> bool:
    with hub.db.session() as session:
        row = session.get(AlertSubscription, subscription_id)
        if row is None or (login is not None and row.login != login):
            return False
        session.delete(row)
        return True


def subscriptions(hub: Hub, login: str | None = None) -> list[AlertSubscription]:
    with hub.db.session() as session:
        query = select(AlertSubscription).order_by(AlertSubscription.login,
                                                   AlertSubscription.id)
        if login is not None:
            query = query.where(AlertSubscription.login == login)
        return list(session.scalars(query))
