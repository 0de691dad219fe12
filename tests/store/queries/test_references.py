"""Aggregate reference counts and deaths and disappearances (turquesa_geo/store/queries/references.py)."""

from __future__ import annotations

import pytest
from builder_values import D

from turquesa_geo.filters import Filters
from turquesa_geo.store import queries as sql


def test_aggregate_counts():
    text, params = sql.aggregate_counts(
        Filters(end=D(2022, 12, 31), genders=("female",), nationalities=("VEN",)), "detected_victims", "citizenship"
    )
    assert text == (
        "SELECT source, year, country, area, category, sex, age_group, unit, value, censored FROM aggregate_counts "
        "WHERE indicator = $indicator AND dimension = $dimension AND country IS NOT NULL AND year <= $last_year "
        "AND sex IN ($sex_1) "
        "AND category IN ($category_1) ORDER BY year, area, category, sex, age_group"
    )
    assert params == {
        "indicator": "detected_victims",
        "dimension": "citizenship",
        "last_year": 2022,
        "sex_1": "female",
        "category_1": "VEN",
    }
    text, _ = sql.aggregate_counts(Filters(transit=("PAN",)), "detected_victims", "total")
    assert " AND FALSE ORDER BY" in text
    # Published counts carry no flag: kept when flagged cases are left out, none when only flagged ones are asked.
    text, _ = sql.aggregate_counts(
        Filters(exclude_flagged=True, excluded_flags=("adjustment",)), "detected_victims", "total"
    )
    assert "FALSE" not in text
    text, _ = sql.aggregate_counts(Filters(flags=("adjustment",)), "detected_victims", "total")
    assert " AND FALSE ORDER BY" in text


def test_aggregate_counts_of_regions_read_only_the_rows_without_a_country():
    text, params = sql.aggregate_counts(Filters(), "detected_victims", "exploitation_form", areas="regions")
    assert "WHERE indicator = $indicator AND dimension = $dimension AND country IS NULL ORDER BY" in text
    assert params == {"indicator": "detected_victims", "dimension": "exploitation_form"}
    # A region is not split by detecting country: a destination filter leaves no region row.
    text, _ = sql.aggregate_counts(Filters(destination=("COL",)), "detected_victims", "total", areas="regions")
    assert "country IS NULL AND country IN ($country_1)" in text


def test_aggregate_counts_honour_the_role_each_indicator_counts():
    def nothing(indicator: str, *roles: str) -> bool:
        return " AND FALSE ORDER BY" in sql.aggregate_counts(Filters(roles=roles), indicator, "total")[0]

    assert [nothing("detected_victims", "victim"), nothing("detected_victims", "suspect")] == [False, True]
    assert [nothing("prosecuted", "suspect"), nothing("convicted", "victim"), nothing("offences", "victim")] == [
        False,
        True,
        True,
    ]


def test_outcomes_by_any_key_and_never_by_an_unknown_one():
    text, params = sql.outcomes(Filters(), ("cell_lat", "year"))
    assert text.startswith("SELECT floor(c.lat / $cell) * $cell + $cell / 2 AS cell_lat, CAST(year(c.case_date)")
    assert text.endswith("GROUP BY floor(c.lat / $cell) * $cell + $cell / 2, CAST(year(c.case_date) AS INTEGER)")
    assert params["cell"] == 2.0
    assert sql.outcomes(Filters(), ())[0].endswith("ON p.case_uid = c.case_uid WHERE TRUE")  # one row, no groups
    with pytest.raises(ValueError, match="cannot be grouped by \\['sex'\\]"):
        sql.outcomes(Filters(), ("sex",))


def test_outcomes():
    text, params = sql.outcomes(Filters(origin=("VEN",), destination=("USA",), transit=("PAN", "MEX")))
    assert text.endswith(
        "WHERE TRUE AND c.origin IN ($origin_1) "
        "AND coalesce(c.destination, c.detection_country) IN ($destination_1) "
        "AND (c.transit LIKE $transit_1 OR c.transit LIKE $transit_2) "
        "GROUP BY c.detection_country, c.location_precision, c.source_quality"
    )
    assert "FROM case_persons WHERE role = $migrant GROUP BY case_uid" in text
    # Read from the incidents of deaths and disappearances only, never from the cases.
    assert "FROM outcome_incidents c LEFT JOIN" in text and "counted_cases" not in text
    assert params == {
        "origin_1": "VEN",
        "destination_1": "USA",
        "transit_1": "%PAN%",
        "transit_2": "%MEX%",
        "female": "female",
        "male": "male",
        "migrant": "migrant",
    }


