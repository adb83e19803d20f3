"""What every CLI command is made with: the consoles, the language, one-line refusals and the
hub. `raccord.cli` (the entry point) says how to open the hub (`use_hub_factory`)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.table import Table

from raccord.core.i18n import Tr, pick_language
from raccord.core.roles import Role
from raccord.core.schema import SettingError
from raccord.core.secrets import SecretKeyError
from raccord.core.settings_store import Actor
from raccord.core.trust import CertificateError
from raccord.interfaces.hub import InterfaceHub


def _console(stderr: bool = False) -> Console:
    """On a terminal, lines fit its width; piped or redirected, a line is never cut (a
    script reads whole lines)."""
    stream = sys.stderr if stderr else sys.stdout
    piped = not stream.isatty()
    return Console(stderr=stderr, highlight=False, soft_wrap=piped,
                   width=100_000 if piped else None)


out = _console()
err = _console(stderr=True)
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


class _KeyFileNotice(logging.Filter):
    """The CLI says it itself, once, in the user's language (see `open_hub`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("created the secret key file")


NEW_KEY = Tr("raccord : clé de chiffrement des secrets créée dans {path} : sauvegardez-la, "
             "les secrets enregistrés sont illisibles sans elle.",
             "raccord: created the secrets' encryption key {path}: back it up, the stored "
             "secrets cannot be read without it.")


def open_hub(announce: bool = False) -> InterfaceHub:
    """The hub; with `announce` (the start of `serve` and `worker`), the hub's own log line
    about a key file created now is left out: the command says it (`announce_new_key`)."""
    if not announce:
        with refusals():
            return _hub_factory()
    notice = _KeyFileNotice()
    logger = logging.getLogger("raccord")
    logger.addFilter(notice)
    try:
        with refusals():
            hub = _hub_factory()
    finally:
        logger.removeFilter(notice)
    return hub


def announce_new_key(hub: InterfaceHub) -> None:
    """Once the start went through (a refused start says only why), a key file created by this
    run is said, in the run's language."""
    if hub.new_key_file:
        err.print(NEW_KEY.format(path=hub.env.key_file)(lang()), markup=False)


def table(*headers: Tr) -> Table:
    """A table with its headers in the run's language (the console's words)."""
    return Table(*(h(lang()) for h in headers))


def print_json(document: object) -> None:
    import json

    out.print_json(json.dumps(document, ensure_ascii=False, default=str))


def cli_actor() -> Actor:
    return Actor(os.environ.get(CLI_ACTOR_ENV) or f"cli:{os.environ.get('USER', 'root')}",
                 Role.OPERATOR)
