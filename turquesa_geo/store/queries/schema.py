"""Statements of the store's own bookkeeping: migrations, transactions, the data version, file access."""

from __future__ import annotations

from turquesa_geo.store.queries.base import Query

__all__ = [
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "allowed_directories",
    "applied_version",
    "create_migrations_table",
    "data_version",
    "disable_external_access",
    "disable_progress_bar",
    "links_version",
    "lock_configuration",
    "migrations_table_exists",
    "record_migration",
]

#: Transaction statements (run through :func:`turquesa_geo.store.connection.transaction`).
BEGIN = "BEGIN TRANSACTION"
COMMIT = "COMMIT"
ROLLBACK = "ROLLBACK"


def create_migrations_table() -> Query:
    """The table of applied migration versions, created if missing."""
    return "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TIMESTAMP)", {}


def migrations_table_exists() -> Query:
    """Query of 1 when the store has a migrations table, else 0."""
    return (
        "SELECT count(*) FROM information_schema.tables WHERE table_name = $table",
        {"table": "schema_migrations"},
    )


def applied_version() -> Query:
    """Query of the highest applied migration (0 when none)."""
    return "SELECT coalesce(max(version), 0) FROM schema_migrations", {}


def record_migration(version: int) -> Query:
    """Statement that records migration ``version`` as applied now."""
    return (
        "INSERT INTO schema_migrations (version, applied) VALUES ($version, current_timestamp)",
        {"version": int(version)},
    )


def data_version() -> Query:
    """Query of the SHA-256 digests of the finished imports, in import order, comma-joined; then, once the
    term map has changed the stored cases without an import, the number and the time of its last change."""
    return (
        "SELECT coalesce(string_agg(sha256, $comma ORDER BY import_id), $empty) || coalesce((SELECT $terms || "
        "CAST(count(*) AS VARCHAR) || $at || CAST(max(logged_at) AS VARCHAR) FROM term_map_log HAVING count(*) > 0), "
        "$empty) FROM imports WHERE status = $done",
        {"comma": ",", "empty": "", "terms": ";terms:", "at": "@", "done": "done"},
    )


def links_version() -> Query:
    """Query of a fingerprint of the case links (NULL when there is none): linking two cases changes
    the counts without an import, so the data version must change with it."""
    return "SELECT CAST(sum(hash(case_uid, linked_to, status)) AS VARCHAR) FROM case_links", {}


def disable_progress_bar() -> Query:
    """Setting that keeps DuckDB's progress bar off the CLI's own output."""
    return "SET enable_progress_bar = false", {}


def allowed_directories(folders: list[str]) -> Query:
    """Setting of the folders a locked-down connection may still read."""
    return "SET allowed_directories = $folders", {"folders": list(folders)}


def disable_external_access() -> Query:
    """Setting that forbids file access outside the store and the allowed folders."""
    return "SET enable_external_access = false", {}


def lock_configuration() -> Query:
    """Setting that locks the connection's configuration."""
    return "SET lock_configuration = true", {}
