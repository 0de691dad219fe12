"""SQL of the import ledger: import ids, the import record, the quarantine and its counts.

Every builder returns ``(sql, params)`` with DuckDB ``$name`` parameters in a dict.
"""

from __future__ import annotations

from turquesa_geo.store.queries import plain_ident

__all__ = [
    "IMPORT_COLUMNS",
    "QUARANTINE_COLUMNS",
    "count_lines_sql",
    "import_origin_sql",
    "insert_quarantine_sql",
    "next_import_id_sql",
    "previous_import_sql",
    "quarantine_by_rule_sql",
    "quarantined_lines_sql",
    "record_import_sql",
]

#: Columns of ``imports`` an import records, in table order; the status is always ``done``.
IMPORT_COLUMNS: tuple[str, ...] = (
    "import_id",
    "file_name",
    "sha256",
    "profile",
    "source",
    "rows_read",
    "rows_accepted",
    "rows_quarantined",
    "rows_inserted",
    "rows_updated",
    "rows_unchanged",
    "dropped_columns",
    "ignored_columns",
    "started",
    "finished",
    "probable_duplicates",
)

#: Columns of ``quarantine`` after the import id, as an Arrow table of problems has them.
QUARANTINE_COLUMNS: tuple[str, ...] = ("line", "column_name", "rule", "value", "message", "record")

Query = tuple[str, dict[str, object]]

#: The status of a finished import (the only one recorded: a failed import rolls back).
DONE = "done"


def previous_import_sql(sha256: str) -> Query:
    """Query of the first finished import of the bytes with digest ``sha256`` (NULL when none).

    >>> previous_import_sql("ab12")
    ('SELECT min(import_id) FROM imports WHERE sha256 = $sha256 AND status = $done', {'sha256': 'ab12', 'done': 'done'})
    """
    return "SELECT min(import_id) FROM imports WHERE sha256 = $sha256 AND status = $done", {
        "sha256": sha256,
        "done": DONE,
    }


def import_origin_sql(import_id: int) -> Query:
    """Query of (source, profile) of one recorded import.

    >>> import_origin_sql(3)
    ('SELECT source, profile FROM imports WHERE import_id = $import_id', {'import_id': 3})
    """
    return "SELECT source, profile FROM imports WHERE import_id = $import_id", {"import_id": import_id}


def next_import_id_sql() -> Query:
    """Query of the id the next import takes: one more than the largest recorded.

    >>> next_import_id_sql()
    ('SELECT coalesce(max(import_id), 0) + 1 FROM imports', {})
    """
    return "SELECT coalesce(max(import_id), 0) + 1 FROM imports", {}


def record_import_sql(values: dict[str, object]) -> Query:
    """Statement recording a finished import; ``values`` has exactly the keys of :data:`IMPORT_COLUMNS`.

    >>> sql, params = record_import_sql(dict.fromkeys(IMPORT_COLUMNS, 0))
    >>> sql[:64]
    'INSERT INTO imports (import_id, file_name, sha256, profile, sour'
    >>> sql.endswith("$finished, $probable_duplicates, $status)"), params["status"], sorted(params) == sorted(IMPORT_COLUMNS + ("status",))
    (True, 'done', True)
    """
    if set(values) != set(IMPORT_COLUMNS):
        raise ValueError(f"import record keys {sorted(values)} are not {list(IMPORT_COLUMNS)}")
    columns = ", ".join(IMPORT_COLUMNS)
    placeholders = ", ".join(f"${c}" for c in IMPORT_COLUMNS)
    sql = f"INSERT INTO imports ({columns}, status) VALUES ({placeholders}, $status)"
    return sql, {**{c: values[c] for c in IMPORT_COLUMNS}, "status": DONE}


def insert_quarantine_sql(relation: str, import_id: int) -> Query:
    """Statement quarantining the rows of ``relation`` (columns :data:`QUARANTINE_COLUMNS`) for an import.

    >>> insert_quarantine_sql("_quarantined", 4)[0]
    'INSERT INTO quarantine (import_id, line, column_name, rule, value, message, record) SELECT $import_id, line, column_name, rule, value, message, record FROM _quarantined'
    """
    columns = ", ".join(QUARANTINE_COLUMNS)
    sql = f"INSERT INTO quarantine (import_id, {columns}) SELECT $import_id, {columns} FROM {plain_ident(relation)}"
    return sql, {"import_id": import_id}


def quarantine_by_rule_sql(import_id: int) -> Query:
    """Query of (rule, quarantined lines) of one import, by rule.

    >>> quarantine_by_rule_sql(2)[1]
    {'import_id': 2}
    """
    return (
        "SELECT rule, count(DISTINCT line) FROM quarantine WHERE import_id = $import_id GROUP BY rule ORDER BY rule",
        {"import_id": import_id},
    )


def quarantined_lines_sql(import_id: int) -> Query:
    """Query of the number of distinct lines one import quarantined.

    >>> quarantined_lines_sql(2)
    ('SELECT count(DISTINCT line) FROM quarantine WHERE import_id = $import_id', {'import_id': 2})
    """
    return "SELECT count(DISTINCT line) FROM quarantine WHERE import_id = $import_id", {"import_id": import_id}


def count_lines_sql(relation: str, line_column: str = "_line") -> Query:
    """Query of the number of distinct lines in an internal relation (e.g. ``errs``).

    >>> count_lines_sql("errs")
    ('SELECT count(DISTINCT _line) FROM errs', {})
    >>> count_lines_sql("errs; DROP TABLE cases")
    Traceback (most recent call last):
    ValueError: internal identifier 'errs; DROP TABLE cases' is not plain snake_case ([a-z_][a-z0-9_]*)
    """
    return f"SELECT count(DISTINCT {plain_ident(line_column)}) FROM {plain_ident(relation)}", {}
