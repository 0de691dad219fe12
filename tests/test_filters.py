"""The dashboard's filters (turquesa_geo.filters): URL round trip, periods, words, fitting to the store."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from turquesa_geo.filters import (
    FILTER_FIELDS,
    Filters,
    add_months,
    describe,
    fit_to_store,
    from_query_params,
    history_until,
    previous_period,
    to_query_params,
    with_values,
)

D = dt.date


def test_every_filter_field_names_a_field_of_filters_once():
    assert [f.name for f in FILTER_FIELDS] == [f.name for f in dataclasses.fields(Filters)]
    assert len({f.key for f in FILTER_FIELDS}) == len(FILTER_FIELDS)


def test_the_url_round_trip():
    filters = Filters(
        start=D(2024, 1, 1),
        end=D(2024, 6, 30),
        crime_types=("smuggling", "trafficking"),
        genders=("female",),
        nationalities=("VEN",),
        transit=("PAN", "CRI"),
        modus=(("platform", "tiktok"),),
        sources=("PNC",),
        linked_crimes=("document_fraud",),
    )
    params = to_query_params(filters)
    assert params == {
        "from": "2024-01-01",
        "to": "2024-06-30",
        "crime": "smuggling,trafficking",
        "sex": "female",
        "nat": "VEN",
        "via": "PAN,CRI",
        "mo": "platform:tiktok",
        "src": "PNC",
        "linked": "document_fraud",
    }
    assert from_query_params(params) == (filters, [])


def test_bad_url_values_are_dropped_and_named():
    filters, problems = from_query_params(
        {
            "from": "2024-01-01",
            "to": "x",
            "crime": "smuggling,piracy",
            "nat": "Venezuela,ZZZ",
            "mo": "platform:tiktok,foo",
        }
    )
    assert filters == Filters(start=D(2024, 1, 1), crime_types=("smuggling",), modus=(("platform", "tiktok"),))
    assert problems == [
        "to: 'x' is not a date (YYYY-MM-DD)",
        "crime: 'piracy' is not a known value",
        "nat: 'Venezuela' is not a known value",  # a URL carries codes: a name is not guessed
        "nat: 'ZZZ' is not a known value",
        "mo: 'foo' is not a known value",
    ]
    assert from_query_params({"nat": "ZZZ"}, lang="es")[1] == ["nat: 'ZZZ' no es un valor conocido"]


def test_person_filtered():
    assert [Filters(roles=("victim",)).person_filtered(), Filters(age_groups=("minor",)).person_filtered()] == [
        True,
        True,
    ]
    assert not Filters(nationalities=("VEN",), modus=(("platform", "tiktok"),)).person_filtered()


@pytest.mark.parametrize(
    "start, end, previous",
    [
        (D(2024, 1, 1), D(2024, 12, 31), (D(2023, 1, 1), D(2023, 12, 31))),
        (D(2024, 3, 1), D(2024, 3, 31), (D(2024, 2, 1), D(2024, 2, 29))),  # a leap February
        (D(2024, 3, 10), D(2024, 3, 19), (D(2024, 2, 29), D(2024, 3, 9))),  # days, not months
        (D(2024, 3, 1), None, None),
        (None, D(2024, 3, 1), None),
    ],
)
def test_previous_period(start, end, previous):
    assert previous_period(Filters(start=start, end=end)) == previous


def test_add_months_across_years():
    assert [add_months(D(2024, 1, 31), -1), add_months(D(2024, 11, 5), 2)] == [D(2023, 12, 1), D(2025, 1, 1)]


def test_describe_in_two_languages():
    filters = Filters(start=D(2024, 1, 1), end=D(2024, 12, 31), genders=("female",), modus=(("platform", "tiktok"),))
    assert describe(filters) == "From: 2024-01-01; To: 2024-12-31; Sex / gender: Female; Modus operandi: TikTok"
    assert (
        describe(filters, "es") == "Desde: 01/01/2024; Hasta: 31/12/2024; Sexo / género: Mujer; Modus operandi: TikTok"
    )
    assert describe(Filters(start=D(2024, 1, 1)), with_period=False) == "All cases"


def test_fit_to_store_clips_the_period_and_drops_what_the_store_lacks():
    bounds = (D(2018, 1, 1), D(2026, 9, 30))
    fitted, notes = fit_to_store(
        Filters(end=D(2027, 1, 1), modus=(("platform", "tiktok"), ("platform", "x"))),
        bounds,
        {"modus": ["platform:tiktok"]},
    )
    assert fitted == Filters(end=D(2026, 9, 30), modus=(("platform", "tiktok"),))
    assert notes == [
        "To 2027-01-01 is after the last case (2026-09-30): the period ends there",
        "Modus operandi: platform:x is not in the store",
    ]
    fitted, notes = fit_to_store(Filters(start=D(2030, 1, 1)), bounds, {})
    assert (fitted, notes) == (
        Filters(),
        ["the period 2030-01-01 – … holds no case (cases run 2018-01-01 – 2026-09-30)"],
    )


def test_history_until_and_with_values():
    filters = Filters(start=D(2025, 1, 1), end=D(2025, 12, 31), sources=("PNC",))
    assert history_until(filters) == Filters(end=D(2025, 12, 31), sources=("PNC",))
    assert with_values(filters, sources=("MP",)).sources == ("MP",)
    with pytest.raises(KeyError, match="unknown filter"):
        with_values(filters, country=("VEN",))


def test_the_flag_filters_round_trip_through_the_url():
    filters = Filters(exclude_flagged=True, excluded_flags=("partial_date",), flags=("adjustment", "null_island"))
    params = to_query_params(filters)
    assert params == {"exclude-flagged": "1", "exclude-flag": "partial_date", "flag": "adjustment,null_island"}
    assert from_query_params(params) == (filters, [])
    assert to_query_params(Filters(exclude_flagged=False)) == {}


def test_bad_flag_values_in_the_url_are_dropped_and_named():
    rules = ("adjustment", "partial_date")
    filters, problems = from_query_params(
        {"exclude-flagged": "yes", "flag": "adjustment,nope", "exclude-flag": "Partial date"}, flag_rules=rules
    )
    assert filters == Filters(flags=("adjustment",))
    assert problems == [
        "exclude-flagged: 'yes' is not 1 (on) or left out (off)",
        "exclude-flag: 'Partial date' is not a known value",
        "flag: 'nope' is not a known value",
    ]
    # Without the importer's list (this module sits below it), a rule is checked for its shape only.
    assert from_query_params({"flag": "nope,Not A Rule"}) == (
        Filters(flags=("nope",)),
        ["flag: 'Not A Rule' is not a known value"],
    )
    assert from_query_params({"exclude-flagged": "x"}, lang="es")[1] == [
        "exclude-flagged: 'x' no es 1 (activado) ni se omite (desactivado)"
    ]


def test_flag_filters_in_words_and_whether_the_rollups_hold_them():
    filters = Filters(exclude_flagged=True, excluded_flags=("partial_date",))
    assert describe(filters) == "Exclude flagged cases; Exclude cases flagged by: partial_date"
    assert describe(filters, "fr") == "Exclure les cas signalés; Exclure les cas signalés par: partial_date"
    assert [Filters(exclude_flagged=True).flag_rules_filtered(), filters.flag_rules_filtered()] == [False, True]


def test_fit_to_store_drops_flag_rules_the_store_does_not_hold():
    fitted, notes = fit_to_store(
        Filters(exclude_flagged=True, flags=("adjustment", "null_island")),
        (D(2018, 1, 1), D(2026, 9, 30)),
        {"flags": ["adjustment"], "excluded_flags": ["adjustment"]},
    )
    assert fitted == Filters(exclude_flagged=True, flags=("adjustment",))
    assert notes == ["Only cases flagged by: null_island is not in the store"]
