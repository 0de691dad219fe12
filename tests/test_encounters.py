"""US CBP encounters read back (turquesa_geo/encounters.py): flows, monthly series and tables, never added to
victims or cases. Every expected value is read off tests/fixtures/profiles/cbp_nationwide_encounters_aor.csv."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import run_import
from profile_files import CBP_AOR, GLOTIP_CSV

from turquesa_geo import encounters, references
from turquesa_geo.filters import Filters
from turquesa_geo.maps.deck import reference_records


@pytest.fixture
def cbp_store(store):
    run_import(store, CBP_AOR, profile="cbp")
    return store


def _flows(con, **filters) -> list[list]:
    counts = encounters.encounter_counts(con, Filters(**filters))
    return encounters.encounter_flows(counts)[["from_iso3", "value"]].values.tolist()


def test_encounter_flows_run_from_citizenship_to_the_united_states(cbp_store):
    flows = encounters.encounter_flows(encounters.encounter_counts(cbp_store, Filters()))
    assert flows.values.tolist() == [
        ["MEX", "USA", 2507, 0, 2022, 2023, "2022-10", "2023-11"],
        ["ECU", "USA", 1150, 0, 2023, 2023, "2023-10", "2023-10"],
        ["VEN", "USA", 1000, 0, 2022, 2022, "2022-10", "2022-10"],
        ["GTM", "USA", 450, 0, 2022, 2022, "2022-10", "2022-10"],
        ["SLV", "USA", 90, 0, 2022, 2022, "2022-10", "2022-10"],
        ["COL", "USA", 60, 0, 2023, 2023, "2023-09", "2023-09"],
        ["CHN", "USA", 40, 0, 2022, 2022, "2022-10", "2022-10"],
        ["HND", "USA", 25, 0, 2022, 2022, "2022-10", "2022-10"],
        ["MMR", "USA", 3, 0, 2023, 2023, "2023-11", "2023-11"],
    ]  # OTHER (12) and ATLANTIS (4) are no country: listed, not drawn
    assert int(flows["value"].sum()) + 12 + 4 == 5341


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"start": dt.date(2023, 9, 1)}, [["ECU", 1150], ["COL", 60], ["MEX", 7], ["MMR", 3]]),  # read to the month
        (
            {"end": dt.date(2022, 10, 31)},
            [["MEX", 2500], ["VEN", 1000], ["GTM", 450], ["SLV", 90], ["CHN", 40], ["HND", 25]],
        ),
        ({"origin": ("MEX",)}, [["MEX", 2507]]),
        ({"nationalities": ("GTM", "HND")}, [["GTM", 450], ["HND", 25]]),
        ({"age_groups": ("minor",)}, [["GTM", 450], ["HND", 25]]),  # unaccompanied and accompanied minors
        ({"age_groups": ("adult",), "origin": ("MEX",)}, [["MEX", 2500]]),  # single adults, not the 7 "Elderly"
        ({"destination": ("USA",), "roles": ("migrant",), "sources": ("US CBP",)}, "all"),
        ({"genders": ("female",)}, []),  # not split by sex: nothing, not everything
        ({"crime_types": ("smuggling",)}, []),  # encounters are not cases of any crime
        ({"roles": ("victim",)}, []),
        ({"transit": ("MEX",)}, []),
        ({"destination": ("MEX",)}, []),
    ],
)
def test_encounters_follow_the_filters_they_are_split_by(cbp_store, filters, expected):
    every = _flows(cbp_store)
    assert _flows(cbp_store, **filters) == (every if expected == "all" else expected)


def test_monthly_series_in_total_and_split(cbp_store):
    counts = encounters.encounter_counts(cbp_store, Filters())
    total = encounters.monthly_encounters(counts)
    assert [(p.strftime("%Y-%m"), c, v) for p, c, v in total.values.tolist()] == [
        ("2022-10", "total", 4117),
        ("2023-09", "total", 60),
        ("2023-10", "total", 1150),
        ("2023-11", "total", 14),
    ]
    assert int(total["value"].sum()) == 5341
    regions = encounters.monthly_encounters(counts[counts["year"] == 2022], by="region")
    assert regions[["code", "value"]].values.tolist() == [
        ["Northern Land Border", 12],
        ["Other", 40],
        ["Southwest Land Border", 4065],
    ]
    authority = encounters.monthly_encounters(counts, by="authority")
    assert authority.groupby("code")["value"].sum().to_dict() == {"title_42": 500, "title_8": 4841}
    demographic = encounters.monthly_encounters(counts, by="demographic")
    assert demographic.groupby("code")["value"].sum().to_dict() == {
        "Elderly": 7,
        "accompanied_minor": 25,
        "family_unit": 2150,
        "single_adult": 2709,
        "unaccompanied_minor": 450,
    }
    series = encounters.as_trend_series(total)
    assert list(series.columns) == ["period", "code", "cases", "reporting"] and series["cases"].tolist()[0] == 4117
    assert encounters.monthly_table(total, lang="es").values.tolist()[0] == ["2022-10", "Encuentros", "4.117"]


def test_the_citizenship_table_lists_catch_alls_and_protects_small_counts(cbp_store):
    table = encounters.citizenship_table(encounters.encounter_counts(cbp_store, Filters()))
    assert table.values.tolist() == [
        ["Mexico", "2022-10 – 2023-11", "2,507"],
        ["Ecuador", "2023-10", "1,150"],
        ["Venezuela", "2022-10", "1,000"],
        ["Guatemala", "2022-10", "450"],
        ["El Salvador", "2022-10", "90"],
        ["Colombia", "2023-09", "60"],
        ["China", "2022-10", "40"],
        ["Honduras", "2022-10", "25"],
        ["OTHER", "2022-10", "12"],
        ["ATLANTIS", "2023-11", "<5"],
        ["Myanmar", "2023-11", "<5"],
    ]
    assert encounters.split_labels(["unaccompanied_minor", "Elderly"], "demographic") == {
        "unaccompanied_minor": "Unaccompanied children",
        "Elderly": "Elderly",
    }


def test_encounters_are_never_added_to_glotip_victims(cbp_store):
    run_import(cbp_store, GLOTIP_CSV, profile="glotip")
    victims = references.citizenship_flows(
        references.reference_counts(cbp_store, Filters(), "detected_victims", "citizenship")
    )
    assert victims[["from_iso3", "to_iso3", "value"]].values.tolist() == [
        ["COL", "ESP", 60],
        ["VEN", "COL", 48],
        ["VEN", "PAN", 0],
    ]
    every = references.map_reference_flows(cbp_store, Filters())
    assert every.groupby("indicator")["value"].sum().to_dict() == {"detected_victims": 108, "encounters": 5325}
    assert references.reference_sources(cbp_store)[["source", "indicator", "rows"]].values.tolist() == [
        ["UNODC GLOTIP", "convicted", 1],
        ["UNODC GLOTIP", "detected_victims", 13],
        ["US CBP", "encounters", 13],
    ]


def test_the_map_draws_encounters_on_their_own_scale_in_their_own_words(cbp_store):
    flows = references.map_reference_flows(cbp_store, Filters(start=dt.date(2023, 9, 1)))
    records = reference_records(flows)
    assert [r["tooltip"] for r in records] == [
        "Reference (US CBP) · ECU citizens encountered at the US border, 2023-10: 1,150 encounters",
        "Reference (US CBP) · COL citizens encountered at the US border, 2023-09: 60 encounters",
        "Reference (US CBP) · MEX citizens encountered at the US border, 2023-11: 7 encounters",
    ]  # MMR's 3 are a small cell: not drawn
    assert [r["width"] for r in records] == [8.0, 3.0, 2.0]


def test_an_empty_selection_keeps_the_columns(cbp_store):
    counts = encounters.encounter_counts(cbp_store, Filters(genders=("male",)))
    assert counts.empty and list(counts.columns)[:3] == ["source", "year", "month"]
    assert encounters.encounter_flows(counts).empty and encounters.monthly_encounters(counts).empty
    assert list(encounters.citizenship_table(counts).columns) == ["citizenship", "months", "encounters"]
    assert isinstance(encounters.monthly_encounters(pd.DataFrame()), pd.DataFrame)
