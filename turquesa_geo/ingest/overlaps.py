"""Overlaps found before they double: stored cases that are probably the same case as new ones.

Two files that report the same incidents (two vintages of one source under different id
schemes, or two agencies) would count them twice. Before an import commits, each case it
inserts is compared with the counted cases of earlier imports by one rule, and each
probable duplicate is recorded in ``case_links``:

- **the rule** (:data:`RULE_METHOD`): the same crime type and detection country, dates at
  most :data:`MAX_DAYS_APART` day apart, the same number of persons moved (victims plus
  migrants; 0 = 0 when neither reports any), and, when both points are precise (not
  approximate, whole degrees or country-level), points at most :data:`MAX_KM_APART` km
  apart. A case with no detection country is not compared.
- **one to one**: a new case gets at most one link, and a stored case is matched at most
  once per importing file (one file reports one incident once); pairs of the same
  source go first, then the higher score (1, less 0.25 a day and 0.05 a km apart).
- **the policy** (:data:`DUPLICATE_POLICIES`): ``default`` links pairs of the same source
  (another file or vintage of it, whatever its id scheme) and keeps both reports of pairs
  of different sources; ``link`` links all; ``keep`` links none. ``linked``: the later
  report (``case_uid``) is counted no more (``cases.counted`` false: every count reads
  the view ``counted_cases``); ``kept``: both are counted and shown as shared on the
  cooperation page. Both reports stay stored, and visible there.

Links survive a changed row (a changed row keeps its case's uid): only the cases an
import inserts are checked, and ``counted`` is derived from the links after every write
(:func:`sync_counted`). A person can link, keep or separate any two cases
(:func:`link_cases`, :func:`unlink_cases`); another linker (probabilistic record
linkage, e.g. Splink) feeds the same table through :func:`write_links`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

from turquesa_geo.i18n import N_, LocalizedError, format_number, gettext, ngettext
from turquesa_geo.store.connection import transaction
from turquesa_geo.store.queries import drop_temp_sql
from turquesa_geo.store.queries.ingest_overlaps import (
    LINK_STATUSES,
    apply_counted_sql,
    case_exists_sql,
    case_links_sql,
    changed_count_sql,
    checked_count_sql,
    counted_changes_sql,
    fill_persons_moved_sql,
    insert_link_sql,
    insert_links_from_sql,
    insert_matches_sql,
    link_between_sql,
    link_pairs_sql,
    link_roots_sql,
    match_round_sql,
    matches_by_import_sql,
    matches_count_sql,
    matches_sql,
    months_into_sql,
    new_cases_of_import_sql,
    new_cases_of_write_sql,
    overlap_pairs_sql,
    prune_matched_sql,
    rank_pairs_sql,
    reverse_link_sql,
    set_link_status_sql,
    unsettled_cases_sql,
)
from turquesa_geo.store.rollups import refresh

__all__ = [
    "DAY_WEIGHT",
    "DUPLICATE_POLICIES",
    "IMPORT_POLICIES",
    "KM_WEIGHT",
    "LINK_STATUSES",
    "MANUAL_METHOD",
    "MAX_DAYS_APART",
    "MAX_KM_APART",
    "OVERLAP_COLUMNS",
    "POLICY_HELP",
    "RULE_METHOD",
    "LinkRefused",
    "OverlapReport",
    "case_links",
    "check_policy",
    "detect_all",
    "duplicates_line",
    "find_overlaps",
    "link_cases",
    "link_overlaps",
    "overlap_reason",
    "overlaps_of_write",
    "sync_counted",
    "unlink_cases",
    "write_links",
]

#: What to do with probable duplicates: link those of the same source (default), link all, or keep all.
DUPLICATE_POLICIES = ("default", "link", "keep")
#: The policies an import takes: the above, or ``off`` (do not look: a first bulk load of one trusted file).
IMPORT_POLICIES = (*DUPLICATE_POLICIES, "off")
#: Each policy in words, for the import page and the CLI.
POLICY_HELP = {
    "default": N_("link probable duplicates from the same source; keep both when the sources differ"),
    "link": N_("link every probable duplicate: counted once"),
    "keep": N_("keep both reports of every probable duplicate: counted twice, shown as shared"),
    "off": N_("do not look for probable duplicates"),
}
#: (link pairs of the same source, link pairs of different sources) per policy.
_LINKS = {"default": (True, False), "link": (True, True), "keep": (False, False)}

#: The method recorded on links the rule finds (``case_links.method``).
RULE_METHOD = "rule:date±1,place,persons"
#: The method recorded on links a person makes.
MANUAL_METHOD = "manual"
MAX_DAYS_APART = 1
MAX_KM_APART = 5.0
#: Score lost per day, and per km, between two reports (1 = same day, same point).
DAY_WEIGHT = 0.25
KM_WEIGHT = 0.05

#: Columns of :func:`find_overlaps`.
OVERLAP_COLUMNS = (
    "case_uid",
    "linked_to",
    "stored_import",
    "same_source",
    "days_apart",
    "km_apart",
    "persons",
    "score",
    "why",
)

#: Rounds of one-to-one matching before the check gives up on the rest (each round matches at least one pair).
_MAX_ROUNDS = 200
_TEMP_TABLES = ("overlap_new", "overlap_pairs", "overlap_ranked", "overlap_matches", "counted_changes")


class LinkRefused(LocalizedError, ValueError):
    """Two cases cannot be linked or unlinked as asked; ``text(lang)`` says why in ``lang``."""


@dataclass
class OverlapReport:
    """What one check found: probable duplicates in all, linked, kept, and per stored import."""

    checked: int = 0
    duplicates: int = 0
    linked: int = 0
    kept: int = 0
    #: Stored import id -> new cases matching one of its cases.
    by_import: dict[int, int] = field(default_factory=dict)


def check_policy(policy: str, allowed: Iterable[str] = DUPLICATE_POLICIES) -> str:
    """``policy`` when it is one of ``allowed``; else a ValueError naming the choices.

    >>> check_policy("keep")
    'keep'
    >>> check_policy("merge")
    Traceback (most recent call last):
    ...
    ValueError: duplicates policy 'merge' is not one of default, link, keep
    """
    allowed = tuple(allowed)
    if policy not in allowed:
        raise ValueError(f"duplicates policy {policy!r} is not one of {', '.join(allowed)}")
    return policy


def duplicates_line(duplicates: int, rows: int, by_import: dict[int, int], lang: str = "en") -> str:
    """The import report's line on probable duplicates, in ``lang``.

    >>> duplicates_line(1210, 6339, {3: 1210})
    'probable duplicates: 1,210 of 6,339 rows match cases already stored from import 3'
    >>> duplicates_line(2, 10, {"3": 1, 1: 1}, "es")
    'probables duplicados: 2 de 10 filas coinciden con casos ya guardados de las importaciones 1, 3'
    """
    imports = sorted(int(i) for i in by_import)  # JSON turns the keys into text
    text = ngettext(
        lang,
        "probable duplicates: {n} of {rows} rows match cases already stored from import {imports}",
        "probable duplicates: {n} of {rows} rows match cases already stored from imports {imports}",
        len(imports),
    )
    return text.format(
        n=format_number(duplicates, lang), rows=format_number(rows, lang), imports=", ".join(map(str, imports))
    )


# --- finding -------------------------------------------------------------------------


def find_overlaps(con: duckdb.DuckDBPyConnection, import_id: int) -> pd.DataFrame:
    """The probable duplicates of an import's cases that have no link yet, one row per new case.

    Writes no link: only temporary tables, and the persons count of cases that lack it
    (``cases.persons_moved``, derived from their persons). Columns (:data:`OVERLAP_COLUMNS`): case_uid (the
    new case), linked_to (the stored case), stored_import, same_source, days_apart,
    km_apart (None unless both points are precise), persons, score and why (in English).
    """
    try:
        con.execute(*new_cases_of_import_sql(import_id))
        _match(con)
        return _matches_frame(con)
    finally:
        _drop_temp_tables(con)


def overlap_reason(days: int, km: float | None, persons: int, lang: str = "en") -> str:
    """Why two reports look like one case, in ``lang``.

    >>> overlap_reason(1, 0.42, 3)
    'date ±1 day, same crime type and detection country, 3 persons, points 0.4 km apart'
    >>> overlap_reason(0, None, 0)
    'date ±0 day, same crime type and detection country, 0 persons'
    """
    text = gettext(lang, "date ±{days} day, same crime type and detection country, {persons} persons").format(
        days=days, persons=persons
    )
    if km is None or pd.isna(km):
        return text
    return text + gettext(lang, ", points {km} km apart").format(km=f"{km:.1f}")


def _match(con: duckdb.DuckDBPyConnection) -> None:
    """Pairs of ``overlap_new`` and stored cases by the rule, then matched one to one into ``overlap_matches``."""
    con.execute(*fill_persons_moved_sql())
    con.execute(*overlap_pairs_sql(MAX_DAYS_APART, MAX_KM_APART, DAY_WEIGHT, KM_WEIGHT))
    for statement in rank_pairs_sql():
        con.execute(*statement)
    for _ in range(_MAX_ROUNDS):
        added = con.execute(*match_round_sql()).fetchall()[0][0]
        if not added:
            break
        con.execute(*prune_matched_sql())


def _matches_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = con.execute(*matches_sql()).df()
    frame["why"] = [
        overlap_reason(int(d), None if pd.isna(k) else float(k), int(p))
        for d, k, p in zip(frame["days_apart"], frame["km_apart"], frame["persons"])
    ]
    return frame[list(OVERLAP_COLUMNS)]


# --- linking ---------------------------------------------------------------------------


def overlaps_of_write(
    con: duckdb.DuckDBPyConnection, import_id: int, policy: str = "default", months: str = "touched_months"
) -> OverlapReport:
    """Check the cases an import inserts and record their links (the importer's call).

    Runs inside the import's write transaction, after its cases are written (temporary
    table ``ins``) and before the rollups of the months it touches (``months``) are
    rebuilt: a month whose counts the links change is added to them. ``policy`` is one
    of :data:`IMPORT_POLICIES` (``off``: nothing is looked at).
    """
    if check_policy(policy, IMPORT_POLICIES) == "off":
        return OverlapReport()
    try:
        con.execute(*new_cases_of_write_sql())
        return _link(con, import_id, policy, months)
    finally:
        _drop_temp_tables(con)


def link_overlaps(con: duckdb.DuckDBPyConnection, import_id: int, policy: str = "default") -> OverlapReport:
    """Check the cases of a finished import that have no link yet, record their links, and update the counts.

    One transaction: the links, ``counted`` and the rollups of the months it changes.
    """
    check_policy(policy)
    try:
        with transaction(con):
            con.execute(*new_cases_of_import_sql(import_id))
            return _link(con, import_id, policy, None)
    finally:
        _drop_temp_tables(con)


def detect_all(con: duckdb.DuckDBPyConnection, policy: str = "default") -> OverlapReport:
    """Check every counted case with no link yet against the counted cases of earlier imports.

    What ``turquesa duplicates detect`` runs; a store checked at every import finds
    nothing new. One transaction, as :func:`link_overlaps`.
    """
    check_policy(policy)
    try:
        with transaction(con):
            con.execute(*unsettled_cases_sql())
            return _link(con, None, policy, None)
    finally:
        _drop_temp_tables(con)


def _link(con: duckdb.DuckDBPyConnection, import_id: int | None, policy: str, months: str | None) -> OverlapReport:
    """Match ``overlap_new``, record the matches as the policy says, and bring ``counted`` in line."""
    _match(con)
    same, other = _LINKS[policy]
    con.execute(*insert_matches_sql(RULE_METHOD, same, other, import_id, None))
    sync_counted(con, months)
    matched, of_same_source = con.execute(*matches_count_sql()).fetchall()[0]
    linked = same * of_same_source + other * (matched - of_same_source)
    checked = con.execute(*checked_count_sql()).fetchall()[0][0]
    return OverlapReport(
        checked=int(checked),
        duplicates=int(matched),
        linked=int(linked),
        kept=int(matched - linked),
        by_import={int(i): int(n) for i, n in con.execute(*matches_by_import_sql()).fetchall()},
    )


def sync_counted(con: duckdb.DuckDBPyConnection, months: str | None = None) -> int:
    """Set ``cases.counted`` from ``case_links``; return the number of cases changed.

    A case is counted unless it has a ``linked`` link of its own. With ``months`` (an
    internal relation of month DATE that an import is about to rebuild the rollups of),
    the changed cases' months are added to it; without, their rollups are rebuilt here.
    Call it inside the transaction that wrote the cases or the links.
    """
    con.execute(*counted_changes_sql())
    changed = con.execute(*changed_count_sql()).fetchall()[0][0]
    if changed:
        con.execute(*apply_counted_sql())
        if months is None:
            refresh(con, "counted_changes")
        else:
            con.execute(*months_into_sql(months))
    con.execute(drop_temp_sql("TABLE", "counted_changes"))
    return int(changed)


def _drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name in _TEMP_TABLES:
        con.execute(drop_temp_sql("TABLE", name))


# --- a person's decision, and other linkers --------------------------------------------


def link_cases(con: duckdb.DuckDBPyConnection, a: int, b: int, user: str | None = None) -> tuple[int, int]:
    """Link two stored cases as one case, counted once; return (the later report, the case it is linked to).

    The later report is the one written by the later import (then the larger uid). A
    link the rule recorded between them becomes ``linked``; otherwise a ``manual`` link
    is added. Refused (:class:`LinkRefused`) when a case is not stored, when the later
    report is already linked to another case, or when the link would close a circle.
    """
    with transaction(con):
        later, earlier = _oriented(con, a, b)
        _check_can_link(con, later, earlier)
        existing = con.execute(*link_between_sql(later, earlier)).fetchall()
        if existing:
            con.execute(*set_link_status_sql(later, earlier, "linked", user))
            if existing[0][0] != later:  # recorded the other way round: the later report is the one left out
                con.execute(*reverse_link_sql(later, earlier))
        else:
            con.execute(*insert_link_sql(later, earlier, MANUAL_METHOD, None, "linked", user))
        sync_counted(con)
    return later, earlier


def unlink_cases(
    con: duckdb.DuckDBPyConnection, a: int, b: int, user: str | None = None, *, distinct: bool = False
) -> None:
    """Count two linked (or kept) cases apart: ``kept`` (both counted, still shown as shared), or with
    ``distinct`` two different cases (not shown as shared, never paired again by the rule)."""
    with transaction(con):
        if not con.execute(*link_between_sql(a, b)).fetchall():
            raise LinkRefused(N_("cases {a} and {b} are not linked"), a=a, b=b)
        con.execute(*set_link_status_sql(a, b, "distinct" if distinct else "kept", user))
        sync_counted(con)


def _oriented(con: duckdb.DuckDBPyConnection, a: int, b: int) -> tuple[int, int]:
    """(later report, earlier report) of two stored cases, by import then uid."""
    if a == b:
        raise LinkRefused(N_("a case cannot be linked to itself ({a})"), a=a)
    found = {uid: (imp, uid) for uid, imp, _ in con.execute(*case_exists_sql([a, b])).fetchall()}
    missing = [uid for uid in (a, b) if uid not in found]
    if missing:
        raise LinkRefused(N_("no case {uid} in the store"), uid=missing[0])
    return (a, b) if found[a] > found[b] else (b, a)


def _check_can_link(con: duckdb.DuckDBPyConnection, later: int, earlier: int) -> None:
    parents = dict(con.execute(*link_roots_sql()).fetchall())
    if later in parents and parents[later] != earlier:
        raise LinkRefused(
            N_("case {case} is already linked to case {other}; unlink them first"), case=later, other=parents[later]
        )
    if _root(parents, earlier) == later:
        raise LinkRefused(N_("cases {a} and {b} are already counted as one"), a=later, b=earlier)


def _root(parents: dict[int, int], uid: int) -> int:
    """The counted case at the end of a chain of ``linked`` links."""
    seen = set()
    while uid in parents and uid not in seen:
        seen.add(uid)
        uid = parents[uid]
    return uid


def write_links(con: duckdb.DuckDBPyConnection, pairs: pd.DataFrame, method: str, user: str | None = None) -> int:
    """Record pairs another linker found (e.g. Splink's matches) in ``case_links``; return the links added.

    ``pairs`` has columns case_uid, linked_to, score and status (``linked`` or ``kept``),
    either way round: each pair is oriented later report first. Pairs already linked either
    way are skipped; a ``linked`` pair becomes ``kept`` when its later report is already
    linked to another case or the link would close a circle (a case is counted once, in
    one chain). Best scores first. ``counted`` and the rollups follow, in one transaction.
    """
    _check_pairs(pairs)
    if pairs.empty:
        return 0
    with transaction(con):
        rows = _settled_pairs(con, pairs)
        if rows:
            _insert_links(con, rows, method, user)
            sync_counted(con)
    return len(rows)


def _check_pairs(pairs: pd.DataFrame) -> None:
    missing = [c for c in ("case_uid", "linked_to", "score", "status") if c not in pairs.columns]
    if missing:
        raise ValueError(f"pairs lack column(s) {', '.join(missing)}; expected case_uid, linked_to, score, status")
    bad = sorted(set(pairs["status"]) - {"linked", "kept"})
    if bad:
        raise ValueError(f"pair status {bad[0]!r} is not linked or kept")


def _settled_pairs(con: duckdb.DuckDBPyConnection, pairs: pd.DataFrame) -> list[tuple]:
    """The links to add as (later, earlier, score, status), oriented and checked one by one against the links
    stored and those added before."""
    uids = sorted({int(u) for u in (*pairs["case_uid"], *pairs["linked_to"])})
    order = {uid: (imp, uid) for uid, imp, _ in con.execute(*case_exists_sql(uids)).fetchall()}
    missing = [u for u in uids if u not in order]
    if missing:
        raise ValueError(f"pairs name case(s) not in the store: {', '.join(map(str, missing[:5]))}")
    parents = dict(con.execute(*link_roots_sql()).fetchall())
    known = {frozenset(pair) for pair in con.execute(*link_pairs_sql()).fetchall()}
    rows = []
    for pair in pairs.sort_values("score", ascending=False, kind="stable").itertuples(index=False):
        a, b = int(pair.case_uid), int(pair.linked_to)
        later, earlier = (a, b) if order[a] > order[b] else (b, a)
        if a == b or frozenset((a, b)) in known:
            continue
        status = pair.status
        if status == "linked" and (later in parents or _root(parents, earlier) == later):
            status = "kept"
        if status == "linked":
            parents[later] = earlier
        known.add(frozenset((a, b)))
        rows.append((later, earlier, float(pair.score), status))
    return rows


def _insert_links(con: duckdb.DuckDBPyConnection, rows: list[tuple], method: str, user: str | None) -> None:
    """Insert links (later, earlier, score, status) in one statement (one insert per row costs a millisecond each)."""
    later, earlier, score, status = zip(*rows)
    table = pa.table(
        {
            "case_uid": pa.array(later, pa.int64()),
            "linked_to": pa.array(earlier, pa.int64()),
            "method": pa.array([method] * len(rows), pa.string()),
            "score": pa.array(score, pa.float64()),
            "status": pa.array(status, pa.string()),
            "user": pa.array([user] * len(rows), pa.string()),
        }
    )
    con.register("_new_links", table)
    try:
        con.execute(*insert_links_from_sql("_new_links"))
    finally:
        con.unregister("_new_links")


# --- reading ---------------------------------------------------------------------------


def case_links(con: duckdb.DuckDBPyConnection, status: str | None = None, import_id: int | None = None) -> pd.DataFrame:
    """Every link (or those of one ``status``, or found by one import) with both reports: source, incident id,
    date and import (columns of :func:`turquesa_geo.store.queries.ingest_overlaps.case_links_sql`)."""
    return con.execute(*case_links_sql(status, import_id)).df()
