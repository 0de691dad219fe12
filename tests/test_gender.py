"""The gender lens (turquesa_geo.gender) on a tiny hand-written store: literal expected answers."""

from __future__ import annotations

import pandas as pd
import pytest
from periods_store import periods_store
from tiny_store import tiny_store

from turquesa_geo import gender
from turquesa_geo.filters import Filters

Y2023, Y2024 = pd.Timestamp("2023-01-01"), pd.Timestamp("2024-01-01")


@pytest.fixture(scope="module")
def tiny():
    con = tiny_store()
    yield con
    con.close()


def test_persons_by_year_unsplit(tiny):
    frame = gender.persons_by(tiny, Filters(), "none", "Y")
    assert frame.to_dict("list") == {
        "period": [Y2023, Y2024, Y2024, Y2024, Y2024, Y2024],
        "category": ["all"] * 6,
        "role": ["migrant", "migrant", "migrant", "suspect", "victim", "victim"],
        "gender": ["female", "female", "male", "male", "female", "unknown"],
        "age_group": ["adult", "adult", "adult", "adult", "minor", "adult"],
        "persons": [4, 2, 12, 1, 2, 1],
    }


def test_persons_by_form_of_exploitation_reads_the_attributes(tiny):
    frame = gender.persons_by(tiny, Filters(), "exploitation_form")
    assert frame[["category", "role", "gender", "age_group", "persons"]].to_dict("list") == {
        "category": ["sexual", "sexual"],
        "role": ["victim", "victim"],
        "gender": ["female", "unknown"],
        "age_group": ["minor", "adult"],
        "persons": [2, 1],
    }


def test_a_person_filter_selects_persons_not_only_cases(tiny):
    frame = gender.persons_by(tiny, Filters(genders=("female",)), "none")
    assert sorted(zip(frame["role"], frame["persons"])) == [("migrant", 6), ("victim", 2)]


def test_women_girls_share_is_of_persons_of_known_sex(tiny):
    shares = gender.women_girls_share(tiny, Filters(), "Y")
    assert shares.to_dict("list") == {
        "period": [Y2023, Y2024, Y2024],
        "role": ["Smuggled migrant", "Smuggled migrant", "Victim"],
        "women_girls": [4, 2, 2],
        "known_sex": [4, 14, 2],
        "unknown": [0, 0, 1],
        "persons": [4, 14, 3],
        "share": [100.0, 14.3, 100.0],
    }


def test_women_girls_table_hides_shares_that_rest_on_small_counts(tiny):
    table = gender.women_girls_table(gender.women_girls_share(tiny, Filters(), "Y"), k=3)
    assert table[["known_sex", "unknown"]].to_dict("list") == {
        "known_sex": ["4", "14", "<3"],
        "unknown": ["0", "0", "<3"],
    }
    # 2023: no man among 4 (others 0 is not small); 2024 migrants: 2 women (small); victims: 2 known (small)
    assert [None if pd.isna(v) else v for v in table["share"]] == [100.0, None, None]


def test_women_girls_series_has_the_trend_shape(tiny):
    series = gender.women_girls_series(gender.women_girls_share(tiny, Filters(), "Y"), k=1)
    assert list(series.columns) == ["period", "code", "cases", "reporting", "share"]
    assert series["share"].tolist() == [100.0, 14.3, 100.0]


def test_an_empty_selection(tiny):
    assert gender.persons_by(tiny, Filters(sources=("none",)), "crime_type").empty
    assert gender.persons_by_corridor(tiny, Filters(sources=("none",))).empty


# --- periods, not points (issue 16, item 5): tests/periods_store.py ------------------------------------------


@pytest.fixture(scope="module")
def periods():
    con = periods_store()
    yield con
    con.close()


def test_over_time_the_women_girls_share_places_no_band(periods):
    shares = gender.women_girls_share(periods, Filters(), "Y")
    # 2023: 2 women, 1 man; 2024: 1 girl and 3 women (case 4, dated only to 2024). No 2014 or 2019.
    assert shares.to_dict("list") == {
        "period": [Y2023, Y2024],
        "role": ["Victim", "Victim"],
        "women_girls": [2, 4],
        "known_sex": [3, 4],
        "unknown": [0, 0],
        "persons": [3, 4],
        "share": [66.7, 100.0],
    }
    by_quarter = gender.women_girls_share(periods, Filters(), "Q")
    assert by_quarter["women_girls"].tolist() == [2, 0, 1]  # case 4 has no quarter


def test_the_women_girls_share_per_band_counts_each_band_whole(periods):
    bands = gender.women_girls_by_band(periods, Filters())
    assert bands.to_dict("list") == {
        "band": ["2014–2018", "2019–2020"],
        "role": ["Victim", "Victim"],
        "women_girls": [4, 0],
        "known_sex": [4, 2],
        "unknown": [1, 0],
        "persons": [5, 2],
        "share": [100.0, 0.0],
    }
    table = gender.women_girls_table(bands, key="band")
    assert table[["band", "role", "known_sex", "unknown"]].to_dict("list") == {
        "band": ["2014–2018", "2019–2020"],
        "role": ["Victim", "Victim"],
        "known_sex": ["<5", "<5"],
        "unknown": ["<5", "0"],
    }
    assert table["share"].isna().all()  # 4 women of 4 known; 2 men of 2: both small
    assert gender.women_girls_by_band(periods, Filters(start=pd.Timestamp("2019-01-01").date()))["band"].tolist() == [
        "2019–2020"
    ]
    assert gender.women_girls_by_band(periods, Filters(sources=("PNC",))).empty


def test_the_totals_keep_band_dated_and_undated_persons(periods):
    totals = gender.persons_by(periods, Filters(), "none")
    assert int(totals["persons"].sum()) == 2 + 1 + 1 + 3 + 5 + 2 + 1
