"""The demo company's people in the sandbox's own hub: the demo employee's console account
(role employee, to try the expense reports on a phone), the same person the Microsoft 365
simulator holds a mailbox for and the signature example asks to sign."""

from __future__ import annotations

from raccord.core.hub import Hub
from raccord.core.roles import Role
from raccord.interfaces.demo import DEMO_EMPLOYEE, DEMO_EMPLOYEE_PASSWORD


def add_demo_employee(hub: Hub) -> None:
    if hub.accounts.get(DEMO_EMPLOYEE.login) is None:
        hub.accounts.add_user(DEMO_EMPLOYEE.login, DEMO_EMPLOYEE_PASSWORD, Role.EMPLOYEE)
