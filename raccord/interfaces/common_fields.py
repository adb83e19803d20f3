"""Field declarations several interfaces share word for word (the seed's own repetitions)."""

from __future__ import annotations

from raccord.core.i18n import Tr
from raccord.core.schema import Field, Kind


def technical_user(help_text: Tr | None = None) -> Field:
    return Field("technical_user", Tr("Utilisateur technique", "Technical user"), Kind.STR,
                 help=help_text or Tr(
                     "Compte raccord (créé avec « raccord user add LOGIN --technical ») sous "
                     "lequel le travail de fond s'exécute ; il apparaît dans les historiques.",
                     "raccord account (created with 'raccord user add LOGIN --technical') the "
                     "background work runs as; it appears in histories."))


def technical_password() -> Field:
    return Field("technical_password", Tr("Mot de passe de l'utilisateur technique",
                                          "Technical user's password"), Kind.SECRET)


def poll_interval(label: Tr, help_text: Tr) -> Field:
    return Field("poll_interval_s", label, Kind.INT, default=21600, minimum=60, help=help_text)


def probe_interval(minimum: int) -> Field:
    """How often the availability probe runs the interface's Test by itself."""
    return Field("probe_interval_s", Tr("Intervalle du test automatique (secondes)",
                                        "Automatic test interval (seconds)"), Kind.INT,
                 default=3600, minimum=minimum, advanced=True, help=Tr(
                     f"raccord lance lui-même le test de l'interface à cet intervalle (une "
                     f"heure par défaut, {minimum} s au moins, ce que le service accepte) : le "
                     "tableau de bord dit si elle fonctionne et depuis quand.",
                     f"raccord runs the interface's Test by itself at this interval (an hour "
                     f"by default, {minimum} s at least, what the service accepts): the "
                     "dashboard says whether it works and since when."))


def startup_delay() -> Field:
    return Field("startup_delay_s", Tr("Délai de démarrage", "Startup delay"), Kind.INT,
                 default=20, minimum=0, help=Tr(
                     "Secondes avant la première exécution de la tâche planifiée après le "
                     "démarrage du serveur (20 s par défaut).",
                     "Seconds before the scheduled task's first run after the server starts "
                     "(20 s by default)."))


LOW_INTERVAL_WARNING = Tr(
    "Il est déconseillé de renseigner un intervalle trop bas pour ne pas surcharger les appels.",
    "A very low interval is not advised: it loads the service with calls.")
