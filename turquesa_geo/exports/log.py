"""The export log: every export is written to the store's ``exports`` table before its bytes are handed over.

Safe CSV writing (no spreadsheet formula ever runs) lives with the other file formats in
:mod:`turquesa_geo.exports.tables`.
"""

from __future__ import annotations

import getpass
import hashlib

import duckdb
import pandas as pd

from turquesa_geo.store import queries as sql
from turquesa_geo.store.connection import transaction

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
    with transaction(con):
        export_id = con.execute(*sql.next_export_id()).fetchall()[0][0]
        row = {
            "export_id": export_id,
            "exported_at": context.exported_at,
            "user_name": context.user,
            "kind": kind,
            "file_name": file_name,
            "filters": context.filters_text,
            "view_url": context.view_url,
            "marking": context.marking.text,
            "audience": context.audience.name,
            "data_version": context.data_version,
            "sha256": digest,
            "bytes": len(data),
        }
        con.execute(*sql.insert_export(row))
    return int(export_id)


def export_log(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """The latest exports, newest first."""
    return con.execute(*sql.export_log(limit)).df()
