"""SQL of the flat importer: lookups, the quarantine rules, the rows to write and the writes.

Every statement builder returns ``(sql, params)`` with DuckDB ``$name`` parameters in a
dict; the few helpers that return a fragment (a select list, a condition) say so. The
staged file is described by a :class:`FlatStage` of plain values.
"""

from __future__ import annotations

from dataclasses import dataclass

from turquesa_geo import columns as C
from turquesa_geo.store.queries import Params, plain_ident
from turquesa_geo.store.queries import quote_ident as q
from turquesa_geo.store.queries.ingest_stage import LINE_COLUMN

__all__ = [
    "BBOX_MARGIN_DEG",
    "CASE_TABLES",
    "LINE_COLUMN",
    "MAX_COUNT",
    "POINT_DROPPED_RULES",
    "TERM_COLUMNS",
    "FlatStage",
    "RowRule",
    "attributes_sql",
    "decimal_separators_sql",
    "delete_replaced_sql",
    "distinct_cells_sql",
    "errors_sql",
    "flagged_lines_sql",
    "flags_sql",
    "insert_cases_sql",
    "max_case_uid_sql",
    "merged_sql",
    "merges_sql",
    "no_point_sql",
    "own_values",
    "parts_sql",
    "persons_sql",
    "quarantine_sql",
    "quarantined_sql",
    "repeats_sql",
    "row_rules",
    "rows_to_write_sql",
    "source_map_sql",
    "suspect_sql",
    "unmapped_rows_sql",
    "unmapped_sql",
    "whole_sql",
    "written_counts_sql",
]

Query = tuple[str, dict[str, object]]

#: Degrees of slack around a country's bounding box before a point counts as outside.
BBOX_MARGIN_DEG = 1.0

#: Columns resolved in a controlled vocabulary: single-valued ones, then multi-valued.
TERM_COLUMNS: tuple[str, ...] = (C.CRIME_TYPE, C.NETWORK, *C.DETAIL_TERM_COLUMNS, *C.MULTI_VALUE_COLUMNS)

#: Store tables keyed by case uid, children first: a replaced case is deleted from each.
CASE_TABLES = (
    "case_persons",
    "case_events",
    "case_attributes",
    "case_flags",
    "case_unmapped",
    "case_mapped",
    "cases",
)

#: Flag rules whose point is not stored: the case is drawn at its country, never at a false point.
POINT_DROPPED_RULES: tuple[str, ...] = (
    "bad_coordinate",
    "incomplete_coordinates",
    "coordinates_out_of_range",
    "null_island",
    "coordinates_swapped",
    "rounded_coordinates",
)

#: The largest count a whole-number column takes (the store keeps counts as INTEGER).
MAX_COUNT = 2_147_483_647


@dataclass(frozen=True)
class FlatStage:
    """The staged file as the SQL reads it: the relation of its cells, its kept columns, its decimal mark."""

    cells: str
    columns: tuple[str, ...]
    decimal_comma: bool = False


# --- small pieces ------------------------------------------------------------------


def _text_sql(cell: str) -> str:
    """SQL for the text of a cell, as every rule reads it: trimmed, blank as NULL.

    >>> _text_sql("s.x")
    "nullif(trim(s.x), '')"
    """
    return f"nullif(trim({cell}), '')"


def _present(stage: FlatStage, column: str) -> bool:
    return column in stage.columns


def _cell(stage: FlatStage, column: str) -> str:
    """The staged cell, or NULL when the file lacks the column (missing means not reported)."""
    return f"s.{q(column)}" if _present(stage, column) else "CAST(NULL AS VARCHAR)"


def present_counts(stage: FlatStage) -> list[str]:
    """The person-count columns the file has."""
    return [c for c in C.COUNT_COLUMNS if _present(stage, c)]


def _numbers(stage: FlatStage) -> list[str]:
    """The whole-number columns the file has: person counts and outcomes (:data:`columns.OUTCOME_COLUMNS`)."""
    return present_counts(stage) + [c for c in C.OUTCOME_COLUMNS if _present(stage, c)]


def _quoted(p: Params, expr: str) -> str:
    """A message fragment: ``expr`` between single quotes (the quote mark is a parameter too)."""
    quote = p.bind("quote", "'")
    return f"{quote} || {expr} || {quote}"


def _say(p: Params, text: str) -> str:
    """A fixed piece of message text, as a parameter."""
    return p.bind("text", text)


# --- lookups -----------------------------------------------------------------------


def distinct_cells_sql(stage: FlatStage, columns: list[str]) -> Query:
    """Query of (column, cell, text) for the distinct non-NULL cells of ``columns``.

    Each column's name comes back as parameter ``$column_{i}``.

    >>> sql, params = distinct_cells_sql(FlatStage("stage_cells", ("date",)), ["date"])
    >>> sql
    'SELECT col, cell, nullif(trim(cell), \\'\\') FROM (SELECT DISTINCT CAST($column_0 AS VARCHAR) AS col, "date" AS cell FROM stage_cells WHERE "date" IS NOT NULL)'
    >>> params
    {'column_0': 'date'}
    """
    cells = plain_ident(stage.cells)
    parts = [
        f"SELECT DISTINCT CAST($column_{i} AS VARCHAR) AS col, {q(c)} AS cell FROM {cells} WHERE {q(c)} IS NOT NULL"
        for i, c in enumerate(columns)
    ]
    sql = f"SELECT col, cell, {_text_sql('cell')} FROM ({' UNION ALL '.join(parts)})"
    return sql, {f"column_{i}": c for i, c in enumerate(columns)}


def source_map_sql(stage: FlatStage) -> Query:
    """Statement of table ``m_source``: each distinct source cell and its text."""
    return (
        f"CREATE OR REPLACE TEMP TABLE m_source AS SELECT cell, {_text_sql('cell')} AS text "
        f"FROM (SELECT DISTINCT {q(C.SOURCE)} AS cell FROM {plain_ident(stage.cells)} WHERE {q(C.SOURCE)} IS NOT NULL)",
        {},
    )


