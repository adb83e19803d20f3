"""The hub with every interface plugged in: their settings schemas in the store, their Test
buttons, and their specs for the faces (console screens, sandbox)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from raccord.core.config import Environment
from raccord.core.diagnosis import ServiceError
from raccord.core.hub import Hub
from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, Step, TestReport
from raccord.interfaces.common_fields import probe_interval


def with_probe_interval(spec: InterfaceSpec) -> InterfaceSpec:
    """An interface with a Test gets the probe's interval among its advanced settings."""
    if not spec.tests or any(f.key == "probe_interval_s" for f in spec.schema.fields):
        return spec
    field = probe_interval(spec.probe_min_s)
    return replace(spec, schema=replace(spec.schema, fields=(*spec.schema.fields, field)))


class InterfaceHub(Hub):
    def __init__(self, env: Environment | None = None,
                 specs: Iterable[InterfaceSpec] | None = None) -> None:
        if specs is None:
            from raccord.interfaces.registry import INTERFACES

            specs = INTERFACES
        self.interfaces: dict[str, InterfaceSpec] = {spec.name: with_probe_interval(spec)
                                                     for spec in specs}
        super().__init__(env, [spec.schema for spec in self.interfaces.values()])

    def run_tests(self, interface: str, which: str | None = None, source: str = "test"
                  ) -> list[TestReport]:
        """Run an interface's Test buttons (all, or the one named `which`); the outcome
        becomes the interface's status."""
        spec = self.interfaces[interface]
        chosen = [t for t in spec.tests if which in (None, t.name)]
        if not chosen:
            raise KeyError(which or interface)
        reports = []
        for test in chosen:
            try:
                report = test.run(self)
            except ServiceError as error:  # a Test that forgot a step still reports plainly
                report = TestReport(interface, steps=[Step(Tr("Appel", "Call"), False,
                                                           error.diagnosis.message)])
            report.test = test.name
            reports.append(report)
        summary = Tr("; ".join(r.summary("fr") for r in reports),
                     "; ".join(r.summary("en") for r in reports))
        self.record_status(interface, all(r.ok for r in reports), source, summary)
        return reports
