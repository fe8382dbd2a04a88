"""Baseline: the tables of eventlens 0.1 before migrations (documents, annotations, MinHash, incidents).

Idempotent on purpose: a store written before migrations existed (a SQLite file with no
``alembic_version``) runs this revision too, which creates only the tables it lacks and adds the
nullable columns an older eventlens did not have. The table definitions are frozen here; later
changes are later revisions.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_baseline = sa.MetaData()
_INDEXES: list[tuple[str, str, list[str]]] = []

sa.Table(
    'corpus_inputs',
    _baseline,
    sa.Column('doc_id', sa.String(length=16), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('doc_id')
)
sa.Table(
    'doc_sources',
    _baseline,
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('doc_id', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('path')
)
_INDEXES.append(('ix_doc_sources_doc_id', 'doc_sources', ['doc_id']))
sa.Table(
    'documents',
    _baseline,
    sa.Column('doc_id', sa.String(length=16), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('copy_of', sa.String(length=16), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('outlet', sa.Text(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('published', sa.String(length=10), nullable=True),
    sa.Column('published_precision', sa.String(length=8), nullable=True),
    sa.Column('chars', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('record', sa.Text(), nullable=False),
    sa.Column('raw_html', sa.Text(), nullable=True),
    sa.Column('analysis', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('doc_id')
)
sa.Table(
    'entities',
    _baseline,
    sa.Column('doc_id', sa.String(length=16), nullable=False),
    sa.Column('idx', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=False),
    sa.Column('canonical', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('doc_id', 'idx')
)
sa.Table(
    'failures',
    _baseline,
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('doc_id', sa.String(length=16), nullable=True),
    sa.PrimaryKeyConstraint('path', 'stage')
)
sa.Table(
    'incident_claims',
    _baseline,
    sa.Column('incident_id', sa.String(length=40), nullable=False),
    sa.Column('idx', sa.Integer(), nullable=False),
    sa.Column('doc_id', sa.String(length=16), nullable=False),
    sa.Column('published', sa.String(length=10), nullable=True),
    sa.Column('figure', sa.String(length=16), nullable=False),
    sa.Column('victim_group', sa.String(length=24), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('low', sa.Integer(), nullable=True),
    sa.Column('high', sa.Integer(), nullable=True),
    sa.Column('qualifier', sa.Text(), nullable=True),
    sa.Column('attributed_to', sa.Text(), nullable=True),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('incident_id', 'idx')
)
sa.Table(
    'incident_documents',
    _baseline,
    sa.Column('doc_id', sa.String(length=16), nullable=False),
    sa.Column('incident_id', sa.String(length=40), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('doc_id', 'incident_id')
)
_INDEXES.append(('ix_incident_documents_incident', 'incident_documents', ['incident_id']))
sa.Table(
    'incident_figures',
    _baseline,
    sa.Column('incident_id', sa.String(length=40), nullable=False),
    sa.Column('figure', sa.String(length=16), nullable=False),
    sa.Column('victim_group', sa.String(length=24), nullable=False),
    sa.Column('low', sa.Integer(), nullable=True),
    sa.Column('best', sa.Integer(), nullable=True),
    sa.Column('high', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('incident_id', 'figure', 'victim_group')
)
sa.Table(
    'incidents',
    _baseline,
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('type', sa.Text(), nullable=True),
    sa.Column('sub_type', sa.Text(), nullable=True),
    sa.Column('category', sa.Text(), nullable=True),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('date_precision', sa.String(length=8), nullable=True),
    sa.Column('time_local', sa.String(length=5), nullable=True),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('country', sa.String(length=8), nullable=True),
    sa.Column('admin1', sa.Text(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('geo_precision', sa.String(length=16), nullable=True),
    sa.Column('killed_low', sa.Integer(), nullable=True),
    sa.Column('killed_best', sa.Integer(), nullable=True),
    sa.Column('killed_high', sa.Integer(), nullable=True),
    sa.Column('injured_low', sa.Integer(), nullable=True),
    sa.Column('injured_best', sa.Integer(), nullable=True),
    sa.Column('injured_high', sa.Integer(), nullable=True),
    sa.Column('arrested_low', sa.Integer(), nullable=True),
    sa.Column('arrested_best', sa.Integer(), nullable=True),
    sa.Column('arrested_high', sa.Integer(), nullable=True),
    sa.Column('source_count', sa.Integer(), nullable=False),
    sa.Column('first_reported', sa.String(length=10), nullable=True),
    sa.Column('last_reported', sa.String(length=10), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('record', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
sa.Table(
    'minhash',
    _baseline,
    sa.Column('doc_id', sa.String(length=16), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('doc_id')
)
sa.Table(
    'minhash_bands',
    _baseline,
    sa.Column('band', sa.Integer(), nullable=False),
    sa.Column('key', sa.BigInteger(), nullable=False),
    sa.Column('doc_id', sa.String(length=16), nullable=False)
)
_INDEXES.append(('ix_minhash_bands_band_key', 'minhash_bands', ['band', 'key']))
sa.Table(
    'places',
    _baseline,
    sa.Column('doc_id', sa.String(length=16), nullable=False),
    sa.Column('idx', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('country', sa.String(length=8), nullable=True),
    sa.Column('admin1', sa.Text(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('precision', sa.String(length=16), nullable=True),
    sa.Column('method', sa.Text(), nullable=True),
    sa.Column('geonames_id', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('doc_id', 'idx')
)
sa.Table(
    'revisions',
    _baseline,
    sa.Column('incident_id', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('doc_ids', sa.Text(), nullable=False),
    sa.Column('published', sa.String(length=10), nullable=True),
    sa.Column('recorded', sa.String(length=32), nullable=False),
    sa.Column('by', sa.String(length=32), nullable=False),
    sa.Column('record', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('incident_id', 'seq')
)
sa.Table(
    'times',
    _baseline,
    sa.Column('doc_id', sa.String(length=16), nullable=False),
    sa.Column('idx', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('value', sa.String(length=32), nullable=True),
    sa.Column('precision', sa.String(length=16), nullable=True),
    sa.Column('weekday', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('doc_id', 'idx')
)


def upgrade() -> None:
    bind = op.get_bind()
    found = sa.inspect(bind)
    existing = set(found.get_table_names())
    for table in _baseline.sorted_tables:
        if table.name not in existing:
            table.create(bind)
            continue
        have = {column["name"] for column in found.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have and column.nullable:
                op.add_column(table.name, sa.Column(column.name, column.type, nullable=True))
    found = sa.inspect(bind)  # again: the tables just created carry no index yet
    for name, table_name, columns in _INDEXES:
        if name not in {index["name"] for index in found.get_indexes(table_name)}:
            op.create_index(name, table_name, columns)


def downgrade() -> None:
    for table in reversed(_baseline.sorted_tables):
        op.drop_table(table.name)
