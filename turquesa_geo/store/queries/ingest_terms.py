"""SQL of the analyst's term map: the mappings of raw terms the vocabularies do not know, and their
application to the stored cases (the term map of the importers, ingest/terms.py).

Every builder returns ``(sql, params)`` with DuckDB ``$name`` parameters in a dict. Applying or
undoing a mapping works on temp table ``term_rows`` (the case_unmapped or case_mapped rows of one
term), ``term_had`` (the cases that already held the code), ``term_months`` (the months whose
rollups are rebuilt once at the end, for country terms: they are keys of both rollups) and, for a
modus-operandi term, ``term_before`` and ``term_delta``: the cases' codes of the dimension before the
change and the change of ``rollup_modus`` they make, applied in place (such a term changes no key of
``rollup_routes``: its cases report the dimension before and after).
"""

from __future__ import annotations

from collections.abc import Sequence

from turquesa_geo.store.queries.base import MONTH, Params, Query, quote_ident
from turquesa_geo.store.queries.rollups import MODUS_ROLLUP_KEYS

__all__ = [
    "TERM_ROWS_FROM",
    "add_code_sql",
    "apply_modus_delta_sql",
    "clear_term_months_sql",
    "delete_mapping_sql",
    "drop_unmapped_codes_sql",
    "forget_mapped_sql",
    "forget_unmapped_sql",
    "had_code_sql",
    "insert_mapping_sql",
    "lift_flags_sql",
    "log_term_sql",
    "mapped_terms_sql",
    "mapping_sql",
    "modus_before_sql",
    "modus_delta_sql",
    "note_months_sql",
    "number_transit_sql",
    "record_mapped_sql",
    "remove_added_code_sql",
    "restore_flags_sql",
    "restore_unmapped_codes_sql",
    "restore_unmapped_sql",
    "set_column_sql",
    "stored_terms_sql",
    "term_map_sql",
    "term_months_count_sql",
    "term_months_table_sql",
    "term_rows_cases_sql",
    "term_rows_sql",
    "term_rows_texts_sql",
    "transfer_added_sql",
    "transit_sql",
    "unmapped_terms_sql",
]

#: The tables :func:`term_rows_sql` copies a term's rows from: unmapped (to map) or mapped (to undo).
TERM_ROWS_FROM = ("case_unmapped", "case_mapped")

_UNMAPPED_COLUMNS = "case_uid, field, column_name, text, term_key, position"


def mapped_terms_sql() -> Query:
    """Query of (field, term key, code) of every mapping in ``term_map``.

    >>> mapped_terms_sql()
    ('SELECT field, term_key, code FROM term_map ORDER BY field, term_key', {})
    """
    return "SELECT field, term_key, code FROM term_map ORDER BY field, term_key", {}


def mapping_sql(field: str, key: str) -> Query:
    """Query of the code and text of one mapping (no row when the term is not mapped).

    >>> mapping_sql("country", "atlantis")[1]
    {'field': 'country', 'key': 'atlantis'}
    """
    return "SELECT code, text FROM term_map WHERE field = $field AND term_key = $key", {"field": field, "key": key}


def unmapped_terms_sql(field: str | None = None) -> Query:
    """Query of the stored unmapped terms, one row per (field, term key): a text as read (the first in
    sort order), the cases holding it and the file columns it came from; most cases first.

    >>> unmapped_terms_sql("country")[1]
    {'sep': ', ', 'field': 'country'}
    """
    params = Params()
    sep = params.bind("sep", ", ")
    where = f"WHERE field = {params.bind('field', field)} " if field is not None else ""
    return (
        "SELECT field, min(text) AS text, term_key, count(DISTINCT case_uid) AS cases, "
        f"string_agg(DISTINCT column_name, {sep} ORDER BY column_name) AS columns FROM case_unmapped {where}"
        "GROUP BY field, term_key ORDER BY cases DESC, field, term_key",
        dict(params),
    )


