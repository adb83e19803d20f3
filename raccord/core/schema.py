"""Declaring an interface's settings once.

From one `InterfaceSchema` come the console screen, validation, the CLI, the REST API and the
export. A field is a declaration; rules tie fields together as invariants over the whole
interface, so that a field saved on its own, an import, or an API call are checked alike.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
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
# Every whole-number setting stays within a 32-bit signed integer, whatever its own bounds.
INT_LIMIT = 2**31 - 1
INTEGER = re.compile(r"[+-]?[0-9]+")
TEXT_MAX_CHARS = 2000
URL_MAX_CHARS = 2000
SECRET_MAX_CHARS = 64 * 1024
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
                                  "'{v}' is not yes/no: type true or false.").format(v=shown(raw)))
        if kind is Kind.INT:
            return self._parse_int(raw)
        if not isinstance(raw, str):
            raise self._refuse(Tr("un texte est attendu.", "a text value is expected."))
        if kind is Kind.SECRET:
            problem = text_problem(raw, SECRET_MAX_CHARS, multiline=True)
            if problem is not None:
                raise self._refuse(problem)
            return raw  # secrets are kept exactly as typed
        problem = text_problem(raw, URL_MAX_CHARS if kind is Kind.URL else TEXT_MAX_CHARS)
        if problem is not None:
            raise self._refuse(problem)
        text = raw.strip()
        if text == "":
            return ""
        if kind is Kind.URL:
            problem = url_problem(text)
            if problem is not None:
                raise self._refuse(problem)
            return text.rstrip("/")
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
                why = Tr("« {v} » n'est pas une date AAAA-MM-JJ.",
                         "'{v}' is not a YYYY-MM-DD date.").format(v=shown(text))
                raise self._refuse(why) from None
        return text

    def _parse_int(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise self._refuse(Tr("un nombre entier est attendu.", "a whole number is expected."))
        if isinstance(raw, float) and raw.is_integer():
            number = int(raw)
        elif isinstance(raw, int):
            number = raw
        else:
            text = str(raw).strip()
            if len(text) > 20 or not INTEGER.fullmatch(text):
                raise self._refuse(Tr("« {v} » n'est pas un nombre entier.",
                                      "'{v}' is not a whole number.").format(v=shown(raw)))
            number = int(text)
        low, high = self.bounds
        if number < low:
            raise self._refuse(Tr("la valeur minimale est {m}.",
                                  "the smallest allowed value is {m}.").format(m=low))
        if number > high:
            raise self._refuse(Tr("la valeur maximale est {m}.",
                                  "the largest allowed value is {m}.").format(m=high))
        return number

    @property
    def bounds(self) -> tuple[int, int]:
        """The values a whole-number field accepts: its own bounds, always within what every
        consumer can hold (a 32-bit integer: timers, database columns, C APIs)."""
        low = -INT_LIMIT if self.minimum is None else max(self.minimum, -INT_LIMIT)
        high = INT_LIMIT if self.maximum is None else min(self.maximum, INT_LIMIT)
        return low, high

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


# -- the rules every text and address follows ---------------------------------------------
# Bidirectional overrides and isolates: they make a value read differently from what it is.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def shown(value: Any, limit: int = 60) -> str:
    """A refused value as a message may repeat it: short, control characters made visible."""
    text = str(value)
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in cut)


def text_problem(text: str, max_chars: int = TEXT_MAX_CHARS, multiline: bool = False
                 ) -> Tr | None:
    """Why a text value cannot be kept (too long, a control character), or None.

    Control characters (NUL, ESC, CR, LF…) and bidirectional overrides are refused: they
    break logs, terminals, exports and make a value read differently from what it is. A
    multi-line value (a key file) may hold line breaks and tabs, nothing else."""
    if len(text) > max_chars:
        return Tr(f"{max_chars} caractères au plus (reçu {len(text)}).",
                  f"at most {max_chars} characters (got {len(text)}).")
    allowed = "\n\r\t" if multiline else ""
    for char in text:
        if char in allowed:
            continue
        if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            return Tr(f"caractère de contrôle U+{ord(char):04X} refusé : retapez la valeur "
                      "sans le coller depuis un document.",
                      f"control character U+{ord(char):04X} refused: type the value again "
                      "instead of pasting it from a document.")
    return None


def url_problem(text: str) -> Tr | None:
    """Why `text` is not a service address raccord may call, or None.

    https:// to a well-formed host name or IP address, an optional port 1-65535; http only
    towards the loopback (tests); never a user name or password inside the address (they
    would be shown wherever the address is: put them in the interface's secret fields)."""
    https_only = Tr(
        f"« {shown(text)} » n'est pas une adresse https:// (http n'est admis que vers "
        "127.0.0.1 ou localhost, pour les essais).",
        f"'{shown(text)}' is not an https:// address (http is accepted only towards "
        "127.0.0.1 or localhost, for tests).")
    if any(c.isspace() for c in text):
        return Tr(f"« {shown(text)} » contient une espace : une adresse n'en a pas.",
                  f"'{shown(text)}' holds a space: an address has none.")
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return Tr(f"« {shown(text)} » n'est pas une adresse bien formée (hôte ou port "
                  "invalide).",
                  f"'{shown(text)}' is not a well-formed address (invalid host or port).")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return Tr("un identifiant ou un mot de passe ne se met pas dans l'adresse : "
                  "saisissez-les dans les champs secrets de l'interface.",
                  "a user name or password does not go inside the address: type them in "
                  "the interface's secret fields.")
    if port == 0:
        return Tr("le port doit être compris entre 1 et 65535.",
                  "the port must be between 1 and 65535.")
    if parts.scheme not in ("https", "http") or not host_is_valid(host):
        return https_only
    if parts.scheme == "http" and host not in LOOPBACK_HOSTS:
        return https_only
    return None


def host_is_valid(host: str) -> bool:
    """A DNS name (internationalised names in their IDNA form) or an IP address."""
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    labels = ascii_host.removesuffix(".").split(".")
    return len(ascii_host) <= 253 and all(HOST_LABEL.fullmatch(label) for label in labels)
