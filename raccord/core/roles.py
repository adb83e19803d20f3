"""Who may change what."""

from __future__ import annotations

from enum import StrEnum

from raccord.core.config import DeploymentMode
from raccord.core.i18n import Tr
from raccord.core.schema import Field


class Role(StrEnum):
    OPERATOR = "operator"
    ADMINISTRATOR = "administrator"
    READER = "reader"
    # An employee files expense reports: sees only its own, and none of the console's
    # interface screens (below a reader: every require_role(READER) refuses it).
    EMPLOYEE = "employee"


# Who includes whom: an operator may do what an administrator may, and so on down.
ROLE_ORDER = {Role.EMPLOYEE: -1, Role.READER: 0, Role.ADMINISTRATOR: 1, Role.OPERATOR: 2}


def at_least(role: Role, minimum: Role) -> bool:
    return ROLE_ORDER[role] >= ROLE_ORDER[minimum]


ROLE_LABELS = {
    Role.OPERATOR: Tr("opérateur", "operator"),
    Role.ADMINISTRATOR: Tr("administrateur", "administrator"),
    Role.READER: Tr("lecteur", "reader"),
    Role.EMPLOYEE: Tr("collaborateur", "employee"),
}


def may_edit(role: Role, mode: DeploymentMode, field: Field | None = None) -> bool:
    if role in (Role.READER, Role.EMPLOYEE):
        return False
    if role is Role.OPERATOR:
        return True
    return not (field is not None and field.vendor and mode is DeploymentMode.SAAS)


def refusal(role: Role, field: Field | None) -> Tr:
    if role is Role.READER:
        return Tr("Votre rôle (lecteur) permet de consulter, pas de modifier.",
                  "Your role (reader) may read, not change.")
    if role is Role.EMPLOYEE:
        return Tr("Votre rôle (collaborateur) donne accès à vos notes de frais seulement.",
                  "Your role (employee) gives access to your own expense reports only.")
    name = field.label if field else Tr("ce champ", "this field")
    return Tr(f"« {name.fr} » est réservé à l'opérateur en mode SaaS : demandez-lui la "
              "modification.",
              f"'{name.en}' is set by the operator in SaaS mode: ask them to change it.")
