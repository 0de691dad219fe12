"""The UNODC GLOTIP profile (turquesa_geo/ingest/profiles/glotip.py): counts, censored values, reference series.

Every expected value is read off tests/fixtures/profiles/glotip_country_data.csv (see tests/profile_files.py)
or glotip_dataunodc.csv: an excerpt in the export's own words (age bands "0 to 17 years" and "18 years or
over", the indicator "Offences", rows of regions and sub-regions such as the Caribbean, and Micronesia, a
sub-region that is also a country's name).
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
from conftest import run_import
from hypothesis import example, given, settings
from hypothesis import strategies as st
from profile_files import GLOTIP_CSV

from turquesa_geo import references
from turquesa_geo.filters import Filters
from turquesa_geo.ingest.profiles.glotip import age_group, parse_value, sex_code, to_counts

GLOTIP_DATAUNODC = GLOTIP_CSV.parent / "glotip_dataunodc.csv"


def test_glotip_counts_reconcile_keep_censored_values_and_regions(store):
    result = run_import(store, GLOTIP_CSV, profile="glotip")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (18, 14, 4)
    assert result.quarantine_by_rule == {"bad_value": 1, "bad_year": 1, "duplicate_row": 1, "unknown_indicator": 1}
    assert result.unmapped_codes == {"category": ["Exploitation for mixed purposes"]}
    assert (result.rows_flagged, result.flags_by_rule) == (1, {"unknown_category": 1})
    assert result.ignored_columns == []  # Region and Subregion tell a region's rows from a country's
    censored = store.execute(
        "SELECT area, category, sex, age_group, value, censored FROM aggregate_counts "
        "WHERE censored IS NOT NULL ORDER BY area"
    ).fetchall()
    assert censored == [("COL", "total", "female", "minor", None, "<5"), ("PAN", "VEN", "total", "total", None, "<5")]
    assert store.execute("SELECT country, value FROM aggregate_counts WHERE area = 'XLA'").fetchall() == [(None, 3000)]
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 0  # counts are not cases
    message = store.execute("SELECT message FROM quarantine WHERE rule = 'duplicate_row'").fetchall()[0][0]
    assert "already on line 2" in message and "2021," in message


def test_glotip_xlsx_export_gives_the_same_counts(store, tmp_path):
    frame = pd.read_csv(GLOTIP_CSV, dtype=str, keep_default_na=False)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append(list(row))
    path = tmp_path / "glotip.xlsx"
    book.save(path)
    result = run_import(store, path, profile="glotip")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (18, 14, 4)
    assert store.execute("SELECT sum(value) FROM aggregate_counts").fetchall()[0][0] == 3569


def test_glotip_reimport_replaces_only_the_values_that_changed(store, write):
    run_import(store, GLOTIP_CSV, profile="glotip")
    newer = write(
        "glotip_v2.csv",
        GLOTIP_CSV.read_text(encoding="utf-8")
        .replace("Female,Adult,2021,Counts,120,", "Female,Adult,2021,Counts,125,")
        .replace("Male,Adult,2021,Counts,35,", "Male,Adult,2021,Counts,<5,"),
    )
    result = run_import(store, newer, profile="glotip")
    assert (result.rows_inserted, result.rows_updated, result.rows_unchanged) == (0, 2, 12)
    rows = store.execute(
        "SELECT sex, value, censored FROM aggregate_counts WHERE area = 'COL' AND year = 2021 "
        "AND dimension = 'total' AND age_group = 'adult' ORDER BY sex"
    ).fetchall()
    assert rows == [("female", 125, None), ("male", None, "<5")]
    assert store.execute("SELECT count(*) FROM aggregate_counts").fetchall()[0][0] == 14


def test_glotip_citizenship_rows_become_flows_and_series(store):
    run_import(store, GLOTIP_CSV, profile="glotip")
    flows = references.citizenship_flows(
        references.reference_counts(store, Filters(), "detected_victims", "citizenship")
    )
    assert flows[["from_iso3", "to_iso3", "value", "censored"]].values.tolist() == [
        ["COL", "ESP", 60, 0],
        ["VEN", "COL", 48, 0],
        ["VEN", "PAN", 0, 1],
    ]
    assert references.flows_table(flows)["victims"].tolist() == ["60", "48", "<5"]
    forms = references.yearly_series(
        references.reference_counts(store, Filters(), "detected_victims", "exploitation_form")
    )
    assert dict(zip(forms["category"], forms["value"])) == {
        "Exploitation for mixed purposes": 6,
        "forced_labour_other": 20,
        "sexual": 70,
    }
    groups = references.sex_age_series(references.reference_counts(store, Filters()))
    assert groups[["year", "group", "value", "censored"]].values.tolist() == [
        [2020, "Women", 100, 0],
        [2020, "Girls", 8, 0],
        [2021, "Women", 120, 0],
        [2021, "Girls", 0, 1],
        [2021, "Men", 35, 0],
    ]
    assert references.sex_age_table(groups).to_dict("records")[1] == {
        "year": 2021,
        "Women": "120",
        "Girls": "<5",
        "Men": "35",
    }


def test_glotip_counts_follow_the_filters_they_are_split_by(store):
    run_import(store, GLOTIP_CSV, profile="glotip")

    def flows(**kwargs):
        counts = references.reference_counts(store, Filters(**kwargs), "detected_victims", "citizenship")
        return references.citizenship_flows(counts)[["from_iso3", "to_iso3"]].values.tolist()

    assert flows(destination=("ESP",)) == [["COL", "ESP"]]
    assert flows(origin=("VEN",)) == [["VEN", "COL"], ["VEN", "PAN"]]
    assert flows(start=dt.date(2022, 1, 1)) == []
    # Filters the counts are not split by select nothing rather than being ignored.
    assert flows(crime_types=("smuggling",)) == []
    assert flows(transit=("PAN",)) == []
    assert flows(roles=("suspect",)) == []
    assert flows(crime_types=("trafficking",), sources=("UNODC GLOTIP",)) != []


def test_every_age_band_of_the_export_has_its_group_and_both_are_kept(store):
    result = run_import(store, GLOTIP_DATAUNODC, profile="glotip")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (19, 19, 0)
    assert result.quarantine_by_rule == {}
    assert (result.rows_flagged, result.flags_by_rule) == (1, {"unknown_age_band": 1})
    assert result.unmapped_codes == {"age": ["15 to 17 years"]}
    colombia_2021 = store.execute(
        "SELECT sex, age_group, value, censored FROM aggregate_counts WHERE area = 'COL' AND year = 2021 "
        "AND indicator = 'detected_victims' AND dimension = 'total' ORDER BY sex, age_group"
    ).fetchall()
    assert colombia_2021 == [
        ("female", "15 to 17 years", 6, None),  # another band: kept as written, not added to girls
        ("female", "adult", 120, None),
        ("female", "minor", 14, None),
        ("female", "total", 134, None),
        ("male", "adult", 35, None),
        ("male", "minor", None, "<5"),
        ("total", "total", 172, None),
        ("unknown", "total", None, "<5"),
    ]


def test_the_gender_page_series_has_women_girls_men_and_boys_of_countries_only(store):
    run_import(store, GLOTIP_DATAUNODC, profile="glotip")
    groups = references.sex_age_series(references.reference_counts(store, Filters()))
    assert groups[["year", "group", "value", "censored"]].values.tolist() == [
        [2020, "Girls", 8, 0],
        [2021, "Women", 150, 0],  # Colombia 120 + Dominican Republic 30; Central America's 300 is a region's
        [2021, "Girls", 14, 0],
        [2021, "Men", 35, 0],
        [2021, "Boys", 0, 1],
    ]
    assert references.sex_age_table(groups).to_dict("records")[1] == {
        "year": 2021,
        "Women": "150",
        "Girls": "14",
        "Men": "35",
        "Boys": "<5",
    }


def test_offences_are_their_own_indicator_never_added_to_persons(store):
    run_import(store, GLOTIP_DATAUNODC, profile="glotip")
    offences = references.reference_counts(store, Filters(), "offences")
    assert offences[["country", "year", "value"]].values.tolist() == [["COL", 2021, 57]]
    victims = references.yearly_series(references.reference_counts(store, Filters()))
    assert victims.values.tolist() == [[2021, "total", 172, 0]]  # the 57 offences and 12 convicted not in it
    assert references.reference_sources(store).values.tolist() == [
        ["UNODC GLOTIP", "convicted", 2021, 2021, 1],
        ["UNODC GLOTIP", "detected_victims", 2020, 2021, 17],
        ["UNODC GLOTIP", "offences", 2021, 2021, 1],
    ]
    assert references.INDICATOR_LABELS["offences"] == "Offences recorded"
    # Offences count no persons: a role filter selects none of them.
    assert references.reference_counts(store, Filters(roles=("victim",)), "offences").empty


def test_regions_and_subregions_are_kept_apart_from_countries(store):
    result = run_import(store, GLOTIP_DATAUNODC, profile="glotip")
    areas = store.execute(
        "SELECT area, country FROM aggregate_counts WHERE country IS NULL OR area = 'FSM' ORDER BY area"
    ).fetchall()
    assert areas == [("Caribbean", None), ("Central America", None), ("Micronesia", None), ("South America", None)]
    forms = references.yearly_series(
        references.reference_counts(store, Filters(), "detected_victims", "exploitation_form")
    )
    assert forms.values.tolist() == [[2021, "sexual", 95, 0]]  # Colombia 70 + Dominican Republic 25, not 705
    regions = references.yearly_series(
        references.reference_counts(store, Filters(), "detected_victims", "exploitation_form", areas="regions"),
        by="area",
    )
    assert regions.values.tolist() == [[2021, "Caribbean", 210, 0], [2021, "South America", 400, 0]]
    assert "are regions, not countries (Caribbean, Central America, Micronesia, South America)" in (
        result.notes[0]["message"].format(**result.notes[0]["params"])
    )


def test_a_micronesia_row_is_the_subregion_not_the_federated_states():
    frame = pd.DataFrame(
        {
            "_line": [2, 3],
            "iso3_code": [None, "FSM"],
            "country": ["Micronesia", "Micronesia (Federated States of)"],
            "region": ["Oceania", "Oceania"],
            "subregion": ["Micronesia", "Micronesia"],
            "indicator": ["Detected trafficking victims"] * 2,
            "dimension": ["Total"] * 2,
            "year": ["2021"] * 2,
            "txtvalue": ["9", "3"],
        }
    )
    accepted, problems, _mapping = to_counts(frame)
    assert problems.empty
    assert accepted[["area", "country", "value"]].values.tolist() == [["Micronesia", None, 9], ["FSM", "FSM", 3]]


def test_age_bands_and_sexes_as_the_export_writes_them():
    assert [age_group(t) for t in ("0 to 17 years", "18 years or over", "Total", "0 - 17 Years", "18+")] == [
        "minor",
        "adult",
        "total",
        "minor",
        "adult",
    ]
    assert [age_group(t) for t in ("Under 18 years", "Adults", "Unknown", "", "18 years or more")] == [
        "minor",
        "adult",
        "unknown",
        "total",
        "adult",
    ]
    # Any other band is not children or adults: None (kept as written by the profile).
    assert [age_group(t) for t in ("15 to 17 years", "0 to 14 years", "60 years or over", "under 15")] == [None] * 4
    assert [sex_code(t) for t in ("Female", "Male", "Total", "Unknown", "Both sexes", "Other")] == [
        "female",
        "male",
        "total",
        "unknown",
        "total",
        None,
    ]


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(st.integers(min_value=0, max_value=10**9))
def test_parse_value_reads_whole_numbers_as_written(n):
    assert parse_value(str(n)) == (n, None, True)
    assert parse_value(f"{n:,}") == (n, None, True)


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(st.integers(min_value=1, max_value=100))
def test_parse_value_keeps_censored_values_censored(n):
    assert parse_value(f"<{n}") == (None, f"<{n}", True)
    assert parse_value(f"< {n}") == (None, f"<{n}", True)


@settings(deadline=None)  # pandas' first call is slow on a loaded machine
@given(st.text())
@example("໐")  # the Lao digit zero: int() reads it as 0, so \d in the pattern invented a number (found here)
@example("<໕")
def test_parse_value_never_invents_a_number(text):
    value, censored, valid = parse_value(text)
    if value is not None:
        assert valid and str(value) in text.replace(",", "").replace(" ", "").replace("\u00a0", "")
    if not valid:
        assert value is None and censored is None


def test_parse_value_reads_only_ascii_digits():
    assert [parse_value(t) for t in ("໐", "<໕", "١٢", "12", "<5")] == [
        (None, None, False),
        (None, None, False),
        (None, None, False),
        (12, None, True),
        (None, "<5", True),
    ]
