"""INSEE's SIRENE API: third parties filled in from a SIRET or SIREN."""

from __future__ import annotations

from raccord.core.i18n import Tr
from raccord.core.schema import Field, InterfaceSchema, Kind

SIRENE_URL = "https://api.insee.fr/api-sirene/3.11"

SCHEMA = InterfaceSchema(
    name="sirene",
    title=Tr("API Sirene", "SIRENE API"),
    summary=Tr("Un SIRET ou un SIREN saisi sur un prospect, un client ou un fournisseur remplit "
               "ses champs (nom, adresse…) quand l'INSEE le connaît.",
               "A SIRET or SIREN typed on a prospect, customer or supplier fills its fields "
               "(name, address…) when INSEE knows it."),
    fields=(
        Field("enabled", Tr("Utilisation de l'API SIRENE", "Use the SIRENE API"), Kind.BOOL,
              default=False),
        Field("token", Tr("Jeton pour l'API SIRENE", "SIRENE API key"), Kind.SECRET, help=Tr(
            "Clé générée sur https://portail-api.insee.fr/ (application en sécurité « Simple », "
            "abonnée à l'API Sirene).",
            "Key generated on https://portail-api.insee.fr/ (an application with 'Simple' "
            "security, subscribed to the Sirene API).")),
        Field("url", Tr("Url de l'API", "API URL"), Kind.URL, default=SIRENE_URL, advanced=True),
        Field("cache_ttl_h", Tr("Durée de conservation des réponses (heures)",
                                "How long answers are kept (hours)"), Kind.INT, default=168,
              minimum=0, maximum=8760, advanced=True, help=Tr(
                  "Une réponse de l'API est réutilisée pendant cette durée sans nouvel appel "
                  "(0 : jamais). Un numéro inconnu est redemandé au bout d'une heure au plus.",
                  "An API answer is reused for this long without a new call (0: never). An "
                  "unknown number is asked again after one hour at most.")),
    ),
)
