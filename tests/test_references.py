"""Public reference counts (turquesa_geo.references) on a tiny hand-written store: literal expected answers."""

from __future__ import annotations

import pandas as pd
import pytest
from reference_store import reference_store
from tiny_store import tiny_store

from turquesa_geo import references
from turquesa_geo.filters import Filters
from turquesa_geo.store.connection import connect

#: Detected victims of sexual exploitation in 2021: two countries of the Caribbean, the Caribbean
#: itself (which already holds them) and a sub-region; and offences, which are not persons.
REGIONAL_ROWS = (
    "INSERT INTO aggregate_counts (source, indicator, dimension, category, country, area, sex, age_group, year, "
    "unit, value, censored, import_id, row_hash) VALUES "
    "('GLOTIP', 'detected_victims', 'exploitation_form', 'sexual', 'DOM', 'DOM', 'total', 'total', 2021, 'Counts', "
    "25, NULL, 1, 'r1'), "
    "('GLOTIP', 'detected_victims', 'exploitation_form', 'sexual', 'HTI', 'HTI', 'total', 'total', 2021, 'Counts', "
    "NULL, '<5', 1, 'r2'), "
    "('GLOTIP', 'detected_victims', 'exploitation_form', 'sexual', NULL, 'Caribbean', 'total', 'total', 2021, "
    "'Counts', 210, NULL, 1, 'r3'), "
    "('GLOTIP', 'detected_victims', 'exploitation_form', 'sexual', NULL, 'Central America', 'total', 'total', 2021, "
    "'Counts', 90, NULL, 1, 'r4'), "
    "('GLOTIP', 'offences', 'total', 'total', 'DOM', 'DOM', 'total', 'total', 2021, 'Counts', 40, NULL, 1, 'r5'), "
    "('GLOTIP', 'detected_victims', 'total', 'total', 'DOM', 'DOM', 'female', 'adult', 2021, 'Counts', "
    "18, NULL, 1, 'r6'), "
    "('GLOTIP', 'detected_victims', 'total', 'total', NULL, 'Caribbean', 'female', 'adult', 2021, 'Counts', "
    "150, NULL, 1, 'r7')"
)


@pytest.fixture(scope="module")
def tiny():
    con = tiny_store()
    yield con
    con.close()


def test_reference_counts_of_one_indicator_and_dimension(tiny):
    counts = references.reference_counts(tiny, Filters(), "detected_victims", "citizenship")
    assert counts[["year", "country", "category", "value", "censored"]].astype(object).where(
        counts.notna(), None
    ).to_dict("list") == {
        "year": [2021, 2022, 2022],
        "country": ["COL", "COL", "COL"],
        "category": ["VEN", "COL", "VEN"],
        "value": [40, 30, None],
        "censored": [None, None, "<5"],
    }


@pytest.mark.parametrize(
    "filters, rows",
    [
        (Filters(transit=("PAN",)), 0),  # the counts are not split by transit: nothing, not everything
        (Filters(roles=("suspect",)), 0),
        (Filters(crime_types=("smuggling",)), 0),
        (Filters(nationalities=("VEN",)), 2),
        (Filters(start=pd.Timestamp("2022-01-01").date()), 2),
        (Filters(destination=("PER",)), 0),
    ],
)
def test_filters_the_counts_cannot_honour_select_nothing(tiny, filters, rows):
    assert len(references.reference_counts(tiny, filters, "detected_victims", "citizenship")) == rows


def test_citizenship_flows_leave_out_domestic_rows_and_count_censored_values(tiny):
    counts = references.reference_counts(tiny, Filters(), "detected_victims", "citizenship")
    flows = references.citizenship_flows(counts)
    assert flows.to_dict("list") == {
        "from_iso3": ["VEN"],
        "to_iso3": ["COL"],
        "value": [40],
        "censored": [1],
        "first_year": [2021],
        "last_year": [2022],
    }
    assert references.flows_table(flows).to_dict("list") == {
        "citizenship": ["Venezuela"],
        "detected_in": ["Colombia"],
        "years": ["2021–2022"],
        "victims": ["40 (+1 value under 5)"],
    }


def test_yearly_series(tiny):
    counts = references.reference_counts(tiny, Filters(), "detected_victims", "citizenship")
    assert references.yearly_series(counts).to_dict("list") == {
        "year": [2021, 2022, 2022],
        "category": ["VEN", "COL", "VEN"],
        "value": [40, 30, 0],
        "censored": [0, 0, 1],
    }