def decimal_separators_sql(relation: str = "stage") -> Query:
    """Query of (latitudes written with a decimal comma, latitudes written with a point) in ``relation``."""
    return (
        f"SELECT count(*) FILTER (WHERE regexp_full_match({q(C.LAT)}, $comma_number)), "
        f"count(*) FILTER (WHERE regexp_full_match({q(C.LAT)}, $point_number)) FROM {plain_ident(relation)}",
        {"comma_number": "-?[0-9]+,[0-9]+", "point_number": "-?[0-9]+\\.[0-9]+"},
    )


# --- canonical rows ----------------------------------------------------------------
#
# Canonical rows are never materialized whole: the rules read a cheap projection of
# the staged cells ("checked") and the lookups, and the accepted rows are resolved
# once, straight into the table of rows to write.


def _number_sql(stage: FlatStage, column: str) -> str:
    """SQL for a cell's number, as ``TRY_CAST`` of its text would give it.

    DuckDB's cast already skips ASCII spaces, so only cells it refuses (padded with
    e.g. no-break spaces) are trimmed and tried again: trimming every cell costs more
    than the cast.
    """
    cell = _cell(stage, column)
    if stage.decimal_comma:
        cell = f"replace({cell}, ',', '.')"
    return f"coalesce(TRY_CAST({cell} AS DOUBLE), TRY_CAST(trim({cell}) AS DOUBLE))"


def own_values(stage: FlatStage) -> list[str]:
    """Select list (fragments) of the values a staged row holds itself (cells ``s``); the source comes apart.

    Number columns keep their cell beside the value, for the messages of the few
    rows that break a rule.
    """
    selects = [
        f"s.{LINE_COLUMN}",
        f"{_text_sql(_cell(stage, C.INCIDENT_ID))} AS _incident_id",
        f"{_text_sql(_cell(stage, C.PLACE))} AS _place",
        f"{_cell(stage, C.DETECTION_COUNTRY)} AS _detection_country_cell",
        *(f"{_text_sql(_cell(stage, c))} AS _{c}" for c in C.DETAIL_TEXT_COLUMNS),
        f"TRY_CAST({_text_sql(_cell(stage, C.PERIOD_END))} AS DATE) AS _{C.PERIOD_END}",
    ]
    for column in (C.LAT, C.LON, *present_counts(stage), *C.OUTCOME_COLUMNS):
        selects += [f"{_cell(stage, column)} AS _{column}_cell", f"{_number_sql(stage, column)} AS _{column}"]
    return selects


def _with_source(stage: FlatStage, selects: list[str]) -> str:
    """SELECT ``selects`` and ``_source`` (the row's, else ``$source``) from the cells ``s``.

    Sources are few and long: they are looked up in m_source, trimmed once each.
    """
    cells = plain_ident(stage.cells)
    if not _present(stage, C.SOURCE):
        return f"SELECT {', '.join(selects)}, $source AS _source FROM {cells} s"
    return (
        f"SELECT {', '.join(selects)}, coalesce(src.text, $source) AS _source FROM {cells} s "
        f"LEFT JOIN m_source src ON src.cell = s.{q(C.SOURCE)}"
    )


def _looked_up(
    stage: FlatStage, column: str, lookup: str, value: str, alias: str, condition: str = ""
) -> tuple[str, str | None]:
    """Select expression ``_{column}`` and the join that resolves the column's cells in ``lookup``."""
    if not _present(stage, column):
        return f"CAST(NULL AS VARCHAR) AS _{column}", None
    join = f"LEFT JOIN {lookup} {alias} ON {condition}{alias}.cell = s.{q(column)}"
    return f"{alias}.{value} AS _{column}", join


def _term_condition(stage: FlatStage, p: Params, column: str) -> str:
    """The join condition picking ``column``'s entries in ``m_term`` (bound only when the file has the column)."""
    return f"t_{column}.col = {p.bind('column', column)} AND " if _present(stage, column) else ""


def _canonical_sql(stage: FlatStage, p: Params) -> str:
    """SELECT of every staged row's canonical values: own values plus resolved lookups."""
    looked_up = [
        ("d.d AS _date, d.precision AS _date_part", f"LEFT JOIN m_date d ON d.cell = s.{q(C.DATE)}"),
        (
            f"np.{LINE_COLUMN} IS NOT NULL AS _no_point, np.precision AS _point_part",
            f"LEFT JOIN no_point np ON np.{LINE_COLUMN} = s.{LINE_COLUMN}",
        ),
    ]
    looked_up += [_looked_up(stage, c, "m_country", "iso3", f"k_{c}") for c in C.COUNTRY_COLUMNS]
    looked_up.append(_looked_up(stage, C.TRANSIT, "m_route", "path", "r"))
    # Multi-valued columns keep their unmapped terms as codes of their own (vocab.unmapped_code).
    looked_up += [
        _looked_up(
            stage,
            c,
            "m_term",
            "attr" if c in C.MULTI_VALUE_COLUMNS else "codes",
            f"t_{c}",
            _term_condition(stage, p, c),
        )
        for c in TERM_COLUMNS
    ]
    selects = own_values(stage) + [select for select, _ in looked_up]
    joins = " ".join(join for _, join in looked_up if join)
    return f"{_with_source(stage, selects)} {joins}"


# --- the rules ---------------------------------------------------------------------


