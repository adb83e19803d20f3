"""What the settings API answers, as response models (the OpenAPI document describes them)."""

from __future__ import annotations

from typing import Any

from raccord.toolkit.api import Open


class FieldDescription(Open):
    key: str
    label_fr: str
    label_en: str
    type: str
    default: Any = None
    min: int | None = None
    max: int | None = None
    choices: list[str] | None = None
    secret: bool
    vendor: bool
    advanced: bool


class InterfaceDescription(Open):
    name: str
    title_fr: str
    title_en: str
    fields: list[FieldDescription]
    company_fields: list[FieldDescription]
    tests: list[str]


class SavedValue(Open):
    interface: str
    key: str
    value: Any = None


class Cleared(Open):
    interface: str
    key: str
    cleared: bool


class CompanyValueSaved(Open):
    company: str
    interface: str
    key: str
    saved: bool


class StepResult(Open):
    step: str
    ok: bool
    duration_ms: int
    message: str | None = None
    link: str | None = None


class TestResult(Open):
    interface: str
    test: str | None = None
    ok: bool
    summary: str
    steps: list[StepResult]
    notes: list[str]


class TestResults(Open):
    ok: bool
    reports: list[TestResult]


class AuditLine(Open):
    at: str
    actor: str
    interface: str
    key: str
    scope: str
    old: str | None = None
    new: str | None = None


class CertificateLine(Open):
    fingerprint: str
    subject: str
    not_after: str


class CertificateAdded(Open):
    fingerprint: str
    subject: str


class CertificateRemoved(Open):
    removed: str


class CompanyLine(Open):
    code: str
    name: str
    siret: str | None = None


class RunLine(Open):
    id: int
    task: str
    interface: str | None = None
    started_at: str
    finished_at: str | None = None
    outcome: str
    counts: dict[str, Any] | None = None
    error: str | None = None
