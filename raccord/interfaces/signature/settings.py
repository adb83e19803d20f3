"""Electronic signature of quotes and delivery notes (Universign)."""

from __future__ import annotations

from raccord.core.i18n import Tr
from raccord.core.schema import Field, InterfaceSchema, Kind
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
        technical_user(),
        technical_password(),
        poll_interval(Tr("Intervalle de récupération des signatures",
                         "Signature retrieval interval"),
                      Tr("En secondes ; 21600 (6 heures) par défaut. ", "In seconds; 21600 "
                         "(6 hours) by default. ") + LOW_INTERVAL_WARNING),
        startup_delay(),
    ),
)
