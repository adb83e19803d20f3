"""third parties, SIRENE answers kept for a while, bulk enrichments

Revision ID: 0200_thirdparties
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0200_thirdparties"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "third_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("trade_name", sa.String(length=200), nullable=False),
        sa.Column("address1", sa.String(length=200), nullable=False),
        sa.Column("address2", sa.String(length=200), nullable=False),
        sa.Column("address3", sa.String(length=200), nullable=False),
        sa.Column("postcode", sa.String(length=20), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=60), nullable=False),
        sa.Column("siren", sa.String(length=9), nullable=True),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("naf", sa.String(length=10), nullable=False),
        sa.Column("legal_form", sa.String(length=10), nullable=False),
        sa.Column("vat_number", sa.String(length=20), nullable=False),
        sa.Column("head_office", sa.Boolean(), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("sirene_info", sa.JSON(), nullable=True),
        sa.Column("sirene_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("third_parties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_third_parties_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_third_parties_siren"), ["siren"], unique=False)
        batch_op.create_index(batch_op.f("ix_third_parties_siret"), ["siret"], unique=False)

    op.create_table(
        "sirene_answers",
        sa.Column("key", sa.String(length=24), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("sirene_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sirene_answers_fetched_at"), ["fetched_at"],
                              unique=False)

    op.create_table(
        "sirene_enrichments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("fresh", sa.Boolean(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("api_calls_left", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("input_csv", sa.Text(), nullable=False),
        sa.Column("output_csv", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sirene_enrichments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sirene_enrichments_state"), ["state"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sirene_enrichments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sirene_enrichments_state"))
    op.drop_table("sirene_enrichments")
    with op.batch_alter_table("sirene_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sirene_answers_fetched_at"))
    op.drop_table("sirene_answers")
    with op.batch_alter_table("third_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_third_parties_siret"))
        batch_op.drop_index(batch_op.f("ix_third_parties_siren"))
        batch_op.drop_index(batch_op.f("ix_third_parties_kind"))
    op.drop_table("third_parties")
