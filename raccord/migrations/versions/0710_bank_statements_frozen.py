"""banking: a generated statement and its lines are refused any change by the database itself

The ORM already refuses it (models.py); these triggers refuse it to every other way in too
(a Core UPDATE, a SQL console, another tool): a correction is a line of the next statement.

Revision ID: 0710_bank_statements_frozen
Revises: 0700_banking
"""

from alembic import op

revision = "0710_bank_statements_frozen"
down_revision = "0700_banking"
branch_labels = None
depends_on = None

TABLES = ("bank_statements", "bank_statement_lines")
MESSAGE = "a bank statement cannot change once generated (a correction goes into the next one)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION raccord_bank_statement_frozen() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'raise_exception';
            END;
            $$ LANGUAGE plpgsql""")
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION raccord_bank_statement_frozen()")
        return
    for table in TABLES:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_frozen_{action.lower()} BEFORE {action} ON "
                       f"{table} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}")
        op.execute("DROP FUNCTION IF EXISTS raccord_bank_statement_frozen()")
        return
    for table in TABLES:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_frozen_{action}")
