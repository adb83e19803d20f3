"""Users (console and API), their roles, and companies."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from raccord.core.db import Database
from raccord.core.i18n import Tr
from raccord.core.identifiers import IdentifierError, parse_identifier
from raccord.core.models import ApiKey, Company, User
from raccord.core.roles import Role
from raccord.core.schema import SettingError

SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **SCRYPT)
    return hmac.compare_digest(candidate.hex(), digest)


@dataclass(frozen=True)
class Account:
    login: str
    role: Role
    technical: bool


class Accounts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add_user(self, login: str, password: str, role: str, technical: bool = False) -> Account:
        login = login.strip()
        if not login or len(login) > 120 or any(c.isspace() for c in login):
            raise SettingError(Tr("Identifiant invalide : sans espace, 120 caractères au plus.",
                                  "Invalid login: no spaces, at most 120 characters."))
        try:
            role_value = Role(role)
        except ValueError:
            raise SettingError(Tr(
                f"Rôle inconnu « {role} » : operator, administrator, reader ou employee.",
                f"Unknown role '{role}': operator, administrator, reader or employee.")) \
                from None
        if len(password) < 8:
            raise SettingError(Tr("Mot de passe trop court : 8 caractères au moins.",
                                  "Password too short: at least 8 characters."))
        with self.db.session() as session:
            if session.scalar(select(User).where(User.login == login)) is not None:
                raise SettingError(Tr(f"L'utilisateur « {login} » existe déjà.",
                                      f"The user '{login}' already exists."))
            session.add(User(login=login, password_hash=hash_password(password),
                             role=role_value.value, technical=technical))
        return Account(login, role_value, technical)

    def set_password(self, login: str, password: str) -> None:
        with self.db.session() as session:
            user = session.scalar(select(User).where(User.login == login))
            if user is None:
                raise SettingError(Tr(f"Utilisateur inconnu « {login} ».",
                                      f"Unknown user '{login}'."))
            user.password_hash = hash_password(password)

    def authenticate(self, login: str, password: str) -> Account | None:
        with self.db.session() as session:
            user = session.scalar(select(User).where(User.login == login))
            if user is None or not check_password(password, user.password_hash):
                return None
            return Account(user.login, Role(user.role), user.technical)

    def get(self, login: str) -> Account | None:
        with self.db.session() as session:
            user = session.scalar(select(User).where(User.login == login))
            return None if user is None else Account(user.login, Role(user.role), user.technical)

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
        digest = hashlib.sha256(token.encode()).hexdigest()
        with self.db.session() as session:
            row = session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
        return self.get(row.login) if row else None

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

    def company(self, code: str) -> Company | None:
        with self.db.session() as session:
            return session.scalar(select(Company).where(Company.code == code))


def check_company(code: str, name: str, siret: str | None) -> tuple[str, str, str | None]:
    """A company's code, name and SIRET as stored, or the refusal (imports check first)."""
    code = code.strip()
    if not code or len(code) > 40 or any(c.isspace() for c in code):
        raise SettingError(Tr("Code société invalide : sans espace, 40 caractères au plus.",
                              "Invalid company code: no spaces, at most 40 characters."))
    if not name.strip():
        raise SettingError(Tr("Le nom de la société est obligatoire.",
                              "The company name is required."))
    clean_siret = None
    if siret:
        try:
            clean_siret = parse_identifier(siret, allow=("siret",)).value
        except IdentifierError as error:
            raise SettingError(error.message) from None
    return code, name.strip(), clean_siret
