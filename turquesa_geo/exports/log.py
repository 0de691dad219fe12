"""The export log: every export is written to the store's ``exports`` table before its bytes are handed over.

Safe CSV writing (no spreadsheet formula ever runs) lives with the other file formats in
:mod:`turquesa_geo.exports.tables`.
"""

from __future__ import annotations

import getpass
import hashlib

import duckdb
import pandas as pd

__all__ = [
    "current_user",
    "export_log",
    "log_export",
]


def current_user() -> str | None:
    """The operating-system user running the export, when it can be told."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def log_export(con: duckdb.DuckDBPyConnection, context, kind: str, file_name: str, data: bytes) -> int:
    """Record an export in the store's log before it is handed over; return its id.

    ``context`` is a :class:`~turquesa_geo.exports.marking.ExportContext`; the row keeps the
    time, user, kind, file name, filters, link, marking, audience, data version and
    the SHA-256 and size of ``data``.
    """
    digest = hashlib.sha256(data).hexdigest()
    con.execute("BEGIN TRANSACTION")
    try:
        export_id = con.execute("SELECT coalesce(max(export_id), 0) + 1 FROM exports").fetchall()[0][0]
        con.execute(
            "INSERT INTO exports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                export_id,
                context.exported_at,
                context.user,
                kind,
                file_name,
                context.filters_text,
                context.view_url,
                context.marking.text,
                context.audience.name,
                context.data_version,
                digest,
                len(data),
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(export_id)


def export_log(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """The latest exports, newest first."""
    return con.execute(
        "SELECT export_id, exported_at, user_name, kind, file_name, marking, audience, data_version, filters, "
        "sha256, bytes FROM exports ORDER BY export_id DESC LIMIT ?",
        [limit],
    ).df()
