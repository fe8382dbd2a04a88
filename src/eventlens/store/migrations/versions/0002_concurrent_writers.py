"""Concurrent writers and resumable runs: one row per MinHash band key and document, and ``run_state``.

``minhash_bands`` gets a unique index on (band, key, doc_id), so two writers storing the same
signature add its bands once (``INSERT .. ON CONFLICT DO NOTHING``); rows a store already holds twice
are reduced to one first. ``run_state`` keeps a run's checkpoint (``eventlens run --resume``).

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM minhash_bands WHERE EXISTS (SELECT 1 FROM minhash_bands AS twin WHERE twin.band = minhash_bands.band"
        " AND twin.key = minhash_bands.key AND twin.doc_id = minhash_bands.doc_id"
        f" AND twin.{_ROW_ID[op.get_bind().dialect.name]} < minhash_bands.{_ROW_ID[op.get_bind().dialect.name]})"
    )
    op.create_index("ux_minhash_bands_band_key_doc", "minhash_bands", ["band", "key", "doc_id"], unique=True)
    op.create_table(
        "run_state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


# A table without a primary key still has a row identity in both backends.
_ROW_ID = {"sqlite": "rowid", "postgresql": "ctid"}


def downgrade() -> None:
    op.drop_table("run_state")
    op.drop_index("ux_minhash_bands_band_key_doc", table_name="minhash_bands")