@dataclass(frozen=True)
class RowRule:
    """A rule checked on each row's own values: what it reports and when (SQL fragments)."""

    rule: str
    column: str | None
    value: str
    message: str
    where: str

    def select(self, relation: str, p: Params) -> str:
        """SELECT of the problems this rule finds in ``relation`` (a fragment of the ``errs`` union).

        The rule code and column name are bound in ``p``.
        """
        column_sql = p.bind("column", self.column) if self.column else "NULL"
        return (
            f"SELECT {LINE_COLUMN}, {column_sql} AS column_name, {p.bind('rule', self.rule)} AS rule, "
            f"{self.value} AS value, {self.message} AS message FROM {plain_ident(relation)} WHERE {self.where}"
        )


def _lookup_rule(
    p: Params, stage: FlatStage, rule: str, column: str, lookup: str, value: str, message: str, where: str
) -> str:
    """A rule checked once per distinct value: rows whose cell's lookup entry ``m`` matches ``where``.

    ``where`` reads the small lookup only, so on a clean file each such rule is an
    empty join.
    """
    return (
        f"SELECT s.{LINE_COLUMN}, {p.bind('column', column)} AS column_name, {p.bind('rule', rule)} AS rule, "
        f"{value} AS value, {message} AS message FROM {plain_ident(stage.cells)} s "
        f"JOIN {lookup} m ON m.cell = s.{q(column)} WHERE {where}"
    )


def _empty_rules(
    p: Params, stage: FlatStage, rule: str, column: str, message: str, lookup: str, condition: str = ""
) -> list[str]:
    """A required column's rule for empty cells: NULL, or blank (text NULL in the lookup)."""
    return [
        f"SELECT {LINE_COLUMN}, {p.bind('column', column)}, {p.bind('rule', rule)}, NULL, {message} "
        f"FROM {plain_ident(stage.cells)} WHERE {q(column)} IS NULL",
        _lookup_rule(p, stage, rule, column, lookup, "NULL", message, f"{condition}m.text IS NULL"),
    ]


def errors_sql(stage: FlatStage, today: object) -> Query:
    """Statement of table ``errs``: one row per (line, rule, column) broken, with the message.

    Rules on a row's own values run on ``suspect``, the few rows that may break one,
    found in a single scan; rules on looked-up values join the cells to the (usually
    empty) set of bad lookup entries. ``today`` is the import day, for the future-date rule.
    """
    p = Params(today=today)
    rules = [
        *(rule.select("suspect", p) for rule in row_rules(stage, p)),
        _outside_country_rule(p),
        *_date_rules(p, stage),
        *_empty_rules(
            p,
            stage,
            "missing_crime_type",
            C.CRIME_TYPE,
            _say(p, "crime_type is empty (expected trafficking, smuggling or both)"),
            "m_term",
            f"m.col = {p.bind('column', C.CRIME_TYPE)} AND ",
        ),
        *_term_rules(p, stage),
        *_country_rules(p, stage),
    ]
    sql = f"CREATE OR REPLACE TEMP TABLE errs AS {_checked_ctes(stage)} {' UNION ALL '.join(rules)}"
    return sql, dict(p)


def _checked_ctes(stage: FlatStage) -> str:
    """WITH clause of the rows the rules read: ``checked`` and ``suspect``."""
    return (
        f"WITH checked AS NOT MATERIALIZED (SELECT {', '.join(own_values(stage))} FROM {plain_ident(stage.cells)} s), "
        f"suspect AS MATERIALIZED (SELECT * FROM checked WHERE {suspect_sql(_numbers(stage))})"
    )


def row_rules(stage: FlatStage, p: Params | None = None) -> list[RowRule]:
    """The rules checked on each row's own values: id, coordinates, whole numbers.

    Their messages' fixed text is bound in ``p`` (a fresh :class:`Params` when not given).
    """
    p = Params() if p is None else p
    return [
        RowRule("missing_id", C.INCIDENT_ID, "NULL", _say(p, "incident_id is empty"), "_incident_id IS NULL"),
        *_coordinate_rules(p),
        *_count_rules(p, _numbers(stage)),
    ]


_LAT_TEXT, _LON_TEXT = _text_sql("_lat_cell"), _text_sql("_lon_cell")
_BOTH_NUMBERS = "_lat IS NOT NULL AND _lon IS NOT NULL"


def _point(p: Params) -> str:
    """A point's text, ``(lat, lon)``, from its two cells."""
    return f"{_say(p, '(')} || {_LAT_TEXT} || {_say(p, ', ')} || {_LON_TEXT} || {_say(p, ')')}"


def suspect_sql(numbers: list[str]) -> str:
    """A condition (fragment) true for every row that may break a row rule, cheap to test on every row.

    A superset of the rules' own conditions, written to name each number (a cast)
    once or twice, where the rules name it four or five times: the rules then run
    on the few rows it lets through.
    """
    checks = [
        "_incident_id IS NULL",
        # With both numbers: out of range or (0, 0); with one missing: any text may be bad.
        "coalesce(NOT (_lat BETWEEN -90 AND 90 AND _lon BETWEEN -180 AND 180) OR (_lat = 0 AND _lon = 0), "
        f"{_LAT_TEXT} IS NOT NULL OR {_LON_TEXT} IS NOT NULL)",
        # Whole degrees: a rounded point.
        "_lat = floor(_lat) AND _lon = floor(_lon)",
        # Only whole numbers from 0 to MAX_COUNT pass (NaN and inf compare above every number);
        # without a number, any text is bad.
        *(
            f"coalesce(NOT (_{c} BETWEEN 0 AND {MAX_COUNT} AND _{c} = floor(_{c})), "
            f"{_text_sql(f'_{c}_cell')} IS NOT NULL)"
            for c in numbers
        ),
    ]
    return " OR ".join(f"({check})" for check in checks)


