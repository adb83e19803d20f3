"""The sandbox's own cast, known to every simulator alike: the demo company raccord sends
invoices for, and the qualification supplier of the CHORUS PRO test space. The SIRENE
simulator holds them in its population, the CHORUS PRO simulator as supplier structures, the
sandbox creates the DEMO company with this identity, so an example followed on one screen
works on the others.

Both numbers are made up (no real company has them) and pass their Luhn keys."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoCompany:
    code: str
    name: str
    legal_name: str  # as INSEE and the portal write it
    siren: str
    siret: str
    vat_id: str
    street_number: str
    street_type: str
    street_name: str
    postcode: str
    city: str
    city_code: str
    naf: str
    created_on: str


DEMO = DemoCompany(code="DEMO", name="Démo SARL", legal_name="DEMO SARL", siren="902431873",
                   siret="90243187300014", vat_id="FR23902431873", street_number="1",
                   street_type="RUE", street_name="DE LA PAIX", postcode="75002",
                   city="PARIS 2", city_code="75102", naf="62.01Z", created_on="2021-09-01")
QUALIFICATION_SUPPLIER = DemoCompany(
    code="QUALIF", name="Fournisseur qualification", legal_name="FOURNISSEUR QUALIFICATION",
    siren="332540210", siret="33254021000017", vat_id="FR86332540210", street_number="10",
    street_type="BD", street_name="DU GENERAL DE GAULLE", postcode="92120", city="MONTROUGE",
    city_code="92049", naf="70.22Z", created_on="2004-03-15")
CAST = (DEMO, QUALIFICATION_SUPPLIER)


@dataclass(frozen=True)
class DemoPerson:
    login: str
    name: str
    email: str
    phone: str


# The demo company's own domain: its mailboxes at Microsoft 365 and Google Workspace, its
# Universign account.
DEMO_DOMAIN = "demo-sarl.fr"

# The demo company's employee: a console account (role employee, for the expense reports on a
# phone), a mailbox of the Microsoft 365 simulator's tenant (the calendar), the signer of the
# sandbox's document to sign. The company's accounting mailbox is its Bridge user.
DEMO_EMPLOYEE = DemoPerson(login="camille", name="Camille Durand",
                           email=f"camille.durand@{DEMO_DOMAIN}", phone="+33612345678")
DEMO_EMPLOYEE_PASSWORD = "essai-camille-2026"
DEMO_ACCOUNTING = DemoPerson(login="compta", name="Démo SARL", email=f"compta@{DEMO_DOMAIN}",
                             phone="")
