"""SQL of the HTCDS importer: the two files' views, their rules, the assembled cases and the writes.

Every statement builder returns ``(sql, params)`` with DuckDB ``$name`` parameters in a
dict. The HTCDS field names (which source column is the event type, the nationality,
...) and the rule codes that quarantine a row are the importer's: they arrive as plain
dicts and tuples, never imported from it.

Each file's problems go to one table (``hp_err``, ``he_err``: line, case id, column,
rule, value, message); the lines breaking a quarantine rule are listed apart
(``hp_out``, ``he_out``) and every other problem is a flag of the row's case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from turquesa_geo.store.queries import Params, plain_ident
from turquesa_geo.store.queries import quote_ident as q
from turquesa_geo.store.queries.ingest_flat import BBOX_MARGIN_DEG, CASE_TABLES
from turquesa_geo.store.queries.ingest_stage import LINE_COLUMN

__all__ = [
    "CASE_ID",
    "accepted_persons_sql",
    "case_attributes_sql",
    "case_flags_sql",
    "case_uids_sql",
    "case_view_sql",
    "cases_sql",
    "cases_to_write_sql",
    "delete_replaced_sql",
    "distinct_sql",
    "event_errors_sql",
    "event_unmapped_sql",
    "events_sql",
    "flag_counts_sql",
    "held_lines_sql",
    "insert_attributes_sql",
    "insert_cases_sql",
    "insert_events_sql",
    "insert_flags_sql",
    "insert_persons_sql",
    "insert_unmapped_sql",
    "outcomes_sql",
    "person_errors_sql",
    "person_unmapped_sql",
    "persons_sql",
    "quarantine_sql",
    "route_events_sql",
    "undated_events_sql",
    "undated_persons_sql",
    "unmapped_counts_sql",
    "written_sql",
]

Query = tuple[str, dict[str, object]]

#: The column both files' views name the case id by, whatever the file calls it.
CASE_ID = "case_id"

#: The case uids to write: new and changed cases.
_CHANGED = "(SELECT case_uid FROM h_uid WHERE NOT coalesce(same, false))"

#: Columns of the problem tables ``hp_err`` and ``he_err``.
_ERROR_COLUMNS = f"{LINE_COLUMN}, {CASE_ID}, column_name, rule, value, message"


# --- views and lookups -------------------------------------------------------------


def case_view_sql(table: str, alias: str, columns: Sequence[str]) -> Query:
    """View ``{table}_v`` of the staged text (already trimmed, blank as NULL): the kept ``columns``, the case
    id column ``alias`` renamed ``case_id``.

    >>> case_view_sql("hp", "cas_caseid", ["cas_caseid", "prs_gender"])[0]
    'CREATE OR REPLACE TEMP VIEW hp_v AS SELECT _line, "cas_caseid" AS case_id, "prs_gender" FROM hp'
    """
    kept = [f"{q(alias)} AS {CASE_ID}", *(q(c) for c in columns if c != alias)]
    table = plain_ident(table)
    return f"CREATE OR REPLACE TEMP VIEW {table}_v AS SELECT {LINE_COLUMN}, {', '.join(kept)} FROM {table}", {}


def distinct_sql(table: str, column: str) -> Query:
    """Query of the distinct non-NULL texts of one column of a file's view ``{table}_v``.

    >>> distinct_sql("he", "hte_country")[0]
    'SELECT DISTINCT "hte_country" FROM he_v WHERE "hte_country" IS NOT NULL'
    """
    return f"SELECT DISTINCT {q(column)} FROM {plain_ident(table)}_v WHERE {q(column)} IS NOT NULL", {}


def _col(columns: Sequence[str], column: str) -> str:
    return f"s.{q(column)}" if column in columns else "CAST(NULL AS VARCHAR)"


def _lookup(p: Params, kind: str, expr: str, alias: str) -> str:
    return f"LEFT JOIN h_map {plain_ident(alias)} ON {alias}.kind = {p.bind('kind', kind)} AND {alias}.raw = {expr}"


def _say(p: Params, text: str) -> str:
    """A fixed piece of message text, as a parameter."""
    return p.bind("text", text)


def _around(p: Params, before: str, expr: str, after: str) -> str:
    """A message fragment: ``expr`` between two fixed texts, each a parameter."""
    return f"{_say(p, before)} || {expr} || {_say(p, after)}"


def _suggestion(p: Params) -> str:
    """The end of an unknown country's message: ``; did you mean X?``, or nothing without a suggestion."""
    return f"coalesce({_say(p, '; did you mean ')} || sugg || {_say(p, '?')}, '')"


def _error(p: Params, table: str, rule: str, column: str, value: str, message: str, where: str) -> str:
    return (
        f"SELECT {LINE_COLUMN}, {CASE_ID}, {p.bind('column', column)} AS column_name, {p.bind('rule', rule)} AS rule, "
        f"{value} AS value, {message} AS message FROM {plain_ident(table)} WHERE {where}"
    )


