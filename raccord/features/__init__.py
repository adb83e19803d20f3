"""What users get, built on the interfaces. Each feature package may hold `jobs.py` (background
work, auto-imported by workers), `api.py` (`router`, mounted under /api/v1), `cli.py` (`app`, a
typer sub-command named after the package) and `pages.py` (`router`, console pages)."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def feature_modules(kind: str) -> list[ModuleType]:
    """Import `raccord.features.<x>.<kind>` for every feature that has one."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        name = f"{__name__}.{info.name}.{kind}"
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return found
