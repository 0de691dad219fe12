"""The overlap check's statements (turquesa_geo/store/queries/ingest_overlaps.py): as strings, then the rule bound
on a store of a few hand-written cases."""

from __future__ import annotations

import datetime as dt

import pytest

from turquesa_geo.store.connection import connect
from turquesa_geo.store.queries import ingest_overlaps as sql

#: Case 1 (import 1) and what import 2 says near it: 2 a day later with a point rounded to whole degrees 11 km
#: off, 3 the same day 11 km off with a precise point, 4 already judged distinct from 1, 5 two days later,
#: 6 with 13 persons; case 7 (import 3) repeats case 1 but comes later; case 8 (import 1) was linked away.
CASES = (
    "INSERT INTO cases (case_uid, source, incident_id, crime_type, case_date, detection_country, lat, lon, "
    "location_precision, import_id, row_hash, counted) VALUES "
    "(1, 'PNC', 'A1', 'smuggling', DATE '2024-03-05', 'PAN', 8.39, -77.87, NULL, 1, 'h', TRUE), "
    "(2, 'OIM', 'B2', 'smuggling', DATE '2024-03-06', 'PAN', 8.39, -77.97, 'whole_degree', 2, 'h', TRUE), "
    "(3, 'OIM', 'B3', 'smuggling', DATE '2024-03-05', 'PAN', 8.39, -77.97, 'exact', 2, 'h', TRUE), "
    "(4, 'MMP', 'B4', 'smuggling', DATE '2024-03-05', 'PAN', NULL, NULL, NULL, 2, 'h', TRUE), "
    "(5, 'OIM', 'B5', 'smuggling', DATE '2024-03-07', 'PAN', NULL, NULL, NULL, 2, 'h', TRUE), "
    "(6, 'OIM', 'B6', 'smuggling', DATE '2024-03-05', 'PAN', NULL, NULL, NULL, 2, 'h', TRUE), "
    "(7, 'PNC', 'C7', 'smuggling', DATE '2024-03-05', 'PAN', 8.39, -77.87, NULL, 3, 'h', TRUE), "
    "(8, 'PNC', 'A8', 'smuggling', DATE '2024-03-05', 'PAN', 8.39, -77.87, NULL, 1, 'h', FALSE)",
    "INSERT INTO case_persons (case_uid, role, gender, age_group, nationality, persons) VALUES "
    "(1, 'migrant', 'male', 'adult', NULL, 12), (1, 'suspect', 'male', 'adult', NULL, 2), "
    "(2, 'migrant', 'male', 'adult', NULL, 10), (2, 'migrant', 'female', 'adult', NULL, 2), "
    "(3, 'migrant', 'male', 'adult', NULL, 12), (4, 'migrant', 'male', 'adult', NULL, 12), "
    "(5, 'migrant', 'male', 'adult', NULL, 12), (6, 'migrant', 'male', 'adult', NULL, 13), "
    "(7, 'migrant', 'male', 'adult', NULL, 12), (8, 'migrant', 'male', 'adult', NULL, 12)",
    "INSERT INTO case_links (case_uid, linked_to, method, score, status) VALUES "
    "(4, 1, 'manual', NULL, 'distinct'), (8, 1, 'manual', NULL, 'linked')",
)


@pytest.fixture
def overlaps():
    con = connect(":memory:")
    for statement in CASES:
        con.execute(statement)
    yield con
    con.close()


def test_the_pairs_statement_blocks_on_equal_keys_and_binds_every_value():
    text, params = sql.overlap_pairs_sql(1, 5.0, 0.25, 0.05)
    assert text.startswith("CREATE OR REPLACE TEMP TABLE overlap_pairs AS WITH n AS (SELECT c.case_uid, c.import_id, ")
    assert "c.persons_moved AS persons FROM cases c WHERE c.case_uid IN (SELECT case_uid FROM overlap_new)" in text
    assert "CROSS JOIN (SELECT CAST(unnest(range(-$days, $days + 1)) AS INTEGER) AS shift) d)" in text
    assert (
        "FROM shifted n JOIN stored s ON s.detection_country = n.detection_country AND s.crime_type = n.crime_type "
        "AND s.case_date = n.day AND s.persons = n.persons WHERE s.import_id < n.import_id "
        "AND (n.lat IS NULL OR s.lat IS NULL OR abs(s.lat - n.lat) <= $lat_degrees))" in text
    )
    assert "CASE WHEN c.location_precision IN ($coarse_1, $coarse_2, $coarse_3) THEN NULL ELSE c.lat END AS lat" in text
    assert params == {
        "days": 1,
        "km": 5.0,
        "lat_degrees": 5.0 / 110.0,
        "day_weight": 0.25,
        "km_weight": 0.05,
        "coarse_1": "approximate",
        "coarse_2": "whole_degree",
        "coarse_3": "country",
        "earth_km": 6371.0,
    }


