"""Which side wins, field by field, when an event raccord created changes in Outlook
(docs/decisions.md, "Calendar: who wins a conflict").

- `outlook`: the employee's change comes back to the ERP (the appointment takes it, the ERP
  is told by webhook), unless the ERP changed the same field since the last sync: then the
  ERP's value wins and goes back to Outlook.
- `erp`: the ERP owns the field; an Outlook edit is undone at the next sync (the ERP's
  value is written again) and noted in the appointment's history.

A deletion in Outlook comes back to the ERP (the appointment is `removed_in_outlook` and is
not re-created), unless the ERP changed the appointment since the last sync: then the ERP
wins and the event is created again."""

from __future__ import annotations

from typing import Any

from raccord.interfaces.exchange.events import FIELD_NAMES

FIELD_RULES: dict[str, str] = {
    "start": "outlook",
    "end": "outlook",
    "all_day": "outlook",
    "show_as": "outlook",
    "subject": "erp",
    "location": "erp",
    "body": "erp",
    "categories": "erp",
    "private": "erp",
    "attendees": "erp",
    "recurrence": "erp",
}
assert set(FIELD_RULES) == set(FIELD_NAMES)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    if before is None:
        return list(FIELD_NAMES)
    return [name for name in FIELD_NAMES if before.get(name) != after.get(name)]


def decide(outlook_changed: list[str], erp_changed: set[str]) -> tuple[list[str], list[str]]:
    """(fields taken from Outlook, fields the ERP writes back over Outlook's change)."""
    taken, restored = [], []
    for name in outlook_changed:
        if FIELD_RULES[name] == "outlook" and name not in erp_changed:
            taken.append(name)
        else:
            restored.append(name)
    return taken, restored
