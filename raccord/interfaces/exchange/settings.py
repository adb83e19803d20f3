"""Exchange / Microsoft 365 calendars, through EWS or Microsoft Graph."""

from __future__ import annotations

from raccord.core.i18n import Tr
from raccord.core.schema import Choice, Field, InterfaceSchema, Kind, Rule, requires_when
from raccord.interfaces.common_fields import startup_delay

EWS_URL = "https://outlook.office365.com/EWS/exchange.asmx"
GRAPH_URL = "https://graph.microsoft.com/v1.0"
LOGIN_URL = "https://login.microsoftonline.com"

SERVER_VERSIONS = (
    ("Exchange2007", "Exchange 2007"),
    ("Exchange2007_SP1", "Exchange 2007 SP1"),
    ("Exchange2010", "Exchange 2010"),
    ("Exchange2010_SP1", "Exchange 2010 SP1"),
    ("Exchange2010_SP2", "Exchange 2010 SP2 / SP3"),
    ("Exchange2013", "Exchange 2013"),
    ("Exchange2013_SP1", "Exchange 2013 SP1"),
    ("Exchange2016", "Exchange 2016 / 2019 / Exchange Online (365)"),
)

TENANT = Field("tenant_id", Tr("Tenant ID", "Tenant ID"), Kind.STR, help=Tr(
    "Obligatoire si OAuth ou Graph est coché : ID de l'annuaire (locataire) dans Entra ID.",
    "Required when OAuth or Graph is on: the directory (tenant) ID in Entra ID."))
CLIENT = Field("client_id", Tr("Client ID", "Client ID"), Kind.STR, help=Tr(
    "Obligatoire si OAuth ou Graph est coché : ID d'application (client).",
    "Required when OAuth or Graph is on: the application (client) ID."))
SECRET = Field("client_secret", Tr("Client Secret", "Client secret"), Kind.SECRET, help=Tr(
    "Obligatoire si OAuth ou Graph est coché. Il expire : notez sa date d'expiration.",
    "Required when OAuth or Graph is on. It expires: note its expiry date."))
SECRET_EXPIRY = Field("client_secret_expires_on", Tr("Date d'expiration du Client Secret",
                                                     "Client secret expiry date"), Kind.DATE,
                      help=Tr("Celle choisie dans Entra ID : raccord prévient 30 jours avant.",
                              "The one chosen in Entra ID: raccord warns 30 days before."))
OAUTH = Field("oauth", Tr("Utiliser une authentification OAUTH (Exchange 365 seulement)",
                          "Use OAuth authentication (Exchange 365 only)"), Kind.BOOL,
              default=False)
GRAPH = Field("graph", Tr("Utiliser la librairie Graph API", "Use the Graph API"), Kind.BOOL,
              default=False, help=Tr(
                  "Application inscrite dans Microsoft Entra ID avec la permission d'application "
                  "Calendars.ReadWrite et le consentement administrateur.",
                  "An application registered in Microsoft Entra ID with the application "
                  "permission Calendars.ReadWrite and admin consent."))

