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


SCALARS = (str, int, float, bool, type(None))
KIND_NAMES = {dict: Tr("une table", "a table"), list: Tr("une liste", "a list"),
              str: Tr("un texte", "a text"), bool: Tr("un booléen", "a boolean"),
              int: Tr("un nombre", "a number"), float: Tr("un nombre", "a number"),
              type(None): Tr("null", "null")}


def _wrong(place: str, expected: Tr, value: Any) -> SettingError:
    got = KIND_NAMES.get(type(value), Tr("autre chose", "something else"))
    return SettingError(Tr(f"Fichier d'import, « {place} » : {expected.fr} est attendu·e, le "
                           f"fichier donne {got.fr}.",
                           f"Import file, '{place}': {expected.en} is expected, the file "
                           f"has {got.en}."))


def _table(value: Any, place: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _wrong(place, KIND_NAMES[dict], value)
    return value


def _list(value: Any, place: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _wrong(place, KIND_NAMES[list], value)
    return value


def _values(value: Any, place: str) -> dict[str, Any]:
    """A table of field → value, every value a plain one (text, number, boolean, null)."""
    table = _table(value, place)
    for key, item in table.items():
        if not isinstance(item, SCALARS):
            raise _wrong(f"{place}.{key}", Tr("une valeur simple (texte, nombre, booléen)",
                                              "a plain value (text, number, boolean)"), item)
    return table


def _per_interface(value: Any, place: str) -> dict[str, dict[str, Any]]:
    return {name: dict(_values(values, f"{place}.{name}"))
            for name, values in _table(value, place).items()}


def _per_company(value: Any, place: str) -> dict[str, dict[str, dict[str, Any]]]:
    return {code: _per_interface(per, f"{place}.{code}")
            for code, per in _table(value, place).items()}


def _companies(value: Any) -> list[dict[str, Any]]:
    companies = []
    for index, company in enumerate(_list(value, "companies")):
        place = f"companies[{index}]"
        entry = _table(company, place)
        for key in ("code", "name", "siret"):
            if not isinstance(entry.get(key), str | None):
                raise _wrong(f"{place}.{key}", KIND_NAMES[str], entry.get(key))
        companies.append(entry)
    return companies


def _certificates(value: Any) -> list[str]:
    pems = _list(value, "certificates")
    for index, pem in enumerate(pems):
        if not isinstance(pem, str):
            raise _wrong(f"certificates[{index}]", KIND_NAMES[str], pem)
    return pems


def import_settings(hub: Hub, document: Any, actor: Actor, passphrase: str | None = None
                    ) -> list[str]:
    """Check everything first, then apply; a refusal changes nothing. Returns what changed.
    A value of the wrong type (a text where a table is expected…) is refused with its place."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SettingError(Tr(f"Ce fichier n'est pas un export raccord ({FORMAT}).",
                              f"This file is not a raccord export ({FORMAT})."))
    settings = _per_interface(document.get("settings"), "settings")
    company_settings = _per_company(document.get("company_settings"), "company_settings")
    companies = _companies(document.get("companies"))
    certificates = _certificates(document.get("certificates"))
    if "secrets" in document:
        sealed = _table(document["secrets"], "secrets")
        for key in ("salt", "data"):
            if not isinstance(sealed.get(key), str):
                raise _wrong(f"secrets.{key}", KIND_NAMES[str], sealed.get(key))
        if not passphrase:
            raise SettingError(Tr("Cet export contient des secrets chiffrés : donnez la phrase "
                                  "de passe utilisée à l'export.",
                                  "This export holds encrypted secrets: give the passphrase "
                                  "used when exporting."))
        try:
            salt = bytes.fromhex(sealed["salt"])
            opened = json.loads(_fernet(passphrase, salt).decrypt(sealed["data"].encode()))
        except (InvalidToken, KeyError, ValueError):
            raise SettingError(Tr("Phrase de passe incorrecte (ou secrets altérés).",
                                  "Wrong passphrase (or tampered secrets).")) from None
        opened = _table(opened, "secrets")
        for name, values in _per_interface(opened.get("settings"), "secrets.settings").items():
            settings.setdefault(name, {}).update(values)
        hidden = _per_company(opened.get("company_settings"), "secrets.company_settings")
        for code, per_interface in hidden.items():
            for name, values in per_interface.items():
                company_settings.setdefault(code, {}).setdefault(name, {}).update(values)
    known_codes = {c.code for c in hub.accounts.companies()}
    new_companies = [c for c in companies if c.get("code") not in known_codes]
    # Check pass: every company, certificate, interface and field known and valid, every
    # rule holds; nothing is changed before all of it passed.
    for company in new_companies:
        check_company(str(company.get("code") or ""), str(company.get("name") or ""),
                      company.get("siret"))
    for pem in certificates:
        parse_certificate(pem.encode())
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
    for pem in certificates:
        hub.trust.add(pem.encode(), actor.login)
    for name, values in settings.items():
        hub.settings.set_many(name, values, actor)
        changed.append(name)
    for code, per_interface in company_settings.items():
        for name, values in per_interface.items():
            hub.settings.set_many(name, values, actor, company_scope(code))
    return changed
