"""Rows of issue 16 about accounts: the password policy on every path, throttled sign-in
(per account and per address, memory and Redis), sessions that end, and an unknown login
that answers as slowly as a known one."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from raccord.core.hub import Hub
from raccord.core.signin import PER_ACCOUNT, PER_ADDRESS, Throttled
from tests.conftest import make_env
from tests.core.helpers import PASSWORD, Cli, one_line


@pytest.mark.parametrize("typed", ["", "x", "       ", "aaaaaaaaaaaa", "rita"])
def test_user_password_follows_the_same_policy_as_user_add(hub: Hub, cli: Cli,
                                                           typed: str) -> None:
    """medium: `echo "" | raccord user password reader1` exited 0 and that login worked."""
    hub.accounts.add_user("rita", PASSWORD, "reader")
    result = cli("user", "password", "rita", input=typed + "\n")
    assert result.exit_code == 1, result.output
    assert "Password" in one_line(result)
    assert hub.accounts.authenticate("rita", typed) is None
    assert hub.accounts.authenticate("rita", PASSWORD) is not None
    added = cli("user", "add", "bob", input=typed + "\n")
    assert added.exit_code == 1 and hub.accounts.get("bob") is None


def throttled(hub: Hub, login: str, password: str, address: str = "10.0.0.1") -> float:
    try:
        hub.sign_in.password(login, password, address)
    except Throttled as stop:
        return stop.wait_s
    return 0.0


@pytest.mark.parametrize("backend", ["memory", pytest.param("redis", marks=pytest.mark.redis)])
def test_wrong_passwords_are_throttled_per_account_and_per_address(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """medium: 30 wrong passwords in a row were all answered at once, and the right one
    worked right after."""
    redis = request.getfixturevalue("redis_url") if backend == "redis" else None
    hub = Hub(make_env(tmp_path / "home", redis_url=redis))
    hub.accounts.add_user("olga", PASSWORD, "operator")
    for _ in range(PER_ACCOUNT[0]):
        assert hub.sign_in.password("olga", "wrong password", "10.0.0.1") is None
    wait = throttled(hub, "olga", PASSWORD)
    assert 0 < wait <= PER_ACCOUNT[1]  # even the right password waits, and is told how long
    assert throttled(hub, "olga", PASSWORD, "10.9.9.9") > 0  # per account, from anywhere
    # Another account from the same address still signs in, until the address is spent.
    hub.accounts.add_user("adam", PASSWORD, "administrator")
    assert hub.sign_in.password("adam", PASSWORD, "10.0.0.1") is not None
    for index in range(PER_ADDRESS[0]):
        hub.sign_in.password(f"nobody{index}", "wrong password", "10.0.0.2")
    assert throttled(hub, "adam", PASSWORD, "10.0.0.2") > 0
    if redis:  # a second process shares the count
        other = Hub(make_env(tmp_path / "home", redis_url=redis))
        assert throttled(other, "olga", PASSWORD) > 0


def test_wrong_api_keys_are_throttled_per_address(hub: Hub) -> None:
    hub.accounts.add_user("erp", PASSWORD, "administrator")
    key = hub.accounts.new_api_key("erp")
    for _ in range(PER_ADDRESS[0]):
        assert hub.sign_in.api_key("rk_wrong", "10.0.0.3") is None
    with pytest.raises(Throttled):
        hub.sign_in.api_key(key, "10.0.0.3")
    assert hub.sign_in.api_key(key, "10.0.0.4") is not None


def test_sessions_end_with_logout_and_a_new_password(hub: Hub) -> None:
    """medium (core): a session carries its account's version; logout and a new password
    bump it, so an old cookie no longer opens anything."""
    hub.accounts.add_user("olga", PASSWORD, "operator")
    version = hub.accounts.session_version("olga")
    assert hub.accounts.session_account("olga", version) is not None
    hub.accounts.end_sessions("olga")
    assert hub.accounts.session_account("olga", version) is None
    version = hub.accounts.session_version("olga")
    hub.accounts.set_password("olga", "another good password")
    assert hub.accounts.session_account("olga", version) is None
    assert hub.accounts.session_account("olga", None) is None
    assert hub.accounts.session_account("ghost", 0) is None


def test_an_unknown_login_takes_as_long_as_a_known_one(hub: Hub) -> None:
    """low: login answered an unknown user faster than a known one."""
    hub.accounts.add_user("olga", PASSWORD, "operator")

    def timed(login: str) -> float:
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            hub.accounts.authenticate(login, "wrong password")
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    timed("nobody")  # warm up
    known, unknown = timed("olga"), timed("nobody")
    assert unknown > known * 0.5, (known, unknown)


def test_the_first_admin_password_follows_the_policy(cli: Cli) -> None:
    result = cli("serve", RACCORD_ADMIN_PASSWORD="short")
    assert result.exit_code == 1
    assert "Password too short" in one_line(result)
