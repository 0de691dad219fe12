"""Queries of what the store holds: cases by crime type and year, sources, imports, quarantine, flags, choices."""

from __future__ import annotations

from collections.abc import Mapping

from turquesa_geo.columns import UNDATED
from turquesa_geo.store.queries.base import Params, Query, plain_ident
from turquesa_geo.store.queries.conditions import dated, period_filter

__all__ = [
    "COUNT_UNIT_PREFIX",
    "aggregate_by_year",
    "aggregate_names",
    "coarse_dates",
    "date_range",
    "default_source_sql",
    "flags_by_rule",
    "import_exists",
    "open_quarantine_by_import",
    "outcome_sources",
    "quarantine_by_rule",
    "quarantine_rows",
    "recent_imports",
    "sources_summary",
    "status_by_crime_year",
    "store_countries",
    "store_flag_rules",
    "store_modus_codes",
    "store_sources",
    "store_totals",
    "undated_cases",
    "view_sources",
]

#: How the unit of a stored aggregate count begins when the values are counts ("Counts"), which may be summed;
#: any other unit (a rate, a share) is never added up.
COUNT_UNIT_PREFIX = "count"

#: Condition on a row of a case's table (persons, attributes): its case is counted (see the view counted_cases).
_COUNTED = "case_uid IN (SELECT case_uid FROM counted_cases)"


def status_by_crime_year() -> Query:
    """Cases and persons by crime type and year; the records with no known date under year NULL.

    >>> status_by_crime_year()[1]
    {'undated': datetime.date(1900, 1, 1), 'suspect': 'suspect'}
    """
    year = "CAST(CASE WHEN c.case_date <> $undated THEN year(c.case_date) END AS INTEGER)"
    return (
        f"SELECT c.crime_type, {year} AS year, CAST(count(*) AS BIGINT) AS cases, "
        "CAST(coalesce(sum(p.persons), 0) AS BIGINT) AS persons "
        "FROM counted_cases c LEFT JOIN (SELECT case_uid, sum(persons) AS persons FROM case_persons "
        "WHERE role <> $suspect GROUP BY case_uid) p USING (case_uid) "
        f"GROUP BY c.crime_type, {year} ORDER BY c.crime_type, year NULLS LAST",
        {"undated": UNDATED, "suspect": "suspect"},
    )


def sources_summary() -> Query:
    """Cases per reporting source and network, largest first."""
    return (
        "SELECT source, network, CAST(count(*) AS BIGINT) AS cases, min(case_date) AS first_case, "
        "max(case_date) AS last_case FROM counted_cases GROUP BY source, network ORDER BY cases DESC, source",
        {},
    )


def recent_imports(limit: int = 10) -> Query:
    """The latest imports with their reconciliation counts, and their quarantined lines still open."""
    return (
        "SELECT i.import_id, i.file_name, i.profile, i.source, i.rows_read, i.rows_accepted, i.rows_quarantined, "
        "CAST(coalesce(o.open, 0) AS BIGINT) AS quarantine_open, "
        "i.rows_inserted, i.rows_updated, i.rows_unchanged, i.rows_flagged, i.status, i.started, i.finished "
        f"FROM imports i LEFT JOIN ({_OPEN_LINES}) o USING (import_id) ORDER BY i.import_id DESC LIMIT $limit",
        {"limit": int(limit)},
    )


#: Open quarantined lines (not resolved by a later import) per import.
_OPEN_LINES = (
    "SELECT import_id, count(DISTINCT line) AS open FROM quarantine WHERE resolved_by IS NULL GROUP BY import_id"
)


def open_quarantine_by_import() -> Query:
    """Every import with open quarantine: its file, the lines still open and their rules, oldest first.

    >>> open_quarantine_by_import()[1]
    {'separator': ', '}
    """
    return (
        "SELECT q.import_id, i.file_name, CAST(count(DISTINCT q.line) AS BIGINT) AS open, "
        "string_agg(DISTINCT q.rule, $separator ORDER BY q.rule) AS rules "
        "FROM quarantine q JOIN imports i USING (import_id) WHERE q.resolved_by IS NULL "
        "GROUP BY q.import_id, i.file_name ORDER BY q.import_id",
        {"separator": ", "},
    )


