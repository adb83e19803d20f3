"""What every console page is made with: who is signed in, the CSRF check, the language, and
`render`, which fills the console's base template (menu, language, account)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from jinja2 import FileSystemLoader

from raccord.core.accounts import Account
from raccord.core.i18n import Tr, pick_language
from raccord.core.roles import ROLE_LABELS, Role, at_least
from raccord.interfaces.hub import InterfaceHub
from raccord.toolkit.sessions import csrf_matches, csrf_token, session_account
from raccord.toolkit.texts import TEXTS

# The console's own templates come first; each feature adds its folder (add_template_folder).
_FOLDERS: list[str] = [str(Path(__file__).parent.parent / "console" / "templates")]
TEMPLATES = Jinja2Templates(directory=_FOLDERS[0])


def add_template_folder(folder: Path) -> None:
    """Let a feature's templates extend the console's base (see docs/console-pages.md)."""
    if str(folder) not in _FOLDERS:
        _FOLDERS.append(str(folder))
        TEMPLATES.env.loader = FileSystemLoader(_FOLDERS)


class LoginRequired(Exception):
    pass


class Forbidden(Exception):
    pass


def language(request: Request) -> str:
    return pick_language(request.cookies.get("lang") or request.headers.get("accept-language"))


def hub_of(request: Request) -> InterfaceHub:
    hub: InterfaceHub = request.app.state.hub
    return hub


def any_account(request: Request) -> Account:
    """Whoever is signed in, an employee included (pages that check what it may see)."""
    account = session_account(request)
    if account is None:
        raise LoginRequired()
    return account


class EmployeeHome(Exception):
    """An employee reached a console screen: it is sent to its own expense reports."""


EMPLOYEE_HOME = "/expenses"


def signed_in(request: Request) -> Account:
    """A signed-in member of the staff: the console's screens stay hidden from employees."""
    account = any_account(request)
    if account.role is Role.EMPLOYEE:
        raise EmployeeHome()
    return account


def may_change(account: Account = Depends(signed_in)) -> Account:
    """A signed-in account allowed to change things (a reader only reads)."""
    if account.role is Role.READER:
        raise Forbidden()
    return account


async def check_csrf(request: Request) -> None:
    form = await request.form()
    if not csrf_matches(request, str(form.get("csrf", ""))):
        raise Forbidden()


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    lang = language(request)
    hub = hub_of(request)
    account = session_account(request)

    def t(key: str) -> str:
        return TEXTS[key](lang)

    def tr(value: Tr | None) -> str:
        return value(lang) if value is not None else ""

    base = {
        "request": request, "lang": lang, "t": t, "tr": tr, "hub": hub, "account": account,
        "csrf": csrf_token(request), "interfaces": list(hub.interfaces.values()),
        "role_label": (lambda r: ROLE_LABELS[Role(r)](lang)), "mode": hub.env.mode.value,
        "path": request.url.path,
        "feature_nav": [(path, label) for path, label, least
                        in getattr(request.app.state, "feature_nav", [])
                        if account is not None and at_least(account.role, least)],
    }
    return TEMPLATES.TemplateResponse(request, template, {**base, **context},
                                      status_code=status_code)
