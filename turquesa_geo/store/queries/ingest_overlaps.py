"""SQL of the overlap check: stored cases that are probably the same case as new ones, and their links.

Every builder returns ``(sql, params)`` with DuckDB ``$name`` parameters in a dict. The
check works on temporary tables, each named once here:

- ``overlap_new`` (case_uid): the cases to check (an import's new cases, or every case
  not yet linked);
- ``overlap_pairs``: each new case with every stored case that passes the rule;
- ``overlap_ranked``, ``overlap_matches``: the pairs by priority, and the ones kept, at
  most one per new case and one per stored case and importing file;
- ``counted_changes`` (case_uid, month): cases whose ``counted`` state the links change.

The links themselves live in ``case_links`` (schema 6): ``case_uid`` is the later report,
``linked_to`` the earlier one; ``status`` ``linked`` (counted once: the later report is
left out of every count), ``kept`` (both counted, shown as shared) or ``distinct`` (a
person said they are two cases).
"""

from __future__ import annotations

from turquesa_geo.store.queries.base import Params, Query, period_expr, plain_ident
from turquesa_geo.store.queries.conditions import DEFAULT_PERSON_ROLES

__all__ = [
    "COARSE_PRECISIONS",
    "EARTH_RADIUS_KM",
    "LINK_STATUSES",
    "apply_counted_sql",
    "case_exists_sql",
    "case_links_sql",
    "changed_count_sql",
    "checked_count_sql",
    "counted_changes_sql",
    "fill_persons_moved_sql",
    "insert_link_sql",
    "insert_links_from_sql",
    "insert_matches_sql",
    "link_between_sql",
    "link_pairs_sql",
    "link_roots_sql",
    "match_round_sql",
    "matches_by_import_sql",
    "matches_count_sql",
    "matches_sql",
    "months_into_sql",
    "new_cases_of_import_sql",
    "new_cases_of_write_sql",
    "overlap_pairs_sql",
    "prune_matched_sql",
    "rank_pairs_sql",
    "reverse_link_sql",
    "set_link_status_sql",
    "unsettled_cases_sql",
]

#: What a link says: counted once, both kept (shared), or two distinct cases (a person's decision).
LINK_STATUSES = ("linked", "kept", "distinct")
#: Location precisions (vocabulary ``location_precision``) too coarse to compare points: the country decides.
COARSE_PRECISIONS = ("approximate", "whole_degree", "country")
#: Mean Earth radius, for the great-circle distance between two points.
EARTH_RADIUS_KM = 6371.0

_LINKED, _KEPT = LINK_STATUSES[:2]
#: Columns of ``overlap_ranked`` and ``overlap_matches``: a pair, as :func:`overlap_pairs_sql` finds it, and its priority.
_PAIR_COLUMNS = (
    "case_uid, new_import, linked_to, stored_import, same_source, days_apart, km_apart, persons, score, priority"
)
#: Columns of ``case_links`` a link is written with.
_LINK_COLUMNS = "case_uid, linked_to, method, score, status, import_id, decided_by, decided_at"


# --- the cases to check ----------------------------------------------------------------


def new_cases_of_write_sql() -> Query:
    """Statement of ``overlap_new``: the cases the import being written inserts (``ins`` rows without an old uid).

    A changed row keeps its case's uid and its links: it was checked when it came first.

    >>> new_cases_of_write_sql()[0]
    'CREATE OR REPLACE TEMP TABLE overlap_new AS SELECT DISTINCT case_uid FROM ins WHERE _old_uid IS NULL'
    """
    return "CREATE OR REPLACE TEMP TABLE overlap_new AS SELECT DISTINCT case_uid FROM ins WHERE _old_uid IS NULL", {}


def new_cases_of_import_sql(import_id: int) -> Query:
    """Statement of ``overlap_new``: the counted cases last written by one import that have no link yet.

    >>> new_cases_of_import_sql(3)[1]
    {'import_id': 3}
    """
    return (
        "CREATE OR REPLACE TEMP TABLE overlap_new AS SELECT case_uid FROM cases WHERE import_id = $import_id "
        "AND counted AND case_uid NOT IN (SELECT case_uid FROM case_links)",
        {"import_id": int(import_id)},
    )