def _held(table: str) -> str:
    """The lines of a file that break a quarantine rule (table ``hp_out`` or ``he_out``)."""
    return f"(SELECT {LINE_COLUMN} FROM {plain_ident(table)})"


def _held_by(errors: str, p: Params, quarantine_rules: Sequence[str]) -> str:
    """The lines of a problem table that break one of ``quarantine_rules`` (bound in ``p``)."""
    return f"(SELECT {LINE_COLUMN} FROM {plain_ident(errors)} WHERE {p.is_in('rule', 'rule', quarantine_rules)})"


# --- events ------------------------------------------------------------------------


def events_sql(table: str, columns: Sequence[str], event_columns: Mapping[str, str], today: object) -> Query:
    """Statement of table ``h_events``: each event row of view ``{table}_v`` with its raw texts and looked-up values.

    ``event_columns`` maps type, country, city, date, lat, lon and seq to the file's
    columns. ``read_date`` is the date as read (the first day of a month or year, whose
    precision is ``date_part``); ``event_date`` is the date kept: not after ``today``,
    the import day. ``lat`` and ``lon`` are kept only as a valid point (``point_ok``).
    """
    e, p = {k: _col(columns, v) for k, v in event_columns.items()}, Params(today=today)
    lat, lon = (f"TRY_CAST(replace({e[k]}, ',', '.') AS DOUBLE)" for k in ("lat", "lon"))
    valid = "(lat_num BETWEEN -90 AND 90 AND lon_num BETWEEN -180 AND 180 AND NOT (lat_num = 0 AND lon_num = 0))"
    read = (
        f"SELECT s.{LINE_COLUMN}, s.{CASE_ID}, {e['type']} AS type_raw, t.code AS event_type, "
        f"{e['country']} AS country_raw, k.code AS country, k.note AS sugg, {e['city']} AS place, "
        f"{e['date']} AS date_raw, CAST(d.code AS DATE) AS read_date, d.note AS date_part, "
        f"{e['lat']} AS lat_raw, {e['lon']} AS lon_raw, {lat} AS lat_num, {lon} AS lon_num, "
        f"TRY_CAST({e['seq']} AS INTEGER) AS seq "
        f"FROM {plain_ident(table)}_v s {_lookup(p, 'event_type', e['type'], 't')} "
        f"{_lookup(p, 'country', e['country'], 'k')} {_lookup(p, 'date', e['date'], 'd')}"
    )
    return (
        f"CREATE OR REPLACE TEMP TABLE h_events AS SELECT *, "
        f"CASE WHEN read_date <= $today THEN read_date END AS event_date, coalesce({valid}, false) AS point_ok, "
        f"CASE WHEN {valid} THEN lat_num END AS lat, CASE WHEN {valid} THEN lon_num END AS lon FROM ({read})",
        dict(p),
    )


def event_errors_sql(event_columns: Mapping[str, str], today: object) -> Query:
    """Statement of table ``he_err``: the events file's problems, quarantine rules and flags; ``today`` is the import day."""
    e, p = event_columns, Params(today=today)
    margin = BBOX_MARGIN_DEG
    inside = (
        f"EXISTS (SELECT 1 FROM h_bbox b WHERE b.iso3 = h_events.country AND lat BETWEEN b.min_lat - {margin} "
        f"AND b.max_lat + {margin} AND lon BETWEEN b.min_lon - {margin} AND b.max_lon + {margin})"
    )
    point = (
        f"{_say(p, 'point (')} || coalesce(lat_raw, '') || {_say(p, ', ')} || coalesce(lon_raw, '') || {_say(p, ')')}"
    )
    date = _around(p, "date '", "date_raw", "'")
    rules = [
        _error(p, "h_events", "missing_id", CASE_ID, "NULL", _say(p, "case_id is empty"), f"{CASE_ID} IS NULL"),
        _error(
            p,
            "h_events",
            "unknown_event_type",
            e["type"],
            "type_raw",
            "coalesce("
            + _around(
                p,
                "'",
                "type_raw",
                "' is not an event type (Recruitment, Departure, Transit, Interception, Arrival, Exploitation)",
            )
            + f", {_say(p, 'hte_Type is empty')}) || {_say(p, ': the event cannot be placed on the route')}",
            "event_type IS NULL",
        ),
        _error(
            p,
            "h_events",
            "missing_country",
            e["country"],
            "NULL",
            _say(p, "hte_Country is empty: the event is kept without a country"),
            "country_raw IS NULL",
        ),
        _error(
            p,
            "h_events",
            "unknown_country",
            e["country"],
            "country_raw",
            _around(p, "unknown country '", "country_raw", f"' in {e['country']}")
            + f" || {_suggestion(p)} || {_say(p, '; left unresolved')}",
            "country_raw IS NOT NULL AND country IS NULL",
        ),
        _error(
            p,
            "h_events",
            "bad_date",
            e["date"],
            "date_raw",
            f"{date} || {_say(p, ' is not a valid date: the event is kept without a date')}",
            "date_raw IS NOT NULL AND read_date IS NULL",
        ),
        _error(
            p,
            "h_events",
            "future_date",
            e["date"],
            "date_raw",
            f"{date} || {_say(p, ' is after the import day ')} || CAST($today AS VARCHAR) || "
            f"{_say(p, ': the event is kept without a date')}",
            "read_date > $today",
        ),
        _error(
            p,
            "h_events",
            "partial_date",
            e["date"],
            "date_raw",
            f"{date} || {_say(p, ' is known only to the ')} || date_part || {_say(p, ': stored on its first day')}",
            "date_part IS NOT NULL AND read_date <= $today",
        ),
        _error(
            p,
            "h_events",
            "bad_coordinate",
            e["lat"],
            f"coalesce(lat_raw, '') || {_say(p, ', ')} || coalesce(lon_raw, '')",
            f"{point} || {_say(p, ' is not a point (two numbers, lat in [-90, 90], lon in [-180, 180], not (0, 0))')}"
            f" || {_say(p, ': the point is left out')}",
            "(lat_raw IS NOT NULL OR lon_raw IS NOT NULL) AND NOT point_ok",
        ),
        _error(
            p,
            "h_events",
            "coordinates_outside_country",
            e["lat"],
            f"lat_raw || {_say(p, ', ')} || lon_raw",
            f"{point} || {_say(p, f' is more than {margin:g} degree outside ')} || country || {_say(p, ': kept')}",
            f"point_ok AND country IN (SELECT iso3 FROM h_bbox) AND NOT {inside}",
        ),
    ]
    return f"CREATE OR REPLACE TEMP TABLE he_err AS {' UNION ALL '.join(rules)}", dict(p)


