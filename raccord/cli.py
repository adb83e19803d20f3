"""`raccord`: set-up, scripting and operations. A refused value exits non-zero with one line
saying why, and changes nothing."""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from raccord.core.formats import counted, day
from raccord.core.i18n import Tr
from raccord.core.models import aware
from raccord.core.roles import ROLE_LABELS
from raccord.core.schema import SettingError
from raccord.core.settings_store import company_scope
from raccord.features.registry import FEATURES
from raccord.toolkit.cli import (
    announce_new_key,
    cli_actor,
    err,
    fail,
    lang,
    open_hub,
    out,
    print_json,
    refusals,
    table,
    use_hub_factory,
)
from raccord.toolkit.texts import TEXTS
from raccord.wiring import open_hub as open_wired_hub

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="raccord: the ERP's hub.")
config_app = typer.Typer(no_args_is_help=True, help="Read and change settings.")
certificates_app = typer.Typer(no_args_is_help=True, help="Trusted certificate authorities.")
user_app = typer.Typer(no_args_is_help=True, help="Console and API users.")
company_app = typer.Typer(no_args_is_help=True, help="Companies.")
secrets_app = typer.Typer(no_args_is_help=True, help="The encryption key of stored secrets.")
app.add_typer(config_app, name="config")
app.add_typer(certificates_app, name="certificates")
app.add_typer(user_app, name="user")
app.add_typer(company_app, name="company")
app.add_typer(secrets_app, name="secrets")

use_hub_factory(open_wired_hub)


def split_key(dotted: str) -> tuple[str, str]:
    if "." not in dotted:
        raise fail(Tr(f"« {dotted} » : écrivez INTERFACE.CHAMP, par exemple chorus.max_attempts.",
                      f"'{dotted}': write INTERFACE.KEY, for example chorus.max_attempts."), 2)
    interface, key = dotted.split(".", 1)
    return interface, key


