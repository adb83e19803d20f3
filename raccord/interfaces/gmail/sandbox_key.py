"""The sandbox's service account: a real RSA key made once per process, known to the
simulator, and written as a Google-style JSON key file whose `token_uri` leads to it."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from raccord.interfaces.demo import DEMO_DOMAIN

SANDBOX_DOMAIN = DEMO_DOMAIN  # the demo company's Workspace (raccord.interfaces.demo)
SANDBOX_SENDER = f"notes-de-frais@{SANDBOX_DOMAIN}"
SANDBOX_PROJECT = "raccord-sandbox"
SANDBOX_CLIENT_EMAIL = f"raccord-mail@{SANDBOX_PROJECT}.iam.gserviceaccount.com"
SANDBOX_CLIENT_ID = "104857600000000000001"


def new_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def sandbox_private_key() -> rsa.RSAPrivateKey:
    return new_private_key()


def key_id(private_key: rsa.RSAPrivateKey) -> str:
    """Like Google's `private_key_id`: 40 hex digits naming the key pair."""
    der = private_key.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha1(der).hexdigest()


def key_info(private_key: rsa.RSAPrivateKey, token_uri: str,
             client_email: str = SANDBOX_CLIENT_EMAIL,
             client_id: str = SANDBOX_CLIENT_ID) -> dict[str, Any]:
    """The JSON a Google Cloud console download holds, for this key."""
    pem = private_key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    return {
        "type": "service_account",
        "project_id": SANDBOX_PROJECT,
        "private_key_id": key_id(private_key),
        "private_key": pem,
        "client_email": client_email,
        "client_id": client_id,
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
                                + client_email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }


def write_key_file(path: Path, info: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(info, indent=2), encoding="utf-8")
    partial.chmod(0o600)
    partial.replace(path)
    return path


def write_sandbox_key(base_url: str, home: Path) -> Path:
    """Write the sandbox key under the hub's RACCORD_HOME, one file per sandbox URL."""
    name = f"gmail-service-account-{hashlib.sha256(base_url.encode()).hexdigest()[:8]}.json"
    return write_key_file(home / "sandbox" / name,
                          key_info(sandbox_private_key(), f"{base_url}/token"))