def undated_events_sql(date_column: str, quarantine_rules: Sequence[str]) -> Query:
    """Statement adding to ``he_err`` the events, not otherwise quarantined, of cases with no event
    kept with a date (a day, a month or a year, not after the import day).

    ``quarantine_rules`` are the rules whose lines are not stored.
    """
    p = Params()
    held = _held_by("he_err", p, quarantine_rules)
    message = _around(p, "no event of case '", CASE_ID, "' has a date that can be kept")
    return (
        f"INSERT INTO he_err ({_ERROR_COLUMNS}) "
        f"SELECT {LINE_COLUMN}, {CASE_ID}, {p.bind('column', date_column)}, {p.bind('rule', 'undated_case')}, "
        f"date_raw, {message} FROM h_events WHERE {CASE_ID} IS NOT NULL AND {LINE_COLUMN} NOT IN {held} "
        f"AND {CASE_ID} NOT IN (SELECT {CASE_ID} FROM h_events WHERE event_date IS NOT NULL "
        f"AND {LINE_COLUMN} NOT IN {held})",
        dict(p),
    )


def held_lines_sql(errors: str, target: str, quarantine_rules: Sequence[str]) -> Query:
    """Statement of table ``target``: the lines of the problem table ``errors`` that break a quarantine rule.

    >>> held_lines_sql("he_err", "he_out", ["missing_id"])
    ('CREATE OR REPLACE TEMP TABLE he_out AS SELECT DISTINCT _line FROM he_err WHERE rule IN ($rule_1)', {'rule_1': 'missing_id'})
    """
    p = Params()
    return (
        f"CREATE OR REPLACE TEMP TABLE {plain_ident(target)} AS SELECT DISTINCT {LINE_COLUMN} "
        f"FROM {plain_ident(errors)} WHERE {p.is_in('rule', 'rule', quarantine_rules)}",
        dict(p),
    )


# --- persons -----------------------------------------------------------------------


def persons_sql(
    table: str, columns: Sequence[str], person_columns: Mapping[str, str], victim_context: Mapping[str, str]
) -> Query:
    """Statement of table ``h_persons``: each person row of view ``{table}_v`` with its raw texts and looked-up values.

    ``person_columns`` maps role, gender, age_group, age, nationality and crime_type to
    the file's columns; ``victim_context`` lists the multiselect columns, whose value is
    the codes kept (terms no vocabulary knows as their own code) and whose ``_bad`` the
    unknown terms.
    """
    p, params = {k: _col(columns, v) for k, v in person_columns.items()}, Params()
    selects = [
        f"s.{LINE_COLUMN}",
        f"s.{CASE_ID}",
        f"{p['role']} AS role_raw",
        "r.code AS role",
        f"{p['gender']} AS gender_raw",
        "g.code AS gender",
        f"{p['age_group']} AS age_group_raw",
        "a.code AS group_code",
        f"{p['age']} AS age_raw",
        "y.code AS age_code",
        "coalesce(a.code, y.code) AS age_group",
        f"{p['nationality']} AS nationality_raw",
        "k.code AS nationality",
        "k.note AS sugg",
        f"{p['crime_type']} AS crime_raw",
        "c.code AS crime_type",
    ]
    joins = [
        _lookup(params, "role", p["role"], "r"),
        _lookup(params, "gender", p["gender"], "g"),
        _lookup(params, "age_group", p["age_group"], "a"),
        _lookup(params, "age", p["age"], "y"),
        _lookup(params, "country", p["nationality"], "k"),
        _lookup(params, "crime_type", p["crime_type"], "c"),
    ]
    for i, column in enumerate(victim_context):
        column = plain_ident(column)
        selects += [f"{_col(columns, column)} AS {column}_raw", f"v{i}.attr AS {column}", f"v{i}.note AS {column}_bad"]
        joins.append(_lookup(params, column, _col(columns, column), f"v{i}"))
    return (
        f"CREATE OR REPLACE TEMP TABLE h_persons AS SELECT {', '.join(selects)} "
        f"FROM {plain_ident(table)}_v s {' '.join(joins)}",
        dict(params),
    )


