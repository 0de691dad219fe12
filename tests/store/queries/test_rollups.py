"""The rollup tables' refresh (turquesa_geo/store/queries/rollups.py), as strings."""

from __future__ import annotations

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
    assert params == {
        "female": "female",
        "unknown": "unknown",
        "role_1": "victim",
        "role_2": "migrant",
        **{f"dimension_{d}": d for d in sql.ROLLUP_DIMENSIONS},
    }
    assert sql.refresh_rollups()[0] == ("DELETE FROM rollup_routes", {})