def unsettled_cases_sql() -> Query:
    """Statement of ``overlap_new``: every counted case with no link of its own yet (the whole store's check).

    >>> unsettled_cases_sql()[0]
    'CREATE OR REPLACE TEMP TABLE overlap_new AS SELECT case_uid FROM cases WHERE counted AND case_uid NOT IN (SELECT case_uid FROM case_links)'
    """
    return (
        "CREATE OR REPLACE TEMP TABLE overlap_new AS SELECT case_uid FROM cases WHERE counted "
        "AND case_uid NOT IN (SELECT case_uid FROM case_links)",
        {},
    )


# --- the rule ------------------------------------------------------------------------


def _point(p: Params, alias: str, axis: str) -> str:
    """A case's coordinate when its point is precise enough to compare, else NULL."""
    return (
        f"CASE WHEN {p.is_in(f'{alias}.location_precision', 'coarse', COARSE_PRECISIONS)} "
        f"THEN NULL ELSE {alias}.{axis} END AS {axis}"
    )


def _sides(p: Params, alias: str) -> str:
    """The columns of one side of a pair: what the rule compares, the persons moved (victims and migrants) included."""
    return (
        f"{alias}.case_uid, {alias}.import_id, {alias}.source, {alias}.crime_type, {alias}.detection_country, "
        f"{alias}.case_date, {_point(p, alias, 'lat')}, {_point(p, alias, 'lon')}, {alias}.persons_moved AS persons"
    )


def fill_persons_moved_sql() -> Query:
    """Statement setting ``cases.persons_moved`` (victims plus smuggled migrants; 0 when none is reported) of
    the cases that lack it: the ones written since the last check (a case an importer writes or rewrites
    gets NULL). Run before the pairs are sought: one sum per new case, not one per stored case.

    >>> fill_persons_moved_sql()[1]
    {'role_1': 'victim', 'role_2': 'migrant'}
    """
    p = Params()
    roles = p.is_in("q.role", "role", DEFAULT_PERSON_ROLES)
    return (
        "UPDATE cases SET persons_moved = m.persons FROM (SELECT c.case_uid, CAST(coalesce(sum(q.persons), 0) "
        f"AS INTEGER) AS persons FROM cases c LEFT JOIN case_persons q ON q.case_uid = c.case_uid AND {roles} "
        "WHERE c.persons_moved IS NULL GROUP BY c.case_uid) m WHERE cases.case_uid = m.case_uid",
        dict(p),
    )


def _km(p: Params) -> str:
    """Great-circle distance in km between the points (n_lat, n_lon) and (s_lat, s_lon) of a pair ``r``
    (NULL unless both have one)."""
    radius = p.bind("earth_km", EARTH_RADIUS_KM)
    return (
        f"2 * {radius} * asin(sqrt(pow(sin(radians(r.s_lat - r.n_lat) / 2), 2) "
        f"+ cos(radians(r.n_lat)) * cos(radians(r.s_lat)) * pow(sin(radians(r.s_lon - r.n_lon) / 2), 2)))"
    )


