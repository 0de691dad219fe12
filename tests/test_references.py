"""Public reference counts (turquesa_geo.references) on a tiny hand-written store: literal expected answers."""

from __future__ import annotations

import pandas as pd
import pytest
from tiny_store import tiny_store

from turquesa_geo import references
from turquesa_geo.filters import Filters


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
