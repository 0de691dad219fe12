"""Queries of series over time: modus-operandi counts, key figures, persons, monthly counts for the signals.

Where the rollups can answer (see :func:`turquesa_geo.store.rollups.covers`), a builder
takes ``source="rollup"``; both sources give the same frame (tested).

A record with no known date (on :data:`turquesa_geo.columns.UNDATED`, precision
``unknown``) is in no period: every series leaves it out (the rollups never hold it).
The monthly counts of the signals also leave out records dated only to a year or a band
of years (:data:`turquesa_geo.columns.COARSE_DATE_PRECISIONS`): their month is a
placeholder, and a band's first month would look like a surge. A series of the pages
holds only the records its periods can place
(:data:`turquesa_geo.columns.SERIES_COARSE_PRECISIONS`): a record dated only to a year is
in yearly series, a band of years in none; bands are counted apart, per band
(:func:`modus_bands`, :func:`persons_by_band`), and :func:`dating_counts` says how many
of each kind a selection holds.
"""

from __future__ import annotations

from turquesa_geo.columns import (
    COARSE_DATE_PRECISIONS,
    DATE_BAND,
    DATE_DAY,
    DATE_UNKNOWN,
    MODUS_DIMENSIONS,
    UNDATED,
)
from turquesa_geo.store.queries.base import MONTH, Params, Query, period_expr
from turquesa_geo.store.queries.conditions import (
    case_filter,
    dated,
    dated_for,
    dated_to_the_month,
    period_filter,
    person_filter,
    span_filter,
)

__all__ = [
    "PERSON_SPLITS",
    "SERIES_SOURCES",
    "coarse_dated_cases",
    "dating_counts",
    "key_figures",
    "modus_bands",
    "modus_series",
    "monthly_modus",
    "monthly_signature_modus",
    "monthly_signatures",
    "persons_by",
    "persons_by_band",
    "persons_by_signature",
]

#: Where a series can be counted: the case tables, or the monthly rollups.
SERIES_SOURCES = ("cases", "rollup")

#: How :func:`persons_by` splits persons: split name -> SQL expression.
PERSON_SPLITS = {
    "none": "CAST(NULL AS VARCHAR)",
    "crime_type": "c.crime_type",
    "nationality": "coalesce(p.nationality, c.nationality)",
    "exploitation_form": "a.code",
}

_SIGNATURE = ("nationality", "origin", "transit", "destination", "detection_country")


def coarse_dated_cases(filters, first, last) -> Query:
    """Query of the number of cases of ``first`` .. ``last`` dated only to a year or a band of years
    (the rollups cannot leave them out of monthly counts: the signals then read the case tables)."""
    params = Params(first=first, last=last)
    where, _ = case_filter(filters, "c", params)
    coarse = params.is_in("c.date_precision", "coarse", COARSE_DATE_PRECISIONS)
    return (
        f"SELECT count(*) FROM counted_cases c WHERE c.case_date >= $first AND c.case_date <= $last AND {coarse} AND {where}",
        dict(params),
    )


def _check_source(source: str) -> None:
    if source not in SERIES_SOURCES:
        raise ValueError(f"source {source!r} is not one of {', '.join(SERIES_SOURCES)}")


def _check_by(by: str | None) -> None:
    if by not in (None, "crime_type"):
        raise ValueError(f"by {by!r} is not None or 'crime_type'")


