"""What the CHORUS PRO client hands the features: the portal's answers as typed values, so that
its JSON field names stay in this folder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Deposit:
    """`deposerFluxFacture`'s answer; an empty flow number means the portal gave none."""

    flow_number: str
    deposited_on: str  # YYYY-MM-DD, as the portal dates it

    @classmethod
    def of(cls, body: dict[str, Any]) -> Deposit:
        return cls(str(body.get("numeroFluxDepot") or ""), str(body.get("dateDepot") or "")[:10])


@dataclass(frozen=True)
class PortalInvoice:
    """One invoice as the supplier's search (`rechercher/fournisseur`) lists it."""

    portal_id: int | None
    number: str
    flow_number: str
    supplier_id: str
    status: str
    status_comment: str
    deposited_on: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> PortalInvoice:
        portal_id = row.get("identifiantFactureCPP")
        return cls(int(portal_id) if portal_id not in (None, "") else None,
                   str(row.get("numeroFacture") or ""), str(row.get("numeroFluxDepot") or ""),
                   str(row.get("codeFournisseur") or ""), str(row.get("statut") or ""),
                   str(row.get("commentaireEtatCourant") or ""),
                   str(row.get("dateDepot") or "")[:10])


@dataclass(frozen=True)
class InvoiceSearch:
    """What to search the supplier's invoices by (each criterion optional)."""

    invoice_number: str | None = None
    flow_number: str | None = None
    deposited_since: str | None = None  # YYYY-MM-DD
    status_changed_since: str | None = None  # YYYY-MM-DD

    def criteria(self) -> dict[str, Any]:
        wire = {"numeroFacture": self.invoice_number, "numeroFluxDepot": self.flow_number,
                "periodeDateDepotDu": self.deposited_since,
                "periodeDateHeureEtatCourantDu": self.status_changed_since}
        return {key: value for key, value in wire.items() if value is not None}


@dataclass(frozen=True)
class FlowError:
    """An error of the flow's processing report: about one invoice (`invoice_number`), or
    technical (`code`)."""

    message: str
    invoice_number: str = ""
    code: str = ""


@dataclass(frozen=True)
class FlowReport:
    """`consulterCRDetaille`: the flow's current state and its errors."""

    state: str
    invoice_errors: tuple[FlowError, ...] = ()
    technical_errors: tuple[FlowError, ...] = ()

    @classmethod
    def of(cls, body: dict[str, Any]) -> FlowReport:
        return cls(
            str(body.get("etatCourantDepotFlux") or ""),
            tuple(FlowError(str(e.get("libelleErreurDP") or ""), str(e.get("numeroDP") or ""))
                  for e in body.get("listeErreurDP") or []),
            tuple(FlowError(str(e.get("libelleErreur") or ""), code=str(e.get("codeErreur")
                                                                        or ""))
                  for e in body.get("listeErreurTechnique") or []))

    def errors_of(self, number: str) -> list[FlowError]:
        """The invoice errors that concern `number` (or no invoice in particular)."""
        return [e for e in self.invoice_errors if e.invoice_number in ("", number)]


@dataclass(frozen=True)
class Structure:
    """A public buyer's structure as the directory search finds it."""

    id: int | None
    name: str


@dataclass(frozen=True)
class StructureRules:
    """What the structure asks of an invoice (`consulter`'s `parametres`)."""

    service_required: bool
    engagement_required: bool
    service_or_engagement: bool

    @classmethod
    def of(cls, body: dict[str, Any]) -> StructureRules:
        flags = body.get("parametres") or {}
        return cls(bool(flags.get("codeServiceDoitEtreRenseigne")),
                   bool(flags.get("numeroEJDoitEtreRenseigne")),
                   bool(flags.get("gestionNumeroEJOuCodeService")))


@dataclass(frozen=True)
class Service:
    id: int | None
    code: str
    name: str
    active: bool

    @classmethod
    def of(cls, row: dict[str, Any]) -> Service:
        service_id = row.get("idService")
        return cls(int(service_id) if service_id not in (None, "") else None,
                   str(row.get("codeService") or ""), str(row.get("libelleService") or ""),
                   bool(row.get("estActif")))