def term_map_sql() -> Query:
    """Query of every mapping, with the stored cases it resolves now.

    >>> term_map_sql()[0].startswith("SELECT m.field, m.text, m.term_key, m.code")
    True
    """
    return (
        "SELECT m.field, m.text, m.term_key, m.code, coalesce(r.cases, 0) AS cases, m.mapped_by, m.mapped_at "
        "FROM term_map m LEFT JOIN (SELECT field, term_key, count(DISTINCT case_uid) AS cases FROM case_mapped "
        "GROUP BY field, term_key) r ON r.field = m.field AND r.term_key = m.term_key ORDER BY m.field, m.term_key",
        {},
    )


def stored_terms_sql() -> Query:
    """Query of the mappings that have stored unmapped rows to resolve: (field, term key, code, text)."""
    return (
        "SELECT DISTINCT m.field, m.term_key, m.code, m.text FROM term_map m JOIN case_unmapped u "
        "ON u.field = m.field AND u.term_key = m.term_key ORDER BY m.field, m.term_key",
        {},
    )


def delete_mapping_sql(field: str, key: str) -> Query:
    """Statement removing one mapping from ``term_map``."""
    return "DELETE FROM term_map WHERE field = $field AND term_key = $key", {"field": field, "key": key}


def insert_mapping_sql(field: str, key: str, text: str, code: str, user: str | None) -> Query:
    """Statement adding one mapping to ``term_map``, dated now."""
    return (
        "INSERT INTO term_map (field, term_key, text, code, mapped_by, mapped_at) "
        "VALUES ($field, $key, $text, $code, $user, CAST(current_timestamp AS TIMESTAMP))",
        {"field": field, "key": key, "text": text, "code": code, "user": user},
    )


def log_term_sql(user: str | None, action: str, field: str, key: str, code: str | None, cases: int) -> Query:
    """Statement writing one change of the term map to ``term_map_log``."""
    return (
        "INSERT INTO term_map_log (logged_at, user_name, action, field, term_key, code, cases) "
        "VALUES (CAST(current_timestamp AS TIMESTAMP), $user, $action, $field, $key, $code, $cases)",
        {"user": user, "action": action, "field": field, "key": key, "code": code, "cases": cases},
    )


# --- the months touched ----------------------------------------------------------------


def term_months_table_sql() -> Query:
    """Statement of temp table ``term_months`` (month DATE): the months whose rollups a change rebuilds."""
    return "CREATE TEMP TABLE IF NOT EXISTS term_months (month DATE)", {}


def clear_term_months_sql() -> Query:
    """Statement emptying ``term_months`` (a change starts with no month touched)."""
    return "DELETE FROM term_months", {}


def note_months_sql(unflagged_only: bool = False) -> Query:
    """Statement adding the months of the cases of ``term_rows`` to ``term_months``; with ``unflagged_only``,
    of those of them that have no flag (a case whose last flag goes, or whose first comes back, changes
    the rollups' ``flagged`` key).

    >>> note_months_sql(True)[0].endswith("AND c.case_uid NOT IN (SELECT case_uid FROM case_flags)")
    True
    """
    unflagged = " AND c.case_uid NOT IN (SELECT case_uid FROM case_flags)" if unflagged_only else ""
    return (
        f"INSERT INTO term_months (month) SELECT DISTINCT {MONTH} FROM cases c "
        f"WHERE c.case_uid IN (SELECT case_uid FROM term_rows){unflagged}",
        {},
    )


def term_months_count_sql() -> Query:
    """Query of the number of months in ``term_months``."""
    return "SELECT count(*) FROM term_months", {}


# --- one term's rows ------------------------------------------------------------------


def term_rows_sql(source: str, field: str, key: str, columns: Sequence[str] | None = None) -> Query:
    """Statement of temp table ``term_rows``: the rows of ``source`` (case_unmapped to map, case_mapped to
    undo) of one term, limited to the file ``columns`` the term map re-resolves (None: every column).

    >>> term_rows_sql("case_unmapped", "country", "atlantis", ["origin"])[1]
    {'field': 'country', 'key': 'atlantis', 'column_1': 'origin'}
    """
    if source not in TERM_ROWS_FROM:
        raise ValueError(f"source {source!r} is not one of {', '.join(TERM_ROWS_FROM)}")
    params = Params(field=field, key=key)
    restrict = f" AND {params.is_in('column_name', 'column', columns)}" if columns is not None else ""
    mapped = ", code, added, message" if source == "case_mapped" else ""
    return (
        f"CREATE OR REPLACE TEMP TABLE term_rows AS SELECT {_UNMAPPED_COLUMNS}{mapped} FROM {source} "
        f"WHERE field = $field AND term_key = $key{restrict}",
        dict(params),
    )


