"""users.session_version: logout and a new password end the account's console sessions

Revision ID: 0160_sessions
Revises: 0100_einvoicing
"""

import sqlalchemy as sa
from alembic import op

revision = "0160_sessions"
down_revision = "0100_einvoicing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