def repeats_sql(stage: FlatStage, source: str, quarantine_rules: tuple[str, ...]) -> Query:
    """Statement of table ``repeats``: the accepted lines whose (source, incident id) is on several accepted lines.

    Each with ``first_line``, the key's first accepted line, whose case the others fold
    into (:func:`parts_sql`). Grouping then joining back only the repeated keys is
    cheaper than a window over every row; on a clean file the table is empty.
    """
    p = Params(source=source)
    keys = [f"s.{LINE_COLUMN}", f"{_text_sql(_cell(stage, C.INCIDENT_ID))} AS _incident_id"]
    sql = (
        f"CREATE OR REPLACE TEMP TABLE repeats AS WITH keyed AS NOT MATERIALIZED "
        f"(SELECT * FROM ({_with_source(stage, keys)}) WHERE {LINE_COLUMN} NOT IN "
        f"(SELECT {LINE_COLUMN} FROM errs WHERE {p.is_in('rule', 'rule', quarantine_rules)})) "
        f"SELECT c.{LINE_COLUMN}, f.first_line FROM keyed c JOIN (SELECT _source, _incident_id, "
        f"min({LINE_COLUMN}) AS first_line FROM keyed WHERE _incident_id IS NOT NULL "
        f"GROUP BY _source, _incident_id HAVING count(*) > 1) f "
        f"ON f._source = c._source AND f._incident_id = c._incident_id"
    )
    return sql, dict(p)


def _date_rules(p: Params, stage: FlatStage) -> list[str]:
    return [
        *_empty_rules(p, stage, "missing_date", C.DATE, _say(p, "date is empty"), "m_date"),
        _lookup_rule(
            p,
            stage,
            "bad_date",
            C.DATE,
            "m_date",
            "m.text",
            f"{_say(p, 'date ')} || {_quoted(p, 'm.text')} || "
            f"{_say(p, ' is not a valid date (expected e.g. 2024-03-31)')}",
            "m.text IS NOT NULL AND m.d IS NULL",
        ),
        _lookup_rule(
            p,
            stage,
            "future_date",
            C.DATE,
            "m_date",
            "m.text",
            f"{_say(p, 'date ')} || {_quoted(p, 'm.text')} || {_say(p, ' is after the import day ')} || "
            "CAST($today AS VARCHAR)",
            "m.d > $today",
        ),
        _lookup_rule(
            p,
            stage,
            "partial_date",
            C.DATE,
            "m_date",
            "m.text",
            f"{_say(p, 'date ')} || {_quoted(p, 'm.text')} || {_say(p, ' is known only to the ')} || m.precision || "
            f"{_say(p, ': stored on its first day')}",
            "m.precision IS NOT NULL AND m.d <= $today",
        ),
    ]


def _term_rules(p: Params, stage: FlatStage) -> list[str]:
    """Unknown terms: a crime type the case cannot be stored without; any other kept as not mapped."""
    rules = []
    for column in TERM_COLUMNS:
        if not _present(stage, column):
            continue
        vocabulary = C.MULTI_VALUE_COLUMNS.get(column, column)
        known = f" is not a known {vocabulary.replace('_', ' ')} (see the {vocabulary} vocabulary)"
        if column != C.CRIME_TYPE:
            known += "; kept as not mapped"
        rules.append(
            _lookup_rule(
                p,
                stage,
                "unknown_crime_type" if column == C.CRIME_TYPE else "unmapped_term",
                column,
                "m_term",
                "m.bad",
                f"{_quoted(p, 'm.bad')} || {_say(p, known)}",
                f"m.col = {p.bind('column', column)} AND m.bad IS NOT NULL",
            )
        )
    return rules


def _suggestion(p: Params, expr: str) -> str:
    """The end of an unknown country's message: ``; did you mean X?``, or nothing without a suggestion."""
    return f"coalesce({_say(p, '; did you mean ')} || {expr} || {_say(p, '?')}, '')"


def _country_rules(p: Params, stage: FlatStage) -> list[str]:
    rules = [
        _lookup_rule(
            p,
            stage,
            "unknown_country",
            column,
            "m_country",
            "m.text",
            f"{_say(p, 'unknown country ')} || {_quoted(p, 'm.text')} || {_say(p, f' in {column}')} || "
            f"{_suggestion(p, 'm.suggestion')} || {_say(p, '; left unresolved')}",
            "m.text IS NOT NULL AND m.iso3 IS NULL",
        )
        for column in C.COUNTRY_COLUMNS
        if _present(stage, column)
    ]
    if _present(stage, C.TRANSIT):
        rules.append(
            _lookup_rule(
                p,
                stage,
                "unknown_country",
                C.TRANSIT,
                "m_route",
                "m.bad",
                f"{_say(p, 'unknown country ')} || {_quoted(p, 'm.bad')} || {_say(p, ' in transit')} || "
                f"{_suggestion(p, 'm.suggestion')} || {_say(p, '; left out of the route')}",
                "m.bad IS NOT NULL",
            )
        )
    return rules


