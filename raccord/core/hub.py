"""The hub: one object wiring the database, secrets, settings, trust store, outgoing HTTP,
limits and the interfaces together. Every face (console, API, CLI, worker) builds one."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from raccord.core.accounts import Accounts
from raccord.core.config import Environment, load_environment
from raccord.core.db import Database, migrate
from raccord.core.http import Outgoing
from raccord.core.i18n import Tr
from raccord.core.models import InterfaceStatus, Setting, StatusChange, utcnow
from raccord.core.ratelimit import Ceiling, RateLimiter
from raccord.core.redaction import Redactor, install_log_redaction
from raccord.core.schema import InterfaceSchema
from raccord.core.secrets import FERNET_PREFIX, SecretBox, load_secret_box
from raccord.core.settings_store import Actor, SettingsStore
from raccord.core.signin import SignIn
from raccord.core.trust import TrustStore

if TYPE_CHECKING:
    from raccord.core.jobs import JobQueue

log = logging.getLogger("raccord")
# An unchanged status is written again only this often (its time says it is still true).
STATUS_REFRESH_S = 60.0


@dataclass
class Status:
    ok: bool
    source: str
    summary: str
    at: datetime
    message: Tr
    # Since when the interface has been up (or down): its last change of status.
    since: datetime | None = None


class Hub:
    """What the core owns: database, secrets, settings (for the schemas it is given), accounts,
    trust store, limiter, jobs and outgoing HTTP. `raccord.interfaces.hub.InterfaceHub` plugs the
    interfaces in; the faces build that one."""

    def __init__(self, env: Environment | None = None,
                 schemas: Iterable[InterfaceSchema] = ()) -> None:
        self.env = env or load_environment()
        self.db = Database(self.env.database_url)
        migrate(self.db.engine)
        self.redactor = Redactor()
        install_log_redaction(self.redactor)
        self.box, self.new_key_file = self._open_secrets()
        if self.new_key_file:
            log.warning("created the secret key file %s: back it up, the stored secrets cannot "
                        "be read without it", self.env.key_file)
        self.settings = SettingsStore(self.db, self.box, {s.name: s for s in schemas},
                                      self.env.mode, self.redactor)
        self.accounts = Accounts(self.db)
        self.trust = TrustStore(self.db)
        self.limiter = RateLimiter(self.env.redis_url or "memory://")
        self.sign_in = SignIn(self.accounts, self.limiter)
        self._jobs: JobQueue | None = None

    def _open_secrets(self) -> tuple[SecretBox, bool]:
        with self.db.session() as session:
            encrypted = session.scalar(select(func.count(Setting.id)).where(
                Setting.value.like(f"{FERNET_PREFIX}%"))) or 0
        return load_secret_box(self.env.secret_key, self.env.key_file, encrypted > 0)

    @property
    def jobs(self) -> JobQueue:
        if self._jobs is None:
            from raccord.core.jobs import JobQueue

            self._jobs = JobQueue(self)
        return self._jobs

    def outgoing(self, interface: str, *, timeout: float = 20.0,
                 ceilings: list[Ceiling] | None = None) -> Outgoing:
        return Outgoing(self, interface, timeout=timeout, ceilings=ceilings or [])

    def values(self, interface: str, scope: str = "") -> dict[str, Any]:
        return self.settings.values(interface, scope)

    def record_status(self, interface: str, ok: bool, source: str, message: str | Tr, *,
                      transient: bool = False) -> None:
        """Remember an interface's last outcome (both languages when given as a Tr). A
        failure that is not `transient` (a configuration error, a failing Test) is an alert
        until a success clears it (raccord.core.alerts)."""
        from raccord.core.alerts import status_changed

        both = message if isinstance(message, Tr) else Tr(message, message)
        summary = json.dumps({"fr": both.fr, "en": both.en}, ensure_ascii=False)
        text = self.redactor.text(summary)
        was_ok: bool | None = None
        with self.db.read() as connection:  # a busy queue says the same thing many times
            known = connection.execute(select(  # a second: a read, without a write
                InterfaceStatus.ok, InterfaceStatus.source, InterfaceStatus.summary,
                InterfaceStatus.at).where(InterfaceStatus.interface == interface)).first()
        if known is not None and (known.ok, known.source, known.summary) == (
                ok, source, text) and _recent(known.at):
            if not ok:
                status_changed(self, interface, ok, both, transient=transient,
                               was_ok=known.ok)
            return
        for _ in range(2):  # two workers may insert the first row at once: then update it
            try:
                with self.db.session() as session:
                    row = session.get(InterfaceStatus, interface)
                    was_ok = None if row is None else row.ok
                    if row is not None and (row.ok, row.source, row.summary) == (
                            ok, source, text) and _recent(row.at):
                        break  # a busy queue says the same thing many times a second
                    now = utcnow()
                    if row is None:
                        session.add(InterfaceStatus(interface=interface, ok=ok, source=source,
                                                    summary=text, at=now))
                        session.flush()
                        changed = True
                    else:
                        # The one writer that flips `ok` records the change: a conditional
                        # update, so two workers seeing the same change record it once.
                        changed = session.execute(  # type: ignore[attr-defined]
                            update(InterfaceStatus)
                            .where(InterfaceStatus.interface == interface,
                                   InterfaceStatus.ok.is_not(ok))
                            .values(ok=ok, source=source, at=now, summary=text)
                            .execution_options(synchronize_session=False)).rowcount > 0
                        if not changed:
                            session.execute(update(InterfaceStatus)
                                            .where(InterfaceStatus.interface == interface)
                                            .values(source=source, at=now, summary=text)
                                            .execution_options(synchronize_session=False))
                    if changed:
                        session.add(StatusChange(interface=interface, ok=ok, source=source,
                                                 summary=text, at=now))
                if changed:
                    log.info("interface %s is now %s", interface, "up" if ok else "down")
                break
            except IntegrityError:
                continue
        if ok is not was_ok or not ok:  # nothing to raise or clear while all stays well
            status_changed(self, interface, ok, both, transient=transient, was_ok=was_ok)

    def status(self, interface: str) -> Status | None:
        with self.db.session() as session:
            row = session.get(InterfaceStatus, interface)
            if row is None:
                return None
            message = _message(row.summary)
            since = session.scalar(select(StatusChange.at).where(
                StatusChange.interface == interface).order_by(StatusChange.id.desc()).limit(1))
            return Status(row.ok, row.source, message.en, row.at, message, since or row.at)

    def status_changes(self, interface: str, limit: int = 10) -> list[Status]:
        """The latest changes of an interface's status, newest first."""
        with self.db.session() as session:
            rows = list(session.scalars(select(StatusChange).where(
                StatusChange.interface == interface).order_by(StatusChange.id.desc())
                .limit(limit)))
        return [Status(r.ok, r.source, "", r.at, _message(r.summary), r.at) for r in rows]

    def technical_actor(self, interface: str) -> Actor:
        """Background work runs as the interface's technical user, shown in histories."""
        from raccord.core.roles import Role

        login = self.values(interface).get("technical_user") or "system"
        return Actor(login, Role.OPERATOR)


def _message(summary: str) -> Tr:
    try:
        texts = json.loads(summary)
        return Tr(texts["fr"], texts["en"])
    except (ValueError, KeyError, TypeError):
        return Tr(summary, summary)


def _recent(at: datetime | None, within_s: float = STATUS_REFRESH_S) -> bool:
    if at is None:
        return False
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return (utcnow() - aware).total_seconds() < within_s
