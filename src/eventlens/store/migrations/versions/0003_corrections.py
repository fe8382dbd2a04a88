"""Analysts' corrections and the web UI's list indexes (``store.corrections``).

``corrections`` records each figure correction, merge and split with who and why. The incidents table
gets the (column, id) indexes the incident list sorts and pages by, and a narrow index the text search
scans. Stores opened between the two modules landing already have them (``create_all``), so each is
created only where missing.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INCIDENT_INDEXES = {
    "ix_incidents_date_id": ["date", "id"],
    "ix_incidents_killed_id": ["killed_best", "id"],
    "ix_incidents_sources_id": ["source_count", "id"],
    "ix_incidents_country_id": ["country", "id"],
    "ix_incidents_location_id": ["location", "id"],
    "ix_incidents_type": ["type"],
    "ix_incidents_text": ["location", "summary", "admin1", "id"],
}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "corrections" not in inspector.get_table_names():
        op.create_table(
            "corrections",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("incident_id", sa.String(length=40), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("by", sa.String(length=64), nullable=False),
            sa.Column("why", sa.Text(), nullable=False),
            sa.Column("recorded", sa.String(length=32), nullable=False),
            sa.Column("payload", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    if "ix_corrections_incident" not in {ix["name"] for ix in inspector.get_indexes("corrections")}:
        op.create_index("ix_corrections_incident", "corrections", ["incident_id"])
    present = {ix["name"] for ix in inspector.get_indexes("incidents")}
    for name, columns in INCIDENT_INDEXES.items():
        if name not in present:
            op.create_index(name, "incidents", columns)


def downgrade() -> None:
    for name in INCIDENT_INDEXES:
        op.drop_index(name, table_name="incidents")
    op.drop_table("corrections")
