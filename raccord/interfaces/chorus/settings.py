"""CHORUS PRO (through the PISTE gateway): the console's "Dématérialisation" screen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from raccord.core.i18n import Tr
from raccord.core.schema import Field, InterfaceSchema, Kind, Rule, RuleContext
from raccord.interfaces.common_fields import startup_delay, technical_password, technical_user

PRODUCTION_AUTH_URL = "https://oauth.piste.gouv.fr/api/oauth/token"
PRODUCTION_URL = "https://api.piste.gouv.fr"
TEST_AUTH_URL = "https://sandbox-oauth.piste.gouv.fr/api/oauth/token"
TEST_URL = "https://sandbox-api.piste.gouv.fr"

# The portal's quotas per space (seed): calls per second, calls per day.
# The portal's clock: its dates, and the day its daily quota counts.
PARIS = ZoneInfo("Europe/Paris")
QUOTAS = {"test": (5, 50_000), "production": (20, 1_000_000)}


def space_of(url: str) -> str:
    """Which portal space an API URL points to (a simulator counts as production)."""
    host = urlsplit(url or "").hostname or ""
    return "test" if host.startswith("sandbox-") else "production"


def space_label(url: str) -> Tr:
    """What the console says of the space an API URL points to: the PISTE spaces by name,
    anything else (the sandbox's simulator, a proxy) by its host, under production quotas."""
    host = urlsplit(url or "").hostname or ""
    if host.startswith("sandbox-"):
        return Tr("qualification (espace de test PISTE)", "qualification (PISTE test space)")
    if host.endswith("piste.gouv.fr"):
        return Tr("production", "production")
    if host in ("127.0.0.1", "localhost", "::1"):
        return Tr(f"simulateur du bac à sable ({host}), quotas de production",
                  f"sandbox simulator ({host}), production quotas")
    return Tr(f"serveur {host or '?'}, quotas de production",
              f"server {host or '?'}, production quotas")


def _rate_within_quota(values: Mapping[str, Any], ctx: RuleContext) -> Tr | None:
    space = space_of(values.get("url") or PRODUCTION_URL)
    per_second, _ = QUOTAS[space]
    rate = values.get("max_calls_per_second") or 0
    if rate <= per_second:
        return None
    space_fr = "de test" if space == "test" else "de production"
    space_en = "test" if space == "test" else "production"
    if ctx.changed_key == "url":
        return Tr(f"Cette URL désigne l'espace {space_fr}, limité à {per_second} appels par "
                  f"seconde : baissez d'abord le nombre d'appels maximum par seconde ({rate}).",
                  f"This URL points to the {space_en} space, limited to {per_second} calls per "
                  f"second: lower the maximum calls per second ({rate}) first.")
    return Tr(f"L'espace {space_fr} de CHORUS PRO accepte au plus {per_second} appels par "
              "seconde : au-delà, le portail bloque la transmission.",
              f"The CHORUS PRO {space_en} space accepts at most {per_second} calls per second: "
              "above that the portal blocks transmission.")


def _company_exists(values: Mapping[str, Any], ctx: RuleContext) -> Tr | None:
    code = values.get("company_code")
    if not code or code in ctx.company_codes:
        return None
    known = ", ".join(sorted(ctx.company_codes)) or "aucune / none"
    return Tr(f"Aucune société n'a le code « {code} » (sociétés : {known}). Créez-la d'abord.",
              f"No company has the code '{code}' (companies: {known}). Create it first.")


SCHEMA = InterfaceSchema(
    name="chorus",
    title=Tr("Dématérialisation (CHORUS PRO)", "E-invoicing (CHORUS PRO)"),
    summary=Tr("Transmission automatique au portail CHORUS PRO des factures dématérialisées, "
               "sans outil externe ni dépôt manuel.",
               "Automatic transmission of electronic invoices to the CHORUS PRO portal, with no "
               "external tool and no manual upload."),
    fields=(
        Field("enabled", Tr("Chorus Actif", "CHORUS PRO enabled"), Kind.BOOL, default=False),
        Field("auth_url", Tr("Url Authentification Chorus", "CHORUS PRO authentication URL"),
              Kind.URL, default=PRODUCTION_AUTH_URL, vendor=True, help=Tr(
                  f"Production : {PRODUCTION_AUTH_URL} ; test : {TEST_AUTH_URL}",
                  f"Production: {PRODUCTION_AUTH_URL}; test: {TEST_AUTH_URL}")),
        Field("url", Tr("Url", "URL"), Kind.URL, default=PRODUCTION_URL, vendor=True, help=Tr(
            f"Production : {PRODUCTION_URL} ; test : {TEST_URL}",
            f"Production: {PRODUCTION_URL}; test: {TEST_URL}")),
        Field("piste_client_id", Tr("Client ID de l'application PISTE",
                                    "PISTE application client ID"), Kind.STR, vendor=True,
              help=Tr("Commun à toutes les sociétés ; une société peut avoir le sien.",
                      "Shared by every company; a company may have its own.")),
        Field("piste_client_secret", Tr("Client Secret de l'application PISTE",
                                        "PISTE application client secret"), Kind.SECRET,
              vendor=True),
        technical_user(),
        technical_password(),
        Field("company_code", Tr("Code de la société de connexion de l'utilisateur technique",
                                 "Technical user's login company code"), Kind.STR),
        Field("max_attempts", Tr("Nombre d'essais successifs en cas d'erreur",
                                 "Successive attempts on error"), Kind.INT, default=3,
              minimum=1, maximum=20, help=Tr(
                  "Nombre de fois où la transmission est tentée en cas d'erreur (3 par défaut).",
                  "How many times a transmission is tried on error (3 by default).")),
        Field("retry_delay_s", Tr("Délai en seconde entre chaque essai successif",
                                  "Delay in seconds between attempts"), Kind.INT, default=10,
              minimum=0, maximum=3600),
        Field("max_calls_per_second", Tr("Nombre d'appels maximum à Chorus par seconde",
                                         "Maximum calls to CHORUS PRO per second"), Kind.INT,
              default=20, minimum=1, maximum=20, help=Tr(
                  "20 par défaut ; 1 pour un environnement de test. Quotas du portail : test "
                  "5/s et 50 000/jour, production 20/s et 1 000 000/jour.",
                  "20 by default; 1 for a test environment. Portal quotas: test 5/s and "
                  "50,000/day, production 20/s and 1,000,000/day.")),
        Field("poll_interval_s", Tr("Intervalle de suivi des flux et statuts",
                                    "Flow and status follow-up interval"), Kind.INT,
              default=900, minimum=60, advanced=True),
        replace(startup_delay(), advanced=True),
        Field("timeout_s", Tr("Délai d'attente d'une réponse du portail (secondes)",
                              "Time to wait for the portal's answer (seconds)"), Kind.INT,
              default=30, minimum=1, maximum=300, advanced=True),
        Field("reconcile_after_s", Tr("Délai avant de conclure qu'un dépôt sans réponse n'a pas "
                                      "abouti (secondes)",
                                      "Delay before concluding that an unanswered deposit did "
                                      "not go through (seconds)"), Kind.INT,
              default=900, minimum=0, maximum=86400, advanced=True, help=Tr(
                  "Un dépôt dont la réponse s'est perdue est recherché sur le portail avant "
                  "tout nouvel essai ; s'il n'y apparaît pas après ce délai (le temps que le "
                  "portail traite les flux), il est retenté. Une facture n'est jamais déposée "
                  "deux fois.",
                  "A deposit whose answer was lost is looked for on the portal before any new "
                  "try; if it has not appeared after this delay (the time the portal takes to "
                  "process flows), it is tried again. An invoice is never deposited twice.")),
        Field("webhook_url", Tr("URL de l'ERP prévenue à chaque changement d'état",
                                "ERP URL told of every status change"), Kind.URL,
              advanced=True, help=Tr(
                  "Reçoit en POST un JSON par changement d'état d'une facture, signé par "
                  "l'en-tête X-Raccord-Signature (HMAC-SHA256 du corps avec le secret).",
                  "Receives a JSON POST per invoice status change, signed in the "
                  "X-Raccord-Signature header (HMAC-SHA256 of the body with the secret).")),
        Field("webhook_secret", Tr("Secret de signature des notifications",
                                   "Notification signing secret"), Kind.SECRET, advanced=True),
    ),
    rules=(
        Rule(("max_calls_per_second", "url"), _rate_within_quota,
             Tr("Le débit ne dépasse pas le quota de l'espace visé.",
                "The rate stays within the quota of the targeted space.")),
        Rule(("company_code",), _company_exists,
             Tr("La société de connexion existe.", "The login company exists.")),
    ),
    company_fields=(
        Field("cpro_login", Tr("Compte technique CHORUS PRO", "CHORUS PRO technical account"),
              Kind.STR, help=Tr("Par exemple TECH_1_xxxxx@cpro.fr",
                                "For example TECH_1_xxxxx@cpro.fr")),
        Field("cpro_password", Tr("Mot de passe du compte technique",
                                  "Technical account password"), Kind.SECRET),
        Field("piste_client_id", Tr("Client ID PISTE propre à la société",
                                    "Company's own PISTE client ID"), Kind.STR),
        Field("piste_client_secret", Tr("Client Secret PISTE propre à la société",
                                        "Company's own PISTE client secret"), Kind.SECRET),
        # The payment mentions French law requires on every B2B invoice (BR-FR-05), written
        # as notes PMD, PMT and AAB; empty, the lawful defaults are written.
        Field("late_payment_penalties", Tr("Mention des pénalités de retard",
                                           "Late payment penalties mention"), Kind.STR,
              advanced=True, help=Tr(
                  "Vide : « pénalités au taux de trois fois le taux d'intérêt légal » "
                  "(article L441-10 du Code de commerce).",
                  "Empty: \"penalties at three times the legal interest rate\" (French "
                  "Commercial Code L441-10).")),
        Field("recovery_indemnity", Tr("Mention de l'indemnité forfaitaire de recouvrement",
                                       "Fixed recovery indemnity mention"), Kind.STR,
              advanced=True, help=Tr("Vide : indemnité de 40 € (article D441-5).",
                                     "Empty: a 40 € indemnity (article D441-5).")),
        Field("early_payment_discount", Tr("Mention de l'escompte pour paiement anticipé",
                                           "Early payment discount mention"), Kind.STR,
              advanced=True, help=Tr("Vide : « Pas d'escompte pour paiement anticipé ».",
                                     "Empty: \"no discount for early payment\".")),
    ),
    notes=(Tr("Quotas du portail : espace de test 5 requêtes/s et 50 000/jour ; production 20 "
              "requêtes/s et 1 000 000/jour. Au-delà, la transmission est bloquée.",
              "Portal quotas: test space 5 requests/s and 50,000/day; production 20 "
              "requests/s and 1,000,000/day. Beyond them transmission is blocked."),),
)
