"""The encryption key of stored secrets: created once and kept private, never silently
replaced, rotated without losing a secret; a missing, damaged or wrong key is one clear line."""

from __future__ import annotations

import stat
from dataclasses import replace

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from raccord.core.config import Environment
from raccord.core.hub import Hub
from raccord.core.models import Setting
from raccord.core.secrets import SecretKeyError
from raccord.core.settings_store import SYSTEM
from raccord.wiring import open_hub
from tests.core.helpers import Cli, one_line

TOKEN = "sirene-token-kept-secret"


def stored_tokens(hub: Hub) -> dict[str, str]:
    with hub.db.session() as session:
        return {f"{s.interface}.{s.key}": s.value for s in session.scalars(select(Setting))
                if s.value.startswith("gAAAA")}


def test_the_first_start_creates_a_private_key_file_used_from_then_on(env: Environment) -> None:
    first = open_hub(env)
    assert first.new_key_file and env.key_file.exists()
    assert stat.S_IMODE(env.key_file.stat().st_mode) == 0o600
    key = env.key_file.read_bytes()
    first.settings.set("sirene", "token", TOKEN, SYSTEM)
    second = open_hub(env)
    assert not second.new_key_file and env.key_file.read_bytes() == key
    assert second.values("sirene")["token"] == TOKEN


def test_a_missing_key_file_is_a_clear_error_and_no_new_key_is_made(storage_env: Environment
                                                                     ) -> None:
    open_hub(storage_env).settings.set("sirene", "token", TOKEN, SYSTEM)
    storage_env.key_file.unlink()
    with pytest.raises(SecretKeyError) as caught:
        open_hub(storage_env)
    assert "is missing but the database holds encrypted secrets" in str(caught.value)
    assert not storage_env.key_file.exists()
    cli = Cli(storage_env)
    for args in (["config", "show"], ["config", "set", "sirene.cache_ttl_h", "5"]):
        result = cli(*args)
        assert result.exit_code == 1
        line = one_line(result)
        assert "secret.key is missing" in line and "restore the key file from your backup" in line
        assert not storage_env.key_file.exists()


def test_a_damaged_key_file_is_a_clear_error(env: Environment) -> None:
    open_hub(env).settings.set("sirene", "token", TOKEN, SYSTEM)
    env.key_file.write_bytes(b"this is not a key\n")
    with pytest.raises(SecretKeyError, match="is damaged: restore it from your backup"):
        open_hub(env)
    result = Cli(env)("config", "show", "sirene")
    assert result.exit_code == 1
    assert "is damaged: restore it from your backup" in one_line(result)
    assert env.key_file.read_bytes() == b"this is not a key\n"


def test_another_key_than_the_one_used_is_a_clear_error(env: Environment) -> None:
    open_hub(env).settings.set("sirene", "token", TOKEN, SYSTEM)
    env.key_file.write_bytes(Fernet.generate_key() + b"\n")
    result = Cli(env)("config", "show")
    assert result.exit_code == 1
    assert "cannot be decrypted with the configured key" in one_line(result)
    assert TOKEN not in result.output


def test_rotation_re_encrypts_every_secret_and_they_still_read(storage_env: Environment) -> None:
    hub = open_hub(storage_env)
    hub.accounts.add_company("ACME", "Acme SAS")
    hub.settings.set("sirene", "token", TOKEN, SYSTEM)
    hub.settings.set("chorus", "cpro_password", "acme-cpro-password", SYSTEM, "company:ACME")
    old_key = storage_env.key_file.read_bytes().strip()
    before = stored_tokens(hub)
    result = Cli(storage_env)("secrets", "rotate")
    assert result.exit_code == 0, result.output
    assert "2 secrets re-encrypted with the new key." in result.stdout
    keys = storage_env.key_file.read_bytes().split()
    assert len(keys) == 2 and keys[1] == old_key  # the old key is kept behind the new one
    after = open_hub(storage_env)
    assert set(stored_tokens(after)) == set(before)
    assert all(stored_tokens(after)[k] != before[k] for k in before)
    assert after.values("sirene")["token"] == TOKEN
    assert after.values("chorus", "company:ACME")["cpro_password"] == "acme-cpro-password"
    # Encrypted with the new key: the new key alone opens them.
    only_new = replace(storage_env, secret_key=keys[0].decode())
    assert open_hub(only_new).values("sirene")["token"] == TOKEN
    # A hub started before the rotation (a running server) reads and writes on, no restart.
    assert hub.values("sirene")["token"] == TOKEN
    hub.settings.set("sirene", "token", "after-rotation", SYSTEM)
    assert open_hub(only_new).values("sirene")["token"] == "after-rotation"


def test_an_invalid_raccord_secret_key_is_a_clear_error(env: Environment) -> None:
    result = Cli(env)("config", "show", RACCORD_SECRET_KEY="not-a-fernet-key")
    assert result.exit_code == 1
    assert "RACCORD_SECRET_KEY is not a valid key" in one_line(result)
    assert "raccord secrets new-key" in one_line(result)
    assert not env.key_file.exists()


def test_a_key_from_the_environment_is_used_and_rotation_says_where_to_put_the_new_one(
        env: Environment) -> None:
    cli = Cli(env)
    new_key = cli("secrets", "new-key").stdout.strip()
    Fernet(new_key.encode())  # a valid key
    result = cli("config", "set", "sirene.token", input=TOKEN + "\n", RACCORD_SECRET_KEY=new_key)
    assert result.exit_code == 0, result.output
    assert not env.key_file.exists()
    hub = open_hub(replace(env, secret_key=new_key))
    assert hub.values("sirene")["token"] == TOKEN
    before = stored_tokens(hub)
    result = cli("secrets", "rotate", RACCORD_SECRET_KEY=new_key)
    assert result.exit_code == 1
    assert "put the new key first in that variable" in one_line(result)
    assert stored_tokens(hub) == before
