"""What a destructive action says before it is done, and what follows it: clearing a secret,
removing a certificate authority, deleting a company (cancelling an invoice is the
transmissions page's own). Each shows `confirm.html` first, with what depends on it."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from raccord.core.i18n import Tr
from raccord.core.models import Setting
from raccord.core.settings_store import company_scope
from raccord.core.trust import CertificateInfo
from raccord.interfaces.base import InterfaceSpec
from raccord.interfaces.certificates.state import interfaces_using
from raccord.interfaces.hub import InterfaceHub
from raccord.interfaces.probe import should_probe
from raccord.toolkit.pages import confirmation


def _title(hub: InterfaceHub, name: str) -> Tr:
    spec = hub.interfaces.get(name)
    return spec.schema.title if spec is not None else Tr(name, name)


def confirm_clear(request: Request, spec: InterfaceSpec, key: str, action: str, back: str,
                  company: str | None = None) -> Response:
    fields = spec.schema.company_fields if company else spec.schema.fields
    label = next(f.label for f in fields if f.key == key)
    title = spec.schema.title
    whose = Tr(f" de la société {company}", f" of the company {company}") if company else Tr(
        "", "")
    depends = [Tr(f"{title.fr}{whose.fr} ne pourra plus s'authentifier : ses tests, ses "
                  "tâches de fond et les appels de l'ERP qui passent par elle échoueront "
                  "jusqu'à ce qu'une nouvelle valeur soit enregistrée.",
                  f"{title.en}{whose.en} will no longer authenticate: its Tests, background "
                  "work and the ERP's calls through it will fail until a new value is "
                  "saved."),
               Tr("La valeur effacée ne peut pas être retrouvée (raccord ne l'affiche jamais).",
                  "The cleared value cannot be recovered (raccord never shows it).")]
    return confirmation(
        request, Tr(f"Effacer « {label.fr} » ({title.fr}{whose.fr}) ?",
                    f"Clear '{label.en}' ({title.en}{whose.en})?"),
        depends, action, back, Tr("Effacer le secret", "Clear the secret"),
        {"action": "clear"})


def authority_users(hub: InterfaceHub, info: CertificateInfo) -> list[str]:
    """The probed interfaces whose server presents a certificate this authority issued."""
    urls = {}
    for name in hub.interfaces:
        if not should_probe(hub, name) and hub.status(name) is None:
            continue
        values = hub.values(name)
        url = next((str(v) for k, v in values.items() if k.endswith("url") and
                    isinstance(v, str) and v.startswith("https://") and "auth" not in k), None)
        if url:
            urls[name] = url
    return interfaces_using(hub, info, urls)


def confirm_removal(request: Request, hub: InterfaceHub, info: CertificateInfo,
                    using: list[str]) -> Response:
    depends = [Tr(f"{_title(hub, n).fr} : son serveur présente un certificat signé par cette "
                  "autorité ; ses appels seront refusés (certificat d'autorité inconnue).",
                  f"{_title(hub, n).en}: its server presents a certificate signed by this "
                  "authority; its calls will be refused (unknown certificate authority).")
               for n in using]
    return confirmation(
        request, Tr(f"Retirer l'autorité « {info.subject} » ?",
                    f"Remove the authority '{info.subject}'?"),
        depends, f"/certificates/{info.fingerprint}/remove", "/certificates",
        Tr("Retirer l'autorité", "Remove the authority"))


def confirm_company_deletion(request: Request, hub: InterfaceHub, code: str) -> Response:
    depends: list[Tr] = []
    with hub.db.session() as session:
        own = list(session.scalars(select(Setting).where(Setting.scope == company_scope(code))))
        named = [s for s in session.scalars(select(Setting).where(Setting.scope == ""))
                 if "company" in s.key and s.value.strip('"') == code]
    by_interface: dict[str, int] = {}
    for row in own:
        by_interface[row.interface] = by_interface.get(row.interface, 0) + 1
    for name, count in by_interface.items():
        depends.append(Tr(f"{_title(hub, name).fr} : ses {count} identifiants propres à la "
                          "société sont effacés.",
                          f"{_title(hub, name).en}: its {count} company credentials are "
                          "deleted."))
    for row in named:
        depends.append(Tr(f"{_title(hub, row.interface).fr} : le réglage « {row.key} » "
                          f"désigne {code} ; choisissez une autre société ensuite.",
                          f"{_title(hub, row.interface).en}: the setting '{row.key}' names "
                          f"{code}; choose another company afterwards."))
    depends.append(Tr("Les transmissions et l'historique déjà faits pour cette société sont "
                      "gardés.", "The transmissions and history already made for this company "
                      "are kept."))
    return confirmation(
        request, Tr(f"Supprimer la société {code} ?", f"Delete the company {code}?"),
        depends, f"/companies/{code}/delete", f"/companies/{code}",
        Tr("Supprimer la société", "Delete the company"))


def failing(hub: InterfaceHub) -> list[str]:
    return [n for n in hub.interfaces if should_probe(hub, n)
            and (status := hub.status(n)) is not None and not status.ok]


def retest(hub: InterfaceHub, names: list[str]) -> None:
    """Run these interfaces' Tests now (as the probe would), so the dashboard is right."""
    for name in names:
        if hub.interfaces[name].tests:
            hub.run_tests(name, source="probe")