def import_exists(import_id: int) -> Query:
    """Query of the number of imports (0 or 1) with id ``import_id``."""
    return "SELECT count(*) FROM imports WHERE import_id = $import_id", {"import_id": int(import_id)}


def quarantine_by_rule(import_id: int | None = None) -> Query:
    """Quarantined rows per rule, for one import or all: rows, the rows still open, problems.

    >>> quarantine_by_rule(3)[1]
    {'import_id': 3}
    """
    where, params = (
        ("WHERE import_id = $import_id", {"import_id": int(import_id)}) if import_id is not None else ("", {})
    )
    return (
        f"SELECT rule, CAST(count(DISTINCT (import_id, line)) AS BIGINT) AS rows, "
        f"CAST(count(DISTINCT (import_id, line)) FILTER (WHERE resolved_by IS NULL) AS BIGINT) AS open, "
        f"CAST(count(*) AS BIGINT) AS problems FROM quarantine {where} GROUP BY rule ORDER BY rows DESC, rule",
        params,
    )


def flags_by_rule(import_id: int | None = None) -> Query:
    """Stored cases kept with a flag (column ``flagged``), per import that wrote them (the case's latest) and rule,
    for one import or all.

    Import bookkeeping beside ``imports.rows_flagged``, not a count of the analysis: a case with two rules counts
    under each; latest import first, then most flagged.

    >>> flags_by_rule(3)
    ('SELECT c.import_id, f.rule, CAST(count(DISTINCT f.case_uid) AS BIGINT) AS flagged FROM case_flags f JOIN counted_cases c ON c.case_uid = f.case_uid WHERE c.import_id = $import_id GROUP BY c.import_id, f.rule ORDER BY c.import_id DESC, flagged DESC, f.rule', {'import_id': 3})
    """
    where, params = (
        ("WHERE c.import_id = $import_id ", {"import_id": int(import_id)}) if import_id is not None else ("", {})
    )
    return (
        "SELECT c.import_id, f.rule, CAST(count(DISTINCT f.case_uid) AS BIGINT) AS flagged "
        f"FROM case_flags f JOIN counted_cases c ON c.case_uid = f.case_uid {where}"
        "GROUP BY c.import_id, f.rule ORDER BY c.import_id DESC, flagged DESC, f.rule",
        params,
    )


#: A file name's last suffix (``.csv``), for the stem a flat file's rows take as their source (``Path.stem``).
_SUFFIX_PATTERN = r"(.)\.[^.]+$"
#: What the pattern keeps: the character before the suffix.
_KEPT = r"\1"


def default_source_sql(p: Params, imports: str, profile_sources: Mapping[str, str]) -> str:
    """SQL of the source an import gave its rows that name none, for the ``imports`` row aliased ``imports``.

    The source the import was given, else the one of its profile (``profile_sources``: profile
    name to source), else the file name without its suffix, as the importers decide it.

    >>> p = Params()
    >>> default_source_sql(p, "i", {"mmp": "IOM"})
    'coalesce(i.source, CASE i.profile WHEN $profile_1 THEN $profile_source_1 END, regexp_replace(i.file_name, $suffix, $kept))'
    >>> p["profile_1"], p["profile_source_1"], p["suffix"], p["kept"]
    ('mmp', 'IOM', '(.)\\\\.[^.]+$', '\\\\1')
    >>> default_source_sql(Params(), "i", {})
    'coalesce(i.source, regexp_replace(i.file_name, $suffix, $kept))'
    """
    alias = plain_ident(imports)
    by_profile = " ".join(
        f"WHEN {p.bind(f'profile_{n}', name)} THEN {p.bind(f'profile_source_{n}', source)}"
        for n, (name, source) in enumerate(sorted(profile_sources.items()), 1)
    )
    profile = f"CASE {alias}.profile {by_profile} END, " if by_profile else ""
    stem = f"regexp_replace({alias}.file_name, {p.bind('suffix', _SUFFIX_PATTERN)}, {p.bind('kept', _KEPT)})"
    return f"coalesce({alias}.source, {profile}{stem})"