def _coordinate_rules(p: Params) -> list[RowRule]:
    lat, lon, point = _LAT_TEXT, _LON_TEXT, _point(p)
    # A number implies a text: only rows lacking one trim the cell to tell blank from bad.
    lat_given, lon_given = f"(_lat IS NOT NULL OR {lat} IS NOT NULL)", f"(_lon IS NOT NULL OR {lon} IS NOT NULL)"
    return [
        RowRule(
            "bad_coordinate",
            C.LAT,
            lat,
            f"{_say(p, 'lat ')} || {_quoted(p, lat)} || {_say(p, ' is not a number')}",
            f"_lat IS NULL AND {lat} IS NOT NULL",
        ),
        RowRule(
            "bad_coordinate",
            C.LON,
            lon,
            f"{_say(p, 'lon ')} || {_quoted(p, lon)} || {_say(p, ' is not a number')}",
            f"_lon IS NULL AND {lon} IS NOT NULL",
        ),
        RowRule(
            "incomplete_coordinates",
            C.LAT,
            f"coalesce({lat}, {lon})",
            _say(p, "only one of lat and lon is given"),
            f"(_lat IS NULL OR _lon IS NULL) AND {lat_given} <> {lon_given}",
        ),
        RowRule(
            "coordinates_out_of_range",
            C.LAT,
            point,
            f"{_say(p, 'point ')} || {point} || {_say(p, ' is outside lat [-90, 90] / lon [-180, 180]')}",
            f"{_BOTH_NUMBERS} AND NOT (_lat BETWEEN -90 AND 90 AND _lon BETWEEN -180 AND 180)",
        ),
        RowRule(
            "null_island",
            C.LAT,
            point,
            _say(p, "point (0, 0) is a placeholder, not a place; the point is left out"),
            f"{_BOTH_NUMBERS} AND _lat = 0 AND _lon = 0",
        ),
        RowRule(
            "rounded_coordinates",
            C.LAT,
            point,
            f"{_say(p, 'point ')} || {point} || "
            f"{_say(p, ' is rounded to whole degrees (about 100 km): drawn at the country, not at the point')}",
            f"{_BOTH_NUMBERS} AND _lat = floor(_lat) AND _lon = floor(_lon) AND NOT (_lat = 0 AND _lon = 0) "
            "AND _lat BETWEEN -90 AND 90 AND _lon BETWEEN -180 AND 180",
        ),
    ]


def _inside_bbox(y: str, x: str) -> str:
    margin = BBOX_MARGIN_DEG
    return (
        f"({y} BETWEEN b.min_lat - {margin} AND b.max_lat + {margin} "
        f"AND {x} BETWEEN b.min_lon - {margin} AND b.max_lon + {margin})"
    )


def _outside_country_rule(p: Params) -> str:
    """Points far outside their detection country's box: swapped if the swapped point is inside.

    One join for both rules; m_bbox has one row per country, so joining it is the
    same as asking whether the country has a box containing the point.
    """
    in_range = (
        f"{_BOTH_NUMBERS} AND _lat BETWEEN -90 AND 90 AND _lon BETWEEN -180 AND 180 AND NOT (_lat = 0 AND _lon = 0)"
    )
    point, is_point = _point(p), _say(p, "point ")
    swapped_msg = (
        f"{is_point} || {point} || {_say(p, ' is outside ')} || iso3 || "
        f"{_say(p, ' but inside it with lat and lon swapped')}"
    )
    outside_msg = f"{is_point} || {point} || {_say(p, f' is more than {BBOX_MARGIN_DEG:g} degree outside ')} || iso3"
    return (
        f"SELECT {LINE_COLUMN}, {p.bind('column', C.LAT)}, CASE WHEN swapped THEN {p.bind('rule', 'coordinates_swapped')} "
        f"ELSE {p.bind('rule', 'coordinates_outside_country')} END, {point}, "
        f"CASE WHEN swapped THEN {swapped_msg} ELSE {outside_msg} END "
        f"FROM (SELECT c.*, b.iso3, {_inside_bbox('_lon', '_lat')} AS swapped FROM checked c "
        f"JOIN m_country k ON k.cell = c._detection_country_cell JOIN m_bbox b ON b.iso3 = k.iso3 "
        f"WHERE {in_range} AND NOT {_inside_bbox('_lat', '_lon')})"
    )


def whole_sql(number: str) -> str:
    """A condition (fragment) true when ``number`` is a whole number the store can keep as a count.

    >>> whole_sql("_dead")
    '(isfinite(_dead) AND _dead = floor(_dead) AND abs(_dead) <= 2147483647)'
    """
    return f"(isfinite({number}) AND {number} = floor({number}) AND abs({number}) <= {MAX_COUNT})"


def _count_rules(p: Params, numbers: list[str]) -> list[RowRule]:
    rules = []
    for column in numbers:
        number, text = f"_{column}", _text_sql(f"_{column}_cell")
        rules.append(
            RowRule(
                "bad_count",
                column,
                text,
                f"{_say(p, f'{column} ')} || {_quoted(p, text)} || "
                f"{_say(p, f' is not a whole number from 0 to {MAX_COUNT:,}; left as not reported')}",
                f"({number} IS NULL AND {text} IS NOT NULL) OR NOT {whole_sql(number)}",
            )
        )
        rules.append(
            RowRule(
                "adjustment",
                column,
                text,
                f"{_say(p, f'{column} ')} || {_quoted(p, text)} || "
                f"{_say(p, ' is negative: stored as an adjustment of an earlier report, netted in the totals')}",
                f"{number} < 0 AND {whole_sql(number)}",
            )
        )
    return rules


# --- the rows to write -------------------------------------------------------------


def _canonical_columns(count_columns: list[str]) -> list[str]:
    """The columns of a canonical row (what is written), without the raw text kept for messages."""
    return [
        LINE_COLUMN,
        "_source",
        "_incident_id",
        "_date",
        "_place",
        "_lat",
        "_lon",
        "_transit",
        *(f"_{c}" for c in C.COUNTRY_COLUMNS),
        *(f"_{c}" for c in TERM_COLUMNS),
        *(f"_{c}" for c in (*C.DETAIL_TEXT_COLUMNS, *C.OUTCOME_COLUMNS, C.PERIOD_END)),
        *(f"_{c}" for c in count_columns),
    ]


def _hash_expr(p: Params, count_columns: list[str]) -> str:
    """A fingerprint of a row's canonical values, to tell changed rows from unchanged ones."""
    parts = _canonical_columns([])[1:]
    # The count columns a file has are part of what it says ("not reported" differs from 0).
    parts += [p.bind("count_column", c) for c in count_columns] + [f"CAST(_{c} AS BIGINT)" for c in count_columns]
    return "CAST(hash(" + ", ".join(parts) + ") AS VARCHAR)"


def max_case_uid_sql() -> Query:
    """Query of the largest case uid stored (0 in an empty store).

    >>> max_case_uid_sql()
    ('SELECT coalesce(max(case_uid), 0) FROM cases', {})
    """
    return "SELECT coalesce(max(case_uid), 0) FROM cases", {}


