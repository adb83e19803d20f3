"""Bank connection through the Bridge aggregator (the seed's "Akuiteo Connect")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from raccord.core.i18n import Tr
from raccord.core.schema import Choice, Field, InterfaceSchema, Kind, Rule, RuleContext
from raccord.interfaces.common_fields import (
    LOW_INTERVAL_WARNING,
    poll_interval,
    startup_delay,
    technical_password,
    technical_user,
)

BRIDGE_URL = "https://api.bridgeapi.io"

# The customer's one Bridge user, kept here by `users.py` (the console shows it as a section,
# not as fields to type). Bridge v3 users hold only a uuid and our external id: the name and
# e-mail live here (the e-mail prefills Bridge's connect sessions).
BRIDGE_USER_FIELDS = (
    Field("bridge_user_uuid", Tr("UUID de l'utilisateur Bridge", "Bridge user UUID"), Kind.STR,
          advanced=True, managed=True),
    Field("bridge_user_external_id", Tr("Identifiant externe de l'utilisateur Bridge",
                                        "Bridge user external id"), Kind.STR, advanced=True,
          help=Tr("Référence raccord de l'utilisateur chez Bridge (external_user_id).",
                  "raccord's reference of the user at Bridge (external_user_id)."),
          managed=True),
    Field("bridge_user_name", Tr("Nom de l'utilisateur Bridge", "Bridge user name"), Kind.STR,
          advanced=True, managed=True),
    Field("bridge_user_email", Tr("E-mail de l'utilisateur Bridge", "Bridge user e-mail"),
          Kind.EMAIL, advanced=True, managed=True),
)


def _vendor_credentials_first(values: Mapping[str, Any], ctx: RuleContext) -> Tr | None:
    if not values.get("enabled"):
        return None
    if values.get("client_id") and values.get("client_secret"):
        return None
    if ctx.changed_key == "enabled":
        return Tr("L'opérateur doit d'abord renseigner le Client ID et le Client Secret du compte "
                  "Bridge avant que la connexion bancaire puisse être activée.",
                  "The operator must first set the Bridge account's client ID and client secret "
                  "before the bank connection can be enabled.")
    return Tr("Obligatoire tant que la connexion bancaire est activée : désactivez-la d'abord.",
              "Required while the bank connection is enabled: switch it off first.")


SCHEMA = InterfaceSchema(
    name="bank",
    title=Tr("Connexion bancaire (Bridge)", "Bank connection (Bridge)"),
    summary=Tr("Les transactions bancaires sont récupérées automatiquement depuis les banques "
               "par l'agrégateur Bridge, au lieu d'importer des relevés à la main.",
               "Bank transactions are fetched automatically from the banks through the Bridge "
               "aggregator, instead of importing statement files by hand."),
    fields=(
        Field("enabled", Tr("Activer la connexion bancaire", "Enable the bank connection"),
              Kind.BOOL, default=False),
        Field("url", Tr("URL de l'API Bridge", "Bridge API URL"), Kind.URL, default=BRIDGE_URL,
              vendor=True, advanced=True),
        Field("client_id", Tr("Client ID Bridge", "Bridge client ID"), Kind.STR, vendor=True),
        Field("client_secret", Tr("Client Secret Bridge", "Bridge client secret"), Kind.SECRET,
              vendor=True),
        technical_user(Tr("Crée les nouveaux relevés à partir des transactions récupérées.",
                          "Creates the new statements from the fetched transactions.")),
        technical_password(),
        Field("log_email", Tr("E-mail", "E-mail"), Kind.EMAIL, help=Tr(
            "Reçoit le journal d'exécution de la tâche planifiée.",
            "Receives the scheduled task's execution log.")),
        poll_interval(Tr("Intervalle de récupération des relevés",
                         "Statement retrieval interval"),
                      Tr("En secondes ; 21600 par défaut. ", "In seconds; 21600 by default. ")
                      + LOW_INTERVAL_WARNING),
        startup_delay(),
        Field("statement_period", Tr("Relevés générés automatiquement",
                                     "Statements generated automatically"), Kind.ENUM,
              default="day", choices=(
                  Choice("none", Tr("Aucun (à la demande seulement)", "None (on request only)")),
                  Choice("day", Tr("Un par jour", "One per day")),
                  Choice("week", Tr("Un par semaine (lundi à dimanche)",
                                    "One per week (Monday to Sunday)")),
                  Choice("month", Tr("Un par mois", "One per month"))),
              help=Tr("Après chaque récupération, l'utilisateur technique crée les relevés des "
                      "périodes terminées de chaque compte actif.",
                      "After each fetch, the technical user creates the statements of the "
                      "finished periods of each active account.")),
        Field("bridge_webhook_secret", Tr("Secret des webhooks Bridge", "Bridge webhook secret"),
              Kind.SECRET, vendor=True, advanced=True, help=Tr(
                  "Secret du webhook déclaré dans le tableau de bord Bridge (URL : "
                  "/api/v1/bank/webhooks/bridge) ; un appel sans signature valide est refusé.",
                  "Secret of the webhook declared in the Bridge dashboard (URL: "
                  "/api/v1/bank/webhooks/bridge); a call without a valid signature is refused.")),
        Field("app_calls_per_5min", Tr("Appels Bridge par application et par 5 minutes",
                                       "Bridge calls per application per 5 minutes"),
              Kind.INT, default=2000, minimum=1, vendor=True, advanced=True,
              help=Tr("Limite de Bridge (2 000 par défaut, relevable sur demande).",
                      "Bridge's limit (2,000 by default, raised on request).")),
        Field("user_calls_per_minute", Tr("Appels Bridge par utilisateur et par minute",
                                          "Bridge calls per user per minute"),
              Kind.INT, default=60, minimum=1, vendor=True, advanced=True),
        Field("token_calls_per_minute", Tr("Demandes de jeton par utilisateur et par minute",
                                           "Token requests per user per minute"),
              Kind.INT, default=10, minimum=1, vendor=True, advanced=True),
        *BRIDGE_USER_FIELDS,
    ),
    rules=(
        Rule(("enabled", "client_id", "client_secret"), _vendor_credentials_first,
             Tr("Les identifiants Bridge de l'opérateur précèdent l'activation.",
                "The operator's Bridge credentials come before enabling.")),
    ),
)
