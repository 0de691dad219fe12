"""Trends and key figures: literal series on a tiny store, protected year-on-year changes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import TODAY, csv_text

from turquesa_geo.filters import Filters
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.store.connection import connect
from turquesa_geo.trends import key_figures, modus_series, yearly_change

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
