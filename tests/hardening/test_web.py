"""Rows of issue 16 at the web layer: the open redirects, throttled logins told how long to
wait, sessions that end, Secure cookies, the API never taking the cookie alone for a change,
security headers on every answer."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from raccord.core.config import Environment
from raccord.core.roles import Role
from raccord.core.signin import PER_ACCOUNT, PER_ADDRESS
from raccord.interfaces.hub import InterfaceHub
from raccord.web import create_app
from tests.conftest import make_env
from tests.core.helpers import PASSWORD, Browser, Cli

TEMPLATES = sorted(Path("raccord").rglob("templates/*.html"))


@pytest.mark.parametrize("target", ["//evil.example", "///evil.example", "/\\evil.example",
                                    "https://evil.example/", "/%2F/evil.example"])
def test_no_redirect_after_login_leaves_the_site(hub: InterfaceHub, accounts: dict[Role, str],
                                                 target: str) -> None:
    """medium: `POST /login?next=//evil.example` answered `303 Location: //evil.example`."""
    browser = Browser(hub)
    answer = browser.client.post("/login", params={"next": target},
                                 data={"login": "olga", "password": PASSWORD})
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location == "/" or (location.startswith("/") and not location.startswith("//")
                               and "\\" not in location), location


def test_the_language_switch_goes_back_only_on_this_site(hub: InterfaceHub) -> None:
    """medium: `/lang/en` redirected to any Referer."""
    client = TestClient(create_app(hub), follow_redirects=False)
    for referer in ("https://evil.example/", "//evil.example/x", "http://testserver.evil/"):
        answer = client.get("/lang/en", headers={"referer": referer})
        assert answer.headers["location"] == "/", referer
    same = client.get("/lang/en", headers={"referer": "http://testserver/audit?x=1"})
    assert same.headers["location"] == "/audit?x=1"


def test_wrong_passwords_make_the_login_wait_and_say_how_long(
        hub: InterfaceHub, accounts: dict[Role, str]) -> None:
    """medium: 30 wrong passwords in a row were answered at once; the right one worked right
    after."""
    client = TestClient(create_app(hub), follow_redirects=False)
    for _ in range(PER_ACCOUNT[0]):
        wrong = client.post("/login", data={"login": "olga", "password": "nope nope"},
                            headers={"Accept-Language": "en"})
        assert wrong.status_code == 401
    right = client.post("/login", data={"login": "olga", "password": PASSWORD},
                        headers={"Accept-Language": "en"})
    assert right.status_code == 429
    wait = int(right.headers["retry-after"])
    assert 0 < wait <= PER_ACCOUNT[1]
    assert re.search(r"Too many failed attempts: try again in \d+ s\.", right.text)
    french = client.post("/login", data={"login": "olga", "password": PASSWORD},
                         headers={"Accept-Language": "fr"})
    assert "Trop d'essais manqués : réessayez dans" in html.unescape(french.text)


def test_wrong_api_keys_are_answered_429_with_the_wait(hub: InterfaceHub) -> None:
    client = TestClient(create_app(hub))
    for _ in range(PER_ADDRESS[0]):
        assert client.get("/api/v1/interfaces",
                          headers={"Authorization": "Bearer rk_guess"}).status_code == 401
    stopped = client.get("/api/v1/interfaces", headers={"Authorization": "Bearer rk_guess"})
    assert stopped.status_code == 429 and int(stopped.headers["retry-after"]) > 0
    assert "Too many failed attempts" in stopped.json()["detail"]


def test_an_old_cookie_opens_nothing_after_logout_or_a_new_password(
        hub: InterfaceHub, accounts: dict[Role, str], cli: Cli) -> None:
    """medium: an old cookie still opened `/` and `/api/v1/interfaces` after `POST /logout`
    or `user password`."""
    browser = Browser(hub).login("olga")
    cookie = browser.client.cookies["raccord_session"]
    assert browser.post("/logout").status_code == 303
    replay = TestClient(create_app(hub), follow_redirects=False,
                        cookies={"raccord_session": cookie})
    assert replay.get("/").status_code == 303
    assert replay.get("/api/v1/interfaces").status_code == 401
    again = Browser(hub).login("olga")
    cookie = again.client.cookies["raccord_session"]
    assert again.get("/").status_code == 200
    assert cli("user", "password", "olga", input="a brand new password\n").exit_code == 0
    replay = TestClient(create_app(hub), follow_redirects=False,
                        cookies={"raccord_session": cookie})
    assert replay.get("/").status_code == 303
    assert replay.get("/api/v1/interfaces").status_code == 401
    assert Browser(hub).login("olga", "a brand new password").get("/").status_code == 200


def session_cookie(client: TestClient, **headers: str) -> str:
    answer = client.post("/login", data={"login": "olga", "password": PASSWORD},
                         headers=headers)
    assert answer.status_code == 303
    return str(answer.headers["set-cookie"])


def test_cookies_are_secure_over_https_or_behind_a_trusted_proxy(
        env: Environment, tmp_path: Path) -> None:
    """medium: `https_only=False` was hard-coded: the cookie was never `Secure`."""
    hub = InterfaceHub(env)
    hub.accounts.add_user("olga", PASSWORD, "operator")
    plain = TestClient(create_app(hub), follow_redirects=False)
    assert "secure" not in session_cookie(plain).lower()
    https = TestClient(create_app(hub), base_url="https://hub.example",
                       follow_redirects=False)
    cookie = session_cookie(https)
    assert "; Secure" in cookie and "httponly" in cookie.lower()
    assert "; Secure" in https.get("/lang/en").headers["set-cookie"]
    # A proxy's word counts only when the proxy is trusted (RACCORD_TRUSTED_PROXIES).
    assert "secure" not in session_cookie(plain, **{"X-Forwarded-Proto": "https"}).lower()
    proxied_env = make_env(tmp_path / "proxied")
    proxied_env = Environment(**{**proxied_env.__dict__, "trusted_proxies": ("testclient",)})
    proxied = InterfaceHub(proxied_env)
    proxied.accounts.add_user("olga", PASSWORD, "operator")
    behind = TestClient(create_app(proxied), follow_redirects=False)
    assert "; Secure" in session_cookie(behind, **{"X-Forwarded-Proto": "https"})
    assert "secure" not in session_cookie(behind).lower()


def test_the_api_never_takes_the_cookie_alone_for_a_change(
        hub: InterfaceHub, accounts: dict[Role, str]) -> None:
    """low: `POST /api/v1/interfaces/sirene/test` with the cookie only answered 200."""
    browser = Browser(hub).login("olga")
    client = browser.client
    assert client.post("/api/v1/interfaces/sirene/test").status_code == 403
    assert client.put("/api/v1/settings/sirene/cache_ttl_h", json={"value": 5}
                      ).status_code == 403
    assert client.put("/api/v1/settings/sirene/cache_ttl_h", json={"value": 5},
                      headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.get("/api/v1/settings/sirene").status_code == 200  # reading is fine
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
    assert token
    saved = client.put("/api/v1/settings/sirene/cache_ttl_h", json={"value": 5},
                       headers={"X-CSRF-Token": token.group(1)})
    assert saved.status_code == 200 and hub.values("sirene")["cache_ttl_h"] == 5
    key = hub.accounts.new_api_key("olga")  # a Bearer key needs no token
    erp = TestClient(create_app(hub), headers={"Authorization": f"Bearer {key}"})
    assert erp.put("/api/v1/settings/sirene/cache_ttl_h", json={"value": 6}).status_code == 200


def test_every_answer_carries_the_security_headers(hub: InterfaceHub,
                                                   accounts: dict[Role, str]) -> None:
    """low: no CSP or frame headers."""
    browser = Browser(hub, raise_server_exceptions=False).login("olga")
    answers = [browser.get("/"), browser.get("/login"), browser.get("/static/console.css"),
               browser.get("/nope"), browser.get("/api/v1/interfaces"),
               Browser(hub).get("/audit"), browser.get("/api/openapi.json"),
               browser.get("/thirdparties/new"),
               browser.get("/static/thirdparties/party_form.js")]
    for answer in answers:
        headers = answer.headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, answer.url
        assert "script-src 'self'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
    assert answers[-1].status_code == 200 and "fetch(" in answers[-1].text


@pytest.mark.parametrize("template", TEMPLATES, ids=[str(t.name) for t in TEMPLATES])
def test_no_template_holds_an_inline_script_or_style(template: Path) -> None:
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
    assert not re.search(r"\son[a-z]+\s*=", text), template
    assert " style=" not in text and "<style" not in text, template
