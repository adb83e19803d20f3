"""The "Utilisateur Bridge" section of the bank screen: create, edit, delete the one user."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from raccord.core.accounts import Account
from raccord.core.diagnosis import ServiceError
from raccord.core.schema import SettingError
from raccord.core.settings_store import Actor
from raccord.interfaces.bank.users import (
    BridgeUserError,
    create_user,
    delete_user,
    update_user,
)
from raccord.toolkit.pages import check_csrf, hub_of, may_change
from raccord.toolkit.screens import interface_page

router = APIRouter(include_in_schema=False)


@router.post("/interfaces/bank/bridge-user", dependencies=[Depends(check_csrf)])
def save_bridge_user(request: Request, name: str = Form(""), email: str = Form(""),
                     account: Account = Depends(may_change)) -> Response:
    hub = hub_of(request)
    actor = Actor(account.login, account.role)
    try:
        if hub.values("bank").get("bridge_user_uuid"):
            update_user(hub, name, email, actor)
        else:
            create_user(hub, name, email, actor)
    except (BridgeUserError, SettingError) as error:
        return interface_page(request, account, "bank", status_code=400,
                              errors={"bridge_user": error.message})
    except ServiceError as error:
        return interface_page(request, account, "bank", status_code=502,
                              errors={"bridge_user": error.diagnosis.message})
    return RedirectResponse("/interfaces/bank?saved=bridge_user#bridge-user", 303)


@router.post("/interfaces/bank/bridge-user/delete", dependencies=[Depends(check_csrf)])
def remove_bridge_user(request: Request, account: Account = Depends(may_change)) -> Response:
    hub = hub_of(request)
    try:
        delete_user(hub, Actor(account.login, account.role))
    except BridgeUserError as error:
        return interface_page(request, account, "bank", status_code=400,
                              errors={"bridge_user": error.message})
    except ServiceError as error:
        return interface_page(request, account, "bank", status_code=502,
                              errors={"bridge_user": error.diagnosis.message})
    return RedirectResponse("/interfaces/bank?saved=bridge_user_deleted#bridge-user", 303)
