"""Electronic signature of quotes and delivery notes (Universign)."""

from __future__ import annotations

from raccord.core.i18n import Tr
from raccord.core.schema import Choice, Field, InterfaceSchema, Kind
from raccord.interfaces.common_fields import (
    LOW_INTERVAL_WARNING,
    poll_interval,
    startup_delay,
    technical_password,
    technical_user,
)

UNIVERSIGN_URL = "https://api.universign.com"

SCHEMA = InterfaceSchema(
    name="signature",
    title=Tr("Signature électronique (Universign)", "Electronic signature (Universign)"),
    summary=Tr("Les devis et bons de livraison client sont envoyés à signer électroniquement ; "
               "une tâche planifiée suit les signataires et récupère les documents signés.",
               "Quotes and customer delivery notes are sent to be signed electronically; a "
               "scheduled task follows the signers and fetches the signed documents."),
    fields=(
        Field("enabled", Tr("Activer la signature électronique", "Enable electronic signature"),
              Kind.BOOL, default=False),
        Field("url", Tr("URL Universign", "Universign URL"), Kind.URL, default=UNIVERSIGN_URL,
              vendor=True, help=Tr("Production : https://api.universign.com ; préproduction : "
                                   "https://api.alpha.universign.com",
                                   "Production: https://api.universign.com; pre-production: "
                                   "https://api.alpha.universign.com")),
        Field("user", Tr("Utilisateur universign", "Universign user"), Kind.STR, vendor=True,
              help=Tr("La clé d'API Universign (ou l'identifiant du compte).",
                      "The Universign API key (or the account login).")),
        Field("password", Tr("Mot de passe universign", "Universign password"), Kind.SECRET,
              vendor=True, help=Tr("Vide avec une clé d'API.", "Empty with an API key.")),
        Field("auth_scheme", Tr("Présentation de la clé d'API", "How the API key is sent"),
              Kind.ENUM, default="basic", advanced=True, choices=(
                  Choice("basic", Tr("HTTP Basic (clé en utilisateur, mot de passe vide)",
                                     "HTTP Basic (key as user, empty password)")),
                  Choice("bearer", Tr("En-tête Authorization: Bearer",
                                      "Authorization: Bearer header")))),
        technical_user(),
        technical_password(),
        poll_interval(Tr("Intervalle de récupération des signatures",
                         "Signature retrieval interval"),
                      Tr("En secondes ; 21600 (6 heures) par défaut. ", "In seconds; 21600 "
                         "(6 hours) by default. ") + LOW_INTERVAL_WARNING),
        startup_delay(),
        Field("universign_webhooks", Tr("Webhooks Universign configurés",
                                        "Universign webhooks configured"), Kind.BOOL,
              default=False, advanced=True, help=Tr(
                  "Cochez quand un point d'arrivée de webhooks pointe vers "
                  "/api/v1/signatures/universign-webhook (application Universign, menu "
                  "Développeur > Webhooks) : la tâche planifiée ne lit plus alors que les "
                  "transactions modifiées depuis son dernier passage.",
                  "Tick once a webhook endpoint points at /api/v1/signatures/universign-webhook "
                  "(Universign web app, Developer menu > Webhooks): the scheduled task then "
                  "reads only the transactions changed since its last run.")),
        Field("timeout_s", Tr("Délai d'attente d'une réponse (s)", "Answer timeout (s)"),
              Kind.INT, default=30, minimum=1, maximum=300, advanced=True),
        Field("max_attempts", Tr("Nombre d'essais d'envoi", "Sending tries"), Kind.INT,
              default=3, minimum=1, maximum=20, advanced=True),
        Field("retry_delay_s", Tr("Délai entre deux essais d'envoi (s)",
                                  "Delay between sending tries (s)"), Kind.INT, default=60,
              minimum=0, advanced=True),
        Field("webhook_url", Tr("URL de l'ERP prévenue à chaque changement d'état",
                                "ERP URL told of every status change"), Kind.URL,
              advanced=True, help=Tr(
                  "Reçoit en POST un JSON par changement d'état d'une demande de signature, "
                  "signé par l'en-tête X-Raccord-Signature (HMAC-SHA256 du corps avec le "
                  "secret).",
                  "Receives a JSON POST per change of a signature request's state, signed in "
                  "the X-Raccord-Signature header (HMAC-SHA256 of the body with the secret).")),
        Field("webhook_secret", Tr("Secret de signature des notifications",
                                   "Notification signing secret"), Kind.SECRET, advanced=True),
    ),
)