def overlap_pairs_sql(days: int, km: float, day_weight: float, km_weight: float) -> Query:
    """Statement of ``overlap_pairs``: each case of ``overlap_new`` with every stored case that passes the rule.

    The rule: same crime type and detection country, dates at most ``days`` apart, the same
    number of persons moved (``cases.persons_moved``: victims and migrants, 0 when none is
    reported; filled first by :func:`fill_persons_moved_sql`) and, when both
    have a precise point, points at most ``km`` apart. The stored case is counted, came from
    an earlier import, and is not already linked to the new one either way. Blocking: the
    new cases are repeated once per day of the window and joined on (country, crime type,
    day, persons) equality, so the cost follows the cases on the same days, not the store; points
    far apart in latitude are dropped in the join, and distances are computed on what is left
    (materialized first: otherwise the distance becomes a join condition, computed on every pair).
    ``score`` is 1 less ``day_weight`` per day and ``km_weight`` per km apart.

    Columns: case_uid, new_import, linked_to, stored_import, same_source, days_apart,
    km_apart, persons, score.
    """
    p = Params(
        days=int(days),
        km=float(km),
        # A degree of latitude is 110.6 to 111.7 km: points further apart in latitude alone are out, cheaply.
        lat_degrees=float(km) / 110.0,
        day_weight=float(day_weight),
        km_weight=float(km_weight),
    )
    sql = (
        f"CREATE OR REPLACE TEMP TABLE overlap_pairs AS WITH n AS (SELECT {_sides(p, 'c')} FROM cases c "
        "WHERE c.case_uid IN (SELECT case_uid FROM overlap_new) AND c.detection_country IS NOT NULL), "
        "shifted AS (SELECT n.*, n.case_date + d.shift AS day FROM n "
        "CROSS JOIN (SELECT CAST(unnest(range(-$days, $days + 1)) AS INTEGER) AS shift) d), "
        f"stored AS (SELECT {_sides(p, 'c')} FROM cases c WHERE c.counted AND c.detection_country IS NOT NULL), "
        "joined AS MATERIALIZED (SELECT n.case_uid, n.import_id AS new_import, s.case_uid AS linked_to, "
        "s.import_id AS stored_import, n.source = s.source AS same_source, "
        "CAST(abs(n.case_date - s.case_date) AS INTEGER) AS days_apart, n.lat AS n_lat, n.lon AS n_lon, "
        "s.lat AS s_lat, s.lon AS s_lon, n.persons "
        "FROM shifted n JOIN stored s ON s.detection_country = n.detection_country AND s.crime_type = n.crime_type "
        "AND s.case_date = n.day AND s.persons = n.persons WHERE s.import_id < n.import_id "
        "AND (n.lat IS NULL OR s.lat IS NULL OR abs(s.lat - n.lat) <= $lat_degrees)), "
        "pairs AS (SELECT r.case_uid, r.new_import, r.linked_to, r.stored_import, r.same_source, r.days_apart, "
        f"{_km(p)} AS km_apart, r.persons FROM joined r), "
        "known AS (SELECT least(case_uid, linked_to) AS a, greatest(case_uid, linked_to) AS b FROM case_links) "
        "SELECT p.*, 1 - $day_weight * p.days_apart - $km_weight * coalesce(p.km_apart, 0) AS score FROM pairs p "
        "LEFT JOIN known k ON k.a = least(p.case_uid, p.linked_to) AND k.b = greatest(p.case_uid, p.linked_to) "
        "WHERE k.a IS NULL AND (p.km_apart IS NULL OR p.km_apart <= $km)"
    )
    return sql, dict(p)


# --- one to one ------------------------------------------------------------------------


def rank_pairs_sql() -> list[Query]:
    """Statements of ``overlap_ranked``, the pairs numbered by priority, and of an empty ``overlap_matches``.

    Priority: same source first (the policy may link those), then higher score, then the
    earlier stored case, then the earlier new case: a strict order, so the result is the same
    every time.
    """
    return [
        (
            "CREATE OR REPLACE TEMP TABLE overlap_ranked AS SELECT "
            f"{_PAIR_COLUMNS.removesuffix(', priority')}, row_number() OVER "
            "(ORDER BY same_source DESC, score DESC, linked_to, case_uid) AS priority FROM overlap_pairs",
            {},
        ),
        ("CREATE OR REPLACE TEMP TABLE overlap_matches AS SELECT * FROM overlap_ranked LIMIT 0", {}),
    ]


def match_round_sql() -> Query:
    """Statement adding to ``overlap_matches`` the pairs each the best of both their new case and their stored case.

    A stored case is matched at most once per importing file (``new_import``): one file
    reports one incident once. Repeated with :func:`prune_matched_sql` until it adds
    nothing, this gives the greedy one-to-one matching in priority order.
    """
    columns = ", ".join(f"r.{c}" for c in _PAIR_COLUMNS.split(", "))
    return (
        f"INSERT INTO overlap_matches ({_PAIR_COLUMNS}) SELECT {columns} FROM overlap_ranked r "
        "JOIN (SELECT case_uid, min(priority) AS best FROM overlap_ranked GROUP BY case_uid) a ON a.best = r.priority "
        "JOIN (SELECT linked_to, new_import, min(priority) AS best FROM overlap_ranked GROUP BY linked_to, new_import) b "
        "ON b.best = r.priority",
        {},
    )


def prune_matched_sql() -> Query:
    """Statement removing from ``overlap_ranked`` the pairs whose new case, or stored case in that file, is matched."""
    return (
        "DELETE FROM overlap_ranked WHERE case_uid IN (SELECT case_uid FROM overlap_matches) "
        "OR EXISTS (SELECT 1 FROM overlap_matches m WHERE m.linked_to = overlap_ranked.linked_to "
        "AND m.new_import = overlap_ranked.new_import)",
        {},
    )


