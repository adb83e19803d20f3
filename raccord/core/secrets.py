"""Encryption at rest of secret settings (Fernet / MultiFernet for key rotation).

The keys come from RACCORD_SECRET_KEY (comma-separated, newest first) or from a key file in
RACCORD_HOME, created on first run with mode 0600. A missing key file is never silently
replaced when encrypted values already exist: that would make every stored secret unreadable.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

# Every Fernet token starts so (version byte 0x80, base64): how a stored secret is told apart.
FERNET_PREFIX = "gAAAA"


class SecretKeyError(Exception):
    """The encryption key is missing or does not open the stored secrets."""


class SecretBox:
    def __init__(self, keys: list[bytes], key_file: Path | None = None) -> None:
        if not keys:
            raise SecretKeyError("no encryption key")
        self.keys = keys
        self.key_file = key_file
        self._fernet = MultiFernet([Fernet(k) for k in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            pass
        # Another process (`raccord secrets rotate`) may have put a new key in the key file.
        if self._reload_key_file():
            return self.decrypt(token)
        raise SecretKeyError(
            "a stored secret cannot be decrypted with the configured key: restore the key "
            "file from your backup or set RACCORD_SECRET_KEY to the key used before")

    def _reload_key_file(self) -> bool:
        """Take the key file's keys when they changed; True if they did."""
        if self.key_file is None:
            return False
        try:
            keys = [k.strip() for k in self.key_file.read_bytes().splitlines() if k.strip()]
            fernet = MultiFernet([Fernet(k) for k in keys])
        except (OSError, ValueError):
            return False
        if not keys or keys == self.keys:
            return False
        self.keys, self._fernet = keys, fernet
        return True

    def rotate(self, token: str) -> str:
        return self._fernet.rotate(token.encode()).decode()

    def with_new_primary(self) -> SecretBox:
        return SecretBox([Fernet.generate_key(), *self.keys], self.key_file)

    def save(self) -> None:
        if self.key_file is None:
            raise SecretKeyError(
                "the key comes from RACCORD_SECRET_KEY: put the new key first in that variable"
            )
        write_key_file(self.key_file, self.keys)


def write_key_file(path: Path, keys: list[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(b"\n".join(keys) + b"\n")
    os.replace(tmp, path)


def load_secret_box(env_value: str | None, key_file: Path, has_encrypted_values: bool) -> tuple[
    SecretBox, bool
]:
    """Return the box and whether a new key file was just created."""
    if env_value:
        keys = [k.strip().encode() for k in env_value.split(",") if k.strip()]
        try:
            return SecretBox(keys), False
        except ValueError:
            raise SecretKeyError(
                "RACCORD_SECRET_KEY is not a valid key: it must be a 32-byte url-safe base64 "
                "Fernet key (generate one with `raccord secrets new-key`)"
            ) from None
    if key_file.exists():
        keys = [line.strip() for line in key_file.read_bytes().splitlines() if line.strip()]
        try:
            return SecretBox(keys, key_file), False
        except (ValueError, SecretKeyError):
            raise SecretKeyError(
                f"the key file {key_file} is damaged: restore it from your backup"
            ) from None
    if has_encrypted_values:
        raise SecretKeyError(
            f"the key file {key_file} is missing but the database holds encrypted secrets: "
            "restore the key file from your backup or set RACCORD_SECRET_KEY"
        )
    keys = [Fernet.generate_key()]
    write_key_file(key_file, keys)
    return SecretBox(keys, key_file), True