def term_rows_cases_sql() -> Query:
    """Query of the number of distinct cases in ``term_rows``."""
    return "SELECT count(DISTINCT case_uid) FROM term_rows", {}


def term_rows_texts_sql() -> Query:
    """Query of the distinct (file column, text as read) pairs of ``term_rows``."""
    return "SELECT DISTINCT column_name, text FROM term_rows ORDER BY column_name, text", {}


def forget_unmapped_sql(field: str, key: str, columns: Sequence[str] | None = None) -> Query:
    """Statement deleting from case_unmapped the rows :func:`term_rows_sql` copied (same term, same columns)."""
    params = Params(field=field, key=key)
    restrict = f" AND {params.is_in('column_name', 'column', columns)}" if columns is not None else ""
    return f"DELETE FROM case_unmapped WHERE field = $field AND term_key = $key{restrict}", dict(params)


def forget_mapped_sql(field: str, key: str) -> Query:
    """Statement deleting one term's rows from case_mapped."""
    return "DELETE FROM case_mapped WHERE field = $field AND term_key = $key", {"field": field, "key": key}


def record_mapped_sql(code: str, rule: str) -> Query:
    """Statement copying ``term_rows`` into case_mapped with the ``code`` given, whether the case got it
    from the mapping (not in ``term_had``), and the message of the ``rule`` flag the mapping lifts.
    Run before :func:`lift_flags_sql`."""
    return (
        f"INSERT INTO case_mapped ({_UNMAPPED_COLUMNS}, code, added, message) SELECT r.case_uid, r.field, "
        "r.column_name, r.text, r.term_key, r.position, $code, r.case_uid NOT IN (SELECT case_uid FROM term_had), "
        "f.message FROM term_rows r LEFT JOIN (SELECT case_uid, column_name, value, min(message) AS message "
        "FROM case_flags WHERE rule = $rule AND case_uid IN (SELECT case_uid FROM term_rows) "
        "GROUP BY case_uid, column_name, value) f "
        "ON f.case_uid = r.case_uid AND f.column_name = r.column_name AND f.value = r.text",
        {"code": code, "rule": rule},
    )


def restore_unmapped_sql() -> Query:
    """Statement copying ``term_rows`` (case_mapped rows) back into case_unmapped."""
    return (
        f"INSERT INTO case_unmapped ({_UNMAPPED_COLUMNS}) SELECT {_UNMAPPED_COLUMNS} FROM term_rows",
        {},
    )


# --- flags ------------------------------------------------------------------------------


def lift_flags_sql(rule: str) -> Query:
    """Statement deleting the ``rule`` flags of the terms of ``term_rows`` (same case, column and text)."""
    return (
        "DELETE FROM case_flags USING term_rows r WHERE case_flags.rule = $rule AND case_flags.case_uid = r.case_uid "
        "AND case_flags.column_name = r.column_name AND case_flags.value = r.text",
        {"rule": rule},
    )


def restore_flags_sql(rule: str, columns: Sequence[str], texts: Sequence[str], messages: Sequence[str]) -> Query:
    """Statement flagging again the terms of ``term_rows`` (case_mapped rows) under ``rule``: with the
    message of the flag the mapping lifted, else the message given for the (column, text) pair."""
    return (
        "INSERT INTO case_flags (case_uid, rule, column_name, value, message) SELECT r.case_uid, $rule, "
        "r.column_name, r.text, coalesce(r.message, m.message) FROM term_rows r LEFT JOIN (SELECT "
        "unnest($columns) AS column_name, unnest($texts) AS text, unnest($messages) AS message) m "
        "ON m.column_name = r.column_name AND m.text = r.text",
        {"rule": rule, "columns": list(columns), "texts": list(texts), "messages": list(messages)},
    )


