"""Bridge's connect pages in the sandbox: the holder picks the bank and authenticates there
(login, password, then the bank's strong-authentication code), and is sent back to raccord's
callback. A password "wrong" is refused the way a bank refuses it."""

from __future__ import annotations

from html import escape
from typing import Any

SCA_CODE = "123456"
WRONG_PASSWORD = "wrong"


def page(session: dict[str, Any], providers: list[dict[str, Any]], error: str = "") -> str:
    fixing = session.get("item_id") is not None
    options = "".join(f'<option value="{p["id"]}">{escape(p["name"])}</option>'
                      for p in providers)
    title = ("Reconnexion de votre banque" if fixing else "Connectez votre banque")
    bank = "" if fixing else (
        f'<label>Banque <select name="provider_id">{options}</select></label>')
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Bridge — {title}</title></head><body>
<h1>Bridge by BPCE</h1><h2>{title}</h2>
<p>Sandbox : identifiant quelconque, mot de passe autre que « {WRONG_PASSWORD} », code
d'authentification forte {SCA_CODE}.</p>{alert}
<form method="post">{bank}
<label>Identifiant bancaire <input name="login" autocomplete="off"></label>
<label>Mot de passe <input name="password" type="password"></label>
<label>Code reçu par SMS <input name="sca_code" inputmode="numeric"></label>
<button type="submit">Se connecter</button></form></body></html>"""


def refusal(form: dict[str, str]) -> str:
    """The bank's answer to what the holder typed: empty when accepted."""
    if not form.get("login") or not form.get("password"):
        return "Renseignez votre identifiant et votre mot de passe."
    if form["password"] == WRONG_PASSWORD:
        return "Identifiant ou mot de passe incorrect."
    if form.get("sca_code") != SCA_CODE:
        return "Code d'authentification forte incorrect."
    return ""
