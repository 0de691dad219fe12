"""The WHERE fragments of the dashboard's filters (turquesa_geo/store/queries/conditions.py), as strings."""

from __future__ import annotations

import pytest
from builder_values import FILTER_PARAMS, FILTERS, D

from turquesa_geo.filters import Filters
from turquesa_geo.store import queries as sql


def test_case_filter():
    text, params = sql.case_filter(FILTERS)
    assert text == (
        "c.crime_type IN ($crime_type_1, $crime_type_2) AND c.source IN ($source_1) "
        "AND EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = c.case_uid AND a.dimension = $dimension "
        "AND a.code IN ($code_1)) "
        "AND EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = c.case_uid AND a.dimension = $dimension_2 "
        "AND a.code IN ($code_1_2)) "
        "AND EXISTS (SELECT 1 FROM case_persons p WHERE p.case_uid = c.case_uid "
        "AND p.role IN ($role_1, $role_2) AND p.gender IN ($gender_1))"
    )
    assert params == FILTER_PARAMS


def test_case_filter_of_linked_crimes_and_no_filter():
    assert sql.case_filter(Filters(linked_crimes=("fraud",)), "r") == (
        "EXISTS (SELECT 1 FROM case_attributes a WHERE a.case_uid = r.case_uid AND a.dimension = $dimension "
        "AND a.code IN ($code_1))",
        {"dimension": "linked_crime", "code_1": "fraud"},
    )
    assert sql.case_filter(Filters()) == ("TRUE", {})


def test_person_filter_defaults_to_the_people_moved():
    assert sql.person_filter(Filters(age_groups=("minor",)), "q") == (
        "q.role IN ($role_1, $role_2) AND q.age_group IN ($age_group_1)",
        {"role_1": "victim", "role_2": "migrant", "age_group_1": "minor"},
    )
    assert sql.person_filter(Filters(roles=("suspect",))) == ("p.role IN ($role_1)", {"role_1": "suspect"})


def test_period_filter():
    assert sql.period_filter(Filters(end=D(2024, 6, 30), sources=("X",))) == (
        "c.case_date <= $end AND c.source IN ($source_1)",
        {"end": D(2024, 6, 30), "source_1": "X"},
    )


def test_flag_conditions_on_the_cases_and_on_the_rollups():
    filters = Filters(
        exclude_flagged=True, excluded_flags=("adjustment", "partial_date"), flags=("rounded_coordinates",)
    )
    assert sql.case_filter(filters) == (
        "NOT EXISTS (SELECT 1 FROM case_flags f WHERE f.case_uid = c.case_uid) "
        "AND NOT EXISTS (SELECT 1 FROM case_flags f WHERE f.case_uid = c.case_uid "
        "AND f.rule IN ($excluded_flag_1, $excluded_flag_2)) "
        "AND EXISTS (SELECT 1 FROM case_flags f WHERE f.case_uid = c.case_uid AND f.rule IN ($flag_1))",
        {"excluded_flag_1": "adjustment", "excluded_flag_2": "partial_date", "flag_1": "rounded_coordinates"},
    )
    assert sql.period_filter(Filters(start=D(2024, 1, 1), exclude_flagged=True), "r.month", "r", rollup=True) == (
        "r.month >= $start AND NOT r.flagged",
        {"start": D(2024, 1, 1)},
    )
    with pytest.raises(ValueError, match=r"the rollups cannot answer a filter on flag rules \['rounded_coordinates'\]"):
        sql.case_filter(Filters(flags=("rounded_coordinates",)), "r", rollup=True)


def test_span_filter_lets_a_band_meet_the_period():
    assert sql.span_filter(Filters(start=D(2016, 1, 1), end=D(2016, 12, 31), sources=("CTDC",))) == (
        "coalesce(c.period_end, c.case_date) >= $start AND c.case_date <= $end AND c.source IN ($source_1)",
        {"start": D(2016, 1, 1), "end": D(2016, 12, 31), "source_1": "CTDC"},
    )
    assert sql.span_filter(Filters(), "k") == ("TRUE", {})


def test_dated_for_each_frequency():
    for freq, coarse in (("M", ("year", "period", "unknown")), ("Q", ("year", "period", "unknown"))):
        params = sql.Params()
        assert sql.dated_for(freq, params, "k") == (
            "(k.date_precision IS NULL OR k.date_precision NOT IN ($coarse_1, $coarse_2, $coarse_3))"
        )
        assert params == {f"coarse_{i}": p for i, p in enumerate(coarse, 1)}
    with pytest.raises(ValueError, match="frequency 'W' is not one of M, Q, Y"):
        sql.dated_for("W", sql.Params())
