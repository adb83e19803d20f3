"""Signing in with a password or an API key, throttled: failed attempts are counted per
account and per client address over a sliding window (core limiter: memory, or Redis shared
by every process), and once too many failed, even the right password waits, with the wait
told (`Throttled`)."""

from __future__ import annotations

import math

from raccord.core.accounts import Account, Accounts
from raccord.core.i18n import Tr
from raccord.core.ratelimit import Attempts, RateLimiter

# A person mistyping gets 5 tries per account in 5 minutes; a whole office behind one
# address 30 tries in 5 minutes; an ERP with a wrong key 30 tries in 5 minutes.
PER_ACCOUNT = (5, 300)
PER_ADDRESS = (30, 300)
API_KEYS_PER_ADDRESS = (30, 300)


class Throttled(Exception):
    def __init__(self, wait_s: float) -> None:
        self.wait_s = max(1, math.ceil(wait_s))
        self.message = Tr(
            f"Trop d'essais manqués : réessayez dans {self.wait_s} s.",
            f"Too many failed attempts: try again in {self.wait_s} s.")
        super().__init__(self.message.en)


class SignIn:
    def __init__(self, accounts: Accounts, limiter: RateLimiter) -> None:
        self.accounts = accounts
        self.by_account = Attempts(limiter, "login-account", *PER_ACCOUNT)
        self.by_address = Attempts(limiter, "login-address", *PER_ADDRESS)
        self.keys_by_address = Attempts(limiter, "api-key-address", *API_KEYS_PER_ADDRESS)
        # In memory, counting attempts costs no network call (with Redis it does).
        self.cheap_checks = not limiter.distributed

    def password(self, login: str, password: str, address: str) -> Account | None:
        """The account, None for a wrong login or password; raises Throttled when this
        account or this address failed too often lately (the password is then not checked)."""
        account_key = login.strip().casefold()[:200]
        wait = max(self.by_account.wait(account_key), self.by_address.wait(address))
        if wait > 0:
            raise Throttled(wait)
        account = self.accounts.authenticate(login, password)
        if account is None:
            self.by_account.failed(account_key)
            self.by_address.failed(address)
            return None
        self.by_account.forget(account_key)
        return account

    def api_key(self, token: str, address: str) -> Account | None:
        """The key's account, None for an unknown key; Throttled after too many unknown keys
        from this address."""
        wait = self.keys_by_address.wait(address)
        if wait > 0:
            raise Throttled(wait)
        account = self.accounts.by_api_key(token)
        if account is None:
            self.keys_by_address.failed(address)
        return account