def person_errors_sql(person_columns: Mapping[str, str], victim_context: Mapping[str, str]) -> Query:
    """Statement of table ``hp_err``: the persons file's problems, quarantine rules and flags.

    ``victim_context`` maps each multiselect column to its vocabulary (named in the message).
    """
    p, params = person_columns, Params()

    def quoted(expr: str, text: str) -> str:
        return _around(params, "'", expr, text)

    unmapped = ": counted as unknown, kept as not mapped"
    rules = [
        _error(
            params, "h_persons", "missing_id", CASE_ID, "NULL", _say(params, "case_id is empty"), f"{CASE_ID} IS NULL"
        ),
        _error(
            params,
            "h_persons",
            "unknown_role",
            p["role"],
            "role_raw",
            quoted("role_raw", "' is not a role (victim, migrant, suspect): the person cannot be counted"),
            "role_raw IS NOT NULL AND role IS NULL",
        ),
        _error(
            params,
            "h_persons",
            "unknown_crime_type",
            p["crime_type"],
            "crime_raw",
            quoted("crime_raw", "' is not a crime type (trafficking, smuggling or both)"),
            "crime_raw IS NOT NULL AND crime_type IS NULL",
        ),
        _error(
            params,
            "h_persons",
            "unmapped_term",
            p["gender"],
            "gender_raw",
            quoted("gender_raw", f"' is not a gender (Female, Male, Transgender/NonConforming, Unknown){unmapped}"),
            "gender_raw IS NOT NULL AND gender IS NULL",
        ),
        _error(
            params,
            "h_persons",
            "unmapped_term",
            p["age_group"],
            "age_group_raw",
            quoted("age_group_raw", "' is not an age group (adult, minor, unknown): kept as not mapped"),
            "age_group_raw IS NOT NULL AND group_code IS NULL",
        ),
        _error(
            params,
            "h_persons",
            "unmapped_term",
            p["age"],
            "age_raw",
            quoted("age_raw", f"' is not an age in years{unmapped}"),
            "age_raw IS NOT NULL AND age_code IS NULL AND group_code IS NULL",
        ),
        _error(
            params,
            "h_persons",
            "unknown_country",
            p["nationality"],
            "nationality_raw",
            _around(params, "unknown country '", "nationality_raw", f"' in {p['nationality']}")
            + f" || {_suggestion(params)} || {_say(params, '; left unresolved')}",
            "nationality_raw IS NOT NULL AND nationality IS NULL",
        ),
    ]
    for column, vocabulary in victim_context.items():
        column = plain_ident(column)
        known = f"' is not a known {vocabulary.replace('_', ' ')} (see the {vocabulary} vocabulary); kept as not mapped"
        rules.append(
            _error(
                params,
                "h_persons",
                "unmapped_term",
                column,
                f"{column}_bad",
                quoted(f"{column}_bad", known),
                f"{column}_bad IS NOT NULL",
            )
        )
    return f"CREATE OR REPLACE TEMP TABLE hp_err AS {' UNION ALL '.join(rules)}", dict(params)


def undated_persons_sql(quarantine_rules: Sequence[str]) -> Query:
    """Statement adding to ``hp_err`` the persons of cases with no event kept with a date.

    Run after :func:`undated_events_sql`; ``quarantine_rules`` are the rules whose lines are not stored.
    """
    p = Params()
    message = _around(p, "case '", CASE_ID, "' has no event with a date that can be kept in the events file")
    return (
        f"INSERT INTO hp_err ({_ERROR_COLUMNS}) "
        f"SELECT {LINE_COLUMN}, {CASE_ID}, {p.bind('column', CASE_ID)}, {p.bind('rule', 'undated_case')}, {CASE_ID}, "
        f"{message} FROM h_persons WHERE {CASE_ID} IS NOT NULL AND {CASE_ID} NOT IN (SELECT {CASE_ID} FROM h_events "
        f"WHERE event_date IS NOT NULL AND {LINE_COLUMN} NOT IN {_held_by('he_err', p, quarantine_rules)})",
        dict(p),
    )


# --- assembling cases ----------------------------------------------------------------