def quarantine_rows(
    import_id: int | None = None, *, include_resolved: bool = False, profile_sources: Mapping[str, str] | None = None
) -> Query:
    """The quarantine of one import or of all, one row per problem, in file order; open entries only unless asked.

    Each row carries its record (the row as read, JSON), the source its import gave rows
    naming none (``profile_sources``: the source of each public-data profile) and the
    import that resolved it.

    >>> sql, params = quarantine_rows(2)
    >>> sql.endswith("WHERE q.import_id = $import_id AND q.resolved_by IS NULL ORDER BY q.import_id, q.line, q.rule, q.column_name")
    True
    >>> "WHERE" in quarantine_rows(include_resolved=True)[0]
    False
    """
    p = Params()
    conditions = [f"q.import_id = {p.bind('import_id', int(import_id))}"] if import_id is not None else []
    conditions += [] if include_resolved else ["q.resolved_by IS NULL"]
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return (
        "SELECT q.import_id, q.line, q.column_name, q.rule, q.value, q.message, q.record, "
        f"{default_source_sql(p, 'i', profile_sources or {})} AS default_source, q.resolved_by "
        f"FROM quarantine q JOIN imports i USING (import_id){where} "
        "ORDER BY q.import_id, q.line, q.rule, q.column_name",
        dict(p),
    )


def store_totals() -> Query:
    """Cases, persons per role (of the cases counted), imports, quarantined rows, those still open, and flagged
    cases, in one row."""
    return (
        "SELECT (SELECT count(*) FROM counted_cases), "
        f"(SELECT coalesce(sum(persons), 0) FROM case_persons WHERE role = $victim AND {_COUNTED}), "
        f"(SELECT coalesce(sum(persons), 0) FROM case_persons WHERE role = $migrant AND {_COUNTED}), "
        f"(SELECT coalesce(sum(persons), 0) FROM case_persons WHERE role = $suspect AND {_COUNTED}), "
        "(SELECT count(*) FROM imports WHERE status = $done), "
        "(SELECT count(DISTINCT (import_id, line)) FROM quarantine), "
        "(SELECT count(DISTINCT (import_id, line)) FROM quarantine WHERE resolved_by IS NULL), "
        "(SELECT count(DISTINCT case_uid) FROM case_flags)",
        {"victim": "victim", "migrant": "migrant", "suspect": "suspect", "done": "done"},
    )


def date_range(with_outcomes: bool = True) -> Query:
    """First and last date in the store of the counted records with a known date (the store's period): the
    cases and the incidents of deaths and disappearances, which pages show beside them (``with_outcomes``
    False: the cases only).

    >>> date_range()
    ('SELECT min(c.case_date), max(c.case_date) FROM (SELECT case_date FROM counted_cases UNION ALL SELECT case_date FROM outcome_incidents) c WHERE c.case_date <> $undated', {'undated': datetime.date(1900, 1, 1)})
    >>> date_range(with_outcomes=False)[0]
    'SELECT min(c.case_date), max(c.case_date) FROM (SELECT case_date FROM counted_cases) c WHERE c.case_date <> $undated'
    """
    params = Params()
    both = "SELECT case_date FROM counted_cases" + (
        " UNION ALL SELECT case_date FROM outcome_incidents" if with_outcomes else ""
    )
    return f"SELECT min(c.case_date), max(c.case_date) FROM ({both}) c WHERE {dated(params)}", dict(params)


def outcome_sources() -> Query:
    """Query of (source, first year, last year, incidents) of the stored incidents of deaths and disappearances
    during migration (the view ``outcome_incidents``): the years of those with a known date (NULL when none has
    one), every incident counted.

    >>> outcome_sources()[1]
    {'undated': datetime.date(1900, 1, 1)}
    """
    params = Params()
    known = f"FILTER (WHERE {dated(params)})"
    return (
        f"SELECT c.source, CAST(min(year(c.case_date)) {known} AS INTEGER), "
        f"CAST(max(year(coalesce(c.period_end, c.case_date))) {known} AS INTEGER), CAST(count(*) AS BIGINT) "
        "FROM outcome_incidents c GROUP BY c.source ORDER BY c.source",
        dict(params),
    )


def undated_cases() -> Query:
    """Query of (source, cases) of the records with no known date: counted in the store's totals, in no period."""
    return (
        "SELECT source, CAST(count(*) AS BIGINT) AS cases FROM counted_cases WHERE case_date = $undated "
        "GROUP BY source ORDER BY cases DESC, source",
        {"undated": UNDATED},
    )