# --- modus-operandi attributes ----------------------------------------------------------


def had_code_sql(dimension: str, code: str | None) -> Query:
    """Statement of temp table ``term_had``: the cases of ``term_rows`` that hold ``code`` in ``dimension``
    already (None: no case, for a term that is not an attribute)."""
    if code is None:
        return "CREATE OR REPLACE TEMP TABLE term_had AS SELECT case_uid FROM term_rows WHERE case_uid IS NULL", {}
    return (
        "CREATE OR REPLACE TEMP TABLE term_had AS SELECT DISTINCT case_uid FROM case_attributes "
        "WHERE dimension = $dimension AND code = $code AND case_uid IN (SELECT case_uid FROM term_rows)",
        {"dimension": dimension, "code": code},
    )


def drop_unmapped_codes_sql(dimension: str, codes: Sequence[str]) -> Query:
    """Statement deleting the unmapped ``codes`` (``?text``) of ``dimension`` from the cases of ``term_rows``."""
    params = Params(dimension=dimension)
    return (
        f"DELETE FROM case_attributes WHERE dimension = $dimension AND {params.is_in('code', 'code', codes)} "
        "AND case_uid IN (SELECT case_uid FROM term_rows)",
        dict(params),
    )


def add_code_sql(dimension: str, code: str) -> Query:
    """Statement giving ``code`` in ``dimension`` to the cases of ``term_rows`` not in ``term_had`` (once each)."""
    return (
        "INSERT INTO case_attributes (case_uid, dimension, code) SELECT DISTINCT case_uid, $dimension, $code "
        "FROM term_rows WHERE case_uid NOT IN (SELECT case_uid FROM term_had)",
        {"dimension": dimension, "code": code},
    )


def restore_unmapped_codes_sql(dimension: str, texts: Sequence[str], codes: Sequence[str]) -> Query:
    """Statement giving the cases of ``term_rows`` back the unmapped code of each text (``texts[i]`` is kept
    as ``codes[i]``), once each."""
    return (
        "INSERT INTO case_attributes (case_uid, dimension, code) SELECT DISTINCT r.case_uid, $dimension, u.code "
        "FROM term_rows r JOIN (SELECT unnest($texts) AS text, unnest($codes) AS code) u ON u.text = r.text "
        "WHERE NOT EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = r.case_uid "
        "AND a.dimension = $dimension AND a.code = u.code)",
        {"dimension": dimension, "texts": list(texts), "codes": list(codes)},
    )


#: Cases of ``term_rows`` that got ``$code`` from the mapping, and no other mapped term of theirs gives it.
_OWED = (
    "SELECT case_uid FROM term_rows GROUP BY case_uid HAVING bool_or(added) EXCEPT SELECT case_uid "
    "FROM case_mapped WHERE field = $field AND term_key <> $key AND code = $code"
)


def remove_added_code_sql(field: str, key: str, code: str) -> Query:
    """Statement taking ``code`` back from the cases of ``term_rows`` that got it from the mapping of
    (``field``, ``key``), unless another mapped term of the case gives it too."""
    return (
        f"DELETE FROM case_attributes WHERE dimension = $field AND code = $code AND case_uid IN ({_OWED})",
        {"field": field, "key": key, "code": code},
    )


def transfer_added_sql(field: str, key: str, code: str) -> Query:
    """Statement passing ``code`` on to the other mapped terms of a case that keep it when the mapping of
    (``field``, ``key``) that gave it is undone (their ``added`` becomes true). Run after
    :func:`remove_added_code_sql`."""
    return (
        "UPDATE case_mapped SET added = true WHERE field = $field AND term_key <> $key AND code = $code "
        "AND case_uid IN (SELECT case_uid FROM term_rows GROUP BY case_uid HAVING bool_or(added))",
        {"field": field, "key": key, "code": code},
    )