#: The date an event kept without a date is ordered by: that of the dated event before it in the
#: file (or, for the first ones, after it), so it keeps its place in the file. Computed only for the
#: cases that have such an event (usually none).
_FILL_DATE = (
    f"SELECT {LINE_COLUMN}, coalesce(last_value(event_date IGNORE NULLS) OVER (PARTITION BY {CASE_ID} "
    f"ORDER BY {LINE_COLUMN} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), first_value(event_date IGNORE NULLS) "
    f"OVER (PARTITION BY {CASE_ID} ORDER BY {LINE_COLUMN} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)) "
    f"AS fill_date FROM kept WHERE {CASE_ID} IN (SELECT {CASE_ID} FROM kept WHERE event_date IS NULL)"
)


def route_events_sql(route_role_of_event: Mapping[str, str]) -> Query:
    """Statement of table ``h_ev``: the events kept (not in ``he_out``) with their place on the route, numbered in order.

    The order is the file's ``hte_Sequence``, then the date, then the line; an event kept
    without a date takes its place in the file (:data:`_FILL_DATE`).

    ``route_role_of_event`` maps each event type to its route role; both travel as parameters.

    >>> sql, params = route_events_sql({"recruitment": "origin"})
    >>> "CASE event_type WHEN $event_type_0 THEN $route_role_0 END AS route_role" in sql, params
    (True, {'event_type_0': 'recruitment', 'route_role_0': 'origin', 'precision': 'point', 'precision_2': 'place', 'precision_3': 'country'})
    """
    params = Params()
    for i, (event_type, route_role) in enumerate(route_role_of_event.items()):
        params[f"event_type_{i}"], params[f"route_role_{i}"] = event_type, route_role
    roles = " ".join(f"WHEN $event_type_{i} THEN $route_role_{i}" for i in range(len(route_role_of_event)))
    return (
        f"CREATE OR REPLACE TEMP TABLE h_ev AS WITH kept AS (SELECT * FROM h_events "
        f"WHERE {LINE_COLUMN} NOT IN {_held('he_out')}) SELECT {CASE_ID}, {LINE_COLUMN}, event_type, "
        f"CASE event_type {roles} END AS route_role, country, place, lat, lon, event_date, "
        f"CASE WHEN event_date IS NOT NULL THEN date_part END AS date_part, "
        f"CASE WHEN lat IS NOT NULL THEN {params.bind('precision', 'point')} "
        f"WHEN place IS NOT NULL THEN {params.bind('precision', 'place')} "
        f"ELSE {params.bind('precision', 'country')} END AS precision, "
        f"row_number() OVER (PARTITION BY {CASE_ID} ORDER BY seq NULLS LAST, _order_date NULLS LAST, {LINE_COLUMN}) - 1 "
        f"AS seq FROM (SELECT k.*, coalesce(k.event_date, f.fill_date) AS _order_date FROM kept k "
        f"LEFT JOIN ({_FILL_DATE}) f USING ({LINE_COLUMN}))",
        dict(params),
    )


def accepted_persons_sql() -> Query:
    """Statement of table ``h_pe``: the person rows kept (not in ``hp_out``).

    >>> accepted_persons_sql()[0]
    'CREATE OR REPLACE TEMP TABLE h_pe AS SELECT * FROM h_persons WHERE _line NOT IN (SELECT _line FROM hp_out)'
    """
    return (
        f"CREATE OR REPLACE TEMP TABLE h_pe AS SELECT * FROM h_persons WHERE {LINE_COLUMN} NOT IN {_held('hp_out')}",
        {},
    )


def case_attributes_sql(victim_context: Mapping[str, str]) -> Query:
    """Statement of table ``h_attr``: each case's distinct victim-context codes per vocabulary.

    ``victim_context`` maps each multiselect column to its vocabulary (a parameter).

    >>> case_attributes_sql({"vic_methodsofcontrol": "control_method"})
    ("CREATE OR REPLACE TEMP TABLE h_attr AS SELECT DISTINCT * FROM (SELECT case_id, $dimension_0 AS dimension, unnest(string_split(vic_methodsofcontrol, ';')) AS code FROM h_pe WHERE vic_methodsofcontrol IS NOT NULL)", {'dimension_0': 'control_method'})
    """
    attributes = " UNION ALL ".join(
        f"SELECT {CASE_ID}, $dimension_{i} AS dimension, unnest(string_split({plain_ident(c)}, ';')) AS code "
        f"FROM h_pe WHERE {plain_ident(c)} IS NOT NULL"
        for i, c in enumerate(victim_context)
    )
    params = {f"dimension_{i}": v for i, v in enumerate(victim_context.values())}
    return f"CREATE OR REPLACE TEMP TABLE h_attr AS SELECT DISTINCT * FROM ({attributes})", params


def case_flags_sql() -> Query:
    """Statement of table ``h_flags``: the flags of the rows kept, both files, by case id.

    A kept line breaks no quarantine rule, so each of its problems is a flag.
    """
    kept = " UNION ALL ".join(
        f"SELECT {CASE_ID}, rule, column_name, value, message FROM {errors} WHERE {LINE_COLUMN} NOT IN {_held(held)}"
        for errors, held in (("hp_err", "hp_out"), ("he_err", "he_out"))
    )
    return f"CREATE OR REPLACE TEMP TABLE h_flags AS {kept}", {}


