"""What the calendar's machine words read as, in both languages: an appointment's sync state,
what started a run, who wrote a history line and what happened, Outlook's "show as", the
run counters, and a history line's detail written out (never a raw dictionary)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from raccord.core.formats import number
from raccord.core.i18n import Tr

STATES: dict[str, Tr] = {
    "pending": Tr("en attente", "pending"),
    "synced": Tr("synchronisé", "synced"),
    "failed": Tr("en échec", "failing"),
    "removed_in_outlook": Tr("supprimé dans Outlook", "removed in Outlook"),
    "deleted": Tr("supprimé par l'ERP", "deleted by the ERP"),
}

TRIGGERS: dict[str, Tr] = {
    "schedule": Tr("planification", "schedule"),
    "push": Tr("changement de l'ERP", "ERP change"),
    "console": Tr("console", "console"),
    "cli": Tr("ligne de commande", "command line"),
}

SOURCES: dict[str, Tr] = {
    "erp": Tr("ERP", "ERP"),
    "raccord": Tr("raccord", "raccord"),
    "outlook": Tr("Outlook", "Outlook"),
}

EVENTS: dict[str, Tr] = {
    "created": Tr("reçu de l'ERP", "received from the ERP"),
    "changed": Tr("modifié par l'ERP", "changed by the ERP"),
    "deleted": Tr("supprimé par l'ERP", "deleted by the ERP"),
    "created_in_outlook": Tr("créé dans Outlook", "created in Outlook"),
    "answer_lost": Tr("réponse perdue (recherché au prochain passage)",
                      "answer lost (looked up next time)"),
    "found_again": Tr("retrouvé dans Outlook", "found again in Outlook"),
    "recreating": Tr("recréé dans Outlook", "created again in Outlook"),
    "deleted_in_outlook_by_raccord": Tr("supprimé dans Outlook par raccord",
                                        "deleted in Outlook by raccord"),
    "changed_in_outlook": Tr("modifié dans Outlook", "changed in Outlook"),
    "restored_over_outlook": Tr("valeur de l'ERP rétablie dans Outlook",
                                "ERP value restored in Outlook"),
    "deleted_in_outlook": Tr("supprimé dans Outlook", "deleted in Outlook"),
}

SHOW_AS: dict[str, Tr] = {
    "free": Tr("disponible", "free"), "tentative": Tr("provisoire", "tentative"),
    "busy": Tr("occupé", "busy"), "oof": Tr("absent du bureau", "out of office"),
    "workingElsewhere": Tr("travaille ailleurs", "working elsewhere"),
    "unknown": Tr("inconnu", "unknown"),
}

COUNTS: dict[str, Tr] = {
    "created": Tr("créés", "created"), "updated": Tr("modifiés", "updated"),
    "deleted": Tr("supprimés", "deleted"),
    "pulled_back": Tr("revenus d'Outlook", "pulled back"),
    "failed": Tr("en échec", "failed"),
}

FIELDS: dict[str, Tr] = {
    "subject": Tr("objet", "subject"), "start": Tr("début", "start"), "end": Tr("fin", "end"),
    "time_zone": Tr("fuseau horaire", "time zone"),
    "all_day": Tr("journée entière", "all day"), "location": Tr("lieu", "location"),
    "body": Tr("description", "description"), "categories": Tr("catégories", "categories"),
    "show_as": Tr("affichage", "show as"), "private": Tr("privé", "private"),
    "attendees": Tr("participants", "attendees"), "recurrence": Tr("périodicité", "recurrence"),
    "remote_id": Tr("identifiant Outlook", "Outlook id"), "reason": Tr("raison", "reason"),
    "why": Tr("pourquoi", "why"), "fields": Tr("champs", "fields"),
}

# Counted words (singular, plural) for the `plural` filter.
APPOINTMENTS = (Tr("rendez-vous", "appointment"), Tr("rendez-vous", "appointments"))
SYNCED = (Tr("boîte synchronisée", "mailbox synchronised"),
          Tr("boîtes synchronisées", "mailboxes synchronised"))
BUSY = (Tr("boîte déjà en cours de synchronisation ailleurs",
           "mailbox already being synchronised elsewhere"),
        Tr("boîtes déjà en cours de synchronisation ailleurs",
           "mailboxes already being synchronised elsewhere"))
FAILURES = (Tr("échec d'affilée", "failure in a row"), Tr("échecs d'affilée", "failures in a row"))

# The sentences the sync writes in a detail (stored in English) and how French reads them.
PHRASES: dict[str, Tr] = {
    "deleted in Outlook, changed in the ERP": Tr("supprimé dans Outlook, modifié dans l'ERP",
                                                 "deleted in Outlook, changed in the ERP"),
}


def word(table: Mapping[str, Tr], key: str | None, lang: str) -> str:
    """A machine word in the reader's language (an unknown one shown as it is)."""
    found = table.get(key or "")
    return found(lang) if found is not None else (key or "")


def _value(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return ("oui" if value else "non") if lang == "fr" else ("yes" if value else "no")
    if isinstance(value, list):
        return ", ".join(_value(v, lang) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{word(FIELDS, str(k), lang)} {_value(v, lang)}"
                         for k, v in value.items())
    if value is None or value == "":
        return "—"
    text = str(value)
    return PHRASES[text](lang) if text in PHRASES else text


def detail_text(detail: Mapping[str, Any] | None, lang: str) -> str:
    """A history line's detail as a reader reads it: `début : ERP … → Outlook …`."""
    if not detail:
        return ""
    colon = " : " if lang == "fr" else ": "
    parts = []
    for key, value in detail.items():
        if key == "reason_fr":
            continue
        if key == "reason" and lang == "fr" and detail.get("reason_fr"):
            value = detail["reason_fr"]
        if key == "fields" and isinstance(value, list):
            value = [word(FIELDS, str(v), lang) for v in value]
        if key == "outlook" and isinstance(value, Mapping):
            parts.append("Outlook" + colon + "; ".join(
                f"{word(FIELDS, str(k), lang)} {_value(v, lang)}" for k, v in value.items()))
            continue
        if isinstance(value, Mapping) and set(value) == {"erp", "outlook"}:
            parts.append(f"{word(FIELDS, key, lang)}{colon}ERP {_value(value['erp'], lang)}"
                         f" → Outlook {_value(value['outlook'], lang)}")
            continue
        parts.append(f"{word(FIELDS, key, lang)}{colon}{_value(value, lang)}")
    return " ; ".join(parts) if lang == "fr" else "; ".join(parts)


def counts_text(counts: Mapping[str, int] | None, lang: str) -> str:
    """`créés : 3 ; revenus d'Outlook : 1` (the counters that are not zero)."""
    colon, separator = (" : ", " ; ") if lang == "fr" else (": ", "; ")
    return separator.join(f"{word(COUNTS, k, lang)}{colon}{number(v, lang)}"
                          for k, v in (counts or {}).items() if v)


def error_json(message: Tr) -> str:
    """A stored error in both languages (read back by `error_text`)."""
    return json.dumps({"fr": message.fr, "en": message.en}, ensure_ascii=False)


def error_text(stored: str | None, lang: str) -> str:
    """A stored error in the reader's language (an older one, in English only, as it is)."""
    if not stored:
        return ""
    try:
        texts = json.loads(stored)
        return str(texts[lang] if lang in texts else texts["en"])
    except (ValueError, KeyError, TypeError):
        return stored