def test_sex_age_series_and_table(tiny):
    series = references.sex_age_series(references.reference_counts(tiny, Filters(), "detected_victims", "total"))
    assert series.to_dict("list") == {
        "year": [2022, 2022],
        "sex": ["female", "female"],
        "age_group": ["adult", "minor"],
        "value": [20, 12],
        "censored": [0, 0],
        "group": ["Women", "Girls"],
    }
    assert references.sex_age_table(series).to_dict("list") == {"year": [2022], "Women": ["20"], "Girls": ["12"]}


def test_reference_sources(tiny):
    assert references.reference_sources(tiny).to_dict("list") == {
        "source": ["GLOTIP"],
        "indicator": ["detected_victims"],
        "first_year": [2021],
        "last_year": [2022],
        "rows": [5],
    }


def test_an_empty_selection_keeps_the_columns(tiny):
    counts = references.reference_counts(tiny, Filters(sources=("none",)))
    assert counts.empty and list(counts.columns)[:3] == ["source", "year", "country"]


@pytest.fixture(scope="module")
def regional():
    con = connect(":memory:")
    con.execute(REGIONAL_ROWS)
    yield con
    con.close()


def test_a_sum_over_countries_never_adds_a_region(regional):
    forms = references.yearly_series(
        references.reference_counts(regional, Filters(), "detected_victims", "exploitation_form")
    )
    assert forms.to_dict("list") == {"year": [2021], "category": ["sexual"], "value": [25], "censored": [1]}
    women = references.sex_age_series(references.reference_counts(regional, Filters()))
    assert women[["year", "group", "value"]].values.tolist() == [[2021, "Women", 18]]


def test_regions_are_shown_as_regions(regional):
    counts = references.reference_counts(regional, Filters(), "detected_victims", "exploitation_form", "regions")
    series = references.yearly_series(counts, by="area")
    assert series.to_dict("list") == {
        "year": [2021, 2021],
        "area": ["Caribbean", "Central America"],
        "value": [210, 90],
        "censored": [0, 0],
    }
    assert references.series_table(series).to_dict("list") == {
        "year": [2021, 2021],
        "category": ["Caribbean", "Central America"],
        "value": ["210", "90"],
    }
    # A region is not a detecting country: a destination filter selects none.
    assert references.reference_counts(
        regional, Filters(destination=("DOM",)), "detected_victims", "exploitation_form", "regions"
    ).empty


def test_offences_are_read_only_as_offences(regional):
    assert references.reference_counts(regional, Filters(), "offences")["value"].tolist() == [40]
    every_victim = references.reference_counts(regional, Filters())
    assert every_victim["value"].tolist() == [18]
    assert references.reference_sources(regional)["indicator"].tolist() == ["detected_victims", "offences"]


def test_an_unknown_kind_of_area_is_refused_naming_the_known_ones(regional):
    with pytest.raises(ValueError, match="areas 'world' is not one of countries, regions"):
        references.reference_counts(regional, Filters(), areas="world")


# --- one table of the stored counts (turquesa reference), on tests/reference_store.py ---------------


@pytest.fixture(scope="module")
def published():
    con = reference_store()
    yield con
    con.close()


def _rows(frame: pd.DataFrame) -> list[list]:
    """A frame's rows as plain lists (``<NA>`` reads None), to compare with literal answers."""
    return [[None if pd.isna(v) else v for v in row] for row in frame.astype(object).values.tolist()]


def test_one_total_per_source_and_indicator_keeps_censored_cells_apart(published):
    table = references.reference_table(published, Filters())
    assert list(table.columns) == [
        "source",
        "indicator",
        "first_year",
        "last_year",
        "value",
        "censored",
        "censored_cells",
    ]
    # 172 + 150 of Colombia; Panama's <5 counted apart; the Caribbean's 300 (a region) and the rate 3 never added.
    assert _rows(table) == [
        ["GLOTIP", "detected_victims", 2021, 2022, 322, "<5", 1],
        ["GLOTIP", "offences", 2021, 2021, 57, None, 0],
    ]


def test_by_country_and_year_a_censored_cell_has_no_number(published):
    table = references.reference_table(published, Filters(), ("country", "year"), indicators=("detected_victims",))
    assert _rows(table) == [
        ["GLOTIP", "detected_victims", "COL", 2021, 172, None, 0],
        ["GLOTIP", "detected_victims", "COL", 2022, 150, None, 0],
        ["GLOTIP", "detected_victims", "PAN", 2021, None, "<5", 1],
    ]


