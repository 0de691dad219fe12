"""SQL of the import ledger: import ids, the import record, the quarantine, its counts and its resolution.

Every builder returns ``(sql, params)`` with DuckDB ``$name`` parameters in a dict.
"""

from __future__ import annotations

from collections.abc import Mapping

from turquesa_geo import columns as C
from turquesa_geo.store.queries import plain_ident, quote_ident
from turquesa_geo.store.queries.base import Params
from turquesa_geo.store.queries.ingest_htcds import CASE_ID
from turquesa_geo.store.queries.inventory import default_source_sql

__all__ = [
    "IMPORT_COLUMNS",
    "QUARANTINE_COLUMNS",
    "RAGGED_TEXT_KEY",
    "RECORD_ID_KEYS",
    "count_lines_sql",
    "import_origin_sql",
    "insert_quarantine_sql",
    "next_import_id_sql",
    "open_quarantine_count_sql",
    "previous_import_sql",
    "quarantine_by_rule_sql",
    "quarantined_lines_sql",
    "record_id_sql",
    "record_import_sql",
    "record_source_sql",
    "relation_columns_sql",
    "resolve_by_key_sql",
    "resolve_by_line_sql",
    "resolve_by_record_sql",
    "resolved_lines_sql",
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
    "rows_flagged",
    "rows_merged",
    "probable_duplicates",
    "dropped_columns",
    "ignored_columns",
    "started",
    "finished",
)

#: Columns of ``quarantine`` after the import id, as an Arrow table of problems has them.
QUARANTINE_COLUMNS: tuple[str, ...] = ("line", "column_name", "rule", "value", "message", "record")

#: Key of a ragged row's quarantine record holding the line's text (the row could not be split into fields).
RAGGED_TEXT_KEY = "raw"

#: Keys of a quarantine record that hold its row's id: the flat format's, then an HTCDS file's case id.
RECORD_ID_KEYS: tuple[str, ...] = (C.INCIDENT_ID, CASE_ID)

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
    >>> sql.endswith("$started, $finished, $status)"), params["status"], sorted(params) == sorted(IMPORT_COLUMNS + ("status",))
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


# --- the import a quarantined row came from, and the rows that resolve it --------------


def record_source_sql(p: Params, quarantine: str, imports: str, profile_sources: Mapping[str, str]) -> str:
    """SQL of a quarantined row's source: its record's ``source``, else its import's default source.

    >>> record_source_sql(Params(), "q", "i", {})
    "coalesce(nullif(trim(q.record->>$source_key), ''), coalesce(i.source, regexp_replace(i.file_name, $suffix, $kept)))"
    """
    record = f"nullif(trim({plain_ident(quarantine)}.record->>{p.bind('source_key', C.SOURCE)}), '')"
    return f"coalesce({record}, {default_source_sql(p, imports, profile_sources)})"


def record_id_sql(p: Params, quarantine: str) -> str:
    """SQL of a quarantined row's id: the first of :data:`RECORD_ID_KEYS` its record holds (NULL if none).

    >>> record_id_sql(Params(), "q")
    "coalesce(nullif(trim(q.record->>$id_key_1), ''), nullif(trim(q.record->>$id_key_2), ''))"
    """
    alias = plain_ident(quarantine)
    keys = [
        f"nullif(trim({alias}.record->>{p.bind(f'id_key_{n}', key)}), '')" for n, key in enumerate(RECORD_ID_KEYS, 1)
    ]
    return f"coalesce({', '.join(keys)})"


def open_quarantine_count_sql(import_id: int) -> Query:
    """Query of the number of open quarantine entries (not resolved) of the imports before ``import_id``.

    >>> open_quarantine_count_sql(5)
    ('SELECT count(*) FROM quarantine WHERE resolved_by IS NULL AND import_id < $import_id', {'import_id': 5})
    """
    return (
        "SELECT count(*) FROM quarantine WHERE resolved_by IS NULL AND import_id < $import_id",
        {"import_id": import_id},
    )