def modus_series(filters, dimension: str, freq: str = "Y", by: str | None = None, source: str = "cases") -> Query:
    """Cases per period and code of one modus-operandi dimension, with the cases reporting it.

    ``by`` is None or ``crime_type`` (corridor splits join the rebuilt routes in Python).
    Columns: period, grp, code, cases, reporting (cases with any code of the dimension),
    total (all cases of the period). From the cases, only the cases a period of ``freq``
    can place (:func:`dated_for`: by year, no band of years; by month or quarter, no
    year-only date either). ``source="rollup"`` reads the rollups (whole months, no person
    or modus filter), which know no date precision: read them only when the selection
    holds no case too coarse for ``freq`` (:func:`dating_counts`).
    """
    _check_by(by)
    _check_source(source)
    if source == "rollup":
        return _modus_series_rollup(filters, dimension, freq, by)
    period = period_expr(freq)
    params = Params()
    where, _ = period_filter(filters, params=params)
    group = "c.crime_type" if by == "crime_type" else "CAST(NULL AS VARCHAR)"
    text = (
        f"WITH base AS (SELECT c.case_uid, {period} AS period, {group} AS grp FROM counted_cases c "
        f"WHERE {where} AND {dated(params)} AND {dated_for(freq, params)}), "
        "coded AS (SELECT b.period, b.grp, a.code, b.case_uid FROM base b JOIN case_attributes a "
        f"ON a.case_uid = b.case_uid AND a.dimension = {params.bind('series_dimension', dimension)}), "
        "totals AS (SELECT period, grp, CAST(count(*) AS BIGINT) AS total FROM base GROUP BY period, grp), "
        "reporting AS (SELECT period, grp, CAST(count(DISTINCT case_uid) AS BIGINT) AS reporting FROM coded "
        "GROUP BY period, grp) "
        "SELECT k.period, k.grp, k.code, CAST(count(DISTINCT k.case_uid) AS BIGINT) AS cases, "
        "max(r.reporting) AS reporting, max(t.total) AS total FROM coded k "
        "JOIN reporting r ON r.period = k.period AND r.grp IS NOT DISTINCT FROM k.grp "
        "JOIN totals t ON t.period = k.period AND t.grp IS NOT DISTINCT FROM k.grp "
        "GROUP BY k.period, k.grp, k.code ORDER BY k.period, k.grp, k.code"
    )
    return text, dict(params)


def _modus_series_rollup(filters, dimension: str, freq: str, by: str | None) -> Query:
    if dimension not in MODUS_DIMENSIONS:
        raise ValueError(f"dimension {dimension!r} is not one of {', '.join(MODUS_DIMENSIONS)}")
    period_m, period_t = period_expr(freq, "m.month"), period_expr(freq, "t.month")
    group_m, group_t = (
        ("m.crime_type", "t.crime_type") if by == "crime_type" else ("CAST(NULL AS VARCHAR)", "CAST(NULL AS VARCHAR)")
    )
    params = Params()
    where_m, _ = period_filter(filters, "m.month", "m", params, rollup=True)
    where_t, _ = period_filter(filters, "t.month", "t", params, rollup=True)
    text = (
        f"WITH coded AS (SELECT {period_m} AS period, {group_m} AS grp, m.code, CAST(sum(m.cases) AS BIGINT) AS cases "
        f"FROM rollup_modus m WHERE m.dimension = {params.bind('series_dimension', dimension)} AND {where_m} "
        f"GROUP BY {period_m}, {group_m}, m.code), "
        f"totals AS (SELECT {period_t} AS period, {group_t} AS grp, CAST(sum(t.cases) AS BIGINT) AS total, "
        f"CAST(sum(t.reporting_{dimension}) AS BIGINT) AS reporting "
        f"FROM rollup_routes t WHERE {where_t} GROUP BY {period_t}, {group_t}) "
        "SELECT k.period, k.grp, k.code, k.cases, t.reporting, t.total FROM coded k "
        "JOIN totals t ON t.period = k.period AND t.grp IS NOT DISTINCT FROM k.grp "
        "ORDER BY k.period, k.grp, k.code"
    )
    return text, dict(params)


#: A band's first and last day, as the band builders select them.
_BAND_KEYS = "c.case_date AS first_day, coalesce(c.period_end, c.case_date) AS last_day"


