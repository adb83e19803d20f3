"""The EWS part of the Exchange simulator: SOAP over `/EWS/Exchange.asmx` with Basic or Bearer
authentication, the ExchangeImpersonation header, GetFolder on distinguished folders, and
Exchange's own response codes and SOAP faults."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from fastapi.responses import Response
from lxml import etree

from raccord.core.safexml import HostileXml, parse_xml
from raccord.core.simulator import Simulator
from raccord.interfaces.exchange.sim_directory import EWS_AUDIENCE, EWS_ROLE, Directory
from raccord.interfaces.exchange.sim_ews_items import busy_fault_body

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
NS = {"s": SOAP, "t": T, "m": M}
XML_TYPE = "text/xml; charset=utf-8"
# Exchange Online answers with both; exchangelib picks Basic (it does not speak Bearer probing).
CHALLENGE = ('Bearer client_id="00000002-0000-0ff1-ce00-000000000000", '
             'trusted_issuers="00000001-0000-0000-c000-000000000000@*", '
             'token_types="app_asserted_user_v1 service_asserted_app_v1", '
             'authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
             'Basic Realm=""')
SERVER_VERSION = ('<h:ServerVersionInfo MajorVersion="15" MinorVersion="20" '
                  'MajorBuildNumber="7452" MinorBuildNumber="28" Version="V2018_01_08" '
                  f'xmlns:h="{T}"/>')
FOLDERS = {
    "root": ("Folder", "Top of Information Store", None),
    "msgfolderroot": ("Folder", "Top of Information Store", None),
    "calendar": ("CalendarFolder", "Calendar", "IPF.Appointment"),
}


@dataclass
class Caller:
    login: str  # the EWS login, or the application's client id for an app-only token
    app_only: bool
    impersonation: bool
    full_access: set[str]


def _unauthorized(reason: str = "") -> Response:
    headers = {"WWW-Authenticate": CHALLENGE}
    if reason:
        headers["x-ms-diagnostics"] = f'2000001;reason="{reason}";error_category="invalid_token"'
    return Response(status_code=401, headers=headers)


def _authenticate(directory: Directory, sim: Simulator, authorization: str) -> Caller | Response:
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "basic":
        try:
            login, _, password = base64.b64decode(value).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return _unauthorized()
        account = directory.logins.get(login.lower())
        if account is None or account.password != password:
            return _unauthorized()
        return Caller(login.lower(), False, account.impersonation, account.full_access)
    if scheme.lower() == "bearer":
        grant = directory.grants.get(value.strip())
        if grant is None or not sim.token_valid(value.strip()):
            return _unauthorized("The token has expired.")
        if grant.audience != EWS_AUDIENCE or EWS_ROLE not in grant.roles:
            return _unauthorized("The token contains no permissions, or permissions can not "
                                 "be understood.")
        return Caller(grant.client_id, True, True, set())
    return _unauthorized()


def _envelope(body: str) -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{SOAP}">'
            f"<s:Header>{SERVER_VERSION}</s:Header><s:Body>{body}</s:Body></s:Envelope>")


def soap_fault(code: str, message: str) -> Response:
    body = (f"<s:Fault><faultcode xmlns:a=\"{T}\">a:{code}</faultcode>"
            f"<faultstring xml:lang=\"en-US\">{escape(message)}</faultstring><detail>"
            f'<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/'
            f'errors">{code}</e:ResponseCode><e:Message xmlns:e="http://schemas.microsoft.com/'
            f'exchange/services/2006/errors">{escape(message)}</e:Message></detail></s:Fault>')
    return Response(_envelope(body), status_code=500, media_type=XML_TYPE)


def _error_message(operation: str, code: str, message: str) -> str:
    return (f'<m:{operation}ResponseMessage ResponseClass="Error"><m:MessageText>'
            f"{escape(message)}</m:MessageText><m:ResponseCode>{code}</m:ResponseCode>"
            f"<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Folders/>"
            f"</m:{operation}ResponseMessage>")


def _folder(mailbox: str, distinguished: str, items: int) -> str:
    tag, name, folder_class = FOLDERS[distinguished]
    folder_id = base64.b64encode(f"{mailbox}/{distinguished}".encode()).decode()
    parts = [f"<t:FolderId Id={quoteattr(folder_id)} ChangeKey=\"AQAAABYAAAA=\"/>"]
    if folder_class:
        parts.append(f"<t:FolderClass>{folder_class}</t:FolderClass>")
    parts.append(f"<t:DisplayName>{name}</t:DisplayName>")
    parts.append(f"<t:TotalCount>{items if folder_class else 0}</t:TotalCount>")
    parts.append("<t:ChildFolderCount>0</t:ChildFolderCount>")
    return f"<t:{tag}>{''.join(parts)}</t:{tag}>"


def handle_ews(directory: Directory, sim: Simulator, authorization: str, raw: bytes) -> Response:
    caller = _authenticate(directory, sim, authorization)
    if isinstance(caller, Response):
        return caller
    try:
        envelope = parse_xml(raw)
    except (etree.XMLSyntaxError, HostileXml):
        return soap_fault("ErrorSchemaValidation", "The request failed schema validation.")
    impersonated = envelope.findtext(".//t:ExchangeImpersonation//t:PrimarySmtpAddress",
                                     namespaces=NS)
    if caller.app_only and not impersonated:
        return soap_fault("ErrorInvalidExchangeImpersonationHeaderData",
                          "ExchangeImpersonation SOAP header must be present for this type of "
                          "OAuth token.")
    acting = caller.login
    if impersonated:
        impersonated = impersonated.lower()
        if not caller.impersonation:
            return soap_fault("ErrorImpersonateUserDenied",
                              "The account does not have permission to impersonate the "
                              "requested user.")
        found = directory.mailboxes.get(impersonated)
        if found is None or not found.has_mailbox:
            return soap_fault("ErrorNonExistentMailbox",
                              "The SMTP address has no mailbox associated with it.")
        acting = impersonated
    get_folder = envelope.find(".//s:Body/m:GetFolder", namespaces=NS)
    if get_folder is None:
        items = sim.state.get("ews_items")
        body = envelope.find(".//s:Body", namespaces=NS)
        operation = body[0] if body is not None and len(body) else None
        if items is None or operation is None:
            return soap_fault("ErrorInvalidRequest", "The request is invalid.")
        answer = items.handle(operation, acting, caller.full_access | {caller.login},
                              bool(impersonated))
        if isinstance(answer, tuple) and answer[0] == "__lost__":
            return Response(_envelope(answer[1]), media_type=XML_TYPE,
                            headers={"x-sim-lost": "1"})
        if isinstance(answer, tuple) and answer[0] == "ErrorServerBusy":
            return Response(_envelope(busy_fault_body(int(answer[1]))), status_code=500,
                            media_type=XML_TYPE)
        if isinstance(answer, tuple):
            return soap_fault(*answer)
        return Response(_envelope(answer), media_type=XML_TYPE)
    messages = []
    for folder_id in get_folder.findall("m:FolderIds/t:DistinguishedFolderId", namespaces=NS):
        messages.append(_get_folder(directory, caller, acting, folder_id))
    body = (f'<m:GetFolderResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages>'
            f"{''.join(messages)}</m:ResponseMessages></m:GetFolderResponse>")
    return Response(_envelope(body), media_type=XML_TYPE)


def _get_folder(directory: Directory, caller: Caller, acting: str,
                folder_id: etree._Element) -> str:
    distinguished = str(folder_id.get("Id") or "")
    target = (folder_id.findtext("t:Mailbox/t:EmailAddress", namespaces=NS) or acting).lower()
    mailbox = directory.mailboxes.get(target)
    if mailbox is None or not mailbox.has_mailbox:
        return _error_message("GetFolder", "ErrorNonExistentMailbox",
                              "The SMTP address has no mailbox associated with it.")
    if target != acting and target not in caller.full_access:
        return _error_message("GetFolder", "ErrorAccessDenied",
                              "Access is denied. Check credentials and try again.")
    if distinguished not in FOLDERS:
        return _error_message("GetFolder", "ErrorFolderNotFound",
                              "The specified folder could not be found in the store.")
    return ('<m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError'
            f"</m:ResponseCode><m:Folders>{_folder(target, distinguished, mailbox.calendar_items)}"
            "</m:Folders></m:GetFolderResponseMessage>")