# --- case columns ------------------------------------------------------------------------


def set_column_sql(column: str, code: str | None, allowed: Sequence[str]) -> Query:
    """Statement setting ``cases.column`` to ``code`` for the cases of ``term_rows`` read from that column
    (``code`` None: back to NULL, where it holds the code the mapping gave, ``term_rows.code``).

    ``column`` must be one of ``allowed`` (the coded columns of ``cases``).

    >>> set_column_sql("origin", "PAN", ["origin"])
    ('UPDATE cases SET "origin" = $code WHERE case_uid IN (SELECT case_uid FROM term_rows WHERE column_name = $column)', {'code': 'PAN', 'column': 'origin'})
    """
    if column not in allowed:
        raise ValueError(f"column {column!r} is not one of {', '.join(allowed)}")
    target = quote_ident(column)
    if code is None:
        return (
            f"UPDATE cases SET {target} = NULL FROM (SELECT DISTINCT case_uid, code FROM term_rows "
            f"WHERE column_name = $column) r WHERE cases.case_uid = r.case_uid AND cases.{target} = r.code",
            {"column": column},
        )
    return (
        f"UPDATE cases SET {target} = $code WHERE case_uid IN "
        "(SELECT case_uid FROM term_rows WHERE column_name = $column)",
        {"code": code, "column": column},
    )


def number_transit_sql(field: str, column: str, key: str) -> Query:
    """Statement giving a place to the unmapped transit countries stored without one, in the cases that
    hold the term ``key``: after the known countries of the case's transit and its unknown countries that
    have a place, in the order stored."""
    return (
        "UPDATE case_unmapped SET position = n.position FROM (SELECT u.rowid AS rid, "
        "CAST(coalesce(len(string_split(nullif(c.transit, ''), '>')), 0) + (SELECT count(*) FROM case_unmapped p "
        "WHERE p.case_uid = u.case_uid AND p.field = $field AND p.column_name = $column AND p.position IS NOT NULL) "
        "+ row_number() OVER (PARTITION BY u.case_uid ORDER BY u.rowid) AS SMALLINT) AS position "
        "FROM case_unmapped u JOIN cases c ON c.case_uid = u.case_uid "
        "WHERE u.field = $field AND u.column_name = $column AND u.position IS NULL AND u.case_uid IN "
        "(SELECT case_uid FROM case_unmapped WHERE field = $field AND term_key = $key)) n "
        "WHERE case_unmapped.rowid = n.rid",
        {"field": field, "column": column, "key": key},
    )


def transit_sql(field: str, column: str, code: str | None) -> Query:
    """Statement rebuilding ``cases.transit`` of the cases of ``term_rows`` read from the transit ``column``.

    The transit as read had len(parts) + len(unresolved) parts: the known countries stored in
    ``cases.transit``, in order, at the places not held by an unresolved country (case_unmapped
    positions). With ``code``, the places of ``term_rows`` take that code (map; run before their
    case_unmapped rows are deleted); without, the countries at the places of ``term_rows`` leave the
    transit (undo; run after they are back in case_unmapped is wrong: run before). NULL when none is left.
    """
    params = Params(field=field, column=column)
    places = "range(1, len(t.parts) + len(t.unresolved) + 1)"
    known = f"list_filter({places}, lambda q: NOT list_contains(t.unresolved, q))"
    stored = f"t.parts[list_position({known}, p)]"
    if code is None:
        pick = f"CASE WHEN list_contains(t.unresolved, p) OR list_contains(t.moved, p) THEN NULL ELSE {stored} END"
    else:
        pick = (
            f"CASE WHEN list_contains(t.moved, p) THEN {params.bind('code', code)} "
            f"WHEN list_contains(t.unresolved, p) THEN NULL ELSE {stored} END"
        )
    rebuilt = f"nullif(array_to_string(list_filter(list_transform({places}, lambda p: {pick}), lambda x: x IS NOT NULL), '>'), '')"
    return (
        f"UPDATE cases SET transit = n.transit FROM (SELECT t.case_uid, {rebuilt} AS transit FROM (SELECT c.case_uid, "
        "coalesce(string_split(nullif(c.transit, ''), '>'), CAST([] AS VARCHAR[])) AS parts, "
        "coalesce((SELECT list(u.position) FROM case_unmapped u WHERE u.case_uid = c.case_uid AND u.field = $field "
        "AND u.column_name = $column), CAST([] AS SMALLINT[])) AS unresolved, "
        "coalesce((SELECT list(r.position) FROM term_rows r WHERE r.case_uid = c.case_uid "
        "AND r.column_name = $column), CAST([] AS SMALLINT[])) AS moved "
        "FROM cases c WHERE c.case_uid IN (SELECT case_uid FROM term_rows WHERE column_name = $column)) t) n "
        "WHERE cases.case_uid = n.case_uid",
        dict(params),
    )