def _unmapped_part(p: Params, rows: str, kind: str, raw: str, column: str, where: str = "") -> str:
    """SELECT of the unknown terms (``h_unknown``) of lookup ``kind`` in the cells ``raw`` of ``rows``."""
    return (
        f"SELECT r.{LINE_COLUMN}, r.{CASE_ID}, u.field, {p.bind('column', column)} AS column_name, u.text, u.term_key "
        f"FROM {rows} r JOIN h_unknown u ON u.kind = {p.bind('kind', kind)} AND u.raw = r.{plain_ident(raw)}{where}"
    )


def person_unmapped_sql(person_columns: Mapping[str, str], victim_context: Mapping[str, str]) -> Query:
    """Statement of table ``hp_unm``: the unmapped terms of the person rows kept, one row per line and term.

    Gender, age group, nationality and the ``victim_context`` multiselects; an age that
    is not a number only when no age group was read either.
    """
    p, c = Params(), person_columns
    parts = [
        _unmapped_part(p, "h_pe", "gender", "gender_raw", c["gender"]),
        _unmapped_part(p, "h_pe", "age_group", "age_group_raw", c["age_group"]),
        _unmapped_part(p, "h_pe", "age", "age_raw", c["age"], " WHERE r.group_code IS NULL"),
        _unmapped_part(p, "h_pe", "country", "nationality_raw", c["nationality"]),
        *(_unmapped_part(p, "h_pe", column, f"{column}_raw", column) for column in victim_context),
    ]
    return f"CREATE OR REPLACE TEMP TABLE hp_unm AS {' UNION ALL '.join(parts)}", dict(p)


def event_unmapped_sql(event_columns: Mapping[str, str]) -> Query:
    """Statement of table ``he_unm``: the unknown countries of the event rows kept, one row per line."""
    p = Params()
    rows = f"(SELECT * FROM h_events WHERE {LINE_COLUMN} NOT IN {_held('he_out')})"
    part = _unmapped_part(p, rows, "country", "country_raw", event_columns["country"])
    return f"CREATE OR REPLACE TEMP TABLE he_unm AS {part}", dict(p)


def cases_sql(default_crime_type: str) -> Query:
    """Statement of table ``h_cases``: one row per case, its route, date and fingerprint.

    The case date is the first date kept of its events; when that first date is known
    only to its month or year (and no event has an exact date as early), the case's
    ``date_precision`` says so. The fingerprint covers the flags, so a row whose doubt
    changes (another unknown term) replaces its case. ``default_crime_type`` is the
    crime type of cases whose persons give none.
    """
    p = Params(default_crime_type=default_crime_type)
    role = {r: p.bind(r, r) for r in ("origin", "destination", "transit", "detection")}
    victim, unknown = p.bind("victim", "victim"), p.bind("unknown", "unknown")
    sql = (
        f"CREATE OR REPLACE TEMP TABLE h_cases AS "
        f"WITH ev AS (SELECT {CASE_ID}, min(event_date) AS case_date, "
        f"min(event_date) FILTER (WHERE date_part IS NULL) AS exact_date, "
        f"min(event_date) FILTER (WHERE date_part IS NOT NULL) AS part_date, "
        f"arg_min(date_part, event_date) FILTER (WHERE date_part IS NOT NULL) AS first_part, "
        f"arg_min(country, seq) FILTER (WHERE route_role = {role['origin']}) AS origin, "
        f"arg_max(country, seq) FILTER (WHERE route_role = {role['destination']}) AS destination, "
        f"string_agg(country, '>' ORDER BY seq) FILTER (WHERE route_role = {role['transit']}) AS transit, "
        f"arg_max(country, seq) FILTER (WHERE route_role = {role['detection']}) AS detection_country, "
        f"string_agg(concat_ws('|', seq, event_type, country, place, lat, lon, event_date), ';' ORDER BY seq) AS ev_key "
        f"FROM h_ev GROUP BY {CASE_ID}), "
        f"pe AS (SELECT {CASE_ID}, mode(nationality) AS nationality, min(crime_type) AS crime_type, "
        f"string_agg(concat_ws('|', role, gender, age_group, nationality), ';' ORDER BY ALL) AS pe_key FROM "
        f"(SELECT {CASE_ID}, coalesce(role, {victim}) AS role, coalesce(gender, {unknown}) AS gender, "
        f"coalesce(age_group, {unknown}) AS age_group, nationality, crime_type FROM h_pe) GROUP BY {CASE_ID}), "
        f"attr AS (SELECT {CASE_ID}, string_agg(dimension || ':' || code, ';' ORDER BY dimension, code) AS at_key "
        f"FROM h_attr GROUP BY {CASE_ID}), "
        f"fl AS (SELECT {CASE_ID}, string_agg(concat_ws('|', rule, column_name, value), ';' ORDER BY ALL) AS fl_key "
        f"FROM h_flags GROUP BY {CASE_ID}) "
        f"SELECT ev.{CASE_ID}, ev.case_date, "
        f"CASE WHEN exact_date IS NULL OR part_date < exact_date THEN first_part END AS date_precision, "
        f"ev.origin, ev.transit, ev.destination, ev.detection_country, pe.nationality, "
        f"coalesce(pe.crime_type, $default_crime_type) AS crime_type, "
        f"CAST(hash(ev.ev_key, pe.pe_key, attr.at_key, pe.crime_type, fl.fl_key) AS VARCHAR) AS row_hash "
        f"FROM ev LEFT JOIN pe USING ({CASE_ID}) LEFT JOIN attr USING ({CASE_ID}) LEFT JOIN fl USING ({CASE_ID})"
    )
    return sql, dict(p)


