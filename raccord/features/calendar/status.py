"""Where the calendars stand, for the CLI, the console and the Exchange screen; and the
guidance the Exchange screen gives about the chosen protocol."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy import func, select

from raccord.core.i18n import Tr
from raccord.features.calendar.labels import error_text
from raccord.features.calendar.models import Appointment, Mailbox, State
from raccord.features.calendar.records import mailbox_dict
from raccord.features.calendar.sync import FAILING_AFTER

if TYPE_CHECKING:
    from raccord.core.hub import Hub

EXCHANGE_ONLINE_HOSTS = ("outlook.office365.com", "outlook.office.com")
SECRET_WARNING_DAYS = 30


def calendar_status(hub: Hub) -> dict[str, Any]:
    values = hub.values("exchange")
    with hub.db.session() as session:
        pending = dict(session.execute(select(Appointment.mailbox, func.count()).where(
            Appointment.pushed_version < Appointment.erp_version).group_by(
            Appointment.mailbox)).all())
        boxes = list(session.scalars(select(Mailbox).order_by(Mailbox.address)))
        total = session.scalar(select(func.count()).select_from(Appointment)) or 0
        failed = session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.state == State.FAILED.value)) or 0
    return {"protocol": "graph" if values.get("graph") else "ews",
            "appointments": total, "pending": sum(pending.values()), "failed": failed,
            "mailboxes": [{**mailbox_dict(b), "pending": pending.get(b.address, 0),
                           "failing": b.failures >= FAILING_AFTER} for b in boxes]}


def ews_on_exchange_online(values: dict[str, Any]) -> bool:
    host = (urlsplit(str(values.get("ews_url") or "")).hostname or "").lower()
    return not values.get("graph") and host in EXCHANGE_ONLINE_HOSTS


def guidance(hub: Hub, today: date | None = None) -> list[tuple[str, Tr]]:
    """(level, message) notices for the Exchange screen."""
    values = hub.values("exchange")
    notices: list[tuple[str, Tr]] = []
    if ews_on_exchange_online(values):
        notices.append(("warning", Tr(
            "EWS pointe sur Exchange Online (outlook.office365.com) : Microsoft y coupe EWS "
            "locataire par locataire depuis le 1er octobre 2026, et pour tous le 1er avril "
            "2027. Passez à Microsoft Graph (bouton ci-dessous) : les rendez-vous déjà "
            "synchronisés sont retrouvés par leur propriété étendue, rien n'est créé deux "
            "fois. Le rôle ApplicationImpersonation n'existe plus dans Exchange Online "
            "(retiré en 2025) : accordez à l'application la permission d'application "
            "Calendars.ReadWrite (Microsoft Graph) avec le consentement administrateur, et "
            "limitez-la aux boîtes des collaborateurs par une stratégie d'accès "
            "d'application (New-ApplicationAccessPolicy).",
            "EWS points at Exchange Online (outlook.office365.com): Microsoft has been "
            "switching EWS off there tenant by tenant since 1 October 2026, and for everyone "
            "on 1 April 2027. Switch to Microsoft Graph (button below): the appointments "
            "already synchronised are found again by their extended property, nothing is "
            "created twice. The ApplicationImpersonation role no longer exists in Exchange "
            "Online (removed in 2025): grant the application the Microsoft Graph application "
            "permission Calendars.ReadWrite with admin consent, and restrict it to the "
            "employees' mailboxes with an application access policy "
            "(New-ApplicationAccessPolicy).")))
    expiry = values.get("client_secret_expires_on")
    if isinstance(expiry, str) and expiry:
        try:
            expiry = date.fromisoformat(expiry[:10])
        except ValueError:
            expiry = None
    uses_entra = values.get("graph") or values.get("oauth")
    if uses_entra and isinstance(expiry, date):
        left = (expiry - (today or date.today())).days
        if left < 0:
            notices.append(("error", Tr(
                f"Le Client Secret a expiré le {expiry:%d/%m/%Y} : créez-en un nouveau dans "
                "Entra ID et enregistrez-le.",
                f"The client secret expired on {expiry:%Y-%m-%d}: create a new one in Entra "
                "ID and save it.")))
        elif left <= SECRET_WARNING_DAYS:
            notices.append(("warning", Tr(
                f"Le Client Secret expire le {expiry:%d/%m/%Y} (dans {left} jours) : créez-en "
                "un nouveau dans Entra ID avant cette date.",
                f"The client secret expires on {expiry:%Y-%m-%d} (in {left} days): create a "
                "new one in Entra ID before then.")))
    with hub.db.session() as session:
        failing = list(session.scalars(select(Mailbox).where(
            Mailbox.failures >= FAILING_AFTER).order_by(Mailbox.address)))
    for box in failing:
        notices.append(("error", Tr(
            f"La boîte {box.address} échoue depuis {box.failures} synchronisations : "
            f"{error_text(box.last_error, 'fr')}",
            f"Mailbox {box.address} has failed {box.failures} synchronisations in a row: "
            f"{error_text(box.last_error, 'en')}")))
    return notices
