"""Users, roles, API keys and technical users, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from raccord.core.hub import Hub
from raccord.core.roles import Role
from raccord.core.schema import SettingError
from raccord.interfaces.base import CheckFailed, check_technical_user


def test_users_log_in_with_their_password_and_role(storage_hub: Hub) -> None:
    accounts = storage_hub.accounts
    accounts.add_user("olga", "olga password", "operator")
    accounts.add_user("rita", "rita password", Role.READER)
    assert accounts.authenticate("olga", "olga password") is not None
    assert accounts.authenticate("olga", "rita password") is None
    assert accounts.authenticate("nobody", "olga password") is None
    reader = accounts.authenticate("rita", "rita password")
    assert reader is not None and reader.role is Role.READER and not reader.technical
    accounts.set_password("rita", "a new password")
    assert accounts.authenticate("rita", "rita password") is None
    assert accounts.authenticate("rita", "a new password") is not None
    assert [a.login for a in accounts.users()] == ["olga", "rita"]


@pytest.mark.parametrize(("login", "password", "role", "says"), [
    ("bob", "long enough", "superuser", "Unknown role 'superuser'"),
    ("bob", "short", "reader", "Password too short"),
    ("bo b", "long enough", "reader", "Invalid login"),
    ("", "long enough", "reader", "Invalid login"),
])
def test_bad_users_are_refused(hub: Hub, login: str, password: str, role: str,
                               says: str) -> None:
    with pytest.raises(SettingError) as caught:
        hub.accounts.add_user(login, password, role)
    assert says in caught.value.message.en and caught.value.message.fr
    assert hub.accounts.users() == []


def test_api_keys_name_their_user_and_are_stored_hashed(storage_hub: Hub) -> None:
    accounts = storage_hub.accounts
    accounts.add_user("adam", "adam password", "administrator")
    token = accounts.new_api_key("adam")
    account = accounts.by_api_key(token)
    assert account is not None and account.login == "adam"
    assert accounts.by_api_key(token + "x") is None
    with storage_hub.db.engine.connect() as connection:
        assert token not in str(connection.exec_driver_sql("SELECT * FROM api_keys").all())
    with pytest.raises(SettingError, match="Unknown user 'nobody'"):
        accounts.new_api_key("nobody")


def test_a_technical_user_must_exist_with_the_saved_password(storage_hub: Hub) -> None:
    hub = storage_hub
    with pytest.raises(CheckFailed, match="raccord user add akuiteo --role operator --technical"):
        check_technical_user(hub, {"technical_user": "akuiteo", "technical_password": "x"})
    hub.accounts.add_user("akuiteo", "bot password", "operator", technical=True)
    with pytest.raises(CheckFailed, match="is wrong"):
        check_technical_user(hub, {"technical_user": "akuiteo", "technical_password": "x"})
    check_technical_user(hub, {"technical_user": "akuiteo", "technical_password": "bot password"})
    hub.settings.set("bank", "technical_user", "akuiteo", hub.technical_actor("bank"))
    actor = hub.technical_actor("bank")  # background work runs, and is audited, as this user
    assert actor.login == "akuiteo"
    account = hub.accounts.get("akuiteo")
    assert account is not None and account.technical