def _fixed_columns(count_columns: list[str]) -> list[str]:
    """Select list (fragments) of a canonical row as stored, from the ``canon`` columns.

    What a flag leaves out is left out here: a point that is not a place, a count that
    is not a whole number; a date known only to its month or year says so in its precision.
    """
    fixed = {
        "_lat": "CASE WHEN _no_point THEN NULL ELSE _lat END AS _lat",
        "_lon": "CASE WHEN _no_point THEN NULL ELSE _lon END AS _lon",
        "_date_precision": "coalesce(_date_precision, _date_part) AS _date_precision",
        "_location_precision": "coalesce(_location_precision, _point_part) AS _location_precision",
    }
    for column in (*C.OUTCOME_COLUMNS, *count_columns):
        fixed[f"_{column}"] = f"CASE WHEN {whole_sql(f'_{column}')} THEN _{column} END AS _{column}"
    return [fixed.get(c, c) for c in _canonical_columns(count_columns)]


def _accepted_sql(stage: FlatStage, p: Params, where: str) -> str:
    """SELECT of the stored values of the staged rows that match ``where`` (a condition on the line)."""
    columns = _fixed_columns(present_counts(stage))
    return f"SELECT {', '.join(columns)} FROM ({_canonical_sql(stage, p)}) WHERE {where}"


def quarantined_sql(quarantine_rules: tuple[str, ...]) -> Query:
    """Statement of table ``quarantined``: the lines of ``errs`` that break a quarantine rule."""
    p = Params()
    return (
        f"CREATE OR REPLACE TEMP TABLE quarantined AS SELECT DISTINCT {LINE_COLUMN} FROM errs "
        f"WHERE {p.is_in('rule', 'rule', quarantine_rules)}",
        dict(p),
    )


def no_point_sql() -> Query:
    """Statement of table ``no_point``: lines whose point is not stored, and the precision a rounded one gets."""
    p = Params()
    rounded = p.bind("rounded", "rounded_coordinates")
    sql = (
        f"CREATE OR REPLACE TEMP TABLE no_point AS SELECT {LINE_COLUMN}, "
        f"max(CASE WHEN rule = {rounded} THEN {p.bind('whole_degree', 'whole_degree')} END) AS precision "
        f"FROM errs WHERE {p.is_in('rule', 'rule', POINT_DROPPED_RULES)} GROUP BY {LINE_COLUMN}"
    )
    return sql, dict(p)


def parts_sql(stage: FlatStage, source: str) -> Query:
    """Statement of table ``parts``: the stored values of the lines in ``repeats``, fingerprinted, with ``first_line``."""
    p = Params(source=source)
    accepted = _accepted_sql(stage, p, f"{LINE_COLUMN} IN (SELECT {LINE_COLUMN} FROM repeats)")
    sql = (
        f"CREATE OR REPLACE TEMP TABLE parts AS SELECT a.*, {_hash_expr(p, present_counts(stage))} AS _hash, "
        f"r.first_line FROM ({accepted}) a JOIN repeats r USING ({LINE_COLUMN})"
    )
    return sql, dict(p)


def merges_sql() -> Query:
    """Statement of table ``merges``: each line folded into its key's first line, with its rule and message.

    A line identical to an earlier one of its key repeats it (``repeated_row``, counted
    once); a line that differs is a part of the same incident (``split_record``, its
    counts added).
    """
    p = Params()
    repeated = p.bind("repeated", "repeated_row")
    rule = (
        f"CASE WHEN row_number() OVER (PARTITION BY first_line, _hash ORDER BY {LINE_COLUMN}) > 1 "
        f"THEN {repeated} ELSE {p.bind('split', 'split_record')} END"
    )
    line, first = f"CAST({LINE_COLUMN} AS VARCHAR)", "CAST(first_line AS VARCHAR)"
    repeated_msg = (
        f"{_say(p, 'line ')} || {line} || {_say(p, ' repeats line ')} || {first} || {_say(p, ': counted once')}"
    )
    split_msg = (
        f"{_say(p, 'line ')} || {line} || {_say(p, ' is a part of incident ')} || {_quoted(p, '_incident_id')} || "
        f"{_say(p, ' of line ')} || {first} || {_say(p, ': its counts are added to that case')}"
    )
    sql = (
        f"CREATE OR REPLACE TEMP TABLE merges AS SELECT {LINE_COLUMN}, first_line, rule, _incident_id, "
        f"CASE WHEN rule = {repeated} THEN {repeated_msg} ELSE {split_msg} END AS message "
        f"FROM (SELECT *, {rule} AS rule FROM parts) WHERE {LINE_COLUMN} <> first_line"
    )
    return sql, dict(p)


def merged_sql(stage: FlatStage) -> Query:
    """Statement of table ``merged``: one row per repeated key, its first line's values with the counts
    of its distinct parts summed (outcomes too); a repeated identical row adds nothing."""
    summed = [*C.OUTCOME_COLUMNS, *present_counts(stage)]
    columns = _canonical_columns(present_counts(stage))
    selects = [f"s.{c}" if c.removeprefix("_") in summed else f"f.{c}" for c in columns]
    sums = ", ".join(f"sum(_{c}) AS _{c}" for c in summed)
    sql = (
        f"CREATE OR REPLACE TEMP TABLE merged AS WITH distinct_parts AS (SELECT * FROM parts "
        f"QUALIFY row_number() OVER (PARTITION BY first_line, _hash ORDER BY {LINE_COLUMN}) = 1), "
        f"sums AS (SELECT first_line, {sums} FROM distinct_parts GROUP BY first_line) "
        f"SELECT {', '.join(selects)} FROM parts f JOIN sums s ON s.first_line = f.{LINE_COLUMN}"
    )
    return sql, {}


