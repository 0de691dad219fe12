"""Every page runs under Streamlit's AppTest on a tiny store, with no exception."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import GOOD_ROWS, csv_text, run_import
from periods_store import periods_store
from profile_files import GLOTIP_CSV
from streamlit.testing.v1 import AppTest
from terms_store import fill as fill_terms_store

from turquesa_geo.cooperation import CONTACTS_ENV, contacts_missing
from turquesa_geo.store.connection import DB_ENV, connect
from turquesa_ui.import_view import run_imports
from turquesa_ui.state import LAST_IMPORTS
from turquesa_ui.store import UPLOAD_PREFIX, upload_folder
from turquesa_ui.text import md

TIMEOUT = 30
APP = Path(__file__).resolve().parent.parent / "app.py"


@pytest.fixture
def app_store(tmp_path, app_on, write):
    db = tmp_path / "app.duckdb"
    con = connect(db)
    # 7 smuggling cases of 12 migrants; 3 victims in all (a small cell).
    rows = [GOOD_ROWS[0].replace("A1,", f"S{i},", 1) for i in range(7)]
    rows += [GOOD_ROWS[1].replace(",3,2,", ",3,0,"), GOOD_ROWS[2]]
    result = run_import(con, write("cases.csv", csv_text(*rows, GOOD_ROWS[0].replace("2024-03-05", "never"))))
    con.close()
    app_on(db)
    return result


def _values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_home_shows_store_counts_with_small_cells_protected(app_store):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/home.py").run()
    assert not at.exception
    assert at.title[0].value == "Turquesa: what the store holds"
    metrics = _values(at)
    assert metrics["Cases"] == "9"
    assert metrics["Smuggled migrants"] == "84"  # 7 cases x 12 migrants
    assert metrics["Victims"] == "<5"
    assert metrics["Imports"] == "1"


def test_home_on_an_empty_store_says_what_to_do(tmp_path, app_on):
    app_on(tmp_path / "empty.duckdb")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "The store is empty" in at.info[0].value
    at.switch_page("pages/home.py").run()
    assert "The store is empty" in at.info[0].value


@pytest.fixture
def reference_only_store(tmp_path, app_on):
    """A store of the GLOTIP fixture only: aggregate counts of 2020-2021, no case."""
    db = tmp_path / "glotip.duckdb"
    con = connect(db)
    run_import(con, GLOTIP_CSV, profile="glotip")
    con.close()
    app_on(db)


#: What every page says of the store of :func:`reference_only_store` (14 counts accepted of the fixture's 18 rows).
GLOTIP_HOLDINGS = "This store holds no cases; it holds reference data: UNODC GLOTIP, 2020–2021, 14 rows."


def test_a_store_of_reference_data_only_is_not_called_empty(reference_only_store):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()  # the Overview: cases only
    assert not at.exception
    assert at.info[0].value.startswith(GLOTIP_HOLDINGS + " This page counts cases only.")
    assert not any("The store is empty" in i.value for i in at.info)
    at.switch_page("pages/corridor_map.py").run()
    assert not at.exception
    assert at.info[0].value.startswith(GLOTIP_HOLDINGS + " This page shows the reference data it can")
    # The period is the reference data's last year (2021): its flows by citizenship, <5 kept as <5.
    assert at.date_input(key="flt_period").value == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    flows = at.dataframe[-1].value
    assert flows["victims"].tolist() == ["60", "48", "<5"]
    for page, reference_section in (
        ("trends", "Reference counts: detected victims by form of exploitation"),
        ("gender", "Reference counts: detected victims by sex and age"),
        ("cooperation", None),
    ):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, page
        said = " This page shows the reference data it can" if reference_section else " This page counts cases only."
        assert at.info[0].value.startswith(GLOTIP_HOLDINGS + said), page
        assert (reference_section in [h.value for h in at.subheader]) if reference_section else not at.subheader
    at.switch_page("pages/home.py").run()
    assert not at.exception
    assert at.info[0].value == GLOTIP_HOLDINGS
    summary = at.dataframe[0].value
    # Colombia publishes no total of both sexes and all ages (only its parts), and Latin America's 3,000 is a
    # region's: no known total of detected victims.
    assert [
        [None if pd.isna(v) else v for v in row]
        for row in summary[["indicator", "rows", "censored", "known_total"]].astype(object).values.tolist()
    ] == [
        ["Persons convicted", 1, 0, 12],
        ["Detected victims", 13, 2, None],
    ]


def test_import_page_shows_the_reconciliation_and_quarantine(app_store):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/import_files.py").run()
    assert not at.exception
    assert at.title[0].value == "Import incident files"
    at.session_state[LAST_IMPORTS] = [app_store.to_dict()]
    at.run()
    assert not at.exception
    metrics = _values(at)
    assert (metrics["Read"], metrics["Accepted"], metrics["Quarantined"]) == ("10", "9", "1")
    assert any("reconciled." in c.value for c in at.caption)
    rules = at.dataframe[0].value
    assert rules["rule"].tolist() == ["bad_date"]
    assert (rules["rows"].tolist(), rules["open"].tolist()) == ([1], [1])
    assert at.dataframe[1].value["line"].tolist() == [11]
    # Every import's open quarantine, below the results: per import, then the rows, with one download.
    assert [e.label for e in at.expander] == ["Open quarantine of every import (1 rows)"]
    assert at.dataframe[2].value[["import_id", "file_name", "open", "rules"]].values.tolist() == [
        [1, "cases.csv", 1, "bad_date"]
    ]
    assert at.dataframe[3].value[["import_id", "line", "rule"]].values.tolist() == [[1, 11, "bad_date"]]
    assert len(at.get("download_button")) == 2


def test_import_page_says_what_an_import_resolved_and_what_is_still_open(app_store, write):
    con = connect(os.environ[DB_ENV])
    fixed = csv_text(GOOD_ROWS[0].replace("2024-03-05", "2024-03-06"))  # A1 of PNC: the row quarantined at line 11
    second = run_import(con, write("fixed.csv", fixed))
    con.close()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/import_files.py").run()
    at.session_state[LAST_IMPORTS] = [app_store.to_dict(), second.to_dict()]
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["1 quarantined rows of earlier imports are resolved by this import."]
    assert at.dataframe[0].value["open"].tolist() == [0]
    assert any("Every quarantined row is resolved" in c.value for c in at.caption)
    assert not at.expander  # nothing open anywhere
    at.switch_page("pages/home.py").run()
    imports = at.dataframe[1].value
    assert imports[["import_id", "rows_quarantined", "quarantine_open"]].values.tolist() == [[2, 0, 0], [1, 1, 0]]


def test_import_page_maps_a_term_and_says_how_many_cases_it_re_resolved(tmp_path, app_on):
    db = tmp_path / "terms.duckdb"
    con = connect(db)
    fill_terms_store(con)
    con.close()
    app_on(db)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/import_files.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table["text"].tolist() == ["Oferta de empléo", "Narnia", "Oz", "Atlantis", "Red X", "anuncio"]
    assert table["cases"].tolist() == [4, 2, 2, 1, 1, 1]
    assert table["suggestions"][0] == ("Job offer / advertisement (job_offer)")
    assert at.selectbox(key="term_code_recruitment_method_ofertadeempleo").value == "job_offer"  # the first suggestion
    at.button(key="term_apply").click().run()
    assert not at.exception
    assert at.success[0].value == (
        "Recruitment method 'Oferta de empléo' is now mapped to Job offer / advertisement \\(job\\_offer\\): "
        "4 stored cases re-resolved."
    )
    assert at.dataframe[0].value["text"].tolist() == ["Narnia", "Oz", "Atlantis", "Red X", "anuncio"]
    at.selectbox(key="term_pick").set_value(1).run()  # Oz: no suggestion close enough, the analyst picks
    assert at.selectbox(key="term_code_country_oz").value is None
    assert at.button(key="term_apply").disabled
    at.selectbox(key="term_code_country_oz").set_value("HND").run()
    at.button(key="term_apply").click().run()
    assert not at.exception
    assert at.success[0].value == "Country 'Oz' is now mapped to Honduras \\(HND\\): 2 stored cases re-resolved."
    assert at.dataframe[0].value["text"].tolist() == ["Narnia", "Atlantis", "Red X", "anuncio"]


def _deck_spec(at: AppTest) -> dict:
    import json

    element = at.get("deck_gl_json_chart")[0]
    return json.loads(element.proto.json)


def test_corridor_map_draws_flows_and_follows_filters(app_store):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/corridor_map.py").run()
    assert not at.exception
    assert at.title[0].value == "Corridor map"
    # The store spans 2023-12 to 2024-03: the default period is the last twelve months of it.
    table = at.dataframe[0].value
    assert table["route"].tolist() == ["VEN>COL>PAN>USA", "PRY>ARG", "VEN>PER"]
    flows = [r["tooltip"] for r in _deck_spec(at)["layers"][1]["data"]]
    assert flows == ["COL→PAN: 7 cases, 84 persons", "PAN→USA: 7 cases, 84 persons", "VEN→COL: 7 cases, 84 persons"]
    at.multiselect(key="flt_crime_types").set_value(["trafficking"]).run()
    assert not at.exception
    assert at.dataframe[0].value["route"].tolist() == ["PRY>ARG", "VEN>PER"]
    assert _deck_spec(at)["layers"][1]["data"] == []  # both corridors are small cells: nothing drawn
    assert at.query_params["crime"] == "trafficking"


def test_corridor_map_reopens_the_view_of_a_link(app_store):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["via"] = "COL"
    at.query_params["crime"] = "smuggling,piracy"
    at.run()
    at.switch_page("pages/corridor_map.py").run()
    assert not at.exception
    assert at.multiselect(key="flt_transit").value == ["COL"]
    assert at.multiselect(key="flt_crime_types").value == ["smuggling"]
    assert at.dataframe[0].value["route"].tolist() == ["VEN>COL>PAN>USA"]


def test_a_link_from_another_store_is_fitted_not_fatal(app_store):
    # The store runs 2023-12-01 .. 2024-03-31; the link asks for more, and for values it lacks.
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["from"] = "2016-01-01"
    at.query_params["to"] = "2030-12-31"
    at.query_params["src"] = "Unknown agency"
    at.query_params["orig"] = "VEN,FRA"
    at.run()
    notes = [t.value for t in at.toast]  # markdown source: the value from the link is escaped
    assert "Filter adjusted: " + md("Reporting source: Unknown agency is not in the store") in notes
    assert "Filter adjusted: " + md("From country (origin): FRA is not in the store") in notes
    at.switch_page("pages/corridor_map.py").run()
    assert not at.exception
    assert at.date_input(key="flt_period").value == (dt.date(2023, 12, 1), dt.date(2024, 3, 31))
    assert at.multiselect(key="flt_sources").value == []
    assert at.multiselect(key="flt_origin").value == ["VEN"]
    assert at.query_params["from"] == "2023-12-01" and "src" not in at.query_params


def test_overview_shows_key_figures_and_keeps_filters_across_pages(app_store):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    metrics = _values(at)
    # Overview totals are guarded: rounded to the nearest 5, small ones read <5.
    assert metrics["Cases"] == "10" and metrics["Smuggled migrants"] == "85" and metrics["Victims"] == "<5"
    assert at.dataframe[0].value["corridor"].tolist()[0] == "Venezuela → Colombia → Panama → United States"
    at.multiselect(key="flt_crime_types").set_value(["trafficking"]).run()
    assert _values(at)["Cases"] == "<5"
    at.switch_page("pages/corridor_map.py").run()
    assert at.multiselect(key="flt_crime_types").value == ["trafficking"]


def test_trends_page_draws_a_series_per_dimension(app_store):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception
    assert at.title[0].value == "Modus-operandi trends"
    at.selectbox(key="trend_dimension").set_value("transport_mode").run()
    assert not at.exception
    changes = at.dataframe[0].value
    assert set(changes["category"]) == {"Land", "River"}
    assert changes["cases"].tolist() == ["8", "7"] and changes["cases_prev"].tolist() == ["", ""]


def test_gender_page_splits_by_exploitation_form(app_store):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/gender.py").run()
    assert not at.exception
    assert at.title[0].value == "Gender and age"
    at.segmented_control(key="gender_split").set_value("exploitation_form").run()
    assert not at.exception
    shares = at.dataframe[0].value
    victims = shares[shares["role"] == "Victim"]
    assert victims["known_sex"].tolist() == ["<5"] and victims["share"].isna().all()  # 3 victims: hidden


def test_trends_and_gender_split_by_corridor(app_store):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/trends.py").run()
    at.selectbox(key="trend_dimension").set_value("transport_mode").run()
    at.segmented_control(key="trend_split").set_value("corridor").run()
    assert not at.exception
    assert set(at.dataframe[0].value["group"]) == {"VEN>COL>PAN>USA", "VEN>PER"}
    at.switch_page("pages/gender.py").run()
    at.segmented_control(key="gender_split").set_value("corridor").run()
    at.segmented_control(key="gender_role").set_value("migrant").run()
    assert not at.exception
    import json

    bars = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    assert "VEN>COL>PAN>USA" in bars[0]["y"]


@pytest.mark.parametrize("page", ["pages/corridor_map.py", "pages/trends.py", "pages/gender.py"])
def test_export_panel_prepares_a_marked_file_and_logs_it(app_store, page):
    from turquesa_geo.exports.log import export_log
    from turquesa_geo.store.connection import connect, resolve_db_path

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(page).run()
    name = Path(page).stem
    at.selectbox(key=f"export_kind_{name}").set_value("extract")
    at.selectbox(key=f"export_fmt_{name}").set_value("xlsx")
    at.selectbox(key=f"export_tlp_{name}").set_value("TLP:GREEN")
    at.radio(key=f"export_audience_{name}").set_value("external")
    at.button[0].click().run()  # the form's submit button comes first on the page
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    downloads = at.get("download_button")
    assert len(downloads) == 1
    label = downloads[0].proto.label
    assert label.startswith("Download turquesa-extract-TLP-GREEN-external-") and label.endswith(".xlsx")
    import streamlit as st

    st.cache_resource.clear()  # closes the app's connection to read the log
    con = connect(resolve_db_path(), read_only=True)
    log = export_log(con)
    con.close()
    assert log[["kind", "marking", "audience"]].values.tolist() == [["extract:xlsx", "TLP:GREEN", "external"]]


def _upload_folders() -> list[Path]:
    """This process's upload folders (other processes on the machine may have theirs)."""
    return sorted(Path(tempfile.gettempdir()).glob(f"{UPLOAD_PREFIX}{os.getpid()}-*"))


