"""Trends and key figures: literal series on a tiny store, protected year-on-year changes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import TODAY, csv_text
from periods_store import periods_store

from turquesa_geo.filters import Filters
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.store.connection import connect
from turquesa_geo.trends import (
    SeriesDating,
    band_table,
    dating_notes,
    key_figures,
    modus_bands,
    modus_series,
    series_dating,
    undated_note,
    yearly_change,
)

HEADER = "incident_id,date,crime_type,origin,destination,recruitment_method,victims_f_adult,victims_m_adult"


@pytest.fixture
def store(tmp_path):
    rows = [f"A{i},2023-0{1 + i % 9}-15,trafficking,VEN,PER,job offer,1,1" for i in range(8)]
    rows += [f"B{i},2024-0{1 + i % 9}-15,trafficking,VEN,PER,internet,2,0" for i in range(6)]
    rows += [f"C{i},2024-0{1 + i % 9}-20,trafficking,VEN,PER,job offer,1,0" for i in range(2)]
    rows += ["D1,2024-05-05,trafficking,VEN,PER,,1,0"]  # reports no recruitment method
    path = tmp_path / "t.csv"
    path.write_text(csv_text(*rows, header=HEADER))
    con = connect(tmp_path / "t.duckdb")
    import_file(con, path, today=TODAY)
    yield con
    con.close()


def test_yearly_series_counts_and_shares_of_reporting_cases(store):
    series = modus_series(store, Filters(), "recruitment_method", "Y")
    got = series[["period", "code", "cases", "reporting", "total", "share"]].astype({"period": str}).values.tolist()
    assert got == [
        ["2023-01-01", "job_offer", 8, 8, 8, 100.0],
        ["2024-01-01", "internet", 6, 8, 9, 75.0],
        ["2024-01-01", "job_offer", 2, 8, 9, 25.0],
    ]


def test_yearly_change_is_labelled_and_protected(store):
    table = yearly_change(modus_series(store, Filters(), "recruitment_method", "Y"), "recruitment_method")
    assert table.values.tolist()[:1] == [["", "Internet (social media, online advertisement)", 2024, "6", "", pd.NA]]
    job = table[table["category"] == "Job offer / advertisement"]
    assert job[["year", "cases", "cases_prev"]].values.tolist() == [[2023, "8", ""], [2024, "<5", "8"]]
    assert job["change_pct"].isna().all()  # built on a small cell: hidden


def test_key_figures_with_the_previous_period(store):
    figures = key_figures(
        store,
        Filters(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    )
    assert (figures.cases, figures.cases_prev, figures.victims, figures.victims_prev) == (9, 8, 15, 16)
    assert (figures.women_girls, figures.known_sex, figures.women_girls_share) == (15, 15, 100.0)
    open_ended = key_figures(store, Filters(), (dt.date(2023, 1, 1), dt.date(2024, 12, 31)))
    assert open_ended.cases == 17 and open_ended.cases_prev is None


def _demo_store(tmp_path_factory, planted: bool):
    from turquesa_geo.demo.generator import write_demo

    folder = tmp_path_factory.mktemp("planted" if planted else "control")
    path = write_demo(folder / "demo.parquet", rows=40_000, seed=11, planted=planted)
    con = connect(folder / "demo.duckdb")
    import_file(con, path, today=TODAY)
    return con


LATEST = (dt.date(2025, 10, 1), dt.date(2026, 9, 30))


def test_signals_find_the_planted_rise_of_online_recruitment(tmp_path_factory):
    from turquesa_geo.signals import emerging_signals, signal_baseline, signal_table

    con = _demo_store(tmp_path_factory, planted=True)
    baseline = signal_baseline(LATEST)
    signals = emerging_signals(con, Filters(), LATEST, baseline)
    table = signal_table(signals, LATEST, baseline)
    found = table[(table["direction"] == "rising") & table["what"].str.startswith("Internet")]
    assert "Internet (social media, online advertisement) on VEN>COL>ECU>PER" in set(found["what"])
    assert signals.attrs["tested"] > 500
    con.close()


def test_signals_stay_silent_on_the_stationary_control(tmp_path_factory):
    from turquesa_geo.signals import emerging_signals, signal_baseline

    con = _demo_store(tmp_path_factory, planted=False)
    signals = emerging_signals(con, Filters(), LATEST, signal_baseline(LATEST))
    # Benjamini-Hochberg at 5%: with nothing changed, even one false signal is rare.
    assert len(signals) <= 1, signals[["key", "reason"]]
    assert signals.attrs["tested"] > 500
    con.close()


def test_cli_trends_and_signals(store, capsys):
    from turquesa_geo.cli import main

    db = store.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[0][0]
    store.close()
    assert main(["trends", "--db", db, "--dimension", "recruitment_method", "--freq", "Y"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "period,crime_type,code,cases,reporting,share_pct",
        "2023-01-01,,job_offer,8,8,100.0",
        "2024-01-01,,internet,6,8,75.0",
        "2024-01-01,,job_offer,<5,8,",
    ]
    assert main(["trends", "--db", db, "--dimension", "recruitment_method", "--by", "corridor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("period,corridor,code") and "2024-01-01,VEN>PER,internet,6,8,75.0" in lines
    assert main(["signals", "--db", db, "--format", "json"]) == 0
    import json

    report = json.loads(capsys.readouterr().out)
    assert report["latest"] == ["2023-06-17", "2024-06-15"]  # the last 365 days of data
    rising = {(s["kind"], s["what"]) for s in report["signals"] if s["direction"] == "rising"}
    assert ("Corridor", "VEN>PER") in rising


def test_excluding_flagged_cases_takes_exactly_those_cases_out_of_the_key_figures_and_the_series():
    from tiny_store import tiny_store

    # 2024: A1 (12 migrants, 1 suspect) unflagged; B1 (3 victims, 2 girls) and M1 (2 women migrants) flagged.
    # 2023: A2 (4 women migrants) flagged.
    con = tiny_store(flags=True)
    year = Filters(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    period = (year.start, year.end)
    every = key_figures(con, year, period)
    kept = key_figures(con, Filters(start=year.start, end=year.end, exclude_flagged=True), period)
    assert (every.cases, every.cases_prev, every.victims, every.migrants, every.migrants_prev) == (3, 1, 3, 14, 4)
    assert (kept.cases, kept.cases_prev, kept.victims, kept.migrants, kept.migrants_prev) == (1, 0, 0, 12, 0)
    assert (every.women_girls, kept.women_girls, kept.suspects) == (4, 0, 1)
    only = key_figures(con, Filters(start=year.start, end=year.end, flags=("partial_date",)), period)
    assert (only.cases, only.victims, only.migrants) == (1, 3, 0)  # B1 alone
    series = modus_series(con, Filters(exclude_flagged=True), "transport_mode", "Y")
    assert series[["period", "code", "cases", "total"]].astype({"period": str}).values.tolist() == [
        ["2024-01-01", "land", 1, 1],
        ["2024-01-01", "river", 1, 1],
    ]
    con.close()


# --- periods, not points (issue 16, item 5): tests/periods_store.py ------------------------------------------


@pytest.fixture(scope="module")
def periods():
    con = periods_store()
    yield con
    con.close()


def test_series_dating_counts_each_kind_of_date(periods):
    # Cases 1-3 to a day or month, 4 to a year, 5 and 6 to bands (2014-2018, 2019-2020), 7 to no date.
    assert series_dating(periods, Filters()) == SeriesDating(exact=3, year=1, band=2, undated=1)
    assert series_dating(periods, Filters(start=dt.date(2019, 1, 1))) == SeriesDating(3, 1, 1, 1)
    assert series_dating(periods, Filters(end=dt.date(2018, 12, 31))) == SeriesDating(0, 0, 1, 1)
    assert series_dating(periods, Filters(sources=("PNC",))) == SeriesDating(3, 0, 0, 0)
    assert (SeriesDating(3, 1, 2, 1).too_coarse("M"), SeriesDating(3, 1, 2, 1).too_coarse("Y")) == (3, 2)


def _rows(series: pd.DataFrame) -> list:
    return series[["period", "code", "cases", "reporting", "total"]].astype({"period": str}).values.tolist()


def test_the_series_hold_no_band_and_year_dated_cases_only_by_year(periods):
    assert _rows(modus_series(periods, Filters(), "platform", "Y")) == [
        ["2023-01-01", "facebook", 2, 2, 2],
        ["2024-01-01", "tiktok", 2, 2, 2],
    ]
    assert _rows(modus_series(periods, Filters(), "platform", "Q")) == [
        ["2023-01-01", "facebook", 1, 1, 1],
        ["2023-10-01", "facebook", 1, 1, 1],
        ["2024-01-01", "tiktok", 1, 1, 1],
    ]
    corridor = modus_series(periods, Filters(), "platform", "M", "corridor")
    assert _rows(corridor) == [
        ["2023-03-01", "facebook", 1, 1, 1],
        ["2023-11-01", "facebook", 1, 1, 1],
        ["2024-02-01", "tiktok", 1, 1, 1],
    ]


def test_the_rollups_answer_only_when_the_selection_holds_no_case_too_coarse_for_the_frequency(periods):
    # 2021-2024 holds no band: a yearly series may come from the rollups, and both sources agree there. By
    # quarter, case 4 (dated only to 2024) is in the rollups' January; the series must still leave it out.
    whole_years = Filters(start=dt.date(2021, 1, 1), end=dt.date(2024, 12, 31))
    assert _rows(modus_series(periods, whole_years, "platform", "Y")) == [
        ["2023-01-01", "facebook", 2, 2, 2],
        ["2024-01-01", "tiktok", 2, 2, 2],
    ]
    assert _rows(modus_series(periods, whole_years, "platform", "Q"))[-1] == ["2024-01-01", "tiktok", 1, 1, 1]
    # With the bands in the period, the rollups (which hold band 2014-2018 in January 2014) are not read.
    assert _rows(modus_series(periods, Filters(start=dt.date(2014, 1, 1)), "platform", "Y"))[0][0] == "2023-01-01"


def test_bands_are_shown_per_band_with_small_cells_protected(periods):
    bands = modus_bands(periods, Filters(), "platform")
    assert bands[["first_day", "last_day", "code", "cases", "reporting", "total", "share"]].values.tolist() == [
        [dt.date(2014, 1, 1), dt.date(2018, 12, 31), "facebook", 1, 1, 1, 100.0],
        [dt.date(2019, 1, 1), dt.date(2020, 12, 31), "tiktok", 1, 1, 1, 100.0],
    ]
    assert band_table(bands, "platform", k=1).values.tolist() == [
        ["2014–2018", "Facebook", "1", 100.0],
        ["2019–2020", "TikTok", "1", 100.0],
    ]
    protected = band_table(bands, "platform")
    assert protected["cases"].tolist() == ["<5", "<5"] and protected["share"].isna().all()
    assert modus_bands(periods, Filters(sources=("PNC",)), "platform").empty


def test_a_band_share_is_left_blank_when_the_others_of_the_band_are_few():
    bands = pd.DataFrame(
        {
            "first_day": [dt.date(2014, 1, 1)] * 2,
            "last_day": [dt.date(2018, 12, 31)] * 2,
            "code": ["sexual", "forced_labour_agriculture"],
            "cases": [40, 3],
            "reporting": [43, 43],
            "total": [50, 50],
            "share": [93.0, 7.0],
        }
    )
    table = band_table(bands, "exploitation_form")
    assert table["cases"].tolist() == ["40", "<5"] and table["share"].isna().all()  # 43 - 40 = 3 others


def test_the_notes_say_what_a_series_leaves_out_with_small_counts_protected(periods):
    dating = series_dating(periods, Filters())
    assert dating_notes(dating, "Q", k=1) == [
        "1 cases of this selection are dated only to a year: they are in the yearly series, not in this one.",
        "2 cases of this selection are dated only to a band of years (such as 2014–2018): they are in no year of "
        "the series and are shown per band below.",
        "1 records with no known date are counted in the totals but in no period.",
    ]
    yearly = dating_notes(dating, "Y")
    assert [n[:3] for n in yearly] == ["<5 ", "<5 "] and yearly[1].endswith("in the totals but in no period.")
    assert dating_notes(SeriesDating(exact=9, year=0, band=0, undated=0), "M") == []
    # When no band is shown below (none reports the dimension), the note does not point to one.
    assert dating_notes(SeriesDating(exact=9, year=0, band=6, undated=0), "Y", bands_shown=False) == [
        "6 cases of this selection are dated only to a band of years (such as 2014–2018): they are in no year of "
        "the series."
    ]
    assert undated_note(1200, "es") == (
        "1.200 registros sin fecha conocida se cuentan en los totales, pero en ningún período."
    )
