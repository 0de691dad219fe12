"""The import ledger: one transaction per import, its record, its quarantine and its reconciliation.

Every importer (flat files, HTCDS pairs, aggregate counts) writes through these steps. A
quarantine entry stays open until a later import answers its row (:func:`resolve_quarantine`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from turquesa_geo import columns as C
from turquesa_geo.i18n import N_
from turquesa_geo.ingest.profiles import PROFILES
from turquesa_geo.ingest.profiles.common import text_array
from turquesa_geo.ingest.readers import LINE_COLUMN, ImportRefused, RaggedRow
from turquesa_geo.store import queries as sql
from turquesa_geo.store.queries import copy_to_temp_sql
from turquesa_geo.store.queries.ingest_ledger import (
    RAGGED_TEXT_KEY,
    count_lines_sql,
    import_origin_sql,
    insert_quarantine_sql,
    next_import_id_sql,
    open_quarantine_count_sql,
    previous_import_sql,
    quarantine_by_rule_sql,
    quarantined_lines_sql,
    record_import_sql,
    relation_columns_sql,
    resolve_by_key_sql,
    resolve_by_line_sql,
    resolve_by_record_sql,
    resolved_lines_sql,
)

__all__ = [
    "PROFILE_SOURCES",
    "ImportResult",
    "ProgressCallback",
    "count_lines",
    "file_sha256",
    "import_origin",
    "insert_quarantine",
    "next_import_id",
    "previous_import",
    "quarantine_by_rule",
    "quarantine_entries",
    "quarantine_ragged",
    "quarantined_lines",
    "record_import",
    "register_table",
    "require_reconciled",
    "resolve_quarantine",
]

#: The source each public-data profile gives its rows (a flat file's rows that name none take the
#: file's name without its suffix): how a quarantined row's source is known when its record has none.
PROFILE_SOURCES: dict[str, str] = {name: p.source for name, p in PROFILES.items() if p.source}

#: Called with (phase, fraction done) as an import advances.
ProgressCallback = Callable[[str, float], None]


@dataclass
class ImportResult:
    """The reconciliation of one import."""

    import_id: int
    file_name: str
    sha256: str
    profile: str
    source: str | None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    dropped_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    #: Per source column, codes a profile did not understand (the rows are kept).
    unmapped_codes: dict[str, list[str]] = field(default_factory=dict)
    #: What a profile could not map, in words: message ids and values (see :func:`profiles.common.note_text`).
    notes: list[dict] = field(default_factory=list)
    quarantine_by_rule: dict[str, int] = field(default_factory=dict)
    #: Accepted rows kept with at least one flag, and those rows per flag rule (``flat.FLAG_RULES``).
    rows_flagged: int = 0
    flags_by_rule: dict[str, int] = field(default_factory=dict)
    #: Accepted rows folded into another row's case: parts of a split record, repeats of a row.
    rows_merged: int = 0
    #: Terms no vocabulary knows, kept: one dict per (field, text) with keys ``field``,
    #: ``column``, ``text``, ``rows`` and ``suggestions`` (up to three codes, never applied).
    unmapped_terms: list[dict] = field(default_factory=list)
    #: Written cases that are probably a case already stored (another file or source).
    probable_duplicates: int = 0
    #: Quarantined lines of earlier imports this import answered (their ``resolved_by`` is this import).
    quarantine_resolved: int = 0
    #: Of those, per stored import id: how many match one of its cases (``ingest.overlaps``).
    duplicates_of: dict[int, int] = field(default_factory=dict)
    already_imported: bool = False
    file_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def reconciles(self) -> bool:
        """True when rows read = accepted + quarantined and accepted = inserted + updated + unchanged + merged."""
        return (
            self.rows_read == self.rows_accepted + self.rows_quarantined
            and self.rows_accepted == self.rows_inserted + self.rows_updated + self.rows_unchanged + self.rows_merged
        )

    def to_dict(self) -> dict:
        """Plain JSON-ready dict."""
        return asdict(self) | {"reconciles": self.reconciles}


def require_reconciled(result: ImportResult) -> None:
    """Raise ``RuntimeError``, for the transaction to roll back, when ``result`` does not reconcile.

    >>> require_reconciled(ImportResult(1, "a.csv", "", "flat", None, rows_read=1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    RuntimeError: import of a.csv does not reconcile: {'import_id': 1, ...}
    """
    if not result.reconciles:
        raise RuntimeError(f"import of {result.file_name} does not reconcile: {result.to_dict()}")


# --- the record --------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """The SHA-256 digest of a file's bytes; raises :class:`ImportRefused` naming a missing path."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        raise ImportRefused(N_("{path}: no such file"), path=str(path)) from None
    except IsADirectoryError:
        raise ImportRefused(N_("{path}: is a directory, not a file"), path=str(path)) from None
    return digest.hexdigest()


def previous_import(con: duckdb.DuckDBPyConnection, sha256: str) -> int | None:
    """The id of the first finished import of these bytes, or None."""
    row = con.execute(*previous_import_sql(sha256)).fetchall()[0]
    return None if row[0] is None else int(row[0])


def import_origin(con: duckdb.DuckDBPyConnection, import_id: int) -> tuple[str | None, str]:
    """(source, profile) of one recorded import."""
    source, profile = con.execute(*import_origin_sql(import_id)).fetchall()[0]
    return source, profile


def next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id the next import takes (read inside its transaction)."""
    return int(con.execute(*next_import_id_sql()).fetchall()[0][0])


def record_import(con: duckdb.DuckDBPyConnection, result: ImportResult, started: dt.datetime) -> None:
    """Record a finished import in ``imports``, its end time now."""
    values = {
        "import_id": result.import_id,
        "file_name": result.file_name,
        "sha256": result.sha256,
        "profile": result.profile,
        "source": result.source,
        "rows_read": result.rows_read,
        "rows_accepted": result.rows_accepted,
        "rows_quarantined": result.rows_quarantined,
        "rows_inserted": result.rows_inserted,
        "rows_updated": result.rows_updated,
        "rows_unchanged": result.rows_unchanged,
        "rows_flagged": result.rows_flagged,
        "rows_merged": result.rows_merged,
        "probable_duplicates": result.probable_duplicates,
        "dropped_columns": json.dumps(result.dropped_columns),
        "ignored_columns": json.dumps(result.ignored_columns),
        "started": started,
        "finished": dt.datetime.now(),
    }
    con.execute(*record_import_sql(values))


def register_table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Copy an Arrow table into temporary table ``name``."""
    con.register(f"_{name}", table)
    con.execute(copy_to_temp_sql(name, f"_{name}"))
    con.unregister(f"_{name}")


# --- the quarantine ----------------------------------------------------------------


def insert_quarantine(con: duckdb.DuckDBPyConnection, import_id: int, rows: pa.Table) -> None:
    """Quarantine ``rows`` (line, column_name, rule, value, message, record) for an import, in one insert.

    Row-by-row inserts cost about a millisecond each: minutes for a file of many bad lines.
    """
    con.register("_quarantined", rows)
    try:
        con.execute(*insert_quarantine_sql("_quarantined", import_id))
    finally:
        con.unregister("_quarantined")


def quarantine_ragged(con: duckdb.DuckDBPyConnection, import_id: int, ragged: Iterable[RaggedRow]) -> None:
    """Quarantine the rows that could not be split into the header's fields, as read."""
    ragged = list(ragged)
    if ragged:
        insert_quarantine(con, import_id, _ragged_table(ragged))


def _ragged_table(ragged: list[RaggedRow]) -> pa.Table:
    """The quarantine rows of ragged lines: rule ``ragged_row``, the raw text as the record."""
    return pa.table(
        {
            "line": pa.array([r.line for r in ragged], pa.int64()),
            "column_name": text_array(None for _ in ragged),
            "rule": text_array("ragged_row" for _ in ragged),
            "value": text_array(None for _ in ragged),
            "message": text_array(r.message for r in ragged),
            "record": text_array(
                json.dumps({LINE_COLUMN: r.line, RAGGED_TEXT_KEY: r.text}, ensure_ascii=False) for r in ragged
            ),
        }
    )


def quarantine_by_rule(con: duckdb.DuckDBPyConnection, import_id: int) -> dict[str, int]:
    """Quarantined lines of one import per rule."""
    by_rule = con.execute(*quarantine_by_rule_sql(import_id)).fetchall()
    return {rule: int(n) for rule, n in by_rule}


def quarantined_lines(con: duckdb.DuckDBPyConnection, import_id: int) -> int:
    """The number of distinct lines one import quarantined."""
    return int(con.execute(*quarantined_lines_sql(import_id)).fetchall()[0][0])


def count_lines(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    """The number of distinct lines in an internal relation (e.g. a table of problems)."""
    return int(con.execute(*count_lines_sql(relation, LINE_COLUMN)).fetchall()[0][0])


def quarantine_entries(
    con: duckdb.DuckDBPyConnection, import_id: int | None = None, *, include_resolved: bool = False
) -> tuple[list[str], list[tuple]]:
    """The open quarantine of one import, or of every import: (headers, rows), one row per problem, in file order.

    Columns: import_id, line, column_name, rule, value, message, record (the row as read,
    JSON), default_source (the source the row takes when it names none: what a download
    writes in its ``source`` column, so that the corrected row comes back under the same
    source) and resolved_by (the import that answered it; NULL while open, the only rows
    unless ``include_resolved``).
    """
    cursor = con.execute(
        *sql.quarantine_rows(import_id, include_resolved=include_resolved, profile_sources=PROFILE_SOURCES)
    )
    return [d[0] for d in cursor.description], cursor.fetchall()


def resolve_quarantine(con: duckdb.DuckDBPyConnection, import_id: int, cells: str | None = None) -> int:
    """Close the open quarantine entries of earlier imports that import ``import_id`` answers; return their lines.

    Call it in the import's transaction, once its cases, its quarantine and its record are
    written. An entry is answered, and its ``resolved_by`` set to ``import_id``, when this
    import (with the imports after it: an HTCDS pair is two) holds

    - a row of the same (source, id), written as a case or quarantined again (the newer
      entry is then the open one: a row still wrong is counted open once);
    - the very same row (source and record), quarantined again: a row without an id;
    - in the staged file ``cells``, a quarantine download's row naming the entry's import
      and line (:data:`~turquesa_geo.columns.QUARANTINE_IMPORT_COLUMN`,
      :data:`~turquesa_geo.columns.QUARANTINE_LINE_COLUMN`): a corrected row, id or not.
    """
    if not con.execute(*open_quarantine_count_sql(import_id)).fetchall()[0][0]:
        return 0
    con.execute(*resolve_by_key_sql(import_id, PROFILE_SOURCES))
    con.execute(*resolve_by_record_sql(import_id, PROFILE_SOURCES))
    if cells is not None and _names_quarantine_entries(con, cells):
        con.execute(*resolve_by_line_sql(import_id, cells))
    return int(con.execute(*resolved_lines_sql(import_id)).fetchall()[0][0])


def _names_quarantine_entries(con: duckdb.DuckDBPyConnection, cells: str) -> bool:
    """Whether the staged file has a download's import and line columns."""
    columns = {d[0] for d in con.execute(*relation_columns_sql(cells)).description}
    return {C.QUARANTINE_IMPORT_COLUMN, C.QUARANTINE_LINE_COLUMN} <= columns
