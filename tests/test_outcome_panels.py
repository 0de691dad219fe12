"""Deaths and disappearances during migration on the Home, Overview and Gender pages (turquesa_ui/outcome_panels.py),
under Streamlit's AppTest: apart from the case figures, under their own name, guarded; a store of IOM incidents only
is not called empty. Every figure is read off tests/fixtures/profiles/mmp_incidents.csv or the one row below."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from app_pages import open_page
from conftest import GOOD_ROWS, csv_text, run_import
from outcome_rows import darien_incident, mmp_csv_text
from profile_files import MMP_CSV
from streamlit.testing.v1 import AppTest

from turquesa_geo.filters import Filters
from turquesa_geo.outcomes import outcome_totals
from turquesa_geo.store.connection import connect
from turquesa_geo.trends import key_figures

APP = Path(__file__).resolve().parent.parent / "app.py"

#: What the pages say of the store of mmp_incidents.csv: 8 incidents (a split one in two parts), 2020 to 2022.
MMP_HOLDINGS = (
    "This store holds no cases; it holds deaths and disappearances during migration: IOM Missing Migrants "
    "Project, 2020–2022, 8 incidents."
)
TITLE = "Deaths and disappearances during migration (IOM Missing Migrants Project)"
FIRST_QUARTER = {"from": "2024-01-01", "to": "2024-03-31"}


def _import_case_and_incident(con, write) -> None:
    """Case A1 (smuggling, 5 March 2024: 12 migrants, 1 suspect) and one incident of 10 January 2024 in the
    Darién: 6 dead, 3 missing (2 women or girls, 4 men or boys, 1 child)."""
    run_import(con, write("cases.csv", csv_text(GOOD_ROWS[0])))
    run_import(con, write("mmp.csv", mmp_csv_text(darien_incident("2024.MMP900"))), profile="mmp")


@pytest.fixture
def mmp_only_store(tmp_path, app_on):
    db = tmp_path / "mmp.duckdb"
    con = connect(db)
    run_import(con, MMP_CSV, profile="mmp")
    con.close()
    app_on(db)


@pytest.fixture
def case_and_incident_store(tmp_path, app_on, write):
    db = tmp_path / "both.duckdb"
    con = connect(db)
    _import_case_and_incident(con, write)
    con.close()
    app_on(db)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _says_not_cases(at: AppTest) -> bool:
    return any("neither trafficking nor smuggling cases and are not in the case counts" in c.value for c in at.caption)


def test_the_key_figures_count_the_case_and_none_of_the_incident(store, write):
    _import_case_and_incident(store, write)
    period = (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    figures = key_figures(store, Filters(start=period[0], end=period[1]), period)
    # Counted as smuggling, the incident's 9 dead and missing would make 2 cases and 21 smuggled migrants.
    assert (figures.cases, figures.migrants, figures.suspects, figures.known_sex) == (1, 12, 1, 12)
    assert outcome_totals(store, Filters(start=period[0], end=period[1])) == {
        "incidents": 1,
        "dead": 6,
        "missing": 3,
        "survivors": 0,
        "women_girls": 2,
        "men_boys": 4,
        "children": 1,
        "dead_and_missing": 9,
    }


def test_home_of_a_store_of_iom_incidents_only_says_what_it_holds_and_shows_them(mmp_only_store):
    at = open_page("home")
    assert at.info[0].value == MMP_HOLDINGS
    assert not any("The store is empty" in i.value for i in at.info)
    assert [h.value for h in at.subheader] == [TITLE]
    # 8 incidents, 10 dead and 5 missing, guarded as totals (nearest 5); no case figure at all.
    assert _metrics(at) == {"Incidents": "10", "Dead": "10", "Missing": "5"}
    assert _says_not_cases(at)


def test_the_analysis_pages_of_that_store_say_what_it_holds_and_the_corridor_map_lists_the_deaths(mmp_only_store):
    at = open_page("corridor_map", **{"from": "2020-01-01", "to": "2022-12-31"})
    assert at.info[0].value == MMP_HOLDINGS
    deaths = next(d.value for d in at.dataframe if {"incidents", "dead", "missing"} <= set(d.value.columns))
    assert deaths["country"].tolist() == [
        "United States",
        "Dominican Republic",
        "Panama",
        "At sea or unknown",
        "Ecuador",
        "Colombia",
    ]
    assert deaths.iloc[3].tolist()[:5] == ["At sea or unknown", "<5", "<5", "5", "12"]  # off the Florida Keys
    overview = open_page("overview", **{"from": "2020-01-01", "to": "2022-12-31"})
    assert overview.info[0].value == MMP_HOLDINGS
    assert _metrics(overview)["Cases"] == "0"
    assert (_metrics(overview)["Incidents"], _metrics(overview)["Dead"]) == ("10", "10")


def test_home_shows_the_incidents_beside_the_case_totals_never_in_them(case_and_incident_store):
    at = open_page("home")
    metrics = _metrics(at)
    assert metrics["Smuggled migrants"] == "12"  # 21 if the incident's dead and missing were migrants
    assert metrics["Suspects"] == "<5"
    assert (metrics["Incidents"], metrics["Dead"], metrics["Missing"]) == ("<5", "5", "<5")
    assert TITLE in [h.value for h in at.subheader]
    assert _says_not_cases(at)


def test_overview_shows_the_period_s_incidents_in_a_row_of_their_own(case_and_incident_store):
    at = open_page("overview", **FIRST_QUARTER)
    metrics = _metrics(at)
    assert (metrics["Cases"], metrics["Smuggled migrants"]) == ("<5", "10")  # 1 case, 12 migrants: none of IOM's
    assert (metrics["Incidents"], metrics["Dead"], metrics["Missing"]) == ("<5", "5", "<5")
    assert TITLE in [h.value for h in at.subheader]
    assert _says_not_cases(at)
    march = open_page("overview", **{"from": "2024-03-01", "to": "2024-03-31"})  # the incident is of January
    assert "Incidents" not in _metrics(march)
    assert TITLE not in [h.value for h in march.subheader]
    assert not _says_not_cases(march)


def test_gender_says_the_incidents_of_the_period_are_not_in_its_counts(case_and_incident_store):
    note = (
        "Deaths and disappearances during migration (IOM) are not in these counts; the corridor map lists the "
        "dead and missing by sex."
    )
    at = open_page("gender", **FIRST_QUARTER)
    assert note in [c.value for c in at.caption]
    march = open_page("gender", **{"from": "2024-03-01", "to": "2024-03-31"})
    assert note not in [c.value for c in march.caption]
