"""Leases that keep two workers from doing the same thing at once, on one machine or many.

    with hold(hub, "calendar:mailbox:marie@contoso.com") as lease:
        if lease is None:
            ...  # someone else holds it: come back later
        ...      # check `lease.lost` before committing long work

Distributed (Redis configured): `SET key token NX PX ttl`, renewed by a background thread
every third of its time-to-live while held, released only by its holder (compare-and-delete
in Lua). Embedded: a row of `leases` in the database, taken by insert or by an update of an
expired row (both atomic on SQLite and PostgreSQL), renewed and released the same way. A
holder that dies (SIGKILL) stops renewing; its lease expires after `ttl_s`."""

from __future__ import annotations

import secrets
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, String, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from raccord.core.models import Base, utcnow

if TYPE_CHECKING:
    from raccord.core.hub import Hub

DEFAULT_TTL_S = 60.0

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class LeaseRow(Base):
    __tablename__ = "leases"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Lease:
    """A held lease; `lost` turns true if a renewal found it taken or expired."""

    def __init__(self, store: _Store, key: str, ttl_s: float) -> None:
        self.store, self.key, self.ttl_s = store, key, ttl_s
        self.token = secrets.token_hex(16)
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.ttl_s / 3):
            try:
                if not self.store.renew(self.key, self.token, self.ttl_s):
                    self.lost = True
                    return
            except Exception:  # a blip: the next renewal may succeed before expiry
                continue

    def start_renewing(self) -> None:
        self._thread = threading.Thread(target=self._renew_loop, name=f"lease:{self.key}",
                                        daemon=True)
        self._thread.start()

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if not self.lost:
            self.store.release(self.key, self.token)


class _Store(ABC):
    @abstractmethod
    def take(self, key: str, token: str, ttl_s: float) -> bool: ...

    @abstractmethod
    def renew(self, key: str, token: str, ttl_s: float) -> bool: ...

    @abstractmethod
    def release(self, key: str, token: str) -> None: ...


class RedisStore(_Store):
    def __init__(self, url: str) -> None:
        import redis

        self.redis: Any = redis.Redis.from_url(url)
        self._renew = self.redis.register_script(_RENEW)
        self._release = self.redis.register_script(_RELEASE)

    def take(self, key: str, token: str, ttl_s: float) -> bool:
        return bool(self.redis.set(f"raccord:lease:{key}", token, nx=True,
                                   px=int(ttl_s * 1000)))

    def renew(self, key: str, token: str, ttl_s: float) -> bool:
        return bool(self._renew(keys=[f"raccord:lease:{key}"], args=[token, int(ttl_s * 1000)]))

    def release(self, key: str, token: str) -> None:
        self._release(keys=[f"raccord:lease:{key}"], args=[token])


class DatabaseStore(_Store):
    def __init__(self, hub: Hub) -> None:
        self.db = hub.db

    def take(self, key: str, token: str, ttl_s: float) -> bool:
        now = utcnow()
        until = now + timedelta(seconds=ttl_s)
        try:
            with self.db.session() as session:
                session.add(LeaseRow(key=key, token=token, expires_at=until))
            return True
        except IntegrityError:
            pass
        with self.db.session() as session:
            taken = session.execute(  # type: ignore[attr-defined]
                update(LeaseRow).where(LeaseRow.key == key, LeaseRow.expires_at < now)
                .values(token=token, expires_at=until)).rowcount
        return bool(taken)

    def renew(self, key: str, token: str, ttl_s: float) -> bool:
        with self.db.session() as session:
            kept = session.execute(  # type: ignore[attr-defined]
                update(LeaseRow).where(LeaseRow.key == key, LeaseRow.token == token)
                .values(expires_at=utcnow() + timedelta(seconds=ttl_s))).rowcount
        return bool(kept)

    def release(self, key: str, token: str) -> None:
        with self.db.session() as session:
            session.execute(delete(LeaseRow).where(LeaseRow.key == key,
                                                   LeaseRow.token == token))


def store_for(hub: Hub) -> _Store:
    cached: _Store | None = getattr(hub, "_lease_store", None)
    if cached is None:
        cached = RedisStore(hub.env.redis_url) if hub.env.redis_url else DatabaseStore(hub)
        hub._lease_store = cached  # type: ignore[attr-defined]
    return cached


def try_take(hub: Hub, key: str, ttl_s: float = DEFAULT_TTL_S) -> Lease | None:
    """Take the lease now or return None (someone holds it); release it when done."""
    store = store_for(hub)
    lease = Lease(store, key, ttl_s)
    if not store.take(key, lease.token, ttl_s):
        return None
    lease.start_renewing()
    return lease


@contextmanager
def hold(hub: Hub, key: str, ttl_s: float = DEFAULT_TTL_S) -> Iterator[Lease | None]:
    lease = try_take(hub, key, ttl_s)
    try:
        yield lease
    finally:
        if lease is not None:
            lease.release()
