"""Gmail in the sandbox: one simulator serves both Google hosts, `/token` (OAuth) and
`/gmail/v1/...` (API); the service account's key file is written under RACCORD_HOME."""

from pathlib import Path
from typing import Any

from raccord.interfaces.gmail.sandbox_key import SANDBOX_SENDER, write_sandbox_key
from raccord.interfaces.gmail.simulator import make_simulator as make_simulator


def values(base: str) -> dict[str, Any]:
    return {"sender": SANDBOX_SENDER,
            "business_rule_google_mail": True, "mail_application": "gmail",
            "api_url": base, "token_url": f"{base}/token"}


def home_values(base: str, home: Path) -> dict[str, Any]:
    return {"key_path": str(write_sandbox_key(base, home))}
