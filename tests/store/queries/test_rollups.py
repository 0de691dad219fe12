"""The rollup tables, their refresh and the months an import touches (turquesa_geo/store/queries/rollups.py),
as strings, then bound on the tiny store (tests/tiny_store.py)."""

from __future__ import annotations

import pytest
from builder_values import D

from turquesa_geo.store import queries as sql


def test_refresh_rollups_of_the_touched_months():
    statements = sql.refresh_rollups("touched")
    assert [text.split(" (")[0].split(" SELECT")[0] for text, _ in statements] == [
        "DELETE FROM rollup_routes WHERE month IN",
        "INSERT INTO rollup_routes",
        "DELETE FROM rollup_modus WHERE month IN",
        "INSERT INTO rollup_modus",
    ]
    text, params = statements[1]
    assert "FROM case_persons q WHERE q.role IN ($role_1, $role_2) AND q.case_uid IN (SELECT case_uid FROM" in text
    assert "max(CASE WHEN a.dimension = $dimension_platform THEN 1 ELSE 0 END) AS r_platform" in text
    # Records with no known date are in no month.
    assert (
        "FROM (SELECT * FROM counted_cases u WHERE u.case_date <> $undated AND CAST(date_trunc('month', u.case_date)"
        in text
    )
    assert params == {
        "undated": D(1900, 1, 1),
        "female": "female",
        "unknown": "unknown",
        "role_1": "victim",
        "role_2": "migrant",
        **{f"dimension_{d}": d for d in sql.ROLLUP_DIMENSIONS},
    }
    assert sql.refresh_rollups()[0] == ("DELETE FROM rollup_routes", {})
    assert sql.refresh_rollups()[3][1] == {"undated": D(1900, 1, 1)}


def test_touched_months_are_the_new_cases_and_the_ones_they_replace(tiny):
    text = sql.touched_months_sql("h_rows")
    assert text == (
        "CREATE OR REPLACE TEMP TABLE touched_months AS SELECT DISTINCT CAST(date_trunc('month', _date) AS DATE) "
        "AS month FROM h_rows UNION SELECT DISTINCT CAST(date_trunc('month', c.case_date) AS DATE) FROM cases c "
        "WHERE c.case_uid IN (SELECT _old_uid FROM h_rows WHERE _old_uid IS NOT NULL)"
    )
    with pytest.raises(ValueError, match="not plain snake_case"):
        sql.touched_months_sql("h_rows; DROP TABLE cases")
    # A new case of 2025-02 and a correction of case 2 (stored in 2023-06), now dated 2024-03.
    tiny.execute(
        "CREATE TEMP TABLE h_rows AS SELECT * FROM (VALUES (DATE '2025-02-14', NULL), (DATE '2024-03-20', 2)) "
        "v(_date, _old_uid)"
    )
    tiny.execute(text)
    assert tiny.execute("SELECT month FROM touched_months ORDER BY month").fetchall() == [
        (D(2023, 6, 1),),
        (D(2024, 3, 1),),
        (D(2025, 2, 1),),
    ]


def test_the_rollup_tables_refreshed_on_the_tiny_store(tiny):
    assert [text.split(" (")[0] for text in sql.rollup_tables()] == [
        "CREATE TABLE rollup_routes",
        "CREATE TABLE rollup_modus",
    ]
    routes = tiny.execute(
        "SELECT month, crime_type, source, transit, cases, persons, female, known_sex FROM rollup_routes ORDER BY ALL"
    ).fetchall()
    # Suspects are not counted; case 3's person of unknown sex counts in persons, not in known_sex.
    assert routes == [
        (D(2023, 6, 1), "smuggling", "PNC", "COL", 1, 4, 4, 4),
        (D(2024, 3, 1), "smuggling", "PNC", "COL", 1, 12, 0, 12),
        (D(2024, 7, 1), "trafficking", "MP", None, 1, 3, 2, 2),
        (D(2024, 8, 1), "smuggling", "MMP", "PAN>CRI", 1, 2, 2, 2),
    ]
    assert tiny.execute("SELECT count(*), sum(cases) FROM rollup_modus").fetchall() == [(6, 6)]
