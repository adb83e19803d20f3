"""Reading and saving settings, one field at a time, with validation, rules and audit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select

from raccord.core.config import DeploymentMode
from raccord.core.db import Database
from raccord.core.i18n import Tr
from raccord.core.models import AuditEntry, Company, Setting, utcnow
from raccord.core.redaction import Redactor
from raccord.core.roles import Role, may_edit, refusal
from raccord.core.schema import Field, InterfaceSchema, Kind, RuleContext, SettingError
from raccord.core.secrets import SecretBox

# Built once: building a statement costs more than running it (every API read runs this one).
STORED = select(Setting.key, Setting.value).where(Setting.interface == bindparam("interface"),
                                                  Setting.scope == bindparam("scope"))
SET_MARK = "•••••• (défini / set)"
UNSET_MARK = "(non défini / not set)"


def company_scope(code: str) -> str:
    return f"company:{code}"


@dataclass(frozen=True)
class Actor:
    login: str
    role: Role


SYSTEM = Actor("system", Role.OPERATOR)


class SettingsStore:
    def __init__(self, db: Database, box: SecretBox, schemas: Mapping[str, InterfaceSchema],
                 mode: DeploymentMode, redactor: Redactor) -> None:
        self.db = db
        self.box = box
        self.schemas = schemas
        self.mode = mode
        self.redactor = redactor
        self.refresh_redactor()

    # -- reading -------------------------------------------------------------------------
    def schema(self, interface: str) -> InterfaceSchema:
        try:
            return self.schemas[interface]
        except KeyError:
            raise SettingError(Tr(
                f"Interface inconnue « {interface} ». Interfaces : {', '.join(self.schemas)}.",
                f"Unknown interface '{interface}'. Interfaces: {', '.join(self.schemas)}.",
            )) from None

    def field(self, interface: str, key: str, scope: str = "") -> Field:
        schema = self.schema(interface)
        try:
            return schema.company_field(key) if scope else schema.field(key)
        except KeyError:
            keys = [f.key for f in (schema.company_fields if scope else schema.fields)]
            raise SettingError(Tr(
                f"Champ inconnu « {interface}.{key} ». Champs : {', '.join(keys)}.",
                f"Unknown field '{interface}.{key}'. Fields: {', '.join(keys)}.",
            )) from None

    def values(self, interface: str, scope: str = "") -> dict[str, Any]:
        """Every field's current value, secrets decrypted: for clients, never for display."""
        fields = self._fields(interface, scope)
        values: dict[str, Any] = {f.key: _default(f) for f in fields.values()}
        for key, stored in self._stored(interface, scope):
            f = fields.get(key)
            if f is not None:
                values[key] = self._decode(f, stored)
        return values

    def display_values(self, interface: str, scope: str = "") -> dict[str, Any]:
        """Values safe to show: a secret becomes True/False (set or not), never decrypted."""
        fields = self._fields(interface, scope)
        values: dict[str, Any] = {f.key: _default(f) for f in fields.values()}
        for key, stored in self._stored(interface, scope):
            f = fields.get(key)
            if f is not None:
                values[key] = stored not in ("", '""') if f.secret else self._decode(f, stored)
        return {key: bool(value) if fields[key].secret else value
                for key, value in values.items()}

    def _fields(self, interface: str, scope: str) -> dict[str, Field]:
        schema = self.schema(interface)
        return {f.key: f for f in (schema.company_fields if scope else schema.fields)}

    def _stored(self, interface: str, scope: str) -> list[tuple[str, str]]:
        with self.db.read() as connection:
            rows = connection.execute(STORED, {"interface": interface, "scope": scope}).all()
        return [(row.key, row.value) for row in rows]

    # -- saving --------------------------------------------------------------------------
    def set(self, interface: str, key: str, raw: Any, actor: Actor, scope: str = "") -> Any:
        """Validate and save one field. Raises SettingError and changes nothing on refusal."""
        f = self.field(interface, key, scope)
        if not may_edit(actor.role, self.mode, f):
            raise SettingError(refusal(actor.role, f), key)
        if f.secret and raw in (None, ""):
            raise SettingError(Tr(
                f"{f.label.fr} : tapez la nouvelle valeur (utilisez Effacer pour la retirer).",
                f"{f.label.en}: type the new value (use Clear to remove it).",
            ), key)
        value = f.parse(raw)
        self._save(interface, {key: value}, actor, scope)
        return value

    def clear(self, interface: str, key: str, actor: Actor, scope: str = "") -> None:
        f = self.field(interface, key, scope)
        if not may_edit(actor.role, self.mode, f):
            raise SettingError(refusal(actor.role, f), key)
        self._save(interface, {key: _default(f)}, actor, scope)

    def set_many(self, interface: str, raw_values: Mapping[str, Any], actor: Actor,
                 scope: str = "") -> None:
        """Save several fields at once, checking the rules on the final state (imports)."""
        parsed = {}
        for key, raw in raw_values.items():
            f = self.field(interface, key, scope)
            if not may_edit(actor.role, self.mode, f):
                raise SettingError(refusal(actor.role, f), key)
            parsed[key] = f.parse(raw)
        self._save(interface, parsed, actor, scope)

    def check_many(self, interface: str, raw_values: Mapping[str, Any], scope: str = "",
                   extra_companies: frozenset[str] = frozenset()) -> None:
        """Validate without saving (imports check everything before changing anything)."""
        parsed = {k: self.field(interface, k, scope).parse(v) for k, v in raw_values.items()}
        self._check_rules(interface, parsed, scope, None, extra_companies)

    def _check_rules(self, interface: str, changes: Mapping[str, Any], scope: str,
                     changed_key: str | None,
                     extra_companies: frozenset[str] = frozenset()) -> None:
        if scope:
            return
        schema = self.schema(interface)
        candidate = {**self.values(interface), **changes}
        ctx = RuleContext(changed_key=changed_key,
                          company_codes=self.company_codes() | extra_companies)
        for rule in schema.rules:
            if changed_key is not None and changed_key not in rule.keys:
                continue
            problem = rule.check(candidate, ctx)
            if problem is not None:
                raise SettingError(problem, changed_key)

    def _save(self, interface: str, changes: Mapping[str, Any], actor: Actor, scope: str) -> None:
        changed_key = next(iter(changes)) if len(changes) == 1 else None
        self._check_rules(interface, changes, scope, changed_key)
        schema = self.schema(interface)
        with self.db.session() as session:
            for key, value in changes.items():
                f = schema.company_field(key) if scope else schema.field(key)
                row = session.scalar(select(Setting).where(
                    Setting.interface == interface, Setting.key == key, Setting.scope == scope))
                old = self._decode(f, row.value) if row is not None else _default(f)
                if old == value:
                    continue
                encoded = self.box.encrypt(value) if f.secret and value else json.dumps(value)
                if row is None:
                    session.add(Setting(interface=interface, key=key, scope=scope, value=encoded,
                                        updated_by=actor.login))
                else:
                    row.value = encoded
                    row.updated_at = utcnow()
                    row.updated_by = actor.login
                session.add(AuditEntry(
                    actor=actor.login, interface=interface, key=key, scope=scope,
                    old=_audit_text(f, old), new=_audit_text(f, value)))
        self.refresh_redactor()

    def _decode(self, f: Field, stored: str) -> Any:
        if f.secret:
            if stored in ("", '""'):
                return ""
            return self.box.decrypt(stored)
        value = json.loads(stored)
        if f.kind is Kind.INT and isinstance(value, int):
            # A value saved before the bounds existed must not stop what reads it.
            low, high = f.bounds
            if not low <= value <= high:
                return _default(f)
        return value

    # -- helpers -------------------------------------------------------------------------
    def company_codes(self) -> frozenset[str]:
        with self.db.session() as session:
            return frozenset(session.scalars(select(Company.code)).all())

    def refresh_redactor(self) -> None:
        """Teach the redaction filter every secret value currently stored."""
        secrets: set[str] = set()
        with self.db.session() as session:
            rows = session.scalars(select(Setting)).all()
            for row in rows:
                schema = self.schemas.get(row.interface)
                if schema is None:
                    continue
                fields = schema.company_fields if row.scope else schema.fields
                f = next((x for x in fields if x.key == row.key), None)
                if f is not None and f.secret and row.value not in ("", '""'):
                    secrets.add(self.box.decrypt(row.value))
        self.redactor.replace_known(secrets)


def _default(f: Field) -> Any:
    from raccord.core.schema import _empty

    return f.default if f.default is not None else _empty(f)


def _audit_text(f: Field, value: Any) -> str:
    if f.secret:
        return SET_MARK if value else UNSET_MARK
    return "" if value is None else json.dumps(value, ensure_ascii=False)
