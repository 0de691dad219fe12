"""Public data files across profiles: a file in the wrong profile, one CLI command for each, the dashboard
pages over every fixture (small counts, languages), and the SQL-injection corpus in their text cells.

The per-profile mappings are tested in test_mmp.py, test_glotip.py and test_ctdc.py beside this file.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from app_pages import open_page
from conftest import run_import
from profile_files import CTDC_GLOBAL, CTDC_SYNTHETIC, GLOTIP_CSV, MMP_CSV, MMP_JSON

from turquesa_geo.cli import main
from turquesa_geo.ingest.profiles import ctdc, glotip, looks_like, mmp
from turquesa_geo.ingest.readers import ImportRefused

# --- wrong profile -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "given", "likely"),
    [
        (MMP_CSV, "glotip", "mmp"),
        (MMP_CSV, "flat", "mmp"),
        (GLOTIP_CSV, "mmp", "glotip"),
        (GLOTIP_CSV, "flat", "glotip"),
        (CTDC_GLOBAL, "mmp", "ctdc"),
        (CTDC_SYNTHETIC, "glotip", "ctdc"),
        (MMP_JSON, "ctdc", "mmp"),
    ],
)
def test_a_file_in_the_wrong_profile_is_refused_naming_the_one_it_looks_like(store, path, given, likely):
    with pytest.raises(ImportRefused, match=f"--profile {likely}"):
        run_import(store, path, profile=given)
    assert store.execute("SELECT count(*) FROM imports").fetchall()[0][0] == 0
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 0


def test_a_file_of_no_known_profile_is_refused_saying_so(store, write):
    path = write("weather.csv", "station,rain_mm\nBOG,12\n")
    with pytest.raises(ImportRefused, match="looks like none of the known profiles"):
        run_import(store, path, profile="ctdc")


def test_looks_like_picks_the_profile_with_most_marker_columns():
    assert looks_like(["iso3_code", "indicator", "dimension", "txtvalue"]).name == "glotip"
    assert looks_like(["incident_id", "date", "crime_type"]).name == "flat"
    assert looks_like(["a", "b"]) is None


# --- CLI ------------------------------------------------------------------------------


def test_cli_imports_each_public_file_with_one_command(tmp_path, capsys):
    db = str(tmp_path / "cli.duckdb")
    for path, profile in ((MMP_CSV, "mmp"), (GLOTIP_CSV, "glotip"), (CTDC_GLOBAL, "ctdc")):
        assert main(["import", str(path), "--profile", profile, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "codes not understood in migration_route (rows kept, code left out): Andean route" in out
    assert "read 18 = accepted 14 + quarantined 4" in out
    assert main(["import", str(MMP_JSON), "--profile", "glotip", "--db", db]) == 1
    assert "--profile mmp" in capsys.readouterr().err
    assert main(["import", str(GLOTIP_CSV), "--profile", "glotip", "--db", db, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["imports"][0]["already_imported"] is True


# --- pages ----------------------------------------------------------------------------


@pytest.fixture
def public_store(tmp_path, app_on):
    from turquesa_geo.store.connection import connect

    db = tmp_path / "public.duckdb"
    con = connect(db)
    for path, profile in (
        (MMP_CSV, "mmp"),
        (MMP_JSON, "mmp"),
        (GLOTIP_CSV, "glotip"),
        (CTDC_GLOBAL, "ctdc"),
        (CTDC_SYNTHETIC, "ctdc"),
    ):
        run_import(con, path, profile=profile)
    con.close()
    app_on(db)
    return db


def _table(at, columns: set[str]) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if columns <= set(d.value.columns))


def test_corridor_map_draws_reference_flows_and_deaths_under_their_source(public_store):
    at = open_page("corridor_map", **{"from": "2019-01-01", "to": "2023-12-31"})
    flows = _table(at, {"citizenship", "detected_in"})
    assert flows.values.tolist() == [
        ["Colombia", "Spain", "2021", "60"],
        ["Venezuela", "Colombia", "2021", "48"],
        ["Venezuela", "Panama", "2021", "<5"],
    ]
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    reference = next(layer for layer in deck["layers"] if layer["id"] == "reference_flows")
    # The censored VEN→PAN flow has no known size: it is listed, not drawn.
    assert [r["tooltip"] for r in reference["data"]] == [
        "Reference (aggregate counts) · COL citizens detected in ESP, 2021: 60 victims",
        "Reference (aggregate counts) · VEN citizens detected in COL, 2021: 48 victims",
    ]
    deaths = _table(at, {"incidents", "dead", "missing"})
    assert deaths.iloc[0].tolist() == ["Panama", "<5", "6", "<5", "0", "<5", "<5", "0"]
    assert any("IOM Missing Migrants Project" in o for o in at.multiselect(key="flt_sources").options)
    assert "UNODC GLOTIP" in at.multiselect(key="flt_sources").options


def test_trends_and_gender_pages_show_reference_series(public_store):
    trends = open_page("trends", **{"from": "2019-01-01", "to": "2023-12-31"})
    forms = _table(trends, {"year", "category", "value"})
    assert forms.values.tolist() == [
        [2021, "Exploitation for mixed purposes", "6"],
        [2021, "Forced labour: other sector", "20"],
        [2021, "Sexual exploitation", "70"],
    ]
    charts = [json.loads(c.proto.spec) for c in trends.get("plotly_chart")]
    citizenship = next(c for c in charts if "by citizenship" in c["layout"]["title"]["text"])
    assert sorted(t["name"] for t in citizenship["data"]) == ["Colombia", "Venezuela"]

    # 2021: Colombians 90 (at home) + 60 (in Spain); Venezuelans 48 in Colombia, and <5 in Panama left out.
    def values(y) -> list[float]:  # plotly ships arrays as base64 typed data
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist() if isinstance(y, dict) else y

    assert {t["name"]: values(t["y"]) for t in citizenship["data"]} == {"Colombia": [150.0], "Venezuela": [48.0]}
    gender = open_page("gender", **{"from": "2019-01-01", "to": "2023-12-31"})
    table = _table(gender, {"Women", "Girls"})
    assert table.to_dict("records") == [
        {"year": 2020, "Women": "100", "Girls": "8", "Men": "–"},
        {"year": 2021, "Women": "120", "Girls": "<5", "Men": "35"},
    ]


def test_a_source_filter_shows_only_that_source(public_store):
    at = open_page("corridor_map", **{"from": "2019-01-01", "to": "2023-12-31", "src": "UNODC GLOTIP"})
    assert not [d for d in at.dataframe if {"incidents", "dead"} <= set(d.value.columns)]  # no MMP incident
    assert len(_table(at, {"citizenship", "detected_in"})) == 3
    at = open_page("corridor_map", **{"from": "2019-01-01", "to": "2023-12-31", "src": "IOM Missing Migrants Project"})
    assert not [d for d in at.dataframe if {"citizenship", "detected_in"} <= set(d.value.columns)]
    assert len(_table(at, {"incidents", "dead"})) == 7  # PAN, USA, DOM, ECU, MEX, COL and at sea


#: Columns of the public-data sections that hold counts of cases, incidents or persons.
_COUNTS = {
    "incidents",
    "dead",
    "missing",
    "survivors",
    "women_girls",
    "men_boys",
    "children",
    "victims",
    "value",
    "Women",
    "Girls",
    "Men",
    "Boys",
    "cases",
    "persons",
    "known_sex",
    "unknown",
}


@pytest.mark.parametrize("page", ["corridor_map", "trends", "gender", "home", "overview"])
def test_public_data_sections_show_no_count_from_1_to_4(public_store, page):
    at = open_page(page, **{"from": "2014-01-01", "to": "2023-12-31"})
    seen = 0
    for frame in (d.value for d in at.dataframe):
        for column in _COUNTS & set(frame.columns):
            for value in frame[column]:
                text = str(value).split(" ")[0].replace(",", "")
                assert not (text.isdigit() and 1 <= int(text) <= 4), (page, column, value)
                seen += 1
    for metric in at.metric:
        if metric.label == "Corridors":  # a number of corridors, not of persons
            continue
        assert metric.value not in {"1", "2", "3", "4"}, (page, metric.label, metric.value)
    assert seen, f"{page}: no count column was read"


def test_cases_that_name_no_country_count_but_sit_on_no_corridor(public_store):
    at = open_page(
        "corridor_map",
        **{"from": "2014-01-01", "to": "2023-12-31", "src": "CTDC (IOM Counter Trafficking Data Collaborative)"},
    )
    assert any("name no country" in c.value for c in at.caption)
    routes = _table(at, {"route", "cases"})["route"].tolist()
    assert "" not in routes and "COL>USA" in routes
    gender = open_page("gender", **{"from": "2014-01-01", "to": "2023-12-31"})
    gender.segmented_control(key="gender_split").set_value("corridor").run()
    assert not gender.exception
    trends = open_page("trends", **{"from": "2014-01-01", "to": "2023-12-31"})
    trends.segmented_control(key="trend_split").set_value("corridor").run()
    assert not trends.exception


def test_import_page_offers_the_profiles_and_shows_what_was_not_mapped(tmp_path, app_on):
    from turquesa_geo.store.connection import connect
    from turquesa_ui.state import LAST_IMPORTS

    db = tmp_path / "page.duckdb"
    con = connect(db)
    result = run_import(con, MMP_CSV, profile="mmp")
    con.close()
    app_on(db)
    at = open_page("import_files")
    assert {"mmp", "glotip", "ctdc"} <= {o.split(":")[0] for o in at.selectbox(key="import_profile").options}
    at.session_state[LAST_IMPORTS] = [result.to_dict()]
    at.run()
    assert not at.exception
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any("Codes not understood in migration_route" in c and "Andean route" in c for c in captions)
    assert any("several countries of origin" in i.value for i in at.info)
    assert set(at.dataframe[0].value["rule"]) == {"bad_count", "null_island", "rounded_coordinates"}


def test_hostile_cells_of_public_files_are_stored_as_text(store, tmp_path):
    """The SQL-injection corpus in every text cell of an MMP and a GLOTIP file: kept as data, nothing else."""
    import csv

    from test_hardening_sql import CORPUS, WATCHED, _files_state

    files = _files_state(WATCHED)
    rows = list(csv.DictReader(MMP_CSV.open(encoding="utf-8")))[:1]
    hostile = []
    for i, text in enumerate(CORPUS):
        row = dict(
            rows[0],
            **{
                "Incident ID": f"H{i}",
                "Location of death": text,
                "Migration route": text,
                "Source Quality": text,
                "Cause of Death": text,
            },
        )
        hostile.append(row)
    mmp = tmp_path / "hostile_mmp.csv"
    with mmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(hostile)
    result = run_import(store, mmp, profile="mmp")
    assert result.rows_accepted == len(CORPUS)
    places = {r[0] for r in store.execute("SELECT place FROM cases").fetchall()}
    assert {" ".join(t.split()) for t in CORPUS if t.strip()} <= places
    glotip = tmp_path / "hostile_glotip.csv"
    lines = GLOTIP_CSV.read_text(encoding="utf-8").splitlines()
    body = [
        lines[1]
        .replace("National authorities", '"' + t.replace('"', '""') + '"')
        .replace("Total,Total,Female,Adult,2021", f"Total,Total,Female,Adult,{1990 + i}")
        for i, t in enumerate(CORPUS)
    ]
    glotip.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    counts = run_import(store, glotip, profile="glotip")
    assert counts.rows_accepted == len(CORPUS)
    assert store.execute("SELECT count(*) FROM aggregate_counts").fetchall()[0][0] == len(CORPUS)
    assert _files_state(WATCHED) == files
    assert store.execute("SELECT count(*) FROM duckdb_databases() WHERE NOT internal").fetchall()[0][0] == 1


@pytest.mark.parametrize("page", ["corridor_map", "trends", "gender", "home", "import_files"])
def test_public_data_sections_speak_spanish_portuguese_and_french(public_store, page, tmp_path):
    """The language check of tests/test_i18n.py, on a store whose pages show the public-data sections."""
    from test_i18n import TRANSLATED, _allowed, _country_names, _texts

    from turquesa_ui.state import LAST_IMPORTS

    period = {"from": "2014-01-01", "to": "2023-12-31"}
    result = run_import(
        __import__("turquesa_geo.store.connection", fromlist=["connect"]).connect(tmp_path / "x.duckdb"),
        CTDC_SYNTHETIC,
        profile="ctdc",
    )

    def visit(lang: str) -> set[str]:
        at = open_page(page, lang=lang, **period)
        if page == "import_files":
            at.session_state[LAST_IMPORTS] = [result.to_dict()]
            at.run()
            assert not at.exception
        return _texts(at)

    english = visit("en")
    assert {
        "Reference counts: detected victims by sex and age",
        "Deaths and disappearances on these routes",
        "Reference counts",
        "Reference counts: detected victims by form of exploitation",
    } & english or page == "import_files"
    # Source labels are names; a GLOTIP category outside the vocabularies is shown as the file writes it.
    names = _country_names() | {mmp.SOURCE, glotip.SOURCE, ctdc.SOURCE, "Exploitation for mixed purposes"}
    problems = [
        (lang, text)
        for lang in TRANSLATED
        for text in visit(lang)
        if text in english and not _allowed(text, lang, names)
    ]
    assert problems == []


def test_bytes_already_imported_under_another_profile_say_which(store, capsys, tmp_path):
    first = run_import(store, MMP_JSON, profile="mmp")
    again = run_import(store, MMP_JSON, profile="glotip")
    assert again.already_imported and (again.import_id, again.profile) == (first.import_id, "mmp")
    db = str(tmp_path / "cli.duckdb")
    assert main(["import", str(MMP_JSON), "--profile", "mmp", "--db", db]) == 0
    capsys.readouterr()
    assert main(["--lang", "es", "import", str(MMP_JSON), "--profile", "glotip", "--db", db]) == 0
    assert "ya importado como importación 1 (formato mmp)" in capsys.readouterr().out