def modus_bands(filters, dimension: str) -> Query:
    """Cases dated to a band of years, per band and code of one modus-operandi dimension.

    Columns: first_day, last_day (the band's), code, cases, reporting (the band's cases with
    any code of the dimension), total (all the band's cases). A band counts when it meets
    the filters' period (:func:`span_filter`), whole: its cases are never spread over years.
    """
    if dimension not in MODUS_DIMENSIONS:
        raise ValueError(f"dimension {dimension!r} is not one of {', '.join(MODUS_DIMENSIONS)}")
    params = Params()
    where, _ = span_filter(filters, "c", params)
    text = (
        f"WITH base AS (SELECT c.case_uid, {_BAND_KEYS} FROM counted_cases c "
        f"WHERE c.date_precision = {params.bind('band', DATE_BAND)} AND {where}), "
        "coded AS (SELECT b.first_day, b.last_day, a.code, b.case_uid FROM base b JOIN case_attributes a "
        f"ON a.case_uid = b.case_uid AND a.dimension = {params.bind('series_dimension', dimension)}), "
        "totals AS (SELECT first_day, last_day, CAST(count(*) AS BIGINT) AS total FROM base "
        "GROUP BY first_day, last_day), "
        "reporting AS (SELECT first_day, last_day, CAST(count(DISTINCT case_uid) AS BIGINT) AS reporting "
        "FROM coded GROUP BY first_day, last_day) "
        "SELECT k.first_day, k.last_day, k.code, CAST(count(DISTINCT k.case_uid) AS BIGINT) AS cases, "
        "max(r.reporting) AS reporting, max(t.total) AS total FROM coded k "
        "JOIN reporting r ON r.first_day = k.first_day AND r.last_day = k.last_day "
        "JOIN totals t ON t.first_day = k.first_day AND t.last_day = k.last_day "
        "GROUP BY k.first_day, k.last_day, k.code ORDER BY k.first_day, k.last_day, k.code"
    )
    return text, dict(params)


def dating_counts(filters) -> Query:
    """Cases of the selection by how they are dated: (date_precision, cases).

    ``date_precision`` is the case's (``day`` when none is given), and ``unknown`` for every
    record with no known date (counted whatever the period: it is in none). A band of years
    counts when it meets the period (:func:`span_filter`); any other case when its day is in it.
    """
    params = Params()
    where, _ = span_filter(filters, "c", params)
    undated = params.bind("undated", UNDATED)
    text = (
        f"SELECT CASE WHEN c.case_date = {undated} THEN {params.bind('unknown', DATE_UNKNOWN)} "
        f"ELSE coalesce(c.date_precision, {params.bind('day', DATE_DAY)}) END AS date_precision, "
        "CAST(count(*) AS BIGINT) AS cases FROM counted_cases c "
        f"WHERE ({where} OR (c.case_date = {undated} AND {case_filter(filters, 'c', params)[0]})) "
        "GROUP BY ALL ORDER BY ALL"
    )
    return text, dict(params)


def _persons(filters, keys: str, join: str, params: Params, freq: str | None = None) -> str:
    """Persons of the selected cases summed by ``keys`` (SELECT list), role, gender and age group;
    for a series of ``freq``, of the cases its periods can place only (:func:`dated_for`)."""
    where, _ = period_filter(filters, params=params)
    person_where = person_filter(filters, "p", params)[0] if filters.person_filtered() else "TRUE"
    undated = f" AND {dated(params)} AND {dated_for(freq, params)}" if freq else ""
    return (
        f"SELECT {keys}, p.role, p.gender, p.age_group, CAST(sum(p.persons) AS BIGINT) AS persons "
        f"FROM counted_cases c JOIN case_persons p ON p.case_uid = c.case_uid {join}WHERE {where} AND {person_where}{undated}"
    )


def persons_by(filters, column: str, freq: str | None = None) -> Query:
    """Persons by role, gender and age group, split by ``column`` (and period when ``freq``).

    ``column`` is one of :data:`PERSON_SPLITS`: none, crime_type, nationality (the
    person's), exploitation_form. Unknown gender and age stay as their own categories.
    By period (``freq``), only the persons of records a period of ``freq`` can place: no
    record with no known date, no band of years (see :func:`persons_by_band`), and by month
    or quarter no record dated only to a year.
    """
    if column not in PERSON_SPLITS:
        raise ValueError(f"split {column!r} is not one of {', '.join(PERSON_SPLITS)}")
    params = Params()
    join = (
        f"JOIN case_attributes a ON a.case_uid = c.case_uid AND a.dimension = {params.bind('split', column)} "
        if column == "exploitation_form"
        else ""
    )
    period = period_expr(freq) if freq else "CAST(NULL AS DATE)"
    text = _persons(filters, f"{period} AS period, {PERSON_SPLITS[column]} AS category", join, params, freq)
    return f"{text} GROUP BY ALL ORDER BY ALL", dict(params)


