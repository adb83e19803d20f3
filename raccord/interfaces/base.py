"""What every interface folder provides, and the step-by-step Test report."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from raccord.core.diagnosis import ServiceError
from raccord.core.i18n import Tr
from raccord.core.schema import InterfaceSchema

if TYPE_CHECKING:
    from raccord.core.hub import Hub


@dataclass
class Step:
    name: Tr
    ok: bool
    message: Tr | None = None
    duration_ms: int = 0
    link: str | None = None


@dataclass
class TestReport:
    interface: str
    test: str = ""
    steps: list[Step] = field(default_factory=list)
    notes: list[Tr] = field(default_factory=list)
    # What a person must see to, though the Test passes (a bank whose holder must sign in
    # again): shown apart from the notes, never turning the Test into a failure.
    warnings: list[Tr] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(s.ok for s in self.steps)

    @property
    def failure(self) -> Step | None:
        return next((s for s in self.steps if not s.ok), None)

    def summary(self, lang: str = "fr") -> str:
        failed = self.failure
        if failed is None and self.warnings:
            return Tr("Test réussi, à voir : " + " ; ".join(w.fr for w in self.warnings),
                      "Test passed, to see to: " + "; ".join(w.en for w in self.warnings)
                      )(lang)
        if failed is None:
            return Tr("Test réussi.", "Test passed.")(lang)
        head = Tr("Échec à l'étape « {s} » : ", "Failed at step '{s}': ").format(
            s=failed.name(lang))(lang)
        return head + (failed.message(lang) if failed.message else "")

    def as_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {
            "interface": self.interface, "test": self.test, "ok": self.ok,
            "summary": self.summary(lang),
            "steps": [{"step": s.name(lang), "ok": s.ok, "duration_ms": s.duration_ms,
                       "message": s.message(lang) if s.message else None, "link": s.link}
                      for s in self.steps],
            "notes": [n(lang) for n in self.notes],
            "warnings": [w(lang) for w in self.warnings],
        }


class CheckFailed(Exception):
    def __init__(self, message: Tr, link: str | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.link = link


class Checker:
    """Runs a Test's steps in order; the first failing step ends the Test."""

    def __init__(self, interface: str) -> None:
        self.report = TestReport(interface, "")

    @contextmanager
    def step(self, name: Tr, done: Tr | None = None) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        except ServiceError as error:
            self._add(name, False, error.diagnosis.message, started, error.diagnosis.link)
            raise _Stop() from None
        except CheckFailed as error:
            self._add(name, False, error.message, started, error.link)
            raise _Stop() from None
        self._add(name, True, done, started, None)

    def _add(self, name: Tr, ok: bool, message: Tr | None, started: float,
             link: str | None) -> None:
        self.report.steps.append(Step(name, ok, message, int((time.monotonic() - started) * 1000),
                                      link))


class _Stop(Exception):
    pass


def run_checks(interface: str, body: Callable[[Checker], None]) -> TestReport:
    checker = Checker(interface)
    with suppress(_Stop):
        body(checker)
    return checker.report


def require(values: Mapping[str, Any], schema: InterfaceSchema, *keys: str) -> None:
    """Fail the configuration step naming every missing field."""
    missing = [schema.field(k).label for k in keys if not values.get(k)]
    if missing:
        raise CheckFailed(Tr(
            "Renseignez et enregistrez : " + ", ".join(m.fr for m in missing) + ".",
            "Fill in and save: " + ", ".join(m.en for m in missing) + "."))


CONFIG_STEP = Tr("Configuration enregistrée", "Saved configuration")


@dataclass(frozen=True)
class TestDef:
    """One Test button: runs the interface's real client against the saved values."""

    name: str
    label: Tr
    run: Callable[[Hub], TestReport]


@dataclass(frozen=True)
class InterfaceSpec:
    schema: InterfaceSchema
    tests: tuple[TestDef, ...] = ()
    # The module with the service's simulator and the values that point at it, imported only
    # by the sandbox (`make_simulator()`, `values(base)`, and when needed
    # `company_values(base)` and `home_values(base, home)` for files under RACCORD_HOME).
    sandbox: str | None = None
    # What the interface's screen shows beyond its fields (its `_extra_<name>.html` block).
    screen_context: Callable[[Hub], dict[str, Any]] | None = None
    # The shortest interval of the availability probe the service tolerates (its Test's calls
    # count against its quotas): `probe_interval_s` may not go below it.
    probe_min_s: int = 300
    # An interface with no Test may say its own state on the dashboard instead
    # (certificates: authorities expiring soon).
    own_state: Callable[[Hub], Any] | None = None

    @property
    def name(self) -> str:
        return self.schema.name

    def sandbox_module(self) -> ModuleType | None:
        return importlib.import_module(self.sandbox) if self.sandbox else None


TECHNICAL_STEP = Tr("Utilisateur technique", "Technical user")


def check_technical_user(hub: Hub, values: Mapping[str, Any]) -> None:
    """The technical user must be a raccord account whose saved password is right."""
    login = values.get("technical_user")
    if not login:
        return
    account = hub.accounts.get(login)
    if account is None:
        raise CheckFailed(Tr(
            f"L'utilisateur technique « {login} » n'existe pas : créez-le avec "
            f"« raccord user add {login} --role operator --technical ».",
            f"The technical user '{login}' does not exist: create it with "
            f"'raccord user add {login} --role operator --technical'."))
    if hub.accounts.authenticate(login, values.get("technical_password") or "") is None:
        raise CheckFailed(Tr(
            f"Le mot de passe enregistré pour l'utilisateur technique « {login} » est faux.",
            f"The password saved for the technical user '{login}' is wrong."))