def test_sex_and_age_read_the_published_groups_never_the_total_beside_them(published):
    by_sex = references.reference_table(published, Filters(), ("sex",), indicators=("detected_victims",))
    # Male has no row of all ages: it is not built from its parts.
    assert _rows(by_sex) == [
        ["GLOTIP", "detected_victims", "female", 2021, 2021, 134, None, 0],
        ["GLOTIP", "detected_victims", "unknown", 2021, 2021, None, "<5", 1],
    ]
    by_sex_age = references.reference_table(published, Filters(), ("sex", "age"))
    assert _rows(by_sex_age) == [
        ["GLOTIP", "detected_victims", "female", "minor", 2021, 2021, 14, None, 0],
        ["GLOTIP", "detected_victims", "male", "minor", 2021, 2021, None, "<5", 1],
    ]
    boys = references.reference_table(published, Filters(genders=("male",)), ("age",))
    assert _rows(boys) == [["GLOTIP", "detected_victims", "minor", 2021, 2021, None, "<5", 1]]


def test_citizenship_reads_its_own_dimension_and_each_source_apart(published):
    table = references.reference_table(published, Filters(), ("citizenship",))
    assert _rows(table) == [
        ["CBP", "encounters", "HTI", 2023, 2023, 3, None, 0],  # published exact: shown as published
        ["CBP", "encounters", "VEN", 2023, 2023, 1200, None, 0],
        ["GLOTIP", "detected_victims", "COL", 2021, 2021, 60, None, 0],
        ["GLOTIP", "detected_victims", "VEN", 2021, 2021, 48, "<5", 1],
    ]
    venezuelans = references.reference_table(published, Filters(nationalities=("VEN",), destination=("PAN",)), ())
    assert _rows(venezuelans) == [["GLOTIP", "detected_victims", "VEN", 2021, 2021, None, "<5", 1]]


def test_a_source_of_one_dimension_is_read_in_it(published):
    table = references.reference_table(published, Filters(sources=("CBP",)))
    assert _rows(table)[1] == ["CBP", "encounters", "VEN", 2023, 2023, 1200, None, 0]
    assert references.reference_dimension((), None, ("citizenship",)) == "citizenship"
    assert references.reference_dimension((), None, ("citizenship", "total")) == "total"
    assert references.reference_dimension(("citizenship",), None, ("total",)) == "citizenship"
    with pytest.raises(ValueError, match="grouping by citizenship reads the citizenship dimension, not 'total'"):
        references.reference_dimension(("citizenship",), "total", ("total",))


def test_regions_are_their_own_rows_never_countries(published):
    table = references.reference_table(published, Filters(), ("country",), areas="regions")
    assert list(table.columns)[:3] == ["source", "indicator", "region"]
    assert _rows(table) == [["GLOTIP", "detected_victims", "Caribbean", 2021, 2021, 300, None, 0]]


def test_an_unknown_key_names_the_known_ones(published):
    with pytest.raises(ValueError, match="cannot group by 'colour'; expected some of year, country, citizenship"):
        references.reference_table(published, Filters(), ("colour",))


def test_nothing_selected_keeps_the_columns(published):
    table = references.reference_table(published, Filters(sources=("nobody",)), ("year",))
    assert table.empty and list(table.columns) == [
        "source",
        "indicator",
        "year",
        "value",
        "censored",
        "censored_cells",
    ]


def test_sources_are_named_by_name_or_profile(published):
    names = references.reference_names(published)
    assert references.resolve_reference_sources(names, ()) == ("CBP", "GLOTIP")
    assert references.resolve_reference_sources(names, ("glotip", "cbp")) == ("GLOTIP", "CBP")
    with pytest.raises(
        ValueError, match=r"'iom' is not a stored reference source; expected one of CBP \(profile cbp\)"
    ):
        references.resolve_reference_sources(names, ("iom",))


def test_a_value_as_a_table_shows_it_is_never_a_number_when_censored():
    assert references.reference_value_text(12345, None, 0) == "12,345"
    assert references.reference_value_text(12345, None, 0, "es") == "12.345"
    assert references.reference_value_text(pd.NA, "<5", 1) == "<5"
    assert references.reference_value_text(48, "<5", 1) == "48 + <5"
    assert references.reference_value_text(pd.NA, "<5", 2) == "2 × <5"
