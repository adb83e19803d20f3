"""Gmail as the application's mail service (service account key)."""

from __future__ import annotations

import json
from pathlib import Path

from raccord.core.i18n import Tr
from raccord.core.schema import Choice, Field, InterfaceSchema, Kind

REQUIRED_KEYS = ("type", "client_email", "private_key", "token_uri")


def check_key_file(value: str) -> Tr | None:
    path = Path(value)
    if not path.is_file():
        return Tr(f"Le fichier « {value} » n'existe pas sur le serveur : indiquez le chemin du "
                  "fichier JSON téléchargé depuis la console Google Cloud.",
                  f"The file '{value}' does not exist on the server: give the path of the JSON "
                  "file downloaded from Google Cloud's console.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except PermissionError:
        return Tr(f"Le fichier « {value} » n'est pas lisible par raccord : vérifiez ses droits.",
                  f"The file '{value}' is not readable by raccord: check its permissions.")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Tr(f"Le fichier « {value} » n'est pas un JSON valide : téléchargez à nouveau la "
                  "clé du compte de service.",
                  f"The file '{value}' is not valid JSON: download the service account key "
                  "again.")
    if not isinstance(data, dict) or data.get("type") != "service_account":
        return Tr("Ce JSON n'est pas une clé de compte de service (type « service_account ») : "
                  "créez une clé JSON pour un compte de service.",
                  "This JSON is not a service account key (type 'service_account'): create a "
                  "JSON key for a service account.")
    missing = [k for k in REQUIRED_KEYS if not data.get(k)]
    if missing:
        return Tr(f"Clé de compte de service incomplète : il manque {', '.join(missing)}.",
                  f"Incomplete service account key: {', '.join(missing)} missing.")
    return None


SCHEMA = InterfaceSchema(
    name="gmail",
    title=Tr("Configuration Gmail", "Gmail configuration"),
    summary=Tr("Gmail comme service de messagerie de l'application. Préalables : la règle de "
               "gestion GOOGLE_MAIL activée et Gmail choisi dans les préférences.",
               "Gmail as the application's mail service. Preconditions: the business rule "
               "GOOGLE_MAIL on and Gmail chosen in the preferences."),
    fields=(
        Field("key_path", Tr("Clé de connexion Gmail", "Gmail connection key"), Kind.PATH,
              check=check_key_file, help=Tr(
                  "Chemin du fichier JSON de la clé fournie par https://console.cloud.google.com/"
                  " (ex : c:/keys/gmail.json).",
                  "Path of the JSON key file from https://console.cloud.google.com/ "
                  "(e.g. c:/keys/gmail.json).")),
        Field("sender", Tr("Adresse d'envoi (délégation)", "Sending address (delegation)"),
              Kind.EMAIL, help=Tr(
                  "Boîte au nom de laquelle le compte de service envoie (délégation à l'échelle "
                  "du domaine). Le test vérifie cette boîte.",
                  "Mailbox the service account sends as (domain-wide delegation). The Test "
                  "checks this mailbox.")),
        Field("business_rule_google_mail", Tr("Règle de gestion GOOGLE_MAIL",
                                               "GOOGLE_MAIL business rule"), Kind.BOOL,
              default=False),
        Field("mail_application", Tr("Application de messagerie (préférences)",
                                     "Mail application (preferences)"), Kind.ENUM,
              default="smtp", choices=(
                  Choice(
                      "smtp", Tr("SMTP", "SMTP")),
                  Choice(
                      "gmail", Tr("Gmail", "Gmail")),
              )),
        Field("daily_limit", Tr("Limite d'envoi quotidienne par boîte",
                                "Daily sending limit per mailbox"), Kind.INT, default=2000,
              minimum=1, advanced=True, help=Tr(
                  "Messages par jour et par boîte d'envoi (Google Workspace : 2 000 ; compte "
                  "d'essai : 500). Au-delà, les messages attendent le lendemain (heure du "
                  "Pacifique, comme Google).",
                  "Messages a day per sending mailbox (Google Workspace: 2,000; trial "
                  "account: 500). Beyond it, messages wait for the next day (Pacific time, "
                  "as Google counts).")),
        Field("units_per_second", Tr("Unités de quota par seconde et par boîte",
                                     "Quota units per second per mailbox"), Kind.INT,
              default=250, minimum=100, advanced=True, help=Tr(
                  "Quota de l'API Gmail par utilisateur ; un envoi coûte 100 unités.",
                  "Gmail API quota per user; one send costs 100 units.")),
        Field("near_limit_percent", Tr("Alerte à partir de (% de la limite quotidienne)",
                                       "Warn from (% of the daily limit)"), Kind.INT,
              default=80, minimum=1, maximum=100, advanced=True),
        Field("search_sent", Tr("Vérifier les envois incertains dans la boîte",
                                "Check uncertain sends in the mailbox"), Kind.BOOL,
              default=False, advanced=True, help=Tr(
                  "Quand la réponse de Gmail se perd, raccord cherche le message (par son "
                  "Message-ID) dans la boîte d'envoi avant de le renvoyer. Demande le champ "
                  "d'application gmail.readonly en plus de gmail.send dans la délégation. "
                  "Sans lui, un envoi incertain attend la décision d'une personne.",
                  "When Gmail's answer is lost, raccord looks for the message (by its "
                  "Message-ID) in the sending mailbox before sending it again. Needs the "
                  "scope gmail.readonly besides gmail.send in the delegation. Without it, an "
                  "uncertain send waits for a person's decision.")),
        Field("api_url", Tr("URL de l'API Gmail", "Gmail API URL"), Kind.URL,
              default="https://gmail.googleapis.com", advanced=True),
        Field("token_url", Tr("URL des jetons Google", "Google token URL"), Kind.URL,
              default="https://oauth2.googleapis.com/token", advanced=True, help=Tr(
                  "Par défaut, le « token_uri » écrit dans la clé est utilisé ; une autre "
                  "valeur que celle-ci le remplace (proxy, bac à sable).",
                  "By default the key's own 'token_uri' is used; any other value than this "
                  "one replaces it (proxy, sandbox).")),
    ),
)