class _Upload:
    """What st.file_uploader hands the page: a name and the bytes."""

    def __init__(self, name: str, data: bytes):
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


def test_an_import_page_session_and_an_import_leave_no_upload_folder(app_store):
    before = _upload_folders()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/import_files.py").run()
    assert not at.exception
    assert _upload_folders() == before == []
    (result,) = run_imports(
        [_Upload("more.csv", csv_text(GOOD_ROWS[1].replace("A2,", "B2,")).encode())], "flat", None, None
    )
    assert result["rows_accepted"] == 1  # read through the locked connection: the file was in the upload folder
    assert _upload_folders() == []


def test_upload_folders_of_ended_server_processes_are_swept_at_start(app_on, tmp_path):
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    stale = Path(tempfile.gettempdir()) / f"{UPLOAD_PREFIX}{ended.pid}-0123456789abcdef"
    (stale / "tmpx").mkdir(parents=True)
    (stale / "tmpx" / "left.csv").write_text("incident_id\n")
    live = Path(tempfile.gettempdir()) / f"{UPLOAD_PREFIX}{os.getpid()}-fedcba9876543210"
    live.mkdir()
    try:
        app_on(tmp_path / "app.duckdb")  # a new server process: its upload folder is named, the sweep runs
        assert upload_folder().name.startswith(f"{UPLOAD_PREFIX}{os.getpid()}-") and not upload_folder().exists()
        assert not stale.exists() and live.exists()
    finally:
        shutil.rmtree(stale, ignore_errors=True)
        live.rmdir()