def matches_sql() -> Query:
    """Query of the matched pairs, by new case.

    Columns: case_uid, linked_to, stored_import, same_source, days_apart, km_apart, persons, score.
    """
    return (
        "SELECT case_uid, linked_to, stored_import, same_source, days_apart, km_apart, persons, score "
        "FROM overlap_matches ORDER BY case_uid",
        {},
    )


def matches_count_sql() -> Query:
    """Query of (matched pairs, of which of the same source).

    >>> matches_count_sql()[0]
    'SELECT count(*), count(*) FILTER (WHERE same_source) FROM overlap_matches'
    """
    return "SELECT count(*), count(*) FILTER (WHERE same_source) FROM overlap_matches", {}


def checked_count_sql() -> Query:
    """Query of the number of cases checked (rows of ``overlap_new``)."""
    return "SELECT count(*) FROM overlap_new", {}


def matches_by_import_sql() -> Query:
    """Query of (stored import, matched pairs), by stored import."""
    return (
        "SELECT stored_import, count(*) FROM overlap_matches GROUP BY stored_import ORDER BY stored_import",
        {},
    )


# --- links -------------------------------------------------------------------------------


def insert_matches_sql(
    method: str, link_same_source: bool, link_other_sources: bool, import_id: int | None, user: str | None
) -> Query:
    """Statement recording every matched pair in ``case_links``: ``linked`` where the policy links pairs of
    the same source (``link_same_source``) or of other sources (``link_other_sources``), else ``kept``."""
    p = Params(
        method=method,
        link_same=bool(link_same_source),
        link_other=bool(link_other_sources),
        import_id=import_id,
        user=user,
    )
    linked, kept = p.bind("linked", _LINKED), p.bind("kept", _KEPT)
    sql = (
        f"INSERT INTO case_links ({_LINK_COLUMNS}) SELECT case_uid, linked_to, $method, score, "
        f"CASE WHEN (same_source AND $link_same) OR (NOT same_source AND $link_other) THEN {linked} ELSE {kept} END, "
        "CAST($import_id AS INTEGER), $user, current_timestamp FROM overlap_matches"
    )
    return sql, dict(p)


def insert_link_sql(
    case_uid: int, linked_to: int, method: str, score: float | None, status: str, user: str | None
) -> Query:
    """Statement recording one link (a person's decision, or a linker's pair)."""
    _check_status(status)
    return (
        f"INSERT INTO case_links ({_LINK_COLUMNS}) "
        "VALUES ($case_uid, $linked_to, $method, $score, $status, NULL, $user, current_timestamp)",
        {
            "case_uid": int(case_uid),
            "linked_to": int(linked_to),
            "method": method,
            "score": score,
            "status": status,
            "user": user,
        },
    )


def insert_links_from_sql(relation: str) -> Query:
    """Statement recording the links of an internal relation (case_uid, linked_to, method, score, status, user).

    >>> insert_links_from_sql("_new_links")[0]
    'INSERT INTO case_links (case_uid, linked_to, method, score, status, import_id, decided_by, decided_at) SELECT case_uid, linked_to, method, score, status, NULL, "user", current_timestamp FROM _new_links'
    """
    return (
        f"INSERT INTO case_links ({_LINK_COLUMNS}) SELECT case_uid, linked_to, method, score, status, NULL, "
        f'"user", current_timestamp FROM {plain_ident(relation)}',
        {},
    )


def set_link_status_sql(a: int, b: int, status: str, user: str | None) -> Query:
    """Statement changing the status of the link between cases ``a`` and ``b`` (either way), as ``user`` decided."""
    _check_status(status)
    return (
        "UPDATE case_links SET status = $status, decided_by = $user, decided_at = current_timestamp "
        "WHERE (case_uid = $a AND linked_to = $b) OR (case_uid = $b AND linked_to = $a)",
        {"status": status, "user": user, "a": int(a), "b": int(b)},
    )


def reverse_link_sql(later: int, earlier: int) -> Query:
    """Statement turning a link recorded from ``earlier`` to ``later`` the other way round: the later report
    is the one a ``linked`` link leaves out of the counts."""
    return (
        "UPDATE case_links SET case_uid = linked_to, linked_to = case_uid "
        "WHERE case_uid = $earlier AND linked_to = $later",
        {"earlier": int(earlier), "later": int(later)},
    )


def _check_status(status: str) -> None:
    if status not in LINK_STATUSES:
        raise ValueError(f"link status {status!r} is not one of {', '.join(LINK_STATUSES)}")