def persons_by_signature(filters) -> Query:
    """Persons by reported route, role, gender and age group (for the gender lens by corridor)."""
    params = Params()
    keys = ", ".join(f"c.{k}" for k in _SIGNATURE)
    text = _persons(filters, keys, "", params)
    return f"{text} GROUP BY {keys}, p.role, p.gender, p.age_group", dict(params)


def persons_by_band(filters) -> Query:
    """Persons of the cases dated to a band of years, per band, role, gender and age group.

    Columns: first_day, last_day (the band's), role, gender, age_group, persons. A band
    counts when it meets the filters' period (:func:`span_filter`), whole.
    """
    params = Params()
    where, _ = span_filter(filters, "c", params)
    person_where = person_filter(filters, "p", params)[0] if filters.person_filtered() else "TRUE"
    text = (
        f"SELECT {_BAND_KEYS}, p.role, p.gender, p.age_group, CAST(sum(p.persons) AS BIGINT) AS persons "
        "FROM counted_cases c JOIN case_persons p ON p.case_uid = c.case_uid "
        f"WHERE c.date_precision = {params.bind('band', DATE_BAND)} AND {where} AND {person_where} "
        "GROUP BY ALL ORDER BY ALL"
    )
    return text, dict(params)


#: The measures of :func:`key_figures`: (name, role parameter, period condition).
_KEY_ROLES = (("victims", "victim"), ("migrants", "migrant"), ("suspects", "suspect"))


def key_figures(filters, current: tuple, previous: tuple | None) -> Query:
    """Cases, victims, migrants, suspects and women-and-girls in the period and the one before.

    ``$start`` opens the period, ``$prev_end`` closes the one before (None: none),
    ``$first`` .. ``$end`` spans both.
    """
    params = Params(
        start=current[0],
        end=current[1],
        first=previous[0] if previous else current[0],
        prev_end=previous[1] if previous else None,
    )
    where, _ = case_filter(filters, "c", params)
    cur, prev = "c.case_date >= $start", "c.case_date <= $prev_end"
    roles = ", ".join(
        f"CAST(coalesce(sum(CASE WHEN {when} AND p.role = {params.bind(role, role)} THEN p.persons END), 0) "
        f"AS BIGINT) AS {name}"
        for label, role in _KEY_ROLES
        for when, name in ((cur, label), (prev, f"{label}_prev"))
    )
    moved = f"p.role <> {params.bind('suspect', 'suspect')}"
    text = (
        "SELECT "
        f"CAST(count(DISTINCT CASE WHEN {cur} THEN c.case_uid END) AS BIGINT) AS cases, "
        f"CAST(count(DISTINCT CASE WHEN {prev} THEN c.case_uid END) AS BIGINT) AS cases_prev, {roles}, "
        f"CAST(coalesce(sum(CASE WHEN {cur} AND {moved} AND p.gender = {params.bind('female', 'female')} "
        "THEN p.persons END), 0) AS BIGINT) AS women_girls, "
        f"CAST(coalesce(sum(CASE WHEN {cur} AND {moved} AND p.gender <> {params.bind('unknown', 'unknown')} "
        "THEN p.persons END), 0) AS BIGINT) AS known_sex "
        "FROM counted_cases c LEFT JOIN case_persons p ON p.case_uid = c.case_uid "
        f"WHERE c.case_date >= $first AND c.case_date <= $end AND {where} AND {dated(params)}"
    )
    return text, dict(params)