def test_the_persons_moved_are_summed_once_for_the_cases_that_lack_them(overlaps):
    overlaps.execute("UPDATE cases SET persons_moved = 99 WHERE case_uid = 7")  # known already: left alone
    overlaps.execute(*sql.fill_persons_moved_sql())
    moved = overlaps.execute("SELECT case_uid, persons_moved FROM cases ORDER BY case_uid").fetchall()
    # Victims and migrants only (case 1's two suspects are not moved persons); case 2's 10 men and 2 women.
    assert moved == [(1, 12), (2, 12), (3, 12), (4, 12), (5, 12), (6, 13), (7, 99), (8, 12)]
    overlaps.execute(
        "INSERT INTO cases (case_uid, source, incident_id, crime_type, case_date, import_id, row_hash) "
        "VALUES (9, 'PNC', 'A9', 'smuggling', DATE '2024-01-01', 1, 'h')"
    )
    overlaps.execute(*sql.fill_persons_moved_sql())
    assert overlaps.execute("SELECT persons_moved FROM cases WHERE case_uid = 9").fetchall() == [(0,)]


def test_the_rule_pairs_only_what_it_should(overlaps):
    overlaps.execute(*sql.fill_persons_moved_sql())
    overlaps.execute(*sql.new_cases_of_import_sql(2))
    assert overlaps.execute("SELECT case_uid FROM overlap_new ORDER BY 1").fetchall() == [(2,), (3,), (5,), (6,)]
    overlaps.execute(*sql.overlap_pairs_sql(1, 5.0, 0.25, 0.05))
    rows = overlaps.execute(
        "SELECT case_uid, new_import, linked_to, stored_import, same_source, days_apart, km_apart, persons, score "
        "FROM overlap_pairs"
    ).fetchall()
    # Only 2: its point is too coarse to compare. 3 is 11 km off, 4 is not checked (it has a link), 5 is two days
    # off, 6 has 13 persons, 7 comes later than import 2 and 8 is not counted.
    assert rows == [(2, 2, 1, 1, False, 1, None, 12, 0.75)]


def test_the_whole_store_check_orders_pairs_by_import(overlaps):
    overlaps.execute(*sql.fill_persons_moved_sql())
    overlaps.execute(*sql.unsettled_cases_sql())
    overlaps.execute(*sql.overlap_pairs_sql(1, 5.0, 0.25, 0.05))
    pairs = overlaps.execute("SELECT case_uid, linked_to FROM overlap_pairs ORDER BY ALL").fetchall()
    assert pairs == [(2, 1), (7, 1), (7, 2), (7, 4)]  # 7 (import 3) with 4 too: same day, and 4 has no point
    for statement in sql.rank_pairs_sql():
        overlaps.execute(*statement)
    while overlaps.execute(*sql.match_round_sql()).fetchall()[0][0]:
        overlaps.execute(*sql.prune_matched_sql())
    # 7 and 1 are the same point on the same day (score 1); 2 goes to 1 too: another importing file.
    assert overlaps.execute(*sql.matches_sql()).fetchall() == [
        (2, 1, 1, False, 1, None, 12, 0.75),
        (7, 1, 1, True, 0, 0.0, 12, 1.0),
    ]
    assert overlaps.execute(*sql.matches_by_import_sql()).fetchall() == [(1, 2)]


def test_counted_follows_the_linked_links_only(overlaps):
    overlaps.execute("UPDATE cases SET counted = TRUE")
    overlaps.execute(*sql.counted_changes_sql())
    assert overlaps.execute("SELECT * FROM counted_changes").fetchall() == [(8, dt.date(2024, 3, 1))]
    overlaps.execute(*sql.apply_counted_sql())
    assert overlaps.execute("SELECT case_uid FROM cases WHERE NOT counted").fetchall() == [(8,)]


def test_links_are_written_read_and_turned_round(overlaps):
    overlaps.execute(*sql.insert_link_sql(3, 1, "manual", None, "kept", "ana"))
    overlaps.execute(*sql.set_link_status_sql(1, 3, "linked", "ben"))
    overlaps.execute(*sql.reverse_link_sql(3, 1))  # recorded 3 -> 1 already: nothing to turn
    assert overlaps.execute(*sql.link_between_sql(1, 3)).fetchall() == [(3, 1, "linked")]
    overlaps.execute(*sql.reverse_link_sql(1, 3))
    assert overlaps.execute(*sql.link_between_sql(3, 1)).fetchall() == [(1, 3, "linked")]
    assert overlaps.execute(*sql.link_roots_sql()).fetchall() == [(8, 1), (1, 3)]
    links = overlaps.execute(*sql.case_links_sql("linked")).fetchall()
    assert [(r[0], r[2], r[5], r[7], r[10], r[14]) for r in links] == [
        (1, "A1", 3, "B3", "linked", "ben"),
        (8, "A8", 1, "A1", "linked", None),
    ]
    with pytest.raises(ValueError, match="link status 'same' is not one of linked, kept, distinct"):
        sql.set_link_status_sql(1, 3, "same", None)


def test_the_months_a_check_changes_join_the_ones_an_import_rebuilds():
    assert sql.months_into_sql("touched_months") == (
        "INSERT INTO touched_months (month) SELECT DISTINCT month FROM counted_changes "
        "WHERE month NOT IN (SELECT month FROM touched_months)",
        {},
    )
    with pytest.raises(ValueError, match="not plain snake_case"):
        sql.months_into_sql("touched; DROP TABLE cases")
