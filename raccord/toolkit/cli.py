"""What every CLI command is made with: the consoles, the language, one-line refusals and the
hub. `raccord.cli` (the entry point) says how to open the hub (`use_hub_factory`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from raccord.core.i18n import Tr, pick_language
from raccord.core.roles import Role
from raccord.core.schema import SettingError
from raccord.core.secrets import SecretKeyError
from raccord.core.settings_store import Actor
from raccord.core.trust import CertificateError
from raccord.interfaces.hub import InterfaceHub

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
CLI_ACTOR_ENV = "RACCORD_ACTOR"
_hub_factory: Callable[[], InterfaceHub] = InterfaceHub


def use_hub_factory(factory: Callable[[], InterfaceHub]) -> None:
    global _hub_factory
    _hub_factory = factory


def lang() -> str:
    return pick_language(os.environ.get("RACCORD_LANG") or os.environ.get("LANG", "fr")[:2])


def fail(message: Tr | str, code: int = 1) -> typer.Exit:
    text = message(lang()) if isinstance(message, Tr) else message
    err.print(text, markup=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def refusals() -> Iterator[None]:
    """Turn every expected refusal into one line on stderr and a non-zero exit."""
    try:
        yield
    except (SettingError, CertificateError) as error:
        raise fail(error.message) from None
    except SecretKeyError as error:
        raise fail(str(error)) from None


def open_hub() -> InterfaceHub:
    with refusals():
        return _hub_factory()


def cli_actor() -> Actor:
    return Actor(os.environ.get(CLI_ACTOR_ENV) or f"cli:{os.environ.get('USER', 'root')}",
                 Role.OPERATOR)
