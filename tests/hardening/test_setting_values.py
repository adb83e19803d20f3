"""Rows of issue 16 about the values a careless administrator (or an attacker with an
administrator's key) can save: whole numbers, addresses, texts, imports of the wrong shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from raccord.core.hub import Hub
from raccord.core.jobs import Scheduler
from raccord.core.models import Setting
from raccord.core.roles import Role
from raccord.core.schema import INT_LIMIT
from tests.core.helpers import Cli, api_client, one_line, snapshot


def test_a_huge_whole_number_is_refused_and_never_stops_the_scheduler(
        hub: Hub, accounts: dict[Role, str], cli: Cli, tmp_path: Path) -> None:
    """medium: `PUT …/chorus/poll_interval_s {"value": 1e20}` (or `config import`) was saved
    and the scheduler then failed every second."""
    api = api_client(hub, accounts[Role.OPERATOR])
    before = snapshot(hub)
    for value in (1e20, 10**20, "100000000000000000000", 2**31, "٣٦٠٠"):
        answer = api.put("/api/v1/settings/chorus/poll_interval_s", json={"value": value},
                         headers={"Accept-Language": "en"})
        assert answer.status_code == 422, (value, answer.text)
    assert "largest allowed value is 2147483647" in api.put(
        "/api/v1/settings/chorus/poll_interval_s", json={"value": 1e20}).json()["error_en"]
    document = {"format": "raccord-settings/1", "settings": {"chorus": {
        "poll_interval_s": 10**20}}}
    (tmp_path / "big.json").write_text(json.dumps(document))
    imported = cli("config", "import", str(tmp_path / "big.json"))
    assert imported.exit_code == 1 and "largest allowed value" in one_line(imported)
    assert snapshot(hub) == before
    assert api.put("/api/v1/settings/chorus/poll_interval_s",
                   json={"value": 3600.0}).status_code == 200
    # A value saved before the rule existed is read as the default, so the scheduler runs.
    with hub.db.session() as session:
        row = session.query(Setting).filter_by(interface="chorus", key="poll_interval_s").one()
        row.value = json.dumps(10**20)
    assert hub.values("chorus")["poll_interval_s"] == 900
    assert 0 < hub.settings.schema("chorus").field("poll_interval_s").bounds[1] <= INT_LIMIT
    scheduler = Scheduler(hub)
    scheduler.tick()
    scheduler.tick()


@pytest.mark.parametrize("url", [
    "https://user:pass@api.insee.fr/entreprises/sirene/V3.11",
    "https://token@api.insee.fr/x",
])
def test_credentials_inside_an_address_are_refused(hub: Hub, accounts: dict[Role, str],
                                                   url: str) -> None:
    """medium: `https://user:pass@host/…` was accepted for `sirene.url` and shown in clear in
    the API, the page and the audit history."""
    api = api_client(hub, accounts[Role.OPERATOR])
    before = snapshot(hub)
    answer = api.put("/api/v1/settings/sirene/url", json={"value": url})
    assert answer.status_code == 422
    assert "user name or password does not go inside the address" in answer.json()["error_en"]
    assert url.split("@")[0] not in answer.text  # the credentials are not repeated
    assert snapshot(hub) == before


@pytest.mark.parametrize(("url", "says"), [
    ("https://[::1/", "not a well-formed address"),
    ("https://api.insee.fr:99999/x", "not a well-formed address"),
    ("https://api.insee.fr:0/x", "port must be between 1 and 65535"),
    ("https://api insee.fr/x", "holds a space"),
    ("https://bad_host!.fr/x", "not an https:// address"),
    ("https://api.insee.fr/\x00x", "control character"),
    ("https://" + "a" * 3000 + ".fr", "at most 2000 characters"),
])
def test_malformed_addresses_are_refused_not_crashing(hub: Hub, accounts: dict[Role, str],
                                                      url: str, says: str) -> None:
    """low: the URL `https://[::1/` was a server error; a URL with a space or port 99999
    was saved."""
    api = api_client(hub, accounts[Role.OPERATOR])
    answer = api.put("/api/v1/settings/sirene/url", json={"value": url})
    assert answer.status_code == 422, answer.text
    assert says in answer.json()["error_en"]
    assert hub.values("sirene")["url"] != url


@pytest.mark.parametrize(("value", "says"), [
    ("x" * 5_000_000, "at most 2000 characters"),
    ("bot\x00", "control character U+0000"),
    ("bot\x1b[31m", "control character U+001B"),
    ("bot\u202eexe.txt", "control character U+202E"),
    ("bot\r\nSet-Cookie: x", "control character U+000D"),
])
def test_texts_have_a_length_cap_and_no_control_characters(
        hub: Hub, accounts: dict[Role, str], value: str, says: str) -> None:
    """low: 5 MB user names and NUL/ESC/RLO/CRLF were saved; the audit page grew to 14 MB."""
    api = api_client(hub, accounts[Role.OPERATOR])
    before = snapshot(hub)
    answer = api.put("/api/v1/settings/chorus/technical_user", json={"value": value})
    assert answer.status_code == 422
    assert says in answer.json()["error_en"]
    assert len(answer.content) < 2000
    assert snapshot(hub) == before
    with pytest.raises(Exception, match="control characters|Invalid login|Password"):
        hub.accounts.add_user(value, "a fine password",
                              "reader")


@pytest.mark.parametrize(("document", "place"), [
    ({"secrets": "x"}, "'secrets': a table is expected, the file has a text"),
    ({"settings": "chorus"}, "'settings': a table is expected"),
    ({"settings": {"chorus": ["x"]}}, "'settings.chorus': a table is expected"),
    ({"settings": {"chorus": {"url": {"a": {"b": {}}}}}}, "'settings.chorus.url': a plain"),
    ({"companies": [{"code": ["DEMO"], "name": "x"}]}, "'companies[0].code': a text"),
    ({"companies": "DEMO"}, "'companies': a list is expected"),
    ({"certificates": [42]}, "'certificates[0]': a text"),
    ({"company_settings": {"DEMO": "x"}}, "'company_settings.DEMO': a table"),
])
def test_config_import_of_wrong_types_names_the_place(hub: Hub, cli: Cli, tmp_path: Path,
                                                      document: dict, place: str) -> None:
    """low: `config import` of wrong types ended in "unexpected error"."""
    file = tmp_path / "wrong.json"
    file.write_text(json.dumps({"format": "raccord-settings/1", **document}))
    before = snapshot(hub)
    result = cli("config", "import", str(file), RACCORD_EXPORT_PASSPHRASE="phrase")
    line = one_line(result)
    assert result.exit_code == 1 and place in line, line
    assert "unexpected" not in line
    assert snapshot(hub) == before


def test_config_import_of_a_deeply_nested_file_is_refused(hub: Hub, cli: Cli,
                                                          tmp_path: Path) -> None:
    file = tmp_path / "deep.json"
    file.write_text('{"format": "raccord-settings/1", "settings": ' + "[" * 100_000
                    + "]" * 100_000 + "}")
    result = cli("config", "import", str(file))
    line = one_line(result)
    assert result.exit_code == 1 and "nested too deeply" in line
