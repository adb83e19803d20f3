"""What a feature declares about itself, once: its parts are modules found by convention in
its folder and imported only by the faces that need them (a worker never loads pages)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from raccord.core.i18n import Tr


@dataclass(frozen=True)
class MenuEntry:
    path: str
    label: Tr
    # The least role that sees the entry (a role name of raccord.core.roles.Role).
    role: str = "reader"


@dataclass(frozen=True)
class FeatureSpec:
    """A feature folder `raccord/features/<name>/` with, when flagged:

    - `models.py`: its tables (imported before any job or page runs);
    - `jobs.py`: `@job` / `@scheduled` functions (imported by workers and servers);
    - `api.py`: `router`, mounted under /api/v1;
    - `pages.py`: `router`, console pages, with `menu` entries in the console's menu;
    - `cli.py`: `app`, a typer group named `command` (the feature's name by default).
    """

    name: str
    title: Tr
    models: bool = False
    jobs: bool = False
    api: bool = False
    pages: bool = False
    cli: bool = False
    command: str | None = None
    menu: tuple[MenuEntry, ...] = ()

    @property
    def package(self) -> str:
        return f"raccord.features.{self.name}"

    @property
    def command_name(self) -> str:
        return self.command or self.name

    def part(self, kind: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{kind}")
