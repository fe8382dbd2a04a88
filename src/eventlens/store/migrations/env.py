"""Alembic environment: runs on the connection the Store hands over (``config.attributes["connection"]``)."""

from __future__ import annotations

from alembic import context

from eventlens.store import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic -x url=...` from a shell
    from sqlalchemy import create_engine

    from eventlens.store import db_url

    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the store: alembic -x url=postgresql+psycopg://... upgrade head")
    with create_engine(db_url(url)).begin() as own:
        context.configure(connection=own, target_metadata=metadata, render_as_batch=own.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
else:
    # SQLite alters a table by copying it (batch mode); PostgreSQL alters in place.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