def coarse_dates() -> Query:
    """Query of (source, cases) of the cases dated only by a year or a period of years."""
    return (
        "SELECT source, CAST(count(*) AS BIGINT) AS cases FROM counted_cases WHERE date_precision IN ($year, $period) "
        "GROUP BY source ORDER BY cases DESC, source",
        {"year": "year", "period": "period"},
    )


def store_countries() -> Query:
    """Countries seen in any route role of a case, or in the aggregate counts (country, ISO3 citizenship)."""
    return (
        "SELECT DISTINCT x FROM (SELECT nationality AS x FROM counted_cases UNION SELECT origin FROM counted_cases "
        "UNION SELECT destination FROM counted_cases UNION SELECT detection_country FROM counted_cases "
        "UNION SELECT unnest(string_split(transit, $separator)) FROM counted_cases UNION SELECT country FROM aggregate_counts "
        "UNION SELECT category FROM aggregate_counts WHERE dimension = $citizenship AND length(category) = 3) "
        "WHERE x IS NOT NULL ORDER BY x",
        {"separator": ">", "citizenship": "citizenship"},
    )


def store_sources() -> Query:
    """Reporting sources of the cases, of the incidents of deaths and disappearances and of the aggregate counts."""
    return (
        "SELECT DISTINCT source FROM (SELECT source FROM counted_cases UNION SELECT source FROM outcome_incidents "
        "UNION SELECT source FROM aggregate_counts) "
        "ORDER BY source",
        {},
    )


def store_flag_rules() -> Query:
    """The flag rules the stored cases carry (what the flag filters can offer)."""
    return "SELECT DISTINCT rule FROM case_flags ORDER BY rule", {}


def store_modus_codes() -> Query:
    """(dimension, code) of every modus-operandi code the cases hold."""
    return f"SELECT DISTINCT dimension, code FROM case_attributes WHERE {_COUNTED} ORDER BY dimension, code", {}


def view_sources(filters) -> Query:
    """Reporting sources of the cases the filters select in their period (route filters aside), most cases first."""
    where, params = period_filter(filters, params=Params())
    return (
        f"SELECT c.source, CAST(count(*) AS BIGINT) AS cases FROM counted_cases c WHERE {where} "
        "GROUP BY c.source ORDER BY cases DESC, c.source",
        dict(params),
    )


def _headline(params: Params) -> str:
    """Condition on an aggregate count: a country's published total of its indicator (dimension and category
    total, both sexes, all ages, a count), the only rows whose sum over countries counts nobody twice."""
    total = params.bind("total", "total")
    return (
        f"dimension = {total} AND category = {total} AND sex = {total} AND age_group = {total} "
        f"AND country IS NOT NULL AND lower(unit) LIKE {params.bind('count_unit', COUNT_UNIT_PREFIX + '%')}"
    )


def aggregate_by_year() -> Query:
    """Stored aggregate counts per source, indicator and year: rows, censored rows, and the known total.

    ``known_total`` sums the known values of the countries' published totals (see
    :func:`_headline`; NULL when none is known), ``total_censored`` counts the censored
    ones it leaves out (a ``<5`` is never a number).

    >>> aggregate_by_year()[1]
    {'total': 'total', 'count_unit': 'count%'}
    """
    params = Params()
    headline = _headline(params)
    return (
        "SELECT source, indicator, year, CAST(count(*) AS BIGINT) AS rows, "
        "CAST(count(censored) AS BIGINT) AS censored, "
        f"CAST(sum(value) FILTER (WHERE {headline}) AS BIGINT) AS known_total, "
        f"CAST(count(censored) FILTER (WHERE {headline}) AS BIGINT) AS total_censored "
        "FROM aggregate_counts GROUP BY source, indicator, year ORDER BY source, indicator, year",
        dict(params),
    )


def aggregate_names() -> Query:
    """Query of (source, profile, indicator, dimension) of the stored aggregate counts: what a reader may name.

    The profile is the one of the import that wrote the counts (``glotip``), NULL when the import is gone.
    """
    return (
        "SELECT DISTINCT a.source, i.profile, a.indicator, a.dimension FROM aggregate_counts a "
        "LEFT JOIN imports i USING (import_id) ORDER BY a.source, i.profile, a.indicator, a.dimension",
        {},
    )
