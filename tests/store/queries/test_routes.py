"""Counts per reported route (turquesa_geo/store/queries/routes.py): from the cases and from the rollup."""

from __future__ import annotations

import pytest
from builder_values import CURRENT, FILTER_PARAMS, FILTERS, PREVIOUS, D

from turquesa_geo.filters import Filters
from turquesa_geo.store import queries as sql


def test_route_signatures_from_the_cases():
    text, params = sql.route_signatures(FILTERS, CURRENT, PREVIOUS)
    assert text.startswith("SELECT c.nationality, c.origin, c.transit, c.destination, c.detection_country, ")
    assert "CAST(sum(CASE WHEN c.case_date >= $start THEN 1 ELSE 0 END) AS BIGINT) AS cases, " in text
    assert "CAST(sum(CASE WHEN c.case_date <= $prev_end THEN 1 ELSE 0 END) AS BIGINT) AS cases_prev, " in text
    assert "sum(CASE WHEN q.gender = $female THEN q.persons ELSE 0 END) AS female" in text
    assert "FROM case_persons q WHERE q.role IN ($role_1, $role_2) AND q.gender IN ($gender_1) GROUP BY" in text
    assert "WHERE c.case_date >= $first AND c.case_date <= $end AND c.crime_type IN (" in text
    assert params == {
        "start": D(2024, 1, 1),
        "end": D(2024, 12, 31),
        "first": D(2023, 1, 1),
        "prev_end": D(2023, 12, 31),
        **FILTER_PARAMS,
        "female": "female",
        "unknown": "unknown",
        "undated": D(1900, 1, 1),  # records with no known date are in no period
    }


def test_route_signatures_from_the_rollup_without_a_previous_period():
    text, params = sql.route_signatures(Filters(sources=("PNC",)), CURRENT, None, source="rollup")
    assert "FROM rollup_routes r WHERE r.month >= $first AND r.month <= $end AND r.source IN ($source_1) " in text
    assert "CAST(sum(CASE WHEN r.month >= $start THEN r.persons ELSE 0 END) AS BIGINT) AS persons" in text
    assert params == {
        "start": D(2024, 1, 1),
        "end": D(2024, 12, 31),
        "first": D(2024, 1, 1),
        "prev_end": None,
        "source_1": "PNC",
    }


def test_route_signatures_bind_and_both_sources_agree(tiny):
    expected = [
        ("HTI", "HTI", "PAN>CRI", "USA", "MEX", 1, 0, 2, 2, 2, 0),
        ("VEN", "VEN", "COL", "PAN", "PAN", 1, 1, 12, 0, 12, 0),
        ("VEN", "VEN", None, "PER", "PER", 1, 0, 3, 2, 2, 0),
    ]
    for source in sql.SIGNATURE_SOURCES:
        text, params = sql.route_signatures(Filters(), CURRENT, PREVIOUS, source)
        assert tiny.execute(f"{text} ORDER BY ALL", params).fetchall() == expected, source


def test_route_signatures_count_flagged_cases_and_leave_them_out_alike_from_both_sources(flagged):
    # 2024: A1 (no flag) on VEN>COL>PAN, B1 flagged (partial date), M1 flagged twice; 2023: A2 flagged (adjustment).
    everything = [
        ("HTI", "HTI", "PAN>CRI", "USA", "MEX", 1, 0, 2, 2, 2, 1),
        ("VEN", "VEN", "COL", "PAN", "PAN", 1, 1, 12, 0, 12, 0),
        ("VEN", "VEN", None, "PER", "PER", 1, 0, 3, 2, 2, 1),
    ]
    unflagged = [("VEN", "VEN", "COL", "PAN", "PAN", 1, 0, 12, 0, 12, 0)]  # A2 leaves the period before too
    for source in sql.SIGNATURE_SOURCES:
        text, params = sql.route_signatures(Filters(), CURRENT, PREVIOUS, source)
        assert flagged.execute(f"{text} ORDER BY ALL", params).fetchall() == everything, source
        text, params = sql.route_signatures(Filters(exclude_flagged=True), CURRENT, PREVIOUS, source)
        assert flagged.execute(f"{text} ORDER BY ALL", params).fetchall() == unflagged, source


def test_route_signatures_by_flag_rule_read_the_cases(flagged):
    text, params = sql.route_signatures(Filters(flags=("rounded_coordinates",)), CURRENT, PREVIOUS)
    assert "EXISTS (SELECT 1 FROM case_flags f WHERE f.case_uid = c.case_uid AND f.rule IN ($flag_1))" in text
    assert [r[:2] for r in flagged.execute(text, params).fetchall()] == [("HTI", "HTI")]
    text, params = sql.route_signatures(Filters(excluded_flags=("partial_date",)), CURRENT, PREVIOUS)
    assert sorted(r[3] for r in flagged.execute(text, params).fetchall()) == ["PAN", "USA"]  # B1 (VEN>PER) left out
    with pytest.raises(ValueError, match=r"the rollups cannot answer a filter on flag rules \['partial_date'\]"):
        sql.route_signatures(Filters(excluded_flags=("partial_date",)), CURRENT, PREVIOUS, source="rollup")