def resolve_by_key_sql(import_id: int, profile_sources: Mapping[str, str]) -> Query:
    """Statement closing the open quarantine entries of earlier imports whose row came back in ``import_id``.

    A row comes back when the import (or the imports after it: an HTCDS pair is two)
    holds a row of the same (source, id): as a case it wrote, or quarantined again (the
    newer entry is then the open one). Rows without an id are never matched by key.

    >>> sql, params = resolve_by_key_sql(4, {})
    >>> sql.startswith("UPDATE quarantine SET resolved_by = $import_id WHERE resolved_by IS NULL AND import_id < $import_id")
    True
    >>> params["import_id"], params["id_key_1"], params["id_key_2"], params["source_key"]
    (4, 'incident_id', 'case_id', 'source')
    """
    p = Params(import_id=import_id)
    earlier = (
        f"SELECT q.import_id, q.line, {record_source_sql(p, 'q', 'i', profile_sources)} AS src, "
        f"{record_id_sql(p, 'q')} AS id FROM quarantine q JOIN imports i USING (import_id) "
        "WHERE q.resolved_by IS NULL AND q.import_id < $import_id"
    )
    returned = (
        "SELECT source AS src, incident_id AS id FROM cases WHERE import_id >= $import_id "
        f"UNION SELECT {record_source_sql(p, 'n', 'j', profile_sources)}, {record_id_sql(p, 'n')} "
        "FROM quarantine n JOIN imports j USING (import_id) WHERE n.import_id >= $import_id"
    )
    sql = (
        "UPDATE quarantine SET resolved_by = $import_id WHERE resolved_by IS NULL AND import_id < $import_id "
        f"AND (import_id, line) IN (SELECT o.import_id, o.line FROM ({earlier}) o JOIN ({returned}) r USING (src, id))"
    )
    return sql, dict(p)


def resolve_by_record_sql(import_id: int, profile_sources: Mapping[str, str]) -> Query:
    """Statement closing the open entries of earlier imports whose very row ``import_id`` quarantined again.

    The same row is the same record (the row's columns and cells, as read) from the same
    source: how a row without an id is known when a whole file comes back.

    >>> sql, params = resolve_by_record_sql(4, {})
    >>> sql.endswith("FROM quarantine n JOIN imports j USING (import_id) WHERE n.import_id >= $import_id) r USING (src, record))")
    True
    """
    p = Params(import_id=import_id)
    earlier = (
        f"SELECT q.import_id, q.line, {record_source_sql(p, 'q', 'i', profile_sources)} AS src, q.record "
        "FROM quarantine q JOIN imports i USING (import_id) WHERE q.resolved_by IS NULL AND q.import_id < $import_id"
    )
    again = (
        f"SELECT DISTINCT {record_source_sql(p, 'n', 'j', profile_sources)} AS src, n.record "
        "FROM quarantine n JOIN imports j USING (import_id) WHERE n.import_id >= $import_id"
    )
    sql = (
        "UPDATE quarantine SET resolved_by = $import_id WHERE resolved_by IS NULL AND import_id < $import_id "
        f"AND (import_id, line) IN (SELECT o.import_id, o.line FROM ({earlier}) o JOIN ({again}) r USING (src, record))"
    )
    return sql, dict(p)


def resolve_by_line_sql(import_id: int, cells: str) -> Query:
    """Statement closing the open entries a quarantine download's rows name in ``cells``.

    A download carries the import and line each row was quarantined from
    (:data:`~turquesa_geo.columns.QUARANTINE_IMPORT_COLUMN`, :data:`~turquesa_geo.columns.QUARANTINE_LINE_COLUMN`):
    the row answers that entry, accepted now or quarantined again, even when it had no id.

    >>> sql, params = resolve_by_line_sql(4, "stage_cells")
    >>> sql.endswith('try_cast(trim("quarantine_line") AS BIGINT) FROM stage_cells WHERE "quarantine_line" IS NOT NULL)')
    True
    """
    p = Params(import_id=import_id)
    from_import, from_line = quote_ident(C.QUARANTINE_IMPORT_COLUMN), quote_ident(C.QUARANTINE_LINE_COLUMN)
    named = (
        f"SELECT try_cast(trim({from_import}) AS BIGINT), try_cast(trim({from_line}) AS BIGINT) "
        f"FROM {plain_ident(cells)} WHERE {from_line} IS NOT NULL"
    )
    sql = (
        "UPDATE quarantine SET resolved_by = $import_id WHERE resolved_by IS NULL AND import_id < $import_id "
        f"AND (import_id, line) IN ({named})"
    )
    return sql, dict(p)


def relation_columns_sql(relation: str) -> Query:
    """Query of no rows of an internal relation: its cursor's description names the relation's columns.

    >>> relation_columns_sql("stage_cells")
    ('SELECT * FROM stage_cells LIMIT 0', {})
    """
    return f"SELECT * FROM {plain_ident(relation)} LIMIT 0", {}


def resolved_lines_sql(import_id: int) -> Query:
    """Query of the number of quarantined lines of earlier imports that import ``import_id`` resolved.

    >>> resolved_lines_sql(4)
    ('SELECT count(DISTINCT (import_id, line)) FROM quarantine WHERE resolved_by = $import_id', {'import_id': 4})
    """
    return (
        "SELECT count(DISTINCT (import_id, line)) FROM quarantine WHERE resolved_by = $import_id",
        {"import_id": import_id},
    )
