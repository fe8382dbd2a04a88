"""The store suite runs on SQLite and on a throwaway PostgreSQL cluster (``tests/pg.py``)."""

from pg import pg_server, store_url  # noqa: F401  (fixtures)