def cases_to_write_sql(source: str) -> Query:
    """Statement of table ``h_ins``: each case with the stored case of ``source`` it replaces, if any.

    >>> cases_to_write_sql("ngo")[1]
    {'source': 'ngo'}
    """
    return (
        f"CREATE OR REPLACE TEMP TABLE h_ins AS SELECT h.*, k.case_uid AS old_uid, k.row_hash = h.row_hash AS same "
        f"FROM h_cases h LEFT JOIN cases k ON k.source = $source AND k.incident_id = h.{CASE_ID}",
        {"source": source},
    )


# --- writing -----------------------------------------------------------------------


def case_uids_sql(base: int) -> Query:
    """Statement of table ``h_uid``: each case's uid, kept or new (``base`` is the largest uid stored)."""
    return (
        f"CREATE OR REPLACE TEMP TABLE h_uid AS SELECT {CASE_ID}, old_uid, same, "
        f"coalesce(old_uid, CAST($base AS BIGINT) + row_number() OVER (ORDER BY {CASE_ID})) AS case_uid FROM h_ins",
        {"base": base},
    )


def written_sql() -> Query:
    """Statement of table ``h_written``: the date of each new or changed case, and the uid it replaces."""
    return (
        f"CREATE OR REPLACE TEMP TABLE h_written AS SELECT h.case_date AS _date, "
        f"CASE WHEN NOT coalesce(u.same, false) THEN u.old_uid END AS _old_uid "
        f"FROM h_ins h JOIN h_uid u USING ({CASE_ID}) WHERE u.case_uid IN {_CHANGED}",
        {},
    )


def delete_replaced_sql(table: str) -> Query:
    """Statement deleting from a case table the stored cases that changed.

    >>> delete_replaced_sql("case_events")[0]
    'DELETE FROM case_events WHERE case_uid IN (SELECT old_uid FROM h_uid WHERE NOT same)'
    >>> delete_replaced_sql("imports")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: table 'imports' is not one of case_persons, case_events, case_attributes, ..., cases
    """
    if table not in CASE_TABLES:
        raise ValueError(f"table {table!r} is not one of {', '.join(CASE_TABLES)}")
    return f"DELETE FROM {table} WHERE case_uid IN (SELECT old_uid FROM h_uid WHERE NOT same)", {}


def insert_cases_sql(source: str, import_id: int) -> Query:
    """Statement inserting new and changed cases of ``source``, recorded under ``import_id``.

    >>> sql, params = insert_cases_sql("ngo", 7)
    >>> sql[:60], params
    ('INSERT INTO cases (case_uid, source, incident_id, network, r', {'source': 'ngo', 'import_id': 7})
    """
    return (
        "INSERT INTO cases (case_uid, source, incident_id, network, reporting_country, crime_type, case_date, "
        "nationality, origin, transit, destination, detection_country, place, lat, lon, import_id, row_hash, "
        "date_precision) "
        f"SELECT u.case_uid, $source, h.{CASE_ID}, NULL, NULL, h.crime_type, h.case_date, h.nationality, "
        f"h.origin, h.transit, h.destination, h.detection_country, NULL, NULL, NULL, $import_id, h.row_hash, "
        f"h.date_precision FROM h_ins h JOIN h_uid u USING ({CASE_ID}) WHERE u.case_uid IN {_CHANGED}",
        {"source": source, "import_id": import_id},
    )


def insert_events_sql() -> Query:
    """Statement inserting the route events of new and changed cases."""
    return (
        "INSERT INTO case_events (case_uid, seq, event_type, route_role, country, place, lat, lon, event_date, "
        "precision) SELECT u.case_uid, CAST(e.seq AS SMALLINT), e.event_type, e.route_role, e.country, "
        f"e.place, e.lat, e.lon, e.event_date, e.precision FROM h_ev e JOIN h_uid u USING ({CASE_ID}) "
        f"WHERE u.case_uid IN {_CHANGED}",
        {},
    )