def rows_to_write_sql(stage: FlatStage, source: str, base: int) -> Query:
    """Statement of table ``ins``: accepted rows that are new or changed, resolved, fingerprinted, with their uid.

    Accepted rows are the lines not ``quarantined``; the lines of a repeated key come
    once, as their ``merged`` row. New cases get uid = ``base`` (the largest uid
    stored) + line number: unique, no sort needed. ``source`` is the default source of
    rows that name none.
    """
    count_columns, p = present_counts(stage), Params(source=source, base=base)
    plain = _accepted_sql(
        stage,
        p,
        f"{LINE_COLUMN} NOT IN (SELECT {LINE_COLUMN} FROM quarantined) "
        f"AND {LINE_COLUMN} NOT IN (SELECT {LINE_COLUMN} FROM repeats)",
    )
    sql = (
        f"CREATE OR REPLACE TEMP TABLE ins AS WITH accepted AS NOT MATERIALIZED "
        f"(SELECT *, {_hash_expr(p, count_columns)} AS _hash FROM ({plain} UNION ALL "
        f"SELECT {', '.join(_canonical_columns(count_columns))} FROM merged)) "
        f"SELECT a.*, c.case_uid AS _old_uid, "
        f"coalesce(c.case_uid, CAST($base AS BIGINT) + a.{LINE_COLUMN}) AS case_uid "
        f"FROM accepted a LEFT JOIN cases c ON c.source = a._source AND c.incident_id = a._incident_id "
        f"WHERE c.row_hash IS DISTINCT FROM a._hash"
    )
    return sql, dict(p)


def flags_sql(quarantine_rules: tuple[str, ...]) -> Query:
    """Statement inserting the flags of the cases of ``ins``: the flag rules of ``errs`` and the ``merges``.

    A folded line's flags go to the case of its key's first line.
    """
    p = Params()
    sql = (
        "INSERT INTO case_flags (case_uid, rule, column_name, value, message) "
        f"SELECT i.case_uid, e.rule, e.column_name, e.value, e.message FROM errs e "
        f"LEFT JOIN repeats r ON r.{LINE_COLUMN} = e.{LINE_COLUMN} "
        f"JOIN ins i ON i.{LINE_COLUMN} = coalesce(r.first_line, e.{LINE_COLUMN}) "
        f"WHERE NOT {p.is_in('e.rule', 'rule', quarantine_rules)} "
        f"UNION ALL SELECT i.case_uid, m.rule, {p.bind('column', C.INCIDENT_ID)}, m._incident_id, m.message "
        f"FROM merges m JOIN ins i ON i.{LINE_COLUMN} = m.first_line"
    )
    return sql, dict(p)


def flagged_lines_sql(quarantine_rules: tuple[str, ...]) -> Query:
    """Query of (rule, accepted lines flagged by it), the rules of ``errs`` and ``merges``; rule NULL: lines in all."""
    p = Params()
    sql = (
        f"WITH f AS (SELECT {LINE_COLUMN}, rule FROM errs WHERE NOT {p.is_in('rule', 'rule', quarantine_rules)} "
        f"AND {LINE_COLUMN} NOT IN (SELECT {LINE_COLUMN} FROM quarantined) "
        f"UNION ALL SELECT {LINE_COLUMN}, rule FROM merges) "
        f"SELECT rule, count(DISTINCT {LINE_COLUMN}) FROM f GROUP BY GROUPING SETS ((rule), ()) ORDER BY rule NULLS FIRST"
    )
    return sql, dict(p)


def _unknown_join(stage: FlatStage, p: Params, column: str, rows: str) -> str:
    """FROM fragment: ``rows`` (with a line column) joined to the staged cells and the unknown terms of ``column``."""
    return (
        f"FROM {rows} JOIN {plain_ident(stage.cells)} s ON s.{LINE_COLUMN} = i.{LINE_COLUMN} "
        f"JOIN m_unknown u ON u.col = {p.bind('column', column)} AND u.cell = s.{q(column)}"
    )


def unmapped_sql(stage: FlatStage, columns: list[str]) -> Query:
    """Statement inserting the unmapped terms of the cases of ``ins`` (``m_unknown``) of the file's ``columns``."""
    p = Params()
    parts = [
        f"SELECT DISTINCT i.case_uid, u.field, u.col, u.text, u.term_key {_unknown_join(stage, p, c, 'ins i')}"
        for c in columns
        if _present(stage, c)
    ]
    if not parts:
        return "SELECT 1 WHERE FALSE", {}
    return (
        f"INSERT INTO case_unmapped (case_uid, field, column_name, text, term_key) {' UNION ALL '.join(parts)}",
        dict(p),
    )


def unmapped_rows_sql(stage: FlatStage, columns: list[str]) -> Query:
    """Query of (field, column, text, accepted rows) of every unmapped term of the file's ``columns``."""
    p = Params()
    accepted = f"(SELECT {LINE_COLUMN} FROM {plain_ident(stage.cells)} WHERE {LINE_COLUMN} NOT IN (SELECT {LINE_COLUMN} FROM quarantined)) i"
    parts = [
        f"SELECT u.field, u.col, u.text, u.term_key {_unknown_join(stage, p, c, accepted)}"
        for c in columns
        if _present(stage, c)
    ]
    if not parts:
        return "SELECT NULL, NULL, NULL, 0 WHERE FALSE", {}
    sql = (
        f"SELECT field, col, min(text), CAST(count(*) AS BIGINT) AS n FROM ({' UNION ALL '.join(parts)}) "
        "GROUP BY field, col, term_key ORDER BY n DESC, field, col, min(text)"
    )
    return sql, dict(p)


def written_counts_sql() -> Query:
    """Query of (rows written, of which updates) in ``ins``.

    >>> written_counts_sql()
    ('SELECT count(*), count(_old_uid) FROM ins', {})
    """
    return "SELECT count(*), count(_old_uid) FROM ins", {}


