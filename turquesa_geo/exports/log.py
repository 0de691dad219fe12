"""Files users take away: safe CSV writing (no spreadsheet formula ever runs), and the export log.

Every text cell that a spreadsheet would read as a formula is neutralised with a
leading apostrophe. Every export is written to the store's ``exports`` table
(:func:`log_export`) before its bytes are handed over.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import json
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from turquesa_geo.store import queries as sql
from turquesa_geo.store.connection import transaction

__all__ = [
    "FORMULA_PREFIXES",
    "csv_bytes",
    "current_user",
    "export_log",
    "log_export",
    "neutralise_cell",
    "quarantine_for_correction",
    "write_csv",
    "write_quarantine_csv",
]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with ``'``.

    Numbers are left alone, so a negative count stays a number.

    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell("-12"), neutralise_cell(-12), neutralise_cell("Panamá")
    ("'-12", -12, 'Panamá')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> bytes:
    """Rows as UTF-8 CSV bytes (with BOM, so spreadsheets pick the encoding), cells neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([neutralise_cell(h) for h in headers])
    writer.writerows([neutralise_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(rows: Sequence[Sequence[object]], headers: Sequence[str], path: str | Path) -> Path:
    """Write :func:`csv_bytes` to ``path``."""
    path = Path(path)
    path.write_bytes(csv_bytes(rows, headers))
    return path


def quarantine_for_correction(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> tuple[list[str], list[list]]:
    """One row per quarantined line: line, rules, messages, then the row as it was read.

    ``rows`` are quarantine entries with at least line, rule, message and record
    (the JSON of the staged row); the result can be corrected and imported again
    (the three leading columns are ignored by the importer).
    """
    index = {h: i for i, h in enumerate(headers)}
    by_line: dict[int, dict] = {}
    fields: dict[str, None] = {}
    for row in rows:
        entry = by_line.setdefault(row[index["line"]], {"rules": [], "messages": [], "record": {}})
        entry["rules"].append(row[index["rule"]])
        entry["messages"].append(row[index["message"]])
        record = json.loads(row[index["record"]]) if row[index["record"]] else {}
        record.pop("_line", None)
        entry["record"] = record
        fields.update(dict.fromkeys(record))
    out_headers = ["quarantine_line", "quarantine_rules", "quarantine_messages", *fields]
    out_rows = [
        [line, ";".join(dict.fromkeys(e["rules"])), " | ".join(e["messages"]), *[e["record"].get(f) for f in fields]]
        for line, e in sorted(by_line.items())
    ]
    return out_headers, out_rows


def write_quarantine_csv(rows: Sequence[Sequence[object]], headers: Sequence[str], path: str | Path) -> Path:
    """Write the quarantine of an import as a CSV for correction (see :func:`quarantine_for_correction`)."""
    out_headers, out_rows = quarantine_for_correction(rows, headers)
    return write_csv(out_rows, out_headers, path)


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
