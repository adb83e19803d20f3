"""Fixtures of the hardening tests: console users of every role (the core tests' own)."""

from __future__ import annotations

from tests.core.conftest import accounts, browser_for, cli  # noqa: F401  (shared fixtures)