# -- serve and worker ------------------------------------------------------------------------
def ensure_first_login(hub: Any) -> str | None:
    if hub.accounts.count() > 0:
        return None
    from raccord.core.roles import Role

    password = os.environ.get("RACCORD_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
    hub.accounts.add_user("admin", password, Role.OPERATOR)
    return password


@app.command()
def serve(sandbox: Annotated[bool, typer.Option(help="Start the simulators and point every "
                                                "interface at them.")] = False,
          host: str = "127.0.0.1", port: int = 8000,
          sandbox_port: Annotated[int, typer.Option(help="Port of the simulators.")] = 8443,
          workers: Annotated[int, typer.Option(help="In-process worker threads.")] = 2) -> None:
    """Run the console, the REST API, in-process workers and the scheduler."""
    import uvicorn

    from raccord.core.workers import InProcessWorkers
    from raccord.sandbox.setup import (
        connect_webhooks,
        point_at_sandbox,
        reachable,
        start_sandbox,
    )
    from raccord.web import create_app

    hub = open_hub(announce=True)
    with refusals():  # RACCORD_ADMIN_PASSWORD follows the password policy too
        password = ensure_first_login(hub)
    announce_new_key(hub)
    box = None
    if sandbox:
        box = start_sandbox(hub, port=sandbox_port)
        with refusals():
            point_at_sandbox(hub, box)
            connect_webhooks(hub, box, reachable(host, port))
    running = InProcessWorkers(hub, workers=workers).start()
    url = f"http://{host}:{port}"
    say(Tr(f"raccord : console {url}  (documentation de l'API : {url}/api/docs)",
           f"raccord: console {url}  (API documentation: {url}/api/docs)"))
    if box is not None:
        say(Tr(f"raccord : simulateurs sur {box.server.url}, leur autorité importée ; chaque "
               "interface pointe vers eux",
               f"raccord: simulators on {box.server.url}, their authority imported; every "
               "interface points at them"))
    if password:
        say(Tr(f"raccord : première connexion : admin / {password}  (changez-le : raccord user "
               "password admin)",
               f"raccord: first login: admin / {password}  (change it: raccord user password "
               "admin)"))
    web = create_app(hub)
    if box is not None:
        from raccord.sandbox.welcome import install_welcome

        install_welcome(web, box)
        say(Tr(f"raccord : pour essayer : {url}/welcome", f"raccord: to try it: {url}/welcome"))
    try:
        # Forwarded headers are read by the app itself, from RACCORD_TRUSTED_PROXIES only.
        uvicorn.run(web, host=host, port=port, log_level="warning",
                    proxy_headers=False)
    finally:
        running.stop()
        if box is not None:
            box.stop()


@app.command()
def worker(workers: Annotated[int, typer.Option(help="Worker threads.")] = 4,
           scheduler: Annotated[bool, typer.Option(help="Also run the scheduler.")] = True,
           once: Annotated[bool, typer.Option(help="Run what is queued, then exit.")] = False
           ) -> None:
    """Run workers alone (on any machine sharing RACCORD_DATABASE_URL and RACCORD_REDIS_URL)."""
    from raccord.core.jobs import Scheduler

    hub = open_hub(announce=True)
    announce_new_key(hub)
    if once:
        done = counted(hub.jobs.run_pending(), Tr("tâche exécutée", "job run"),
                       Tr("tâches exécutées", "jobs run"))
        say(Tr(f"raccord worker : {done.fr}", f"raccord worker: {done.en}"))
        return
    ticking = Scheduler(hub).start() if scheduler else None
    threads = counted(workers, Tr("fil", "thread"), Tr("fils", "threads"))
    queue = "redis" if hub.env.redis_url else str(hub.env.job_store)
    say(Tr(f"raccord worker : {threads.fr}, file {queue}",
           f"raccord worker: {threads.en}, queue {queue}"))
    try:
        hub.jobs.consumer(workers).run()
    finally:
        if ticking is not None:
            ticking.stop()


# -- config ------------------------------------------------------------------------------------
def say(text: Tr) -> None:
    out.print(text(lang()), markup=False)


def shown(value: Any, secret: bool) -> Any:
    if secret:
        return Tr("défini", "set")(lang()) if value else Tr("non défini", "not set")(lang())
    return value


KEY, VALUE = Tr("clé", "key"), Tr("valeur", "value")
SUBJECT, SHA256, EXPIRES = Tr("sujet", "subject"), Tr("sha256", "sha256"), Tr("expire le",
                                                                              "expires")
LOGIN, ROLE, TECHNICAL = Tr("identifiant", "login"), Tr("rôle", "role"), Tr("technique",
                                                                            "technical")
CODE, NAME, SIRET = Tr("code", "code"), Tr("nom", "name"), Tr("siret", "siret")


@config_app.command("show")
def config_show(interface: Annotated[str | None, typer.Argument()] = None,
                as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print settings (secrets as set / not set)."""
    hub = open_hub()
    names = [interface] if interface else list(hub.interfaces)
    document: dict[str, dict[str, Any]] = {}
    with refusals():
        for name in names:
            schema = hub.settings.schema(name)
            values = hub.settings.display_values(name)
            document[name] = {f.key: shown(values[f.key], f.secret) for f in schema.fields}
    if as_json:
        out.print_json(json.dumps(document, ensure_ascii=False))
        return
    for name, values in document.items():
        table = Table(title=hub.interfaces[name].schema.title(lang()), title_justify="left")
        table.add_column(KEY(lang()))
        table.add_column(VALUE(lang()))
        for key, value in values.items():
            table.add_row(f"{name}.{key}", "" if value is None else str(value))
        out.print(table)


@config_app.command("set")
def config_set(dotted: Annotated[str, typer.Argument(metavar="INTERFACE.KEY")],
               value: Annotated[str | None, typer.Argument()] = None,
               company: Annotated[str | None, typer.Option(help="A company's own value.")] = None
               ) -> None:
    """Save one field. A secret given no VALUE is read from a hidden prompt or stdin."""
    interface, key = split_key(dotted)
    hub = open_hub()
    scope = company_scope(company) if company else ""
    with refusals():
        if company and hub.accounts.company(company) is None:
            raise SettingError(Tr(f"Société inconnue « {company} ».",
                                  f"Unknown company '{company}'."))
        field = hub.settings.field(interface, key, scope)
        if value is None:
            if not field.secret:
                raise fail(Tr("Donnez une valeur.", "Give a value."), 2)
            value = (typer.prompt(field.label(lang()), hide_input=True) if sys.stdin.isatty()
                     else sys.stdin.readline().rstrip("\n"))
        hub.settings.set(interface, key, value, cli_actor(), scope)
    out.print(Tr(f"{dotted} enregistré.", f"{dotted} saved.")(lang()))


@config_app.command("clear")
def config_clear(dotted: Annotated[str, typer.Argument(metavar="INTERFACE.KEY")],
                 company: Annotated[str | None, typer.Option()] = None) -> None:
    """Put a field back to its default (removes a secret)."""
    interface, key = split_key(dotted)
    hub = open_hub()
    with refusals():
        hub.settings.clear(interface, key, cli_actor(), company_scope(company) if company else "")
    out.print(Tr(f"{dotted} effacé.", f"{dotted} cleared.")(lang()))


def passphrase_from(env_name: str, prompt: bool, confirm: bool) -> str | None:
    value = os.environ.get(env_name)
    if value:
        return value
    if prompt and sys.stdin.isatty():
        return str(typer.prompt("passphrase", hide_input=True, confirmation_prompt=confirm))
    if prompt:
        line = sys.stdin.readline().rstrip("\n")
        return line or None
    return None


@config_app.command("export")
def config_export(file: Path,
                  with_secrets: Annotated[bool, typer.Option(
                      "--with-secrets", help="Include secrets, encrypted with a passphrase "
                      "(prompt, stdin or RACCORD_EXPORT_PASSPHRASE).")] = False) -> None:
    """Write every setting, company and imported CA to FILE (secrets left out by default)."""
    from raccord.settings_export import export_settings

    hub = open_hub()
    passphrase = passphrase_from("RACCORD_EXPORT_PASSPHRASE", with_secrets, True)
    if with_secrets and not passphrase:
        raise fail(Tr("Une phrase de passe est nécessaire pour exporter les secrets.",
                      "A passphrase is needed to export secrets."))
    document = export_settings(hub, passphrase)
    file.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str))
    out.print(Tr(f"Réglages exportés dans {file}.", f"Settings exported to {file}.")(lang()))


@config_app.command("import")
def config_import(file: Path) -> None:
    """Apply an export: everything is checked first; a refusal changes nothing."""
    from raccord.settings_export import import_settings

    hub = open_hub()
    try:
        document = json.loads(file.read_text())
    except (OSError, ValueError):
        raise fail(Tr(f"{file} est illisible ou n'est pas un JSON.",
                      f"{file} cannot be read or is not JSON.")) from None
    except RecursionError:
        raise fail(Tr(f"{file} : JSON imbriqué trop profondément pour un export raccord.",
                      f"{file}: JSON nested too deeply for a raccord export.")) from None
    passphrase = passphrase_from("RACCORD_EXPORT_PASSPHRASE",
                                 isinstance(document, dict) and "secrets" in document, False)
    with refusals():
        changed = import_settings(hub, document, cli_actor(), passphrase)
    out.print(Tr(f"Import terminé : {', '.join(changed) or 'rien à changer'}.",
                 f"Import done: {', '.join(changed) or 'nothing to change'}.")(lang()))


# -- tests -------------------------------------------------------------------------------------
@app.command("test")
def run_test(target: Annotated[str, typer.Argument(metavar="INTERFACE[.TEST]")]) -> None:
    """Run an interface's Test with the saved values; exits 0 only when it passes."""
    interface, _, which = target.partition(".")
    hub = open_hub()
    spec = hub.interfaces.get(interface)
    if spec is None or not spec.tests:
        raise fail(Tr(f"« {interface} » n'a pas de test. Interfaces : "
                      f"{', '.join(n for n, s in hub.interfaces.items() if s.tests)}.",
                      f"'{interface}' has no Test. Interfaces: "
                      f"{', '.join(n for n, s in hub.interfaces.items() if s.tests)}."), 2)
    try:
        reports = hub.run_tests(interface, which or None)
    except KeyError:
        raise fail(Tr(f"Test inconnu « {which} ».", f"Unknown test '{which}'."), 2) from None
    for report in reports:
        head = f"{interface}.{report.test}" if len(spec.tests) > 1 else interface
        out.print(f"{head}: {report.summary(lang())}", markup=False)
        for step in report.steps:
            mark = "✓" if step.ok else "✗"
            line = f"  {mark} {step.name(lang())} ({step.duration_ms} ms)"
            if step.message is not None:
                line += f": {step.message(lang())}"
            out.print(line, markup=False)
        for warning in report.warnings:
            out.print(f"  ⚠ {warning(lang())}", markup=False, soft_wrap=True)
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


# -- certificates --------------------------------------------------------------------------
@certificates_app.command("add")
def certificates_add(file: Path) -> None:
    """Trust a root certificate authority (DER or PEM), at once, with no restart."""
    hub = open_hub()
    try:
        data = file.read_bytes()
    except OSError:
        raise fail(Tr(f"Fichier illisible : {file}.", f"Cannot read the file {file}.")) from None
    with refusals():
        info = hub.trust.add(data, cli_actor().login)
    out.print(f"{info.subject}  sha256={info.fingerprint}  "
              f"{EXPIRES(lang())} {day(info.not_after, lang())}", markup=False)


@certificates_app.command("list")
def certificates_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The imported authorities (beside the system's)."""
    hub = open_hub()
    authorities = hub.trust.list()
    if as_json:
        print_json([{"subject": c.subject, "sha256": c.fingerprint,
                     "not_after": aware(c.not_after).isoformat()} for c in authorities])
        return
    listing = table(SUBJECT, SHA256, EXPIRES)
    for c in authorities:
        listing.add_row(c.subject, c.fingerprint, day(c.not_after, lang()))
    out.print(listing)


@certificates_app.command("remove")
def certificates_remove(fingerprint: str) -> None:
    hub = open_hub()
    with refusals():
        info = hub.trust.remove(fingerprint)
    out.print(Tr(f"Retiré : {info.subject}", f"Removed: {info.subject}")(lang()), markup=False)


# -- users, companies, secrets ----------------------------------------------------------------
def read_new_password(given: str | None) -> str:
    if given:
        return given
    if sys.stdin.isatty():
        return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\n")


@user_app.command("add")
def user_add(login: str, role: Annotated[str, typer.Option(help="operator, administrator, "
                                                           "reader or employee")] = "reader",
             technical: Annotated[bool, typer.Option(help="An account background work runs "
                                                     "as.")] = False,
             password: Annotated[str | None, typer.Option(
                 envvar="RACCORD_NEW_PASSWORD", help="Else prompted or read from stdin.")] = None
             ) -> None:
    hub = open_hub()
    with refusals():
        account = hub.accounts.add_user(login, read_new_password(password), role, technical)
    named = ROLE_LABELS[account.role]
    out.print(Tr(f"Utilisateur {account.login} créé ({named.fr.lower()}).",
                 f"User {account.login} created ({named.en.lower()}).")(lang()))


@user_app.command("password")
def user_password(login: str, password: Annotated[str | None, typer.Option(
        envvar="RACCORD_NEW_PASSWORD")] = None) -> None:
    hub = open_hub()
    with refusals():
        hub.accounts.set_password(login, read_new_password(password))
    out.print(Tr("Mot de passe changé.", "Password changed.")(lang()))


@user_app.command("list")
def user_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Console and API users."""
    hub = open_hub()
    users = hub.accounts.users()
    if as_json:
        print_json([{"login": a.login, "role": a.role.value, "technical": a.technical}
                    for a in users])
        return
    listing = table(LOGIN, ROLE, TECHNICAL)
    for account in users:
        listing.add_row(account.login, ROLE_LABELS[account.role](lang()),
                        TEXTS["yes"](lang()) if account.technical else "")
    out.print(listing)


@user_app.command("api-key")
def user_api_key(login: str) -> None:
    """Create an API key for LOGIN (shown once)."""
    hub = open_hub()
    with refusals():
        token = hub.accounts.new_api_key(login)
    out.print(token)


@company_app.command("add")
def company_add(code: str, name: str, siret: Annotated[str | None, typer.Option()] = None
                ) -> None:
    hub = open_hub()
    with refusals():
        company = hub.accounts.add_company(code, name, siret)
    out.print(Tr(f"Société {company.code} créée.", f"Company {company.code} created.")(lang()))


@company_app.command("list")
def company_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Companies."""
    hub = open_hub()
    companies = hub.accounts.companies()
    if as_json:
        print_json([{"code": c.code, "name": c.name, "siret": c.siret} for c in companies])
        return
    listing = table(CODE, NAME, SIRET)
    for company in companies:
        listing.add_row(company.code, company.name, company.siret or "")
    out.print(listing)


@secrets_app.command("rotate")
def secrets_rotate() -> None:
    """Re-encrypt every stored secret with a new key (the old one is kept to read backups)."""
    from raccord.core.secret_rotation import rotate

    hub = open_hub()
    with refusals():
        count = rotate(hub)
    done = counted(count, Tr("secret rechiffré", "secret re-encrypted"),
                   Tr("secrets rechiffrés", "secrets re-encrypted"))
    out.print(Tr(f"{done.fr} avec la nouvelle clé.", f"{done.en} with the new key.")(lang()))


@secrets_app.command("new-key")
def secrets_new_key() -> None:
    """Print a new key for RACCORD_SECRET_KEY."""
    from cryptography.fernet import Fernet

    out.print(Fernet.generate_key().decode())


for _feature in FEATURES:
    for _command in _feature.commands:
        app.add_typer(_feature.part(_command.module).app, name=_command.name)


def main() -> None:
    """Entry point: an unexpected error is one redacted line, never a traceback."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:
        from raccord.core.redaction import Redactor

        err.print(f"raccord: unexpected error ({type(exc).__name__}): "
                  f"{Redactor().text(str(exc))[:300]}", markup=False, soft_wrap=True)
        raise SystemExit(3) from None
