"""Every registered job has its own words on screen, in both languages: no face shows a raw
task name (`calendar.sync`), and every counter a feature's job returns has its words; a
moment in its own time zone; the calendar's machine words."""

from __future__ import annotations

from datetime import UTC, datetime

import raccord.core.webhooks  # noqa: F401  (the core's webhook job)
import raccord.interfaces.probe  # noqa: F401  (the availability probe)
from raccord.core.formats import moment
from raccord.core.jobs import JOBS, SCHEDULES
from raccord.core.words import COUNTERS, counts_text, task_label
from raccord.features.calendar.labels import STATES, detail_text, word
from raccord.wiring import load_features


def test_every_registered_job_has_a_task_word_in_both_languages() -> None:
    load_features()
    # Jobs of raccord's own modules (other tests register throw-away jobs of their own).
    names = {name for name, definition in JOBS.items()
             if definition.function.__module__.startswith("raccord.")}
    assert set(SCHEDULES) - set(JOBS) == set()
    for expected in ("calendar.sync", "calendar.push", "bank.fetch", "bank.fetch_item",
                     "signature.send", "signature.sync", "signature.follow_up", "mail.send",
                     "mail.sweep", "sirene.enrich", "core.webhook", "core.probe"):
        assert expected in names, expected
    raw = []
    for name in sorted(names):
        label = task_label(name)
        if name in (label.fr, label.en) or not label.fr or not label.en or label.fr == label.en:
            raw.append(name)
    assert raw == []


def test_the_features_counters_have_their_words() -> None:
    load_features()
    for key in ("pulled_back", "mailboxes", "busy", "requeued", "accounts_fetched", "booked",
                "banks_repaired", "statements", "partly_signed", "retry_next_run", "alerts_resent",
                "key_checked", "woken"):
        assert key in COUNTERS, key
    text = counts_text({"pulled_back": 1, "mailboxes": 3, "accounts_fetched": 2}, "fr")
    assert text == "revenus d'Outlook : 1 ; boîtes : 3 ; comptes relevés : 2"
    assert "pulled" not in text and "_" not in text


def test_a_moment_shows_in_its_own_zone_when_it_has_one() -> None:
    at = datetime(2026, 3, 12, 14, 3, tzinfo=UTC)
    assert moment(at, "fr") == "12/03/2026 15:03"  # Paris
    assert moment(at, "fr", zone="America/New_York") == "12/03/2026 10:03"
    assert moment(at.isoformat(), "en", zone="Asia/Tokyo") == "12/03/2026 23:03"
    assert moment(at, "fr", zone="Nowhere/Invalid") == "12/03/2026 15:03"


def test_calendar_words_and_details_read_in_french() -> None:
    assert word(STATES, "removed_in_outlook", "fr") == "supprimé dans Outlook"
    text = detail_text({"start": {"erp": "09:00", "outlook": "15:00"}, "fields": ["show_as"],
                        "why": "deleted in Outlook, changed in the ERP",
                        "reason": "lost", "reason_fr": "perdue"}, "fr")
    assert text == ("début : ERP 09:00 → Outlook 15:00 ; champs : affichage ; "
                    "pourquoi : supprimé dans Outlook, modifié dans l'ERP ; raison : perdue")
    assert "{" not in text
