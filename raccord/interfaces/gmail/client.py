"""Gmail API v1 as the application's mail service: a service account acting as the sending
mailbox (domain-wide delegation), scope `gmail.send` only."""

from __future__ import annotations

import base64
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from weakref import WeakKeyDictionary

import httpx

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.http import Outgoing, RetryPolicy
from raccord.core.i18n import Tr
from raccord.core.ratelimit import Ceiling
from raccord.interfaces.gmail.serviceaccount import (
    GMAIL_READONLY,
    GMAIL_SEND,
    AccessToken,
    ServiceAccountKey,
    access_token,
    load_key,
    token_endpoint,
)

if TYPE_CHECKING:
    from raccord.core.hub import Hub

# What Gmail answers when a token is valid but limited to other scopes (here: sending only).
SCOPE_REASONS = {"ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficientPermissions"}
DISABLED_REASONS = {"SERVICE_DISABLED", "accessNotConfigured"}
# Gmail sends messages up to 25 MB, attachments included (as encoded in the message).
MAX_MESSAGE_BYTES = 25 * 1024 * 1024
# What users.messages.send costs in the per-user quota units.
SEND_UNITS = 100
# Google counts its daily quotas per Pacific day.
GOOGLE_DAY = "America/Los_Angeles"


def preconditions_missing(values: Mapping[str, Any]) -> Tr | None:
    """The seed's two preconditions for sending through Gmail, naming each one missing."""
    missing = []
    if not values.get("business_rule_google_mail"):
        missing.append(Tr("la règle de gestion GOOGLE_MAIL doit être activée (cochez « Règle "
                          "de gestion GOOGLE_MAIL »)",
                          "the business rule GOOGLE_MAIL must be on (tick 'GOOGLE_MAIL "
                          "business rule')"))
    if values.get("mail_application") != "gmail":
        missing.append(Tr("Gmail doit être l'application de messagerie choisie dans les "
                          "préférences (choisissez Gmail dans « Application de messagerie »)",
                          "Gmail must be the mail application chosen in the preferences "
                          "(choose Gmail in 'Mail application')"))
    if not missing:
        return None
    return Tr("Envoi par Gmail impossible : " + " ; ".join(m.fr for m in missing) + ".",
              "Cannot send through Gmail: " + "; ".join(m.en for m in missing) + ".")


def _google_error(body: dict[str, Any]) -> tuple[str, set[str]]:
    """Message and reasons of a Google API error body `{"error": {...}}`."""
    error = body.get("error")
    if not isinstance(error, dict):
        return "", set()
    reasons = {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}
    reasons |= {str(d.get("reason")) for d in error.get("details") or [] if isinstance(d, dict)}
    reasons.discard("None")
    if error.get("status"):
        reasons.add(str(error["status"]))
    return str(error.get("message") or ""), reasons


# One kept-alive connection pool per hub for sends (a TLS handshake per message would cost
# more than the send), made again when the trusted authorities change.
_pools: WeakKeyDictionary[Hub, tuple[ssl.SSLContext, httpx.Client]] = WeakKeyDictionary()
_pool_lock = threading.Lock()


def _pooled(hub: Hub, outgoing: Outgoing) -> httpx.Client:
    context = hub.trust.ssl_context()
    with _pool_lock:
        known = _pools.get(hub)
        if known is not None and known[0] is context:
            return known[1]
        # Idle connections are dropped well before a server would close them: a request
        # sent on a connection the server is closing gets no answer, an uncertain send.
        client = outgoing.client(limits=httpx.Limits(keepalive_expiry=2.0))
        _pools[hub] = (context, client)
        if known is not None:
            known[1].close()
        return client


@dataclass(frozen=True)
class MailboxProbe:
    address: str
    profile: dict[str, Any] | None  # None when the token may only send, as intended