# --- the modus rollup, changed in place ----------------------------------------------------

_MODUS_KEYS = ", ".join(f"c.{k}" for k in MODUS_ROLLUP_KEYS)
#: Whether a case of ``c`` has a flag: the rollups' ``flagged`` key, as the refresh computes it.
_FLAGGED = "c.case_uid IN (SELECT case_uid FROM case_flags)"
_SAME_GROUP = " AND ".join(
    ["r.month = d.month", "r.dimension = $dimension", "r.code = d.code", "r.flagged = d.flagged"]
    + [f"r.{k} IS NOT DISTINCT FROM d.{k}" for k in MODUS_ROLLUP_KEYS]
)


def modus_before_sql(dimension: str) -> Query:
    """Statement of temp table ``term_before``: the codes of ``dimension`` the cases of ``term_rows`` hold now."""
    return (
        "CREATE OR REPLACE TEMP TABLE term_before AS SELECT case_uid, code FROM case_attributes "
        "WHERE dimension = $dimension AND case_uid IN (SELECT case_uid FROM term_rows)",
        {"dimension": dimension},
    )


def modus_delta_sql(dimension: str) -> Query:
    """Statement of temp table ``term_delta``: per rollup_modus group of ``dimension``, the cases gained or
    lost by the codes of the cases of ``term_rows`` since ``term_before`` (groups that did not change left out).

    A case holds a code at most once, so the rollup's count of a group is its number of (case, code) rows.
    """
    return (
        f"CREATE OR REPLACE TEMP TABLE term_delta AS SELECT {MONTH} AS month, {_MODUS_KEYS}, "
        f"{_FLAGGED} AS flagged, x.code, "
        "CAST(sum(x.n) AS BIGINT) AS n FROM (SELECT case_uid, code, 1 AS n FROM case_attributes "
        "WHERE dimension = $dimension AND case_uid IN (SELECT case_uid FROM term_rows) "
        "UNION ALL SELECT case_uid, code, -1 AS n FROM term_before) x JOIN counted_cases c ON c.case_uid = x.case_uid "
        f"GROUP BY {MONTH}, {_MODUS_KEYS}, {_FLAGGED}, x.code HAVING sum(x.n) <> 0",
        {"dimension": dimension},
    )


def apply_modus_delta_sql(dimension: str) -> list[Query]:
    """Statements adding ``term_delta`` to ``rollup_modus``: groups that exist change their count, new
    groups are added, groups left with no case go."""
    keys = ", ".join(MODUS_ROLLUP_KEYS)
    same = {"dimension": dimension}
    return [
        (f"UPDATE rollup_modus r SET cases = r.cases + d.n FROM term_delta d WHERE {_SAME_GROUP}", same),
        (
            f"INSERT INTO rollup_modus (month, {keys}, flagged, dimension, code, cases) SELECT d.month, "
            f"{', '.join(f'd.{k}' for k in MODUS_ROLLUP_KEYS)}, d.flagged, $dimension, d.code, d.n FROM term_delta d "
            f"WHERE NOT EXISTS (SELECT 1 FROM rollup_modus r WHERE {_SAME_GROUP})",
            same,
        ),
        ("DELETE FROM rollup_modus WHERE dimension = $dimension AND cases = 0", same),
    ]
