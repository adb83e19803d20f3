"""Declaring an interface's settings once.

From one `InterfaceSchema` come the console screen, validation, the CLI, the REST API and the
export. A field is a declaration; rules tie fields together as invariants over the whole
interface, so that a field saved on its own, an import, or an API call are checked alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from raccord.core.i18n import Tr


class Kind(StrEnum):
    BOOL = "bool"
    STR = "str"
    SECRET = "secret"
    URL = "url"
    INT = "int"
    EMAIL = "email"
    ENUM = "enum"
    PATH = "path"
    DATE = "date"


class SettingError(Exception):
    """A value was refused. `message` says what to fix, in both languages."""

    def __init__(self, message: Tr, key: str | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.key = key


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
TRUE_WORDS = {"true", "1", "yes", "on", "oui", "vrai"}
FALSE_WORDS = {"false", "0", "no", "off", "non", "faux", ""}


@dataclass(frozen=True)
class Choice:
    value: str
    label: Tr


@dataclass(frozen=True)
class Field:
    key: str
    label: Tr
    kind: Kind
    default: Any = None
    help: Tr | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[Choice, ...] = ()
    vendor: bool = False
    advanced: bool = False
    # Maintained by raccord itself (e.g. the Bridge user's uuid): shown, never typed.
    managed: bool = False
    # Extra check on a parsed value (e.g. a key file's content); returns the refusal or None.
    check: Callable[[Any], Tr | None] | None = None

    @property
    def secret(self) -> bool:
        return self.kind is Kind.SECRET

    def parse(self, raw: Any) -> Any:
        """Turn what a user typed (or an API sent) into the stored value, or refuse it."""
        value = self._parse(raw)
        if self.check is not None and value not in (None, ""):
            problem = self.check(value)
            if problem is not None:
                raise SettingError(problem, self.key)
        return value

    def _parse(self, raw: Any) -> Any:
        kind = self.kind
        if kind is Kind.BOOL:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in TRUE_WORDS:
                return True
            if text in FALSE_WORDS:
                return False
            raise self._refuse(Tr("« {v} » n'est pas oui/non : tapez true ou false.",
                                  "'{v}' is not yes/no: type true or false.").format(v=raw))
        if kind is Kind.INT:
            if isinstance(raw, bool):
                raise self._refuse(Tr("un nombre entier est attendu.",
                                      "a whole number is expected."))
            try:
                number = int(str(raw).strip())
            except ValueError:
                raise self._refuse(Tr("« {v} » n'est pas un nombre entier.",
                                      "'{v}' is not a whole number.").format(v=raw)) from None
            if self.minimum is not None and number < self.minimum:
                raise self._refuse(Tr("la valeur minimale est {m}.",
                                      "the smallest allowed value is {m}.").format(m=self.minimum))
            if self.maximum is not None and number > self.maximum:
                raise self._refuse(Tr("la valeur maximale est {m}.",
                                      "the largest allowed value is {m}.").format(m=self.maximum))
            return number
        if not isinstance(raw, str):
            raise self._refuse(Tr("un texte est attendu.", "a text value is expected."))
        text = raw.strip()
        if kind is Kind.SECRET:
            return raw  # secrets are kept exactly as typed
        if text == "":
            return ""
        if kind is Kind.URL:
            return self._parse_url(text)
        if kind is Kind.EMAIL:
            try:
                return validate_email(text, check_deliverability=False).normalized
            except EmailNotValidError:
                why = Tr("« {v} » n'est pas une adresse e-mail valide.",
                         "'{v}' is not a valid e-mail address.").format(v=text)
                raise self._refuse(why) from None
        if kind is Kind.ENUM:
            allowed = [c.value for c in self.choices]
            if text not in allowed:
                raise self._refuse(Tr("choisissez une valeur parmi : {a}.",
                                      "choose one of: {a}.").format(a=", ".join(allowed)))
            return text
        if kind is Kind.PATH:
            return str(Path(text).expanduser())
        if kind is Kind.DATE:
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                raise self._refuse(Tr("« {v} » n'est pas une date AAAA-MM-JJ.",
                                      "'{v}' is not a YYYY-MM-DD date.").format(v=text)) from None
        return text

    def _parse_url(self, text: str) -> str:
        parts = urlsplit(text)
        host = parts.hostname or ""
        if parts.scheme == "https" and host:
            return text.rstrip("/")
        if parts.scheme == "http" and host in LOOPBACK_HOSTS:
            return text.rstrip("/")
        raise self._refuse(Tr(
            "« {v} » n'est pas une adresse https:// (http n'est admis que vers 127.0.0.1 ou "
            "localhost, pour les essais).",
            "'{v}' is not an https:// address (http is accepted only towards 127.0.0.1 or "
            "localhost, for tests).").format(v=text))

    def _refuse(self, why: Tr) -> SettingError:
        return SettingError(Tr(f"{self.label.fr} :", f"{self.label.en}:") + why, self.key)


@dataclass(frozen=True)
class RuleContext:
    changed_key: str | None
    company_codes: frozenset[str]


RuleCheck = Callable[[Mapping[str, Any], RuleContext], Tr | None]


@dataclass(frozen=True)
class Rule:
    """An invariant over an interface's values; `keys` are the fields it concerns."""

    keys: tuple[str, ...]
    check: RuleCheck
    description: Tr


@dataclass(frozen=True)
class InterfaceSchema:
    name: str
    title: Tr
    summary: Tr
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()
    # Values each company holds for itself (e.g. its own CHORUS PRO account).
    company_fields: tuple[Field, ...] = ()
    has_test: bool = True
    notes: tuple[Tr, ...] = field(default=())

    def field(self, key: str) -> Field:
        for candidate in self.fields:
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    def company_field(self, key: str) -> Field:
        for candidate in self.company_fields:
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    def defaults(self) -> dict[str, Any]:
        return {f.key: f.default if f.default is not None else _empty(f) for f in self.fields}


def _empty(f: Field) -> Any:
    if f.kind is Kind.BOOL:
        return False
    if f.kind is Kind.INT:
        return None
    return ""


def requires_when(condition_keys: tuple[str, ...], required: tuple[str, ...],
                  labels: Mapping[str, Tr]) -> RuleCheck:
    """Fields in `required` must be filled while any bool in `condition_keys` is on."""

    def check(values: Mapping[str, Any], ctx: RuleContext) -> Tr | None:
        if not any(values.get(k) for k in condition_keys):
            return None
        missing = [k for k in required if not values.get(k)]
        if not missing:
            return None
        names_fr = ", ".join(labels[k].fr for k in missing)
        names_en = ", ".join(labels[k].en for k in missing)
        on_fr = " ou ".join(labels[k].fr for k in condition_keys)
        on_en = " or ".join(labels[k].en for k in condition_keys)
        if ctx.changed_key in condition_keys:
            return Tr(f"Renseignez d'abord : {names_fr}. Ils sont obligatoires quand « {on_fr} » "
                      "est coché.",
                      f"Fill in first: {names_en}. They are required when '{on_en}' is on.")
        return Tr(f"{names_fr} : obligatoire tant que « {on_fr} » est coché.",
                  f"{names_en}: required while '{on_en}' is on.")

    return check
