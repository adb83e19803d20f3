"""Exchange Web Services through exchangelib: a mailbox opened by delegation or impersonation,
with the delegate user's password or an app-only OAuth token (Exchange Online)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests
from exchangelib import (
    DELEGATE,
    IMPERSONATION,
    UTC,
    Account,
    Build,
    Configuration,
    Credentials,
    FailFast,
    OAuth2Credentials,
    Version,
)
from exchangelib.errors import EWSError, UnauthorizedError
from exchangelib.folders import Calendar
from exchangelib.protocol import Protocol
from exchangelib.transport import OAUTH2, get_auth_method_from_response
from oauthlib.oauth2 import OAuth2Token

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError, diagnose_exception
from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr
from raccord.interfaces.exchange.entra import EWS_SCOPE, app_token
from raccord.interfaces.exchange.ews_errors import ews_refusal
from raccord.interfaces.exchange.ews_transport import protocol_class

if TYPE_CHECKING:
    from raccord.core.http import Outgoing

# The server_version setting, as the builds exchangelib compares against.
BUILDS = {
    "Exchange2007": Build(8, 0), "Exchange2007_SP1": Build(8, 1),
    "Exchange2010": Build(14, 0), "Exchange2010_SP1": Build(14, 1),
    "Exchange2010_SP2": Build(14, 2), "Exchange2013": Build(15, 0),
    "Exchange2013_SP1": Build(15, 0, 847), "Exchange2016": Build(15, 1),
}


class EntraCredentials(OAuth2Credentials):
    """exchangelib's app-only credentials, refreshed at the configured Microsoft login URL."""

    def __init__(self, login_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.login_url = login_url.rstrip("/")

    @property
    def token_url(self) -> str:
        return f"{self.login_url}/{self.tenant_id}/oauth2/v2.0/token"


@dataclass(frozen=True)
class CalendarInfo:
    name: str
    items: int | None


class EwsClient:
    def __init__(self, http: Outgoing, values: dict[str, Any]) -> None:
        self.http = http
        self.values = values
        self._auth_type: str | None = None
        self._credentials: Credentials | OAuth2Credentials | None = None

    @property
    def url(self) -> str:
        return str(self.values["ews_url"])

    @property
    def oauth(self) -> bool:
        return bool(self.values.get("oauth"))

    @property
    def access_type(self) -> str:
        # An app-only token acts for nobody: Exchange Online then requires the
        # ExchangeImpersonation header whatever the setting says.
        return IMPERSONATION if self.values.get("impersonation") or self.oauth else DELEGATE

    def version(self) -> Version:
        name = str(self.values.get("server_version") or "Exchange2016")
        return Version(build=BUILDS[name], api_version=name)

    def reach(self) -> str:
        """An unauthenticated request, as exchangelib's own probe: reaches the server (any
        TLS, DNS or URL problem surfaces here in plain words) and reads the auth methods."""
        if self._auth_type is not None:
            return self._auth_type
        version = self.version()
        probe = protocol_class(self.http)(
            config=Configuration(service_endpoint=self.url, version=version))
        probe.api_version_hint = version.api_version
        try:
            response = self.http.request(
                "POST", self.url, content=probe.dummy_xml(), expect=(200, 401),
                headers={"Content-Type": "text/xml; charset=utf-8"},
                retry=RetryPolicy(attempts=2, delay_s=0.5))
        except ServiceError as error:
            if error.diagnosis.problem is not Problem.NOT_FOUND:
                raise
            raise ServiceError(Diagnosis(Problem.NOT_FOUND, error.diagnosis.message + Tr(
                "L'URL du service EWS finit normalement par /EWS/Exchange.asmx.",
                "The EWS service URL normally ends with /EWS/Exchange.asmx."), 404)) from None
        if self.oauth:
            self._auth_type = OAUTH2
            return OAUTH2
        try:
            self._auth_type = str(get_auth_method_from_response(response))
        except UnauthorizedError:
            offered = response.headers.get("WWW-Authenticate", "?")
            raise ServiceError(Diagnosis(Problem.AUTH, Tr(
                f"Le serveur EWS ne propose aucune méthode d'authentification utilisable "
                f"({offered}) : activez l'authentification de base ou NTLM sur le répertoire "
                "virtuel EWS, ou cochez OAuth pour Exchange 365.",
                f"The EWS server offers no usable authentication method ({offered}): turn on "
                "basic or NTLM authentication on the EWS virtual directory, or tick OAuth for "
                "Exchange 365."), 401)) from None
        return self._auth_type

    def credentials(self) -> Credentials | OAuth2Credentials:
        """The delegate user's password, or an app-only token fetched from Entra ID now."""
        if self._credentials is not None:
            return self._credentials
        v = self.values
        if not self.oauth:
            self._credentials = Credentials(username=v["delegate_user"], password=v["password"])
            return self._credentials
        token = app_token(self.http, v["login_url"], v["tenant_id"], v["client_id"],
                          v["client_secret"], EWS_SCOPE)
        self._credentials = EntraCredentials(
            login_url=v["login_url"], client_id=v["client_id"], client_secret=v["client_secret"],
            tenant_id=v["tenant_id"], access_token=OAuth2Token({
                "access_token": token.value, "token_type": "Bearer",
                "expires_in": token.expires_in}))
        return self._credentials

    @contextmanager
    def account(self, mailbox: str) -> Iterator[Account]:
        """The mailbox opened by delegation or impersonation (one connection, no retries:
        raccord's own policies apply), closed afterwards."""
        config = Configuration(service_endpoint=self.url, credentials=self.credentials(),
                               auth_type=self.reach(), version=self.version(),
                               retry_policy=FailFast(), max_connections=1)
        protocol = protocol_class(self.http)(config=config)
        try:
            account = Account(primary_smtp_address=mailbox, config=config, autodiscover=False,
                              access_type=self.access_type, default_timezone=UTC)
            with suppress(KeyError):  # the cache entry Account() made for exchangelib's class
                del Protocol[config]
            account.protocol = protocol
            yield account
        finally:
            protocol.close()

    def open_calendar(self, mailbox: str) -> CalendarInfo:
        """Open the mailbox's calendar folder (GetFolder on the `calendar` distinguished id)."""
        try:
            with self.account(mailbox) as account:
                folder = Calendar.get_distinguished(root=account.root)
                return CalendarInfo(str(folder.name or "Calendar"), folder.total_count)
        except EWSError as error:
            raise ServiceError(ews_refusal(error, self.values, mailbox)) from None
        except requests.RequestException as error:
            raise ServiceError(diagnose_exception(error, self.url, self.http.timeout)) from None
