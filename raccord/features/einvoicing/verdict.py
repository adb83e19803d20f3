"""One file's verdict, whatever it is (Factur-X PDF, UBL or CII XML, structured JSON): what
`raccord einvoice validate`, the benchmark and intake share."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from raccord.core.i18n import Tr
from raccord.features.einvoicing import documents
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.features.einvoicing.validation import (
    Problem,
    Profile,
    check_document,
    check_invoice,
)


@dataclass
class Verdict:
    file: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(p.fatal for p in self.problems)

    def as_json(self, lang: str = "fr") -> dict[str, Any]:
        return {"file": self.file, "valid": self.valid,
                "problems": [{"rule": p.rule, "flag": p.flag, "location": p.field,
                              "message": p.message(lang)} for p in self.problems]}


def _unreadable(message: Tr) -> Problem:
    return Problem("file", "RACCORD-FILE", message)


def judge(content: bytes, name: str, profile: Profile = Profile.CHORUS,
          company_siret: str | None = None) -> Verdict:
    """Every problem of one file under `profile` (never raises for a bad file)."""
    verdict = Verdict(name)
    body = documents.without_bom(content)
    if body.lstrip()[:1] in (b"{", b"["):
        try:
            structured = InvoiceData.model_validate(json.loads(body))
        except (ValueError, ValidationError) as error:
            verdict.problems.append(_unreadable(Tr(
                f"Données de facture illisibles : {error}", f"Unreadable invoice data: {error}")))
            return verdict
        verdict.problems = check_invoice(structured, company_siret, profile)
        return verdict
    try:
        if body.startswith(b"%PDF"):
            xml, facturx = documents.embedded_xml(body), True
        else:
            xml, facturx = body, False
        root = documents.xml_root(xml)
    except documents.UnreadableFile as error:
        verdict.problems.append(_unreadable(error.message))
        return verdict
    data: InvoiceData | None = None
    if profile is Profile.CHORUS:
        try:
            data = documents.read(body, name)[1]
        except documents.UnreadableFile as error:
            verdict.problems.append(_unreadable(error.message))
    verdict.problems += check_document(root, data, facturx=facturx, profile=profile,
                                       company_siret=company_siret)
    return verdict