def insert_persons_sql() -> Query:
    """Statement inserting the persons of new and changed cases, counted per role, gender, age and nationality."""
    return (
        "INSERT INTO case_persons (case_uid, role, gender, age_group, nationality, persons) "
        "SELECT u.case_uid, coalesce(p.role, $victim), coalesce(p.gender, $unknown), "
        f"coalesce(p.age_group, $unknown), p.nationality, CAST(count(*) AS INTEGER) FROM h_pe p "
        f"JOIN h_uid u USING ({CASE_ID}) WHERE u.case_uid IN {_CHANGED} GROUP BY ALL",
        {"victim": "victim", "unknown": "unknown"},
    )


def insert_attributes_sql() -> Query:
    """Statement inserting the victim-context codes of new and changed cases."""
    return (
        "INSERT INTO case_attributes (case_uid, dimension, code) SELECT u.case_uid, a.dimension, a.code FROM h_attr a "
        f"JOIN h_uid u USING ({CASE_ID}) WHERE u.case_uid IN {_CHANGED}",
        {},
    )


def insert_flags_sql() -> Query:
    """Statement inserting the flags (``h_flags``) of new and changed cases."""
    return (
        "INSERT INTO case_flags (case_uid, rule, column_name, value, message) "
        f"SELECT u.case_uid, f.rule, f.column_name, f.value, f.message FROM h_flags f "
        f"JOIN h_uid u USING ({CASE_ID}) WHERE u.case_uid IN {_CHANGED}",
        {},
    )


def insert_unmapped_sql() -> Query:
    """Statement inserting the unmapped terms of new and changed cases, from both files (``hp_unm``, ``he_unm``)."""
    return (
        "INSERT INTO case_unmapped (case_uid, field, column_name, text, term_key) "
        "SELECT DISTINCT u.case_uid, m.field, m.column_name, m.text, m.term_key FROM "
        f"(SELECT * FROM hp_unm UNION ALL SELECT * FROM he_unm) m JOIN h_uid u USING ({CASE_ID}) "
        f"WHERE u.case_uid IN {_CHANGED}",
        {},
    )


# --- the report ----------------------------------------------------------------------


def outcomes_sql(rows: str, held: str) -> Query:
    """Query of (inserted, updated, unchanged) kept rows of table ``rows``, given its quarantined lines ``held``."""
    return (
        f"SELECT count(*) FILTER (WHERE u.old_uid IS NULL), count(*) FILTER (WHERE u.old_uid IS NOT NULL AND NOT u.same), "
        f"count(*) FILTER (WHERE u.same) FROM {plain_ident(rows)} r JOIN h_uid u USING ({CASE_ID}) "
        f"WHERE r.{LINE_COLUMN} NOT IN {_held(held)}",
        {},
    )


def flag_counts_sql(errors: str, held: str) -> Query:
    """Query of (rule, kept lines flagged by it) of one file's problems ``errors``; rule NULL: the lines in all.

    >>> flag_counts_sql("hp_err", "hp_out")[0]
    'SELECT rule, count(DISTINCT _line) FROM hp_err WHERE _line NOT IN (SELECT _line FROM hp_out) GROUP BY GROUPING SETS ((rule), ()) ORDER BY rule NULLS FIRST'
    """
    return (
        f"SELECT rule, count(DISTINCT {LINE_COLUMN}) FROM {plain_ident(errors)} WHERE {LINE_COLUMN} NOT IN "
        f"{_held(held)} GROUP BY GROUPING SETS ((rule), ()) ORDER BY rule NULLS FIRST",
        {},
    )


def unmapped_counts_sql(unmapped: str) -> Query:
    """Query of (field, column, text, rows) of each unmapped term of one file's table ``unmapped``, most rows first.

    >>> unmapped_counts_sql("hp_unm")[0][:80]
    'SELECT field, column_name, min(text), CAST(count(*) AS BIGINT) AS n FROM hp_unm '
    """
    return (
        f"SELECT field, column_name, min(text), CAST(count(*) AS BIGINT) AS n FROM {plain_ident(unmapped)} "
        "GROUP BY field, column_name, term_key ORDER BY n DESC, field, column_name, min(text)",
        {},
    )


def quarantine_sql(
    table: str, columns: Sequence[str], errors: str, import_id: int, quarantine_rules: Sequence[str]
) -> Query:
    """Statement quarantining the problems in ``errors`` that break one of ``quarantine_rules``, with each
    row's record from view ``{table}_v``."""
    p = Params(import_id=import_id)
    record = "json_object(" + ", ".join(f"{p.bind('key', c)}, s.{q(c)}" for c in columns) + ")"
    return (
        f"INSERT INTO quarantine (import_id, line, column_name, rule, value, message, record) "
        f"SELECT $import_id, e.{LINE_COLUMN}, e.column_name, e.rule, e.value, e.message, {record} "
        f"FROM {plain_ident(errors)} e JOIN {plain_ident(table)}_v s USING ({LINE_COLUMN}) "
        f"WHERE {p.is_in('e.rule', 'rule', quarantine_rules)}",
        dict(p),
    )
