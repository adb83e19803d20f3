"""An SMTP server as the application's mail service, for installations without Google
(the mail application preference set to SMTP on the Gmail screen)."""

from __future__ import annotations

from raccord.core.i18n import Tr
from raccord.core.schema import Choice, Field, InterfaceSchema, Kind

TLS_MODES = ("starttls", "tls", "none")

SCHEMA = InterfaceSchema(
    name="smtp",
    title=Tr("Serveur SMTP", "SMTP server"),
    summary=Tr("Serveur d'envoi utilisé quand l'application de messagerie choisie dans les "
               "préférences (écran Configuration Gmail) est SMTP.",
               "Sending server used when the mail application chosen in the preferences "
               "(Gmail configuration screen) is SMTP."),
    fields=(
        Field("host", Tr("Serveur SMTP", "SMTP host"), Kind.STR, help=Tr(
            "Nom ou adresse du serveur d'envoi (ex : smtp.example.fr).",
            "Name or address of the sending server (e.g. smtp.example.com).")),
        Field("port", Tr("Port", "Port"), Kind.INT, default=587, minimum=1, maximum=65535,
              help=Tr("587 avec STARTTLS, 465 avec TLS direct, 25 sans chiffrement.",
                      "587 with STARTTLS, 465 with direct TLS, 25 without encryption.")),
        Field("tls_mode", Tr("Chiffrement", "Encryption"), Kind.ENUM, default="starttls",
              choices=(Choice("starttls", Tr("STARTTLS", "STARTTLS")),
                       Choice("tls", Tr("TLS direct (SMTPS)", "Direct TLS (SMTPS)")),
                       Choice("none", Tr("Aucun (réseau de confiance seulement)",
                                         "None (trusted network only)")))),
        Field("username", Tr("Identifiant", "Username"), Kind.STR, help=Tr(
            "Laissez vide si le serveur n'exige pas d'authentification.",
            "Leave empty when the server needs no authentication.")),
        Field("password", Tr("Mot de passe", "Password"), Kind.SECRET),
        Field("sender", Tr("Adresse d'envoi", "Sending address"), Kind.EMAIL, help=Tr(
            "Adresse « De » des messages envoyés par raccord.",
            "'From' address of the messages raccord sends.")),
        Field("timeout_s", Tr("Délai d'attente (s)", "Timeout (s)"), Kind.INT, default=30,
              minimum=1, maximum=300, advanced=True),
    ),
)