def test_the_app_runs_from_any_working_folder(app_store, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # the page icon and the pages are found beside app.py
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Overview"


def test_the_cooperation_page_names_the_setting_and_the_path_when_the_contacts_file_is_missing(
    app_store, monkeypatch, tmp_path
):
    monkeypatch.setenv(CONTACTS_ENV, str(tmp_path / "nowhere.csv"))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["from"] = "2016-01-01"
    at.run()
    at.switch_page("pages/cooperation.py").run()
    assert not at.exception
    assert [w.value for w in at.warning] == [contacts_missing(tmp_path / "nowhere.csv")]
    assert "TURQUESA_CONTACTS" in at.warning[0].value and str(tmp_path / "nowhere.csv") in at.warning[0].value


# --- flags -------------------------------------------------------------------------------


@pytest.fixture
def flagged_app(tmp_path, app_on):
    """The tiny store with flags (tests/tiny_store.py): A1 (VEN>COL>PAN, 2024) is the only unflagged case."""
    from tiny_store import tiny_store

    db = tmp_path / "flags.duckdb"
    tiny_store(flags=True, path=str(db)).close()
    return app_on(db)


def test_the_sidebar_excludes_flagged_cases_and_says_when_a_rule_filter_is_slower(flagged_app):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/corridor_map.py").run()
    assert not at.exception
    # The default period, the last twelve months of data (2023-09 .. 2024-08), holds A1, B1 and M1.
    assert at.dataframe[0].value["route"].tolist() == ["HTI>PAN>CRI>MEX>USA", "VEN>COL>PAN", "VEN>PER"]
    box = at.checkbox(key="flt_exclude_flagged")
    assert box.label == "Exclude flagged cases" and "Store and imports page" in box.help
    box.check().run()
    assert not at.exception
    assert at.dataframe[0].value["route"].tolist() == ["VEN>COL>PAN"]
    assert at.query_params["exclude-flagged"] == "1"
    assert not any("read the case tables" in c.value for c in at.sidebar.caption)
    at.checkbox(key="flt_exclude_flagged").uncheck().run()
    rules = at.multiselect(key="flt_excluded_flags")
    assert rules.options == ["adjustment", "coordinates_outside_country", "partial_date", "rounded_coordinates"]
    rules.set_value(["partial_date"]).run()
    assert not at.exception
    assert at.dataframe[0].value["route"].tolist() == ["HTI>PAN>CRI>MEX>USA", "VEN>COL>PAN"]
    assert any("read the case tables, not the monthly summaries" in c.value for c in at.sidebar.caption)


def test_a_link_with_exclude_flagged_reopens_with_the_box_checked(flagged_app):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["exclude-flagged"] = "1"
    at.query_params["flag"] = "no_such_rule"
    at.run()
    at.switch_page("pages/corridor_map.py").run()
    assert not at.exception
    assert at.checkbox(key="flt_exclude_flagged").value is True
    assert at.multiselect(key="flt_flags").value == []  # an unknown rule is dropped, with a note
    assert at.dataframe[0].value["route"].tolist() == ["VEN>COL>PAN"]


def test_the_store_page_counts_flagged_cases_per_import_and_rule_with_their_meaning(flagged_app):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/home.py").run()
    assert not at.exception
    assert "Flagged cases" in [h.value for h in at.subheader]
    flags = next(d.value for d in at.dataframe if "meaning" in d.value.columns)
    assert flags[["import_id", "rule", "flagged"]].values.tolist() == [
        [2, "coordinates_outside_country", 1],
        [2, "rounded_coordinates", 1],
        [1, "adjustment", 1],
        [1, "partial_date", 1],
    ]
    assert (
        flags["meaning"].tolist()[2] == "a negative count adjusts an earlier report: stored, and nets out of the totals"
    )
    imports = next(d.value for d in at.dataframe if "rows_flagged" in d.value.columns)
    assert imports["rows_flagged"].tolist()[0] == 1


def test_the_import_report_shows_flags_unmapped_terms_merges_and_duplicates(app_store):
    from turquesa_geo.ingest.flat import ImportResult

    result = ImportResult(
        7,
        "policia.csv",
        "",
        "flat",
        None,
        rows_read=69,
        rows_accepted=69,
        rows_inserted=60,
        rows_unchanged=7,
        rows_merged=2,
        rows_flagged=5,
        flags_by_rule={"partial_date": 4, "adjustment": 1},
        unmapped_terms=[
            {
                "field": "recruitment_method",
                "column": "recruitment_method",
                "text": "oferta de empleo",
                "rows": 60,
                "suggestions": ["job_offer"],
            }
        ],
        probable_duplicates=12,
        duplicates_of={3: 12},
    )
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/import_files.py").run()
    at.session_state[LAST_IMPORTS] = [result.to_dict()]
    at.run()
    assert not at.exception
    metrics = _values(at)
    assert [metrics[k] for k in ("Read", "Accepted", "Accepted with flags", "Quarantined")] == ["69", "69", "5", "0"]
    assert [metrics[k] for k in ("New", "Unchanged", "Merged", "Probable duplicates")] == ["60", "7", "2", "12"]
    flags, terms = (d.value for d in at.dataframe[:2])
    assert flags[["rule", "rows"]].values.tolist() == [["partial_date", 4], ["adjustment", 1]]
    assert (
        flags["meaning"].tolist()[1] == "a negative count adjusts an earlier report: stored, and nets out of the totals"
    )
    assert terms.values.tolist() == [
        ["recruitment_method", "recruitment_method", "oferta de empleo", 60, "Job offer / advertisement (job_offer)"]
    ]
    assert "probable duplicates: 12 of 69 rows match cases already stored from import 3" in at.info[0].value
    assert any("reconciled." in c.value for c in at.caption)


def test_the_import_page_offers_the_duplicates_policy_and_reports_what_the_check_found(app_store):
    again = GOOD_ROWS[1].replace(",3,2,", ",3,0,").replace("A2,", "B2,")  # the store's A2 under another id
    (result,) = run_imports([_Upload("again.csv", csv_text(again).encode())], "flat", None, None, "keep")
    assert (result["probable_duplicates"], result["duplicates_of"]) == (1, {1: 1})
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/import_files.py").run()
    assert not at.exception
    choice = at.radio(key="import_duplicates")
    assert (choice.value, choice.options) == (
        "default",
        [
            "link probable duplicates from the same source; keep both when the sources differ",
            "link every probable duplicate: counted once",
            "keep both reports of every probable duplicate: counted twice, shown as shared",
        ],
    )
    at.session_state[LAST_IMPORTS] = [result]
    at.run()
    assert [i.value for i in at.info if "probable duplicates" in i.value] == [
        "probable duplicates: 1 of 1 rows match cases already stored from import 1 — see them with: "
        f"`turquesa duplicates list --import {result['import_id']}`"
    ]


@pytest.fixture
def periods_app(tmp_path, app_on):
    """The app on tests/periods_store.py: records dated to a day, a month, a year, two bands and no date."""
    db = tmp_path / "periods.duckdb"
    periods_store(str(db)).close()
    return app_on(db)


BAND_NOTE = (
    "<5 cases of this selection are dated only to a band of years (such as 2014–2018): they are in no year of the "
    "series and are shown per band below."
)
UNDATED_NOTE = "<5 records with no known date are counted in the totals but in no period."


def test_trends_and_gender_show_bands_as_bands_and_say_how_many_records_have_no_date(periods_app):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert UNDATED_NOTE in [c.value for c in at.caption]  # the overview
    at.switch_page("pages/trends.py").run()
    at.selectbox(key="trend_dimension").set_value("platform").run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert BAND_NOTE in captions and UNDATED_NOTE in captions
    assert not [c for c in captions if "dated only to a year" in c]  # yearly: case 4 is in the series
    assert "Cases dated only to a band of years" in [s.value for s in at.subheader]
    bands = next(t.value for t in at.dataframe if "band" in t.value.columns)
    assert bands[["band", "category", "cases"]].values.tolist() == [
        ["2014–2018", "Facebook", "<5"],
        ["2019–2020", "TikTok", "<5"],
    ]
    at.selectbox(key="trend_dimension").set_value("transport_mode").run()  # no band case reports one
    assert BAND_NOTE.replace(" and are shown per band below", "") in [c.value for c in at.caption]
    assert "Cases dated only to a band of years" not in [s.value for s in at.subheader]
    at.segmented_control(key="trend_freq").set_value("Q").run()
    assert "<5 cases of this selection are dated only to a year: they are in the yearly series, not in this one." in [
        c.value for c in at.caption
    ]
    at.switch_page("pages/gender.py").run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert BAND_NOTE in captions and UNDATED_NOTE in captions
    shares = next(t.value for t in at.dataframe if "band" in t.value.columns)
    assert shares[["band", "known_sex", "unknown"]].values.tolist() == [
        ["2014–2018", "<5", "<5"],
        ["2019–2020", "<5", "0"],
    ]