SCHEMA = InterfaceSchema(
    name="exchange",
    title=Tr("Exchange", "Exchange"),
    summary=Tr("Synchronise les plannings et rendez-vous avec les agendas Microsoft Outlook, "
               "par Exchange Web Services ou Microsoft Graph.",
               "Synchronises plannings and appointments with Microsoft Outlook calendars, "
               "through Exchange Web Services or Microsoft Graph."),
    fields=(
        Field("delegate_user", Tr("Utilisateur délégué", "Delegate user"), Kind.STR, help=Tr(
            "Avec Exchange 365, cet utilisateur doit avoir une délégation d'accès total aux "
            "boîtes des collaborateurs (sauf impersonation).",
            "With Exchange 365 this user needs full access delegation to the employees' "
            "mailboxes (unless impersonation).")),
        Field("password", Tr("Mot de passe associé", "Password"), Kind.SECRET),
        Field("ews_url", Tr("URL du service EWS", "EWS service URL"), Kind.URL, default=EWS_URL),
        Field("server_version", Tr("Version du serveur Exchange", "Exchange server version"),
              Kind.ENUM, default="Exchange2016",
              choices=tuple(Choice(v, Tr(label, label)) for v, label in SERVER_VERSIONS)),
        Field("max_threads", Tr("Nombre de threads maximum pour les synchronisations",
                                "Maximum threads for synchronisations"), Kind.INT, default=4,
              minimum=1, maximum=64, help=Tr(
                  "Nombre maximum de boîtes synchronisées en même temps. Avec Graph, leurs "
                  "requêtes partagent des appels $batch (20 boîtes au plus par appel).",
                  "Maximum number of mailboxes synchronised at once. With Graph, their "
                  "requests share $batch calls (20 mailboxes at most per call).")),
        Field("impersonation", Tr("Utiliser l'impersonation", "Use impersonation"), Kind.BOOL,
              default=False, help=Tr(
                  "Exchange 365 : évite les limites d'appels par utilisateur.",
                  "Exchange 365: avoids per-user call limits.")),
        Field("test_user", Tr("Utilisateur à tester", "User to test"), Kind.EMAIL, help=Tr(
            "Adresse d'une boîte existante : le test ouvre son agenda.",
            "An existing mailbox's address: the Test opens its calendar.")),
        OAUTH,
        GRAPH,
        TENANT,
        CLIENT,
        SECRET,
        SECRET_EXPIRY,
        Field("sync_interval_s", Tr("Intervalle de synchronisation des agendas",
                                    "Calendar synchronisation interval"), Kind.INT,
              default=300, minimum=30, help=Tr(
                  "Secondes entre deux synchronisations planifiées de toutes les boîtes. Un "
                  "rendez-vous changé dans l'ERP part aussitôt, sans attendre.",
                  "Seconds between two scheduled synchronisations of every mailbox. An "
                  "appointment changed in the ERP goes at once, without waiting.")),
        startup_delay(),
        Field("graph_url", Tr("URL de Microsoft Graph", "Microsoft Graph URL"), Kind.URL,
              default=GRAPH_URL, advanced=True),
        Field("login_url", Tr("URL d'authentification Microsoft", "Microsoft login URL"),
              Kind.URL, default=LOGIN_URL, advanced=True),
        Field("sync_past_days", Tr("Jours passés synchronisés", "Past days synchronised"),
              Kind.INT, default=31, minimum=0, maximum=3650, advanced=True, help=Tr(
                  "Les changements faits dans Outlook sont relus sur cette fenêtre.",
                  "Changes made in Outlook are read back over this window.")),
        Field("sync_future_days", Tr("Jours à venir synchronisés", "Future days synchronised"),
              Kind.INT, default=366, minimum=1, maximum=3650, advanced=True),
        Field("timeout_s", Tr("Délai d'attente d'une réponse (s)", "Answer timeout (s)"),
              Kind.INT, default=30, minimum=1, maximum=300, advanced=True),
        Field("graph_mailbox_requests", Tr("Requêtes Graph par boîte (budget)",
                                           "Graph requests per mailbox (budget)"), Kind.INT,
              default=10_000, minimum=20, maximum=100_000, advanced=True, help=Tr(
                  "Microsoft Graph accepte au plus 10 000 requêtes par application et par boîte "
                  "sur 10 minutes : raccord les répartit pour ne pas dépasser ce budget.",
                  "Microsoft Graph takes at most 10,000 requests per application and mailbox "
                  "in 10 minutes: raccord spreads its requests so as to stay within it.")),
        Field("graph_mailbox_window_s", Tr("Fenêtre de ce budget (s)",
                                           "Window of that budget (s)"), Kind.INT,
              default=600, minimum=1, maximum=3600, advanced=True),
        Field("webhook_url", Tr("URL de l'ERP prévenue des changements faits dans Outlook",
                                "ERP URL told of changes made in Outlook"), Kind.URL,
              advanced=True, help=Tr(
                  "Reçoit en POST un JSON par rendez-vous changé ou supprimé dans Outlook, "
                  "signé par l'en-tête X-Raccord-Signature (HMAC-SHA256 du corps).",
                  "Receives a JSON POST per appointment changed or deleted in Outlook, signed "
                  "in the X-Raccord-Signature header (HMAC-SHA256 of the body).")),
        Field("webhook_secret", Tr("Secret de signature des notifications",
                                   "Notification signing secret"), Kind.SECRET, advanced=True),
    ),
    rules=(
        Rule(("oauth", "graph", "tenant_id", "client_id", "client_secret"),
             requires_when(("oauth", "graph"), ("tenant_id", "client_id", "client_secret"),
                           {f.key: f.label for f in (OAUTH, GRAPH, TENANT, CLIENT, SECRET)}),
             Tr("Tenant ID, Client ID et Client Secret sont obligatoires avec OAuth ou Graph.",
                "Tenant ID, Client ID and Client secret are required with OAuth or Graph.")),
    ),
)
