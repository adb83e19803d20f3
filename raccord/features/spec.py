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
class Command:
    """A typer group `app` in the feature's module `module`, mounted as `raccord <name>`."""

    name: str
    module: str = "cli"


@dataclass(frozen=True)
class FeatureSpec:
    """A feature folder `raccord/features/<name>/` with, when flagged:

    - `models.py`: its tables (imported before any job or page runs);
    - `jobs.py`: `@job` / `@scheduled` functions (imported by workers and servers);
    - `api.py`: `router`, mounted under /api/v1;
    - `pages.py`: `router`, console pages, with `menu` entries in the console's menu;
    - `cli.py` (or the modules its `commands` name): `app`, typer groups mounted as
      `raccord <name>`.
    """

    name: str
    title: Tr
    models: bool = False
    jobs: bool = False
    api: bool = False
    pages: bool = False
    commands: tuple[Command, ...] = ()
    menu: tuple[MenuEntry, ...] = ()

    @property
    def package(self) -> str:
        return f"raccord.features.{self.name}"

    def part(self, kind: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{kind}")
