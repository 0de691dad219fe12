"""Statements of the export log: every file handed over is recorded first."""

from __future__ import annotations

from turquesa_geo.store.queries.base import Query

__all__ = ["EXPORT_LOG_COLUMNS", "export_log", "insert_export", "next_export_id"]

#: The columns of table ``exports``, in the order an export is recorded.
EXPORT_LOG_COLUMNS = (
    "export_id",
    "exported_at",
    "user_name",
    "kind",
    "file_name",
    "filters",
    "view_url",
    "marking",
    "audience",
    "data_version",
    "sha256",
    "bytes",
)


def next_export_id() -> Query:
    """Query of the id the next export gets."""
    return "SELECT coalesce(max(export_id), 0) + 1 FROM exports", {}


def insert_export(row: dict[str, object]) -> Query:
    """Statement that records one export; ``row`` holds a value for each of :data:`EXPORT_LOG_COLUMNS`.

    >>> insert_export(dict.fromkeys(EXPORT_LOG_COLUMNS))[0][:60]
    'INSERT INTO exports (export_id, exported_at, user_name, kind'
    """
    missing = [c for c in EXPORT_LOG_COLUMNS if c not in row]
    if missing or len(row) != len(EXPORT_LOG_COLUMNS):
        raise ValueError(f"export row has keys {sorted(row)}, expected {list(EXPORT_LOG_COLUMNS)}")
    return (
        f"INSERT INTO exports ({', '.join(EXPORT_LOG_COLUMNS)}) "
        f"VALUES ({', '.join(f'${c}' for c in EXPORT_LOG_COLUMNS)})",
        {c: row[c] for c in EXPORT_LOG_COLUMNS},
    )


def export_log(limit: int = 50) -> Query:
    """The latest exports, newest first."""
    return (
        "SELECT export_id, exported_at, user_name, kind, file_name, marking, audience, data_version, filters, "
        "sha256, bytes FROM exports ORDER BY export_id DESC LIMIT $limit",
        {"limit": int(limit)},
    )
