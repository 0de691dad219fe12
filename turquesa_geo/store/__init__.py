"""The store: one DuckDB file, its schema and migrations, every SQL builder, the rollups and the inventory.

Imports only the core modules (columns, vocab, i18n, filters); everything above reads and writes through it.
"""

from turquesa_geo.store.connection import (
    DB_ENV,
    DEFAULT_DB,
    SCHEMA_VERSION,
    StoreBusy,
    connect,
    data_version,
    lock_down,
    migrate,
    resolve_db_path,
    schema_version,
    transaction,
)

__all__ = [
    "DB_ENV",
    "DEFAULT_DB",
    "SCHEMA_VERSION",
    "StoreBusy",
    "connect",
    "data_version",
    "lock_down",
    "migrate",
    "resolve_db_path",
    "schema_version",
    "transaction",
]
