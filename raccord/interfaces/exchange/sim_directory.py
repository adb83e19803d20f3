"""The simulated Microsoft 365 tenant: its registered applications, mailboxes and EWS logins.
Shared by the Entra ID, Graph and EWS parts of the Exchange simulator."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from raccord.interfaces.demo import DEMO_EMPLOYEE

TENANT_ID = "7e1c3a52-5d6b-4d7e-9c1a-0f3b2a8d4e61"
CLIENT_ID = "3f6a1c9e-2b4d-4e8a-9c7f-1a2b3c4d5e6f"
CLIENT_SECRET = "sandbox~Graph.Secret-8Q"
EXPIRED_SECRET = "sandbox~Expired.Secret-2K"
# Registered, permissions requested, but admin consent never granted: tokens carry no roles.
NO_CONSENT_CLIENT_ID = "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e"

TEST_USER = "marie.martin@contoso.com"
OTHER_USER = "jean.dupont@contoso.com"
PRIVATE_USER = "lucie.bernard@contoso.com"  # the delegate has no full access to this one
NO_MAILBOX_USER = "paul.durand@contoso.com"  # in the directory, without an Exchange mailbox
DELEGATE_USER = "svc-raccord@contoso.com"
DELEGATE_PASSWORD = "sandbox-ews-P4ss"
PLAIN_USER = "stagiaire@contoso.com"  # a login without impersonation or delegation rights
PLAIN_PASSWORD = "sandbox-plain-P4ss"

GRAPH_AUDIENCE = "https://graph.microsoft.com"
EWS_AUDIENCE = "https://outlook.office365.com"
CALENDAR_ROLES = {"Calendars.Read", "Calendars.ReadWrite"}
EWS_ROLE = "full_access_as_app"


@dataclass
class App:
    name: str
    secrets: dict[str, float]  # value -> expiry (epoch seconds)
    graph_roles: set[str] = field(default_factory=set)
    ews_roles: set[str] = field(default_factory=set)


@dataclass
class EwsLogin:
    password: str
    impersonation: bool = False
    full_access: set[str] = field(default_factory=set)


@dataclass
class Mailbox:
    name: str
    has_mailbox: bool = True
    calendar_items: int = 0


@dataclass
class Grant:
    """What an issued access token stands for."""

    client_id: str
    audience: str
    roles: set[str]


@dataclass
class Directory:
    tenants: dict[str, dict[str, App]]
    mailboxes: dict[str, Mailbox]
    logins: dict[str, EwsLogin]
    grants: dict[str, Grant] = field(default_factory=dict)


def sandbox_directory() -> Directory:
    year = 365 * 86400.0
    now = time.time()
    apps = {
        CLIENT_ID: App("raccord Microsoft Graph Exchange",
                       {CLIENT_SECRET: now + year, EXPIRED_SECRET: now - 86400},
                       graph_roles={"Calendars.ReadWrite"}, ews_roles={EWS_ROLE}),
        NO_CONSENT_CLIENT_ID: App("raccord (consent pending)", {CLIENT_SECRET: now + year}),
    }
    mailboxes = {
        TEST_USER: Mailbox("Marie Martin", calendar_items=12),
        OTHER_USER: Mailbox("Jean Dupont", calendar_items=3),
        PRIVATE_USER: Mailbox("Lucie Bernard", calendar_items=7),
        NO_MAILBOX_USER: Mailbox("Paul Durand", has_mailbox=False),
        DELEGATE_USER: Mailbox("Service raccord"),
        PLAIN_USER: Mailbox("Stagiaire"),
        # The sandbox's demo employee (raccord.interfaces.demo): demo-sarl.fr is one of the
        # tenant's domains, as a company's own domain is in Microsoft 365.
        DEMO_EMPLOYEE.email: Mailbox(DEMO_EMPLOYEE.name, calendar_items=2),
    }
    logins = {
        DELEGATE_USER: EwsLogin(DELEGATE_PASSWORD, impersonation=True,
                                full_access={TEST_USER, OTHER_USER, DEMO_EMPLOYEE.email}),
        PLAIN_USER: EwsLogin(PLAIN_PASSWORD),
    }
    return Directory({TENANT_ID: apps}, mailboxes, logins)