def delete_replaced_sql(table: str) -> Query:
    """Statement deleting from a case table the stored cases that ``ins`` replaces.

    >>> delete_replaced_sql("cases")[0]
    'DELETE FROM cases WHERE case_uid IN (SELECT _old_uid FROM ins WHERE _old_uid IS NOT NULL)'
    >>> delete_replaced_sql("imports")
    Traceback (most recent call last):
    ValueError: table 'imports' is not one of case_persons, case_events, case_attributes, case_flags, case_unmapped, case_mapped, cases
    """
    if table not in CASE_TABLES:
        raise ValueError(f"table {table!r} is not one of {', '.join(CASE_TABLES)}")
    return f"DELETE FROM {table} WHERE case_uid IN (SELECT _old_uid FROM ins WHERE _old_uid IS NOT NULL)", {}


#: Columns of ``cases`` and the ``ins`` values that fill them; the import id is the parameter.
_CASE_VALUES = {
    "case_uid": "case_uid",
    "source": "_source",
    "incident_id": "_incident_id",
    "network": "_network",
    "reporting_country": "_reporting_country",
    "crime_type": "_crime_type",
    "case_date": "_date",
    "nationality": "_nationality",
    "origin": "_origin",
    "transit": "_transit",
    "destination": "_destination",
    "detection_country": "_detection_country",
    "place": "_place",
    "lat": "_lat",
    "lon": "_lon",
    "import_id": "$import_id",
    "row_hash": "_hash",
    **{c: f"_{c}" for c in (*C.DETAIL_COLUMNS, C.PERIOD_END)},
}


def insert_cases_sql(import_id: int) -> Query:
    """Statement inserting the cases of ``ins``, recorded under ``import_id``."""
    sql = f"INSERT INTO cases ({', '.join(_CASE_VALUES)}) SELECT {', '.join(_CASE_VALUES.values())} FROM ins"
    return sql, {"import_id": import_id}


def persons_sql(count_columns: list[str]) -> Query:
    """Statement inserting the persons of ``ins``: one row per case and non-zero count column
    (a negative count is an adjustment of an earlier report, and nets out of sums).

    ``count_columns`` are known count columns (:data:`columns.COUNT_COLUMNS`); their
    role, gender and age codes, from the vocabularies, travel as parameters.

    >>> sql, params = persons_sql(["victims_f_minor"])
    >>> sql
    'INSERT INTO case_persons (case_uid, role, gender, age_group, nationality, persons) SELECT case_uid, $role_0 AS role, $gender_0 AS gender, $age_group_0 AS age_group, _nationality AS nationality, CAST(_victims_f_minor AS INTEGER) AS persons FROM ins WHERE _victims_f_minor <> 0'
    >>> params
    {'role_0': 'victim', 'gender_0': 'female', 'age_group_0': 'minor'}
    >>> persons_sql(["victims"])
    Traceback (most recent call last):
    ValueError: 'victims' is not a count column (expected one of columns.COUNT_COLUMNS, e.g. victims_f_minor)
    """
    parts, params = [], {}
    for i, column in enumerate(count_columns):
        if column not in C.COUNT_COLUMNS:
            raise ValueError(
                f"{column!r} is not a count column (expected one of columns.COUNT_COLUMNS, e.g. victims_f_minor)"
            )
        params[f"role_{i}"], params[f"gender_{i}"], params[f"age_group_{i}"] = C.parse_count_column(column)
        parts.append(
            f"SELECT case_uid, $role_{i} AS role, $gender_{i} AS gender, $age_group_{i} AS age_group, "
            f"_nationality AS nationality, CAST(_{column} AS INTEGER) AS persons FROM ins WHERE _{column} <> 0"
        )
    sql = f"INSERT INTO case_persons (case_uid, role, gender, age_group, nationality, persons) {' UNION ALL '.join(parts)}"
    return sql, params


def attributes_sql() -> Query:
    """Statement inserting the modus-operandi codes of ``ins``: one row per case, dimension and code.

    >>> sql, params = attributes_sql()
    >>> sql.startswith("INSERT INTO case_attributes (case_uid, dimension, code) SELECT case_uid, $dimension_0 AS dimension")
    True
    """
    parts, params = [], {}
    for i, (column, vocabulary) in enumerate(C.MULTI_VALUE_COLUMNS.items()):
        params[f"dimension_{i}"] = vocabulary
        parts.append(
            f"SELECT case_uid, $dimension_{i} AS dimension, unnest(string_split(_{column}, ';')) AS code "
            f"FROM ins WHERE _{column} IS NOT NULL"
        )
    return f"INSERT INTO case_attributes (case_uid, dimension, code) {' UNION ALL '.join(parts)}", params


def quarantine_sql(stage: FlatStage, import_id: int, quarantine_rules: tuple[str, ...]) -> Query:
    """Statement quarantining every problem of ``errs`` that breaks a quarantine rule, with its row's
    record, under ``import_id``.

    The record is a JSON object of the row's kept columns, each cell trimmed; the
    trimming happens after the join, so only quarantined rows pay for it.
    """
    p = Params(import_id=import_id)
    record = "json_object(" + ", ".join(f"{p.bind('key', c)}, {_text_sql(f's.{q(c)}')}" for c in stage.columns) + ")"
    sql = (
        f"INSERT INTO quarantine (import_id, line, column_name, rule, value, message, record) "
        f"SELECT $import_id, e.{LINE_COLUMN}, e.column_name, e.rule, e.value, e.message, "
        f"{record} FROM errs e JOIN {plain_ident(stage.cells)} s USING ({LINE_COLUMN}) "
        f"WHERE {p.is_in('e.rule', 'rule', quarantine_rules)}"
    )
    return sql, dict(p)