class GmailClient:
    def __init__(self, hub: Hub, sender: str | None = None) -> None:
        self.hub = hub
        self.values = hub.values("gmail")
        self.http = hub.outgoing("gmail")
        # The mailbox impersonated (`sub`): the saved sending address unless a message names
        # another mailbox of the delegated domain.
        self._sender = sender

    @property
    def sender(self) -> str:
        return str(self._sender or self.values.get("sender") or "")

    def _users_url(self, tail: str) -> str:
        base = str(self.values["api_url"]).rstrip("/")
        return f"{base}/gmail/v1/users/{quote(self.sender, safe='@')}{tail}"

    def key(self) -> ServiceAccountKey:
        return load_key(str(self.values.get("key_path") or ""))

    @property
    def scopes(self) -> list[str]:
        return [GMAIL_SEND, GMAIL_READONLY] if self.values.get("search_sent") else [GMAIL_SEND]

    def token(self, key: ServiceAccountKey, fresh: bool = False,
              retry: RetryPolicy | None = None) -> AccessToken:
        endpoint = token_endpoint(key, str(self.values.get("token_url") or ""))
        return access_token(self.hub, key, self.sender, self.scopes, endpoint, fresh, retry)

    def ceilings(self, used_today: Callable[[], int] | None = None) -> list[Ceiling]:
        """Gmail's per-user limits, read live from the settings: the daily sending limit
        (refused at once when spent) and the per-second quota units (paced)."""
        values = self.values  # read when the client was made: live for each message
        return [
            Ceiling(f"daily:{self.sender}", "day", lambda: int(values.get("daily_limit") or 2000),
                    blocking=False, timezone=GOOGLE_DAY, used_today=used_today),
            Ceiling(f"units:{self.sender}", "second",
                    lambda: max(1, int(values.get("units_per_second") or 250) // SEND_UNITS),
                    paced=True),
        ]

    def _call(self, method: str, url: str, token: AccessToken, key: ServiceAccountKey,
              retry: RetryPolicy, http: Outgoing | None = None,
              **kwargs: Any) -> httpx.Response | None:
        """The response, or None for a 403 saying the token's scopes do not cover the call."""
        body: dict[str, Any] = {}

        def detail(response: httpx.Response) -> str:
            data = response.json()
            if isinstance(data, dict):
                body.update(data)
            return _google_error(body)[0]

        try:
            return (http or self.http).request(method, url, retry=retry, detail=detail, headers={
                "Authorization": f"Bearer {token.value}", "Accept": "application/json"},
                **kwargs)
        except ServiceError as error:
            message, reasons = _google_error(body)
            if error.diagnosis.status == 403 and reasons & SCOPE_REASONS:
                return None
            raise ServiceError(self._explain(error, message, reasons, key)) from None

    def _explain(self, error: ServiceError, message: str, reasons: set[str],
                 key: ServiceAccountKey) -> Diagnosis:
        status = error.diagnosis.status
        if reasons & DISABLED_REASONS:
            return Diagnosis(Problem.FORBIDDEN, Tr(
                f"L'API Gmail n'est pas activée dans le projet Google Cloud « {key.project_id} »"
                " : activez-la (API et services > Bibliothèque > Gmail API), puis relancez le "
                "test.",
                f"The Gmail API is not enabled in the Google Cloud project '{key.project_id}': "
                "enable it (APIs & Services > Library > Gmail API), then run the Test again."),
                status)
        if "failedPrecondition" in reasons or "FAILED_PRECONDITION" in reasons:
            return Diagnosis(Problem.REFUSED, Tr(
                f"La boîte « {self.sender} » ne peut pas utiliser Gmail ({message}) : l'adresse "
                "d'envoi doit être un utilisateur Google Workspace avec Gmail activé.",
                f"The mailbox '{self.sender}' cannot use Gmail ({message}): the sending address "
                "must be a Google Workspace user with Gmail on."), status)
        if error.diagnosis.problem is Problem.AUTH:
            return Diagnosis(Problem.AUTH, Tr(
                f"Gmail refuse le jeton d'accès ({message}) : relancez le test ; si cela "
                "persiste, créez une nouvelle clé du compte de service.",
                f"Gmail refuses the access token ({message}): run the Test again; if it "
                "persists, create a new service account key."), status)
        return error.diagnosis

    def probe_mailbox(self, token: AccessToken, key: ServiceAccountKey,
                      retry: RetryPolicy | None = None) -> MailboxProbe:
        """`users.getProfile` of the sender. Gmail lists no `gmail.send` among this method's
        scopes, so with a send-only token it answers 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT once
        it has accepted the token for that mailbox: that answer counts as reached."""
        response = self._call("GET", self._users_url("/profile"), token, key,
                                 retry or RetryPolicy(attempts=2, delay_s=1.0))
        return MailboxProbe(self.sender, None if response is None else response.json())

    def send_raw(self, raw: bytes, ceilings: list[Ceiling]) -> str:
        """`users.messages.send` of a whole RFC 5322 message; returns Gmail's message id.
        Tried once (the caller re-queues); an answer lost after the request went out is a
        ServiceError OUTCOME_UNKNOWN for the caller to reconcile (Gmail has no idempotency
        key)."""
        if len(raw) > MAX_MESSAGE_BYTES:
            raise ServiceError(Diagnosis(Problem.REFUSED, Tr(
                f"Message de {len(raw) / 1048576:.1f} Mo : Gmail n'envoie pas de message de "
                "plus de 25 Mo, pièces jointes comprises. Réduisez ou retirez des pièces "
                "jointes.",
                f"Message of {len(raw) / 1048576:.1f} MB: Gmail sends no message above 25 MB, "
                "attachments included. Shrink or remove attachments.")))
        key = self.key()
        # One try of each call: the send job re-queues the message, its tries counted on it.
        token = self.token(key, retry=RetryPolicy())
        outgoing = self.hub.outgoing("gmail", ceilings=ceilings)
        response = self._call(
            "POST", self._users_url("/messages/send"), token, key,
            RetryPolicy(idempotent=False), http=outgoing,
            client=_pooled(self.hub, outgoing),
            json={"raw": base64.urlsafe_b64encode(raw).decode()})
        if response is None:
            raise ServiceError(Diagnosis(Problem.FORBIDDEN, Tr(
                f"Le jeton ne permet pas d'envoyer : autorisez le champ d'application "
                f"{GMAIL_SEND} pour l'ID client {key.client_id} (délégation).",
                f"The token may not send: authorise the scope {GMAIL_SEND} for client ID "
                f"{key.client_id} (delegation)."), 403))
        return str(response.json().get("id", ""))

    def find_sent(self, message_id: str) -> str | None:
        """Gmail's id of the message carrying this Message-ID in the mailbox, or None.
        Needs gmail.readonly (the `search_sent` setting)."""
        key = self.key()
        token = self.token(key, retry=RetryPolicy())
        response = self._call(  # one try: the sweep asks again
            "GET", self._users_url("/messages"), token, key, RetryPolicy(),
            params={"q": f"rfc822msgid:{message_id.strip('<>')}", "includeSpamTrash": "true"})
        if response is None:
            raise ServiceError(Diagnosis(Problem.FORBIDDEN, Tr(
                f"Le jeton ne permet pas de chercher dans la boîte : autorisez le champ "
                f"d'application {GMAIL_READONLY} pour l'ID client {key.client_id} "
                "(délégation), ou décochez « Vérifier les envois incertains dans la boîte ».",
                f"The token may not search the mailbox: authorise the scope {GMAIL_READONLY} "
                f"for client ID {key.client_id} (delegation), or untick 'Check uncertain "
                "sends in the mailbox'."), 403))
        found = response.json().get("messages") or []
        return str(found[0]["id"]) if found else None

    def send(self, to: str, subject: str, body: str) -> str:
        """`users.messages.send` of a plain-text message; returns Gmail's message id."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=self.sender.partition("@")[2] or None)
        message.set_content(body)
        raw = base64.urlsafe_b64encode(message.as_bytes()).decode()
        key = self.key()
        token = self.token(key)
        # Not idempotent: an answer lost in transit is not retried (the mail may be gone).
        response = self._call(
            "POST", self._users_url("/messages/send"), token, key,
            RetryPolicy(attempts=3, delay_s=2.0, idempotent=False), json={"raw": raw})
        if response is None:
            raise ServiceError(Diagnosis(Problem.FORBIDDEN, Tr(
                f"Le jeton ne permet pas d'envoyer : autorisez le champ d'application "
                f"{GMAIL_SEND} pour l'ID client {key.client_id} (délégation).",
                f"The token may not send: authorise the scope {GMAIL_SEND} for client ID "
                f"{key.client_id} (delegation)."), 403))
        return str(response.json().get("id", ""))


def send_mail(hub: Hub, to: str, subject: str, body: str) -> str:
    """Send a plain-text mail from the configured sending address; returns Gmail's id.
    Refuses, naming what is missing, unless GOOGLE_MAIL is on and Gmail is the chosen mail
    application."""
    client = GmailClient(hub)
    missing = preconditions_missing(client.values)
    if missing is not None:
        raise ServiceError(Diagnosis(Problem.DISABLED, missing))
    if not client.sender:
        raise ServiceError(Diagnosis(Problem.CONFIG, Tr(
            "Renseignez et enregistrez l'adresse d'envoi (délégation) de Gmail.",
            "Fill in and save Gmail's sending address (delegation).")))
    return client.send(to, subject, body)