def test_outcomes_bind_on_the_tiny_store(tiny):
    # The tiny store's M1 is an agency's smuggling case with dead and missing: not IOM's measure.
    assert tiny.execute(*sql.outcomes(Filters(transit=("CRI",)))).fetchall() == []
    tiny.execute("UPDATE cases SET crime_type = 'migration_deaths' WHERE incident_id = 'M1'")
    rows = tiny.execute(*sql.outcomes(Filters(transit=("CRI",)))).fetchall()
    assert rows == [("MEX", "exact", "verified", 1, 2, 1, 5, 1, 2, 0, 2)]
    assert tiny.execute(*sql.outcomes(Filters(transit=("COL",)))).fetchall() == []
    tiny.execute("UPDATE cases SET crime_type = 'smuggling' WHERE incident_id = 'M1'")


def test_encounter_counts_read_to_the_month_and_map_age_groups_to_demographics():
    text, params = sql.encounter_counts(
        Filters(start=D(2022, 10, 1), end=D(2023, 9, 30), age_groups=("minor",), origin=("HND",))
    )
    assert text == (
        "SELECT source, year, month, country, area, category, age_group, breakdown, value FROM aggregate_counts "
        "WHERE indicator = $indicator AND dimension = $dimension AND year * 12 + coalesce(month, 12) >= $first_month "
        "AND year * 12 + coalesce(month, 1) <= $last_month AND category IN ($category_1) "
        "AND age_group IN ($age_group_1, $age_group_2) ORDER BY year, month, area, category, age_group, breakdown"
    )
    assert params == {
        "indicator": "encounters",
        "dimension": "citizenship",
        "first_month": 2022 * 12 + 10,
        "last_month": 2023 * 12 + 9,
        "category_1": "HND",
        "age_group_1": "unaccompanied_minor",
        "age_group_2": "accompanied_minor",
    }
    # Encounters are not split by sex, and are no case of any crime type: such a filter selects none.
    for filters in (Filters(genders=("female",)), Filters(crime_types=("trafficking",)), Filters(roles=("victim",))):
        assert " AND FALSE ORDER BY" in sql.encounter_counts(filters)[0]
    assert "FALSE" not in sql.encounter_counts(Filters(roles=("migrant",)))[0]
    assert " AND FALSE ORDER BY" in sql.encounter_counts(Filters(age_groups=("unknown",)))[0]


def test_tip_codings_place_the_route_filters_at_the_route_s_ends_and_middle():
    text, params = sql.tip_codings(Filters(origin=("HND",), transit=("MEX",), destination=("USA",)))
    assert text == (
        "SELECT source, year, country, area, category, sex, age_group, breakdown, value FROM aggregate_counts "
        "WHERE indicator = $indicator AND string_split(category, $separator)[1] IN ($origin_1) "
        "AND list_has_any(list_slice(string_split(category, $separator), 2, -2), [$transit_1]) "
        "AND country IN ($destination_1) ORDER BY year, category, area, sex, age_group, breakdown"
    )
    assert params == {
        "indicator": "tip_routes",
        "separator": ">",
        "origin_1": "HND",
        "transit_1": "MEX",
        "destination_1": "USA",
    }
    text, params = sql.tip_codings(Filters(origin=("HND",), transit=("MEX",)), "tip_roles")
    assert "WHERE indicator = $indicator AND country IN ($country_1, $country_2) ORDER BY" in text
    assert params == {"indicator": "tip_roles", "country_1": "HND", "country_2": "MEX"}
    assert " AND FALSE ORDER BY" in sql.tip_codings(Filters(crime_types=("smuggling",)))[0]
    assert "FALSE" not in sql.tip_codings(Filters(crime_types=("trafficking",), roles=("victim",)))[0]
