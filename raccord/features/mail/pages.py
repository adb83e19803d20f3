"""Console pages of the mail feature: the outgoing mail with its states (a person decides on
an uncertain or failed message there), and each user's alert subscriptions."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from raccord.core.accounts import Account
from raccord.core.alerts import open_alerts
from raccord.core.i18n import Tr
from raccord.core.outbox import STATES
from raccord.core.roles import Role
from raccord.features.mail import alertmail, views
from raccord.features.mail.models import ALL_INTERFACES
from raccord.features.mail.send import mark_sent, resend
from raccord.toolkit.pages import (
    TEMPLATES,
    Forbidden,
    add_template_folder,
    check_csrf,
    hub_of,
    language,
    may_change,
    render,
    signed_in,
)
from raccord.toolkit.texts import TEXTS

add_template_folder(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)
TEMPLATES.env.globals["mail_states"] = views.STATE_LABELS
L = {
    "title": Tr("Courriels envoyés", "Sent mail"),
    "alerts_title": Tr("Alertes par courriel", "Alert mails"),
    "to": Tr("Destinataires", "Recipients"), "subject": Tr("Objet", "Subject"),
    "state": Tr("État", "State"), "reason": Tr("Raison", "Reason"),
    "created": Tr("Créé le", "Created"), "origin": Tr("Origine", "Origin"),
    "history": Tr("Historique", "History"), "resend": Tr("Envoyer à nouveau", "Send again"),
    "mark_sent": Tr("Marquer comme envoyé (vérifié chez le destinataire)",
                    "Mark as sent (checked with the recipient)"),
    "attempts": Tr("Essais", "Tries"), "transport": Tr("Service", "Service"),
    "remote": Tr("Identifiant chez le service", "Service's id"),
    "attachments": Tr("Pièces jointes", "Attachments"),
    "email": Tr("Adresse", "Address"), "interface": Tr("Interface", "Interface"),
    "all_interfaces": Tr("Toutes les interfaces", "Every interface"),
    "severity": Tr("Gravité", "Severity"),
    "warning_up": Tr("Avertissements et erreurs", "Warnings and errors"),
    "error_only": Tr("Erreurs seulement", "Errors only"),
    "language": Tr("Langue", "Language"),
    "reminder": Tr("Rappel toutes les (heures, 0 : jamais)", "Reminder every (hours, 0: never)"),
    "subscribe": Tr("S'abonner", "Subscribe"), "delete": Tr("Supprimer", "Delete"),
    "who": Tr("Utilisateur", "User"),
    "explain": Tr("Un courriel quand une alerte commence, un rappel tant qu'elle dure, un "
                  "courriel quand elle se termine (après 10 minutes sans rechute : une "
                  "interface instable n'inonde pas la boîte).",
                  "A mail when an alert starts, a reminder while it lasts, a mail when it "
                  "ends (after 10 minutes without coming back: an unstable interface does "
                  "not flood the mailbox)."),
    "bad_email": Tr("Adresse de courriel invalide.", "Invalid mail address."),
    "all_states": Tr("Tous les états", "Every state"),
}


@router.get("/mail")
def mail_list(request: Request, state: str | None = None,
              account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    lang = language(request)
    return render(request, "mail_list.html", L=L, messages=views.listing(hub, lang, state),
                  states=[(s, views.STATE_LABELS[s]) for s in STATES], state=state or "",
                  alerts=open_alerts(hub), show_interface=True)


@router.get("/mail/alerts")
def alert_subscriptions(request: Request, account: Account = Depends(may_change),
                        error: str | None = None) -> Response:
    hub = hub_of(request)
    everyone = account.role is Role.ADMINISTRATOR
    return render(request, "mail_alerts.html", L=L,
                  subscriptions=alertmail.subscriptions(hub, None if everyone else account.login),
                  everyone=everyone, error=L["bad_email"] if error else None,
                  choices=[(ALL_INTERFACES, L["all_interfaces"])] + [
                      (name, spec.schema.title) for name, spec in hub.interfaces.items()])


@router.post("/mail/alerts")
async def subscribe(request: Request, account: Account = Depends(may_change)) -> Response:
    await check_csrf(request)
    form = await request.form()
    email = str(form.get("email", "")).strip()
    if "@" not in email or " " in email or len(email) > 320:
        return RedirectResponse("/mail/alerts?error=email", 303)
    hub = hub_of(request)
    interface = str(form.get("interface", ALL_INTERFACES))
    if interface != ALL_INTERFACES and interface not in hub.interfaces:
        interface = ALL_INTERFACES
    severity = "error" if form.get("severity") == "error" else "warning"
    try:
        reminder = max(0, min(int(str(form.get("reminder_hours", "24"))), 24 * 30))
    except ValueError:
        reminder = 24
    alertmail.subscribe(hub, account.login, email, interface=interface, severity=severity,
                        language="en" if form.get("language") == "en" else "fr",
                        reminder_hours=reminder)
    return RedirectResponse("/mail/alerts", 303)


@router.post("/mail/alerts/{subscription_id}/delete")
async def unsubscribe(subscription_id: int, request: Request,
                      account: Account = Depends(may_change)) -> Response:
    await check_csrf(request)
    owner = None if account.role is Role.ADMINISTRATOR else account.login
    alertmail.unsubscribe(hub_of(request), subscription_id, owner)
    return RedirectResponse("/mail/alerts", 303)


@router.get("/mail/{message_id}")
def mail_message(message_id: int, request: Request,
                 account: Account = Depends(signed_in)) -> Response:
    found = views.detail(hub_of(request), message_id, language(request))
    if found is None:
        return render(request, "message.html", 404, message=TEXTS["not_found"])
    return render(request, "mail_message.html", L=L, m=found,
                  can_edit=account.role is not Role.READER)


@router.post("/mail/{message_id}/{action}")
async def decide(message_id: int, action: str, request: Request,
                 account: Account = Depends(may_change)) -> Response:
    await check_csrf(request)
    hub = hub_of(request)
    if action == "resend":
        resend(hub, message_id, account.login)
    elif action == "mark-sent":
        mark_sent(hub, message_id, account.login)
    else:
        raise Forbidden()
    return RedirectResponse(f"/mail/{message_id}", 303)
