"""The CLI as a script or a person reads it: whole lines when piped, one language per run,
the console's words, `--json` on every listing, the new-key notice once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from raccord.core.config import Environment
from raccord.core.roles import Role
from raccord.core.settings_store import SYSTEM
from raccord.wiring import open_hub
from tests.core.helpers import Cli


def run(env: Environment, *args: str, lang: str = "fr") -> subprocess.CompletedProcess[str]:
    """`raccord ARGS` in its own process, its output piped (not a terminal)."""
    variables = {k: v for k, v in os.environ.items() if not k.startswith("RACCORD_")}
    variables.update(RACCORD_HOME=str(env.home), RACCORD_DATABASE_URL=env.database_url,
                     RACCORD_LANG=lang)
    variables.pop("COLUMNS", None)
    return subprocess.run([sys.executable, "-c", "from raccord.cli import main; main()", *args],
                          capture_output=True, text=True, env=variables, timeout=120,
                          check=False)


def test_piped_output_is_never_cut_into_lines(env: Environment) -> None:
    hub = open_hub(env)
    long_url = "https://erp.example.fr/" + "webhooks/" * 12 + "raccord"
    hub.settings.set("sirene", "url", long_url, SYSTEM)
    shown = run(env, "config", "show")
    assert shown.returncode == 0, shown.stderr
    assert long_url in shown.stdout  # on one line, whole
    assert "clé" in shown.stdout and "valeur" in shown.stdout  # French headings


def test_one_language_per_run_with_the_console_s_words(cli: Cli) -> None:
    added = cli("user", "add", "erp", "--role", "operator", "--password",
                "long-enough-password-42", RACCORD_LANG="fr")
    assert added.exit_code == 0, added.output
    assert "Utilisateur erp créé (opérateur)." in added.output
    listed = cli("user", "list", RACCORD_LANG="fr").output
    assert "identifiant" in listed and "rôle" in listed and "opérateur" in listed
    assert "login" not in listed and "operator" not in listed
    english = cli("user", "list").output
    assert "login" in english and "operator" in english


def test_every_listing_command_has_json(cli: Cli, env: Environment, tmp_path: Path) -> None:
    import trustme

    hub = open_hub(env)
    hub.accounts.add_company("ACME", "Acme SAS", "73282932000074")
    hub.accounts.add_user("rita", "reader-only-password-42", Role.READER)
    authority = tmp_path / "root.pem"
    authority.write_bytes(trustme.CA(organization_name="Json Root").cert_pem.bytes())
    assert cli("certificates", "add", str(authority)).exit_code == 0
    assert json.loads(cli("company", "list", "--json").output) == [
        {"code": "ACME", "name": "Acme SAS", "siret": "73282932000074"}]
    assert json.loads(cli("user", "list", "--json").output) == [
        {"login": "rita", "role": "reader", "technical": False}]
    [ca] = json.loads(cli("certificates", "list", "--json").output)
    assert ca["subject"].endswith("O=Json Root") or "Json Root" in ca["subject"]
    for command in (("config", "show"), ("chorus", "status"), ("chorus", "quota"),
                    ("sirene", "status")):
        result = cli(*command, "--json")
        assert result.exit_code == 0, (command, result.output)
        json.loads(result.output)


def test_the_start_says_the_new_key_once_in_the_run_s_language(env: Environment) -> None:
    started = run(env, "worker", "--once", lang="fr")
    assert started.returncode == 0, started.stderr
    said = (started.stdout + started.stderr).lower()
    assert said.count("secret.key") == 1, said
    assert "sauvegardez-la" in said and "back it up" not in said
    assert "0 tâche exécutée" in started.stdout
    again = run(env, "worker", "--once", lang="fr")
    assert "secret.key" not in again.stdout + again.stderr  # the key exists now
