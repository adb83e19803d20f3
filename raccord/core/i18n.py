"""Bilingual text. French is the default language; every user-facing string has both."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"


@dataclass(frozen=True)
class Tr:
    fr: str
    en: str

    def __call__(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.en if lang == "en" else self.fr

    def format(self, **values: object) -> Tr:
        return Tr(self.fr.format(**values), self.en.format(**values))

    def __add__(self, other: Tr) -> Tr:
        return Tr(f"{self.fr} {other.fr}", f"{self.en} {other.en}")


# A text kept in one column in both languages: the English, then this mark and the French.
FR_MARK = "\n[fr] "


def stored(message: Tr) -> str:
    """`message` for a text column (read back with `read_stored`)."""
    return message.en if message.fr == message.en else f"{message.en}{FR_MARK}{message.fr}"


def read_stored(text: str | None, lang: str) -> str:
    """A text column's text in the reader's language (English when no French was kept)."""
    english, _, french = (text or "").partition(FR_MARK)
    return french if lang == "fr" and french else english


def pick_language(value: str | None) -> str:
    if value:
        for part in value.replace(";", ",").split(","):
            code = part.strip()[:2].lower()
            if code in LANGUAGES:
                return code
    return DEFAULT_LANGUAGE
