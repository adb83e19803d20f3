"""Users (console and API), their roles, and companies."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, delete, select

from raccord.core.db import Database
from raccord.core.i18n import Tr
from raccord.core.identifiers import IdentifierError, parse_identifier
from raccord.core.models import ApiKey, AuditEntry, Company, Setting, User
from raccord.core.roles import Role
from raccord.core.schema import SettingError, text_problem

SCRYPT = {"n": 2**14, "r": 8, "p": 1}
PASSWORD_MIN_CHARS = 8
# scrypt reads the whole password: a megabyte-long one costs the server, never the attacker.
PASSWORD_MAX_CHARS = 1024
LOGIN_MAX_CHARS = 120
API_KEY_MEMORY_S = 10.0


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_problem(password: str, login: str = "") -> Tr | None:
    """The password policy, for every way a password is set (CLI, first start, console):
    why `password` cannot be the password of `login`, or None."""
    if len(password.strip()) < PASSWORD_MIN_CHARS:
        return Tr(f"Mot de passe trop court : {PASSWORD_MIN_CHARS} caractères au moins "
                  "(hors espaces autour).",
                  f"Password too short: at least {PASSWORD_MIN_CHARS} characters (not "
                  "counting surrounding spaces).")
    if len(password) > PASSWORD_MAX_CHARS:
        return Tr(f"Mot de passe trop long : {PASSWORD_MAX_CHARS} caractères au plus.",
                  f"Password too long: at most {PASSWORD_MAX_CHARS} characters.")
    if "\x00" in password:
        return Tr("Le mot de passe contient un caractère nul : retapez-le.",
                  "The password holds a NUL character: type it again.")
    if login and password.strip().casefold() == login.strip().casefold():
        return Tr("Le mot de passe ne peut pas être l'identifiant.",
                  "The password cannot be the login.")
    if len(set(password)) < 3:
        return Tr("Mot de passe trop simple : au moins trois caractères différents.",
                  "Password too simple: at least three different characters.")
    return None


def check_new_password(password: str, login: str = "") -> None:
    problem = password_problem(password, login)
    if problem is not None:
        raise SettingError(problem)


def check_login(login: str) -> str:
    """A login as stored, or the refusal: no spaces nor control characters, 120 at most."""
    login = login.strip()
    if (not login or len(login) > LOGIN_MAX_CHARS or any(c.isspace() for c in login)
            or text_problem(login, LOGIN_MAX_CHARS) is not None):
        raise SettingError(Tr("Identifiant invalide : sans espace ni caractère de contrôle, "
                              "120 caractères au plus.",
                              "Invalid login: no spaces nor control characters, at most 120 "
                              "characters."))
    return login


@cache
def _unknown_user_hash() -> str:
    """Checked when the login is unknown, so that it takes as long as a known one."""
    return hash_password(secrets.token_urlsafe(16))


def check_password(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
    except ValueError:
        return False
    if len(password) > PASSWORD_MAX_CHARS:
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **SCRYPT)
    return hmac.compare_digest(candidate.hex(), digest)


# Built once (every request asks who is calling): building a statement costs more than
# running it.
BY_LOGIN = select(User.login, User.role, User.technical, User.session_version).where(
    User.login == bindparam("login"))
BY_KEY = (select(User.login, User.role, User.technical).join(ApiKey, ApiKey.login == User.login)
          .where(ApiKey.key_hash == bindparam("digest")))


@dataclass(frozen=True)
class Account:
    login: str
    role: Role
    technical: bool


class Accounts:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._keys: dict[str, tuple[Account, float]] = {}

    def add_user(self, login: str, password: str, role: str, technical: bool = False) -> Account:
        login = check_login(login)
        try:
            role_value = Role(role)
        except ValueError:
            raise SettingError(Tr(
                f"Rôle inconnu « {role} » : operator, administrator, reader ou employee.",
                f"Unknown role '{role}': operator, administrator, reader or employee.")) \
                from None
        check_new_password(password, login)
        with self.db.session() as session:
            if session.scalar(select(User).where(User.login == login)) is not None:
                raise SettingError(Tr(f"L'utilisateur « {login} » existe déjà.",
                                      f"The user '{login}' already exists."))
            session.add(User(login=login, password_hash=hash_password(password),
                             role=role_value.value, technical=technical))
        return Account(login, role_value, technical)

    def set_password(self, login: str, password: str) -> None:
        """A new password (the policy checked); every open session of the account ends."""
        check_new_password(password, login)
        with self.db.session() as session:
            user = session.scalar(select(User).where(User.login == login))
            if user is None:
                raise SettingError(Tr(f"Utilisateur inconnu « {login} ».",
                                      f"Unknown user '{login}'."))
            user.password_hash = hash_password(password)
            user.session_version = (user.session_version or 0) + 1

    def authenticate(self, login: str, password: str) -> Account | None:
        with self.db.session() as session:
            user = session.scalar(select(User).where(User.login == login))
            if user is None:
                check_password(password, _unknown_user_hash())  # the same time as a known login
                return None
            if not check_password(password, user.password_hash):
                return None
            return Account(user.login, Role(user.role), user.technical)

    # -- console sessions ------------------------------------------------------------------
    def session_version(self, login: str) -> int | None:
        """The number a new console session of `login` carries (None: no such user)."""
        with self.db.session() as session:
            version = session.scalar(select(User.session_version).where(User.login == login))
            return None if version is None else int(version)

    def session_account(self, login: str, version: object) -> Account | None:
        """The account a console session opens, if that session has not been ended."""
        if not isinstance(version, int) or isinstance(version, bool):
            return None
        with self.db.read() as connection:
            row = connection.execute(BY_LOGIN, {"login": login}).first()
        if row is None or version != (row.session_version or 0):
            return None
        return Account(row.login, Role(row.role), bool(row.technical))

    def end_sessions(self, login: str) -> None:
        """End every console session of `login` (logout: a copied cookie stops working)."""
        with self.db.session() as session:
            user = session.scalar(select(User).where(User.login == login))
            if user is not None:
                user.session_version = (user.session_version or 0) + 1

    def get(self, login: str) -> Account | None:
        with self.db.read() as connection:
            row = connection.execute(BY_LOGIN, {"login": login}).first()
        return None if row is None else Account(row.login, Role(row.role), bool(row.technical))

    def users(self) -> list[Account]:
        with self.db.session() as session:
            return [Account(u.login, Role(u.role), u.technical)
                    for u in session.scalars(select(User).order_by(User.login))]

    def count(self) -> int:
        with self.db.session() as session:
            return len(session.scalars(select(User.id)).all())

    def new_api_key(self, login: str) -> str:
        if self.get(login) is None:
            raise SettingError(Tr(f"Utilisateur inconnu « {login} ».", f"Unknown user '{login}'."))
        token = "rk_" + secrets.token_urlsafe(32)
        with self.db.session() as session:
            session.add(ApiKey(login=login, key_hash=hashlib.sha256(token.encode()).hexdigest()))
        return token

    def by_api_key(self, token: str) -> Account | None:
        """The key's account. A key found is remembered for API_KEY_MEMORY_S in this process
        (every ERP call asks); an unknown key is looked up every time (a new one works at
        once)."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        remembered = self._keys.get(digest)
        if remembered is not None and remembered[1] > time.monotonic():
            return remembered[0]
        account = self._key_account(digest)
        if account is not None:
            if len(self._keys) > 10_000:
                self._keys.clear()
            self._keys[digest] = (account, time.monotonic() + API_KEY_MEMORY_S)
        return account

    def remembers(self, token: str) -> bool:
        """Whether `by_api_key` would answer from memory (no database call)."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        remembered = self._keys.get(digest)
        return remembered is not None and remembered[1] > time.monotonic()

    def _key_account(self, digest: str) -> Account | None:
        with self.db.read() as connection:
            row = connection.execute(BY_KEY, {"digest": digest}).first()
        return None if row is None else Account(row.login, Role(row.role), bool(row.technical))

    # -- companies -----------------------------------------------------------------------
    def add_company(self, code: str, name: str, siret: str | None = None) -> Company:
        code, name, clean_siret = check_company(code, name, siret)
        with self.db.session() as session:
            if session.scalar(select(Company).where(Company.code == code)) is not None:
                raise SettingError(Tr(f"La société « {code} » existe déjà.",
                                      f"The company '{code}' already exists."))
            company = Company(code=code, name=name, siret=clean_siret)
            session.add(company)
        return company

    def companies(self) -> list[Company]:
        with self.db.session() as session:
            return list(session.scalars(select(Company).order_by(Company.code)))

    def delete_company(self, code: str, actor: str) -> None:
        """Remove a company and its own settings (its credentials); the change history
        keeps a line saying who removed it."""
        with self.db.session() as session:
            company = session.scalar(select(Company).where(Company.code == code))
            if company is None:
                raise SettingError(Tr(f"Société inconnue « {code} ».",
                                      f"Unknown company '{code}'."))
            session.execute(delete(Setting).where(Setting.scope == f"company:{code}"))
            session.add(AuditEntry(actor=actor, interface="companies", key=code, scope="",
                                   old=f"{company.name} ({company.siret or '-'})", new=None))
            session.delete(company)

    def company(self, code: str) -> Company | None:
        with self.db.session() as session:
            return session.scalar(select(Company).where(Company.code == code))


def check_company(code: str, name: str, siret: str | None) -> tuple[str, str, str | None]:
    """A company's code, name and SIRET as stored, or the refusal (imports check first)."""
    code = code.strip()
    if (not code or len(code) > 40 or any(c.isspace() for c in code)
            or text_problem(code, 40) is not None):
        raise SettingError(Tr("Code société invalide : sans espace ni caractère de contrôle, "
                              "40 caractères au plus.",
                              "Invalid company code: no spaces nor control characters, at most "
                              "40 characters."))
    if not name.strip():
        raise SettingError(Tr("Le nom de la société est obligatoire.",
                              "The company name is required."))
    problem = text_problem(name.strip(), 200)
    if problem is not None:
        raise SettingError(Tr("Nom de la société :", "Company name:") + problem)
    clean_siret = None
    if siret:
        try:
            clean_siret = parse_identifier(siret, allow=("siret",)).value
        except IdentifierError as error:
            raise SettingError(error.message) from None
    return code, name.strip(), clean_siret