def link_between_sql(a: int, b: int) -> Query:
    """Query of (case_uid, linked_to, status) of the links between cases ``a`` and ``b``, either way."""
    return (
        "SELECT case_uid, linked_to, status FROM case_links "
        "WHERE (case_uid = $a AND linked_to = $b) OR (case_uid = $b AND linked_to = $a)",
        {"a": int(a), "b": int(b)},
    )


def case_exists_sql(case_uids: list[int]) -> Query:
    """Query of (case_uid, import_id, counted) of the given cases that are stored."""
    p = Params()
    return (
        f"SELECT case_uid, import_id, counted FROM cases WHERE {p.is_in('case_uid', 'uid', [int(u) for u in case_uids])}",
        dict(p),
    )


def link_pairs_sql() -> Query:
    """Query of (case_uid, linked_to) of every link, whatever its status."""
    return "SELECT case_uid, linked_to FROM case_links", {}


def link_roots_sql() -> Query:
    """Query of (case_uid, linked_to) of every ``linked`` link: the chains a counted case heads."""
    return "SELECT case_uid, linked_to FROM case_links WHERE status = $linked", {"linked": _LINKED}


def case_links_sql(status: str | None = None, import_id: int | None = None) -> Query:
    """Query of the links (of one ``status``, found by one import) with both reports (source, incident id,
    date, import), later report first.

    Columns: case_uid, source, incident_id, case_date, import_id, linked_to, linked_source,
    linked_incident_id, linked_date, linked_import_id, status, method, score, found_by (the import
    whose check found the pair), decided_by, decided_at.

    >>> case_links_sql("linked", 3)[1]
    {'status': 'linked', 'import_id': 3}
    """
    p = Params()
    conditions = []
    if status is not None:
        _check_status(status)
        conditions.append(f"l.status = {p.bind('status', status)}")
    if import_id is not None:
        conditions.append(f"l.import_id = {p.bind('import_id', int(import_id))}")
    where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
    return (
        "SELECT l.case_uid, a.source, a.incident_id, a.case_date, a.import_id, l.linked_to, b.source AS linked_source, "
        "b.incident_id AS linked_incident_id, b.case_date AS linked_date, b.import_id AS linked_import_id, l.status, "
        "l.method, l.score, l.import_id AS found_by, l.decided_by, l.decided_at FROM case_links l "
        "JOIN cases a ON a.case_uid = l.case_uid "
        f"JOIN cases b ON b.case_uid = l.linked_to {where}ORDER BY l.case_uid, l.linked_to",
        dict(p),
    )


# --- counted once ------------------------------------------------------------------------


def counted_changes_sql() -> Query:
    """Statement of ``counted_changes`` (case_uid, month): the cases whose ``counted`` is not what the links say.

    A case is counted unless it has a ``linked`` link of its own (it is the later report).
    One scan of ``cases``; on a store in step with its links the table is empty.
    """
    return (
        f"CREATE OR REPLACE TEMP TABLE counted_changes AS SELECT case_uid, {period_expr('M', 'case_date')} AS month "
        "FROM cases WHERE counted IS DISTINCT FROM "
        "(case_uid NOT IN (SELECT case_uid FROM case_links WHERE status = $linked))",
        {"linked": _LINKED},
    )


def changed_count_sql() -> Query:
    """Query of the number of cases in ``counted_changes``."""
    return "SELECT count(*) FROM counted_changes", {}


def apply_counted_sql() -> Query:
    """Statement setting ``counted`` of the cases in ``counted_changes`` to what the links say."""
    return (
        "UPDATE cases SET counted = (case_uid NOT IN (SELECT case_uid FROM case_links WHERE status = $linked)) "
        "WHERE case_uid IN (SELECT case_uid FROM counted_changes)",
        {"linked": _LINKED},
    )


def months_into_sql(months: str) -> Query:
    """Statement adding the months of ``counted_changes`` to the internal relation ``months`` (month DATE)
    that an import rebuilds the rollups of.

    >>> months_into_sql("touched_months")[0]
    'INSERT INTO touched_months (month) SELECT DISTINCT month FROM counted_changes WHERE month NOT IN (SELECT month FROM touched_months)'
    """
    months = plain_ident(months)
    return (
        f"INSERT INTO {months} (month) SELECT DISTINCT month FROM counted_changes "
        f"WHERE month NOT IN (SELECT month FROM {months})",
        {},
    )
