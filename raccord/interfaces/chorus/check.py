"""The CHORUS PRO Test: saved values, technical user, PISTE token, then one harmless call that
goes through the company's technical account (`cpro-account`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.interfaces.base import (
    CONFIG_STEP,
    TECHNICAL_STEP,
    Checker,
    CheckFailed,
    TestReport,
    check_technical_user,
    require,
    run_checks,
)
from raccord.interfaces.chorus.client import ChorusClient, credentials
from raccord.interfaces.chorus.settings import SCHEMA, space_label

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def run_test(hub: Hub) -> TestReport:
    def body(check: Checker) -> None:
        values = hub.values("chorus")
        with check.step(CONFIG_STEP):
            require(values, SCHEMA, "auth_url", "url", "company_code")
            credentials(hub, None, values)
        with check.step(TECHNICAL_STEP):
            check_technical_user(hub, values)
        with ChorusClient(hub, None, values) as client:
            with check.step(Tr("Jeton d'accès PISTE (OAuth)", "PISTE access token (OAuth)")):
                client.token(fresh=True)
            with check.step(Tr("Appel authentifié par le compte technique (structures actives)",
                               "Call authenticated by the technical account (active "
                               "structures)")):
                structures = client.active_supplier_structures()
                _note_structures(hub, check, structures, str(values["company_code"]))
        space = space_label(str(values.get("url") or ""))
        check.report.notes.append(Tr(f"Espace visé : {space.fr}.", f"Targeted space: {space.en}."))

    return run_checks("chorus", body)


def _note_structures(hub: Hub, check: Checker, structures: list[dict[str, object]],
                     code: str) -> None:
    if not structures:
        raise CheckFailed(Tr(
            "Le compte technique n'est rattaché à aucune structure fournisseur active : "
            "rattachez-le à la structure de la société dans CHORUS PRO.",
            "The technical account is attached to no active supplier structure: attach it to "
            "the company's structure in CHORUS PRO."))
    names = ", ".join(f"{s.get('designationStructure', '?')} ({s.get('identifiant', '?')})"
                      for s in structures[:5])
    check.report.notes.append(Tr(f"Structures du compte technique : {names}",
                                 f"Technical account's structures: {names}"))
    company = hub.accounts.company(code)
    if company is not None and company.siret and company.siret not in {
            str(s.get("identifiant")) for s in structures}:
        check.report.notes.append(Tr(
            f"Attention : le SIRET {company.siret} de la société {code} n'est pas parmi ces "
            "structures ; ses factures seraient rejetées.",
            f"Warning: company {code}'s SIRET {company.siret} is not among these structures; "
            "its invoices would be rejected."))