def monthly_modus(filters, first, last, source: str = "cases") -> Query:
    """Cases per month and modus-operandi code, with the month's cases reporting that dimension.

    Columns: month, dimension, code, cases, total. From the cases, only cases dated to
    their day or month count (:func:`dated_to_the_month`). ``source="rollup"``: the cases
    reporting each dimension come from ``rollup_routes`` (one branch per dimension, in
    plain SQL), the cases per code from ``rollup_modus``; the rollups know no date
    precision, so read them only when the period holds no coarse-dated case
    (:func:`coarse_dated_cases`).
    """
    _check_source(source)
    params = Params(first=first, last=last)
    if source == "rollup":
        return _monthly_modus_rollup(filters, params)
    where, _ = case_filter(filters, "c", params)
    text = (
        f"WITH coded AS (SELECT {MONTH} AS month, a.dimension, a.code, "
        "c.case_uid FROM counted_cases c JOIN case_attributes a ON a.case_uid = c.case_uid "
        f"WHERE c.case_date >= $first AND c.case_date <= $last AND {where} AND {dated(params)} "
        f"AND {dated_to_the_month(params)}), "
        "reporting AS (SELECT month, dimension, CAST(count(DISTINCT case_uid) AS BIGINT) AS total FROM coded "
        "GROUP BY month, dimension) "
        "SELECT k.month, k.dimension, k.code, CAST(count(DISTINCT k.case_uid) AS BIGINT) AS cases, max(r.total) AS total "
        "FROM coded k JOIN reporting r ON r.month = k.month AND r.dimension = k.dimension "
        "GROUP BY k.month, k.dimension, k.code"
    )
    return text, dict(params)


def _monthly_modus_rollup(filters, params: Params) -> Query:
    where_m, _ = case_filter(filters, "m", params, rollup=True)
    where_t, _ = case_filter(filters, "t", params, rollup=True)
    totals = " UNION ALL ".join(
        f"SELECT t.month, {params.bind(f'dimension_{d}', d)} AS dimension, "
        f"CAST(sum(t.reporting_{d}) AS BIGINT) AS total "
        f"FROM rollup_routes t WHERE t.month >= $first AND t.month <= $last AND {where_t} GROUP BY t.month"
        for d in MODUS_DIMENSIONS
    )
    text = (
        "WITH coded AS (SELECT m.month, m.dimension, m.code, CAST(sum(m.cases) AS BIGINT) AS cases "
        f"FROM rollup_modus m WHERE m.month >= $first AND m.month <= $last AND {where_m} "
        f"GROUP BY m.month, m.dimension, m.code), totals AS ({totals}) "
        "SELECT k.month, k.dimension, k.code, k.cases, t.total FROM coded k "
        "JOIN totals t ON t.month = k.month AND t.dimension = k.dimension"
    )
    return text, dict(params)


def monthly_signatures(filters, first, last) -> Query:
    """Cases per month and distinct reported route, for signals on rebuilt corridors and hubs
    (cases dated to their day or month only)."""
    params = Params(first=first, last=last)
    where, _ = case_filter(filters, "c", params)
    keys = ", ".join(f"c.{k}" for k in _SIGNATURE)
    text = (
        f"SELECT {MONTH} AS month, {keys}, CAST(count(*) AS BIGINT) AS cases FROM counted_cases c "
        f"WHERE c.case_date >= $first AND c.case_date <= $last AND {where} AND {dated(params)} "
        f"AND {dated_to_the_month(params)} GROUP BY month, {keys}"
    )
    return text, dict(params)


def monthly_signature_modus(
    filters, first, last, reporting: bool = False, months_only: bool = False, freq: str | None = None
) -> Query:
    """Cases per month, reported route and modus-operandi code (or, with ``reporting``, per
    dimension: the cases reporting it), for corridor series and signals on a corridor's modus
    operandi; with ``months_only`` (the signals), of cases dated to their day or month only;
    with ``freq`` (a corridor series), of the cases a period of ``freq`` can place (:func:`dated_for`)."""
    params = Params(first=first, last=last)
    where, _ = case_filter(filters, "c", params)
    keys = ", ".join(f"c.{k}" for k in _SIGNATURE)
    code = "" if reporting else "a.code, "
    months = f" AND {dated_to_the_month(params)}" if months_only else ""
    months += f" AND {dated_for(freq, params)}" if freq else ""
    text = (
        f"SELECT {MONTH} AS month, {keys}, a.dimension, {code}CAST(count(DISTINCT c.case_uid) AS BIGINT) AS cases "
        "FROM counted_cases c JOIN case_attributes a ON a.case_uid = c.case_uid "
        f"WHERE c.case_date >= $first AND c.case_date <= $last AND {where} AND {dated(params)}{months} "
        f"GROUP BY month, {keys}, a.dimension" + ("" if reporting else ", a.code")
    )
    return text, dict(params)
