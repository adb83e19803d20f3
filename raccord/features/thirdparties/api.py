"""REST API of the third parties (mounted under /api/v1).

    GET    /thirdparties[?kind=customer&q=text&limit=&offset=]
    POST   /thirdparties[?fill=true]       create; with fill, SIRENE fills what is not given
    GET    /thirdparties/{id}
    PATCH  /thirdparties/{id}              change some fields (numbers checked again)
    POST   /thirdparties/{id}/refresh      take SIRENE's fields again (?fresh=false: the copy)
    DELETE /thirdparties/{id}
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from raccord.core.accounts import Account
from raccord.core.httpsafe import Count, RowId
from raccord.core.hub import Hub
from raccord.core.i18n import pick_language
from raccord.core.roles import Role
from raccord.features.thirdparties import service
from raccord.features.thirdparties.api_models import PartyOut
from raccord.features.thirdparties.models import PartyKind
from raccord.features.thirdparties.service import PartyData, PartyRefused
from raccord.toolkit.api import AUTH_ERRORS, errors, get_hub, require_role

router = APIRouter(prefix="/thirdparties", tags=["thirdparties"], responses=AUTH_ERRORS)
reader = require_role(Role.READER)
writer = require_role(Role.ADMINISTRATOR)


def _lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"))


def _refused(request: Request, error: PartyRefused) -> JSONResponse:
    return JSONResponse({"reason": error.reason, "error": error.message(_lang(request)),
                         "error_fr": error.message.fr, "error_en": error.message.en},
                        status_code=error.status)


@router.get("", response_model=list[PartyOut])
def list_parties(request: Request, kind: PartyKind | None = None, q: str | None = None,
                 limit: Count = 100, offset: Count = 0, hub: Hub = Depends(get_hub),
                 _: Account = Depends(reader)) -> list[dict[str, Any]]:
    rows = service.listing(hub, kind.value if kind else None, q, max(1, min(limit, 1000)),
                           max(0, offset))
    return [service.as_dict(p, _lang(request)) for p in rows]


@router.post("", status_code=201, response_model=PartyOut,
             responses=errors(404, 503))
def create_party(data: PartyData, request: Request, fill: bool = False,
                 hub: Hub = Depends(get_hub), account: Account = Depends(writer)) -> Any:
    try:
        party = service.create(hub, data, account.login, fill)
    except PartyRefused as error:
        return _refused(request, error)
    return JSONResponse(service.as_dict(party, _lang(request)), status_code=201)


@router.get("/{party_id}", response_model=PartyOut, responses=errors(404))
def get_party(party_id: RowId, request: Request, hub: Hub = Depends(get_hub),
              _: Account = Depends(reader)) -> Any:
    try:
        return service.as_dict(service.get(hub, party_id), _lang(request))
    except PartyRefused as error:
        return _refused(request, error)


@router.patch("/{party_id}", response_model=PartyOut, responses=errors(404))
def update_party(party_id: RowId, data: PartyData, request: Request,
                 hub: Hub = Depends(get_hub), account: Account = Depends(writer)) -> Any:
    try:
        return service.as_dict(service.update(hub, party_id, data, account.login),
                               _lang(request))
    except PartyRefused as error:
        return _refused(request, error)


@router.post("/{party_id}/refresh", response_model=PartyOut,
             responses=errors(404, 503))
def refresh_party(party_id: RowId, request: Request, fresh: bool = True,
                  hub: Hub = Depends(get_hub), account: Account = Depends(writer)) -> Any:
    try:
        return service.as_dict(service.refresh(hub, party_id, account.login, fresh),
                               _lang(request))
    except PartyRefused as error:
        return _refused(request, error)


@router.delete("/{party_id}", status_code=204, response_class=Response,
               responses=errors(404))
def delete_party(party_id: RowId, request: Request, hub: Hub = Depends(get_hub),
                 _: Account = Depends(writer)) -> Response:
    try:
        service.delete(hub, party_id)
    except PartyRefused as error:
        return _refused(request, error)
    return Response(status_code=204)
