"""Key rotation: every secret re-encrypted under a new primary key, in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from raccord.core.models import Setting
from raccord.core.secrets import FERNET_PREFIX

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def rotate(hub: Hub) -> int:
    new_box = hub.box.with_new_primary()
    count = 0
    with hub.db.session() as session:
        for row in session.scalars(select(Setting)):
            if row.value.startswith(FERNET_PREFIX):
                row.value = new_box.rotate(row.value)
                count += 1
        # Write the key file inside the transaction: if it fails, nothing is re-encrypted.
        new_box.save()
    hub.box = new_box
    hub.settings.box = new_box
    return count
