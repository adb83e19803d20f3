"""Export and import of every setting as a file, to reproduce an installation.

Secrets are left out unless asked for; then they travel encrypted with a key derived from a
passphrase the operator gives (scrypt + Fernet), never in clear."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from raccord.core.accounts import check_company
from raccord.core.i18n import Tr
from raccord.core.schema import SettingError
from raccord.core.settings_store import Actor, company_scope
from raccord.core.trust import parse_certificate
from raccord.interfaces.base import InterfaceSpec
from raccord.interfaces.hub import InterfaceHub as Hub

FORMAT = "raccord-settings/1"


def schema_description(spec: InterfaceSpec) -> dict[str, Any]:
    def describe(f: Any) -> dict[str, Any]:
        return {"key": f.key, "label_fr": f.label.fr, "label_en": f.label.en, "type": f.kind.value,
                "default": None if f.secret else f.default, "min": f.minimum, "max": f.maximum,
                "choices": [c.value for c in f.choices] or None, "secret": f.secret,
                "vendor": f.vendor, "advanced": f.advanced}

    return {"name": spec.name, "title_fr": spec.schema.title.fr, "title_en": spec.schema.title.en,
            "fields": [describe(f) for f in spec.schema.fields],
            "company_fields": [describe(f) for f in spec.schema.company_fields],
            "tests": [t.name for t in spec.tests]}


def _fernet(passphrase: str, salt: bytes) -> Fernet:
    key = hashlib.scrypt(passphrase.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return Fernet(base64.urlsafe_b64encode(key))


def export_settings(hub: Hub, passphrase: str | None = None) -> dict[str, Any]:
    plain: dict[str, dict[str, Any]] = {}
    hidden: dict[str, dict[str, Any]] = {}
    company_plain: dict[str, dict[str, dict[str, Any]]] = {}
    company_hidden: dict[str, dict[str, dict[str, Any]]] = {}
    for name, spec in hub.interfaces.items():
        values = hub.values(name)
        plain[name] = {f.key: values[f.key] for f in spec.schema.fields if not f.secret}
        hidden[name] = {f.key: values[f.key] for f in spec.schema.fields
                        if f.secret and values[f.key]}
    companies = []
    for company in hub.accounts.companies():
        companies.append({"code": company.code, "name": company.name, "siret": company.siret})
        for name, spec in hub.interfaces.items():
            if not spec.schema.company_fields:
                continue
            values = hub.values(name, company_scope(company.code))
            company_plain.setdefault(company.code, {})[name] = {
                f.key: values[f.key] for f in spec.schema.company_fields if not f.secret}
            company_hidden.setdefault(company.code, {})[name] = {
                f.key: values[f.key] for f in spec.schema.company_fields
                if f.secret and values[f.key]}
    document: dict[str, Any] = {
        "format": FORMAT, "settings": plain, "companies": companies,
        "company_settings": company_plain,
        "certificates": [c.pem for c in hub.trust.list()],
    }
    if passphrase:
        salt = secrets.token_bytes(16)
        blob = json.dumps({"settings": hidden, "company_settings": company_hidden}).encode()
        document["secrets"] = {"salt": salt.hex(),
                               "data": _fernet(passphrase, salt).encrypt(blob).decode()}
    return document


def import_settings(hub: Hub, document: Any, actor: Actor, passphrase: str | None = None
                    ) -> list[str]:
    """Check everything first, then apply; a refusal changes nothing. Returns what changed."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SettingError(Tr(f"Ce fichier n'est pas un export raccord ({FORMAT}).",
                              f"This file is not a raccord export ({FORMAT})."))
    settings = dict(document.get("settings") or {})
    company_settings = dict(document.get("company_settings") or {})
    if "secrets" in document:
        if not passphrase:
            raise SettingError(Tr("Cet export contient des secrets chiffrés : donnez la phrase "
                                  "de passe utilisée à l'export.",
                                  "This export holds encrypted secrets: give the passphrase "
                                  "used when exporting."))
        try:
            salt = bytes.fromhex(document["secrets"]["salt"])
            opened = json.loads(_fernet(passphrase, salt).decrypt(
                document["secrets"]["data"].encode()))
        except (InvalidToken, KeyError, ValueError):
            raise SettingError(Tr("Phrase de passe incorrecte (ou secrets altérés).",
                                  "Wrong passphrase (or tampered secrets).")) from None
        for name, values in opened.get("settings", {}).items():
            settings.setdefault(name, {}).update(values)
        for code, per_interface in opened.get("company_settings", {}).items():
            for name, values in per_interface.items():
                company_settings.setdefault(code, {}).setdefault(name, {}).update(values)
    known_codes = {c.code for c in hub.accounts.companies()}
    new_companies = [c for c in document.get("companies", []) if c.get("code") not in known_codes]
    # Check pass: every company, certificate, interface and field known and valid, every
    # rule holds; nothing is changed before all of it passed.
    for company in new_companies:
        check_company(str(company.get("code") or ""), str(company.get("name") or ""),
                      company.get("siret"))
    for pem in document.get("certificates", []):
        parse_certificate(str(pem).encode())
    incoming = frozenset(str(c.get("code")) for c in new_companies)
    for name, values in settings.items():
        hub.settings.check_many(name, values, extra_companies=incoming)
    for code, per_interface in company_settings.items():
        if code not in known_codes | incoming:
            raise SettingError(Tr(f"Le fichier donne des valeurs à la société « {code} », "
                                  "absente du fichier et de cette installation : créez-la "
                                  "d'abord (raccord company add).",
                                  f"The file has values for the company '{code}', which is "
                                  "neither in the file nor in this installation: create it "
                                  "first (raccord company add)."))
        for name, values in per_interface.items():
            hub.settings.check_many(name, values, company_scope(code))
    changed = []
    for company in new_companies:
        hub.accounts.add_company(company["code"], company["name"], company.get("siret"))
        changed.append(f"company {company['code']}")
    for pem in document.get("certificates", []):
        hub.trust.add(pem.encode(), actor.login)
    for name, values in settings.items():
        hub.settings.set_many(name, values, actor)
        changed.append(name)
    for code, per_interface in company_settings.items():
        for name, values in per_interface.items():
            hub.settings.set_many(name, values, actor, company_scope(code))
    return changed
