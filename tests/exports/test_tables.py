"""Data extracts and the export log: allow-listed columns, audience protection, neutralised cells, marking."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
import pandas as pd
import pyogrio
import pytest
from conftest import GOOD_ROWS, csv_text, run_import
from hypothesis import assume, given
from hypothesis import strategies as st
from outcome_rows import darien_incident, mmp_csv_text, sea_incident

from turquesa_geo import cli
from turquesa_geo.columns import FORMULA_PREFIXES
from turquesa_geo.countries import country_table
from turquesa_geo.exports.dispatch import export_context, export_file
from turquesa_geo.exports.log import export_log
from turquesa_geo.exports.marking import AUDIENCES, ExportContext, Marking
from turquesa_geo.exports.tables import (
    EXTRACT_COLUMNS,
    corridor_extract,
    csv_bytes,
    extract_bytes,
    hub_extract,
    leg_extract,
    neutralise_cell,
    quarantine_csv_bytes,
    quarantine_for_correction,
    tables_csv,
)
from turquesa_geo.filters import Filters
from turquesa_geo.store.connection import transaction
from turquesa_geo.store.rollups import refresh

INTERNAL, EXTERNAL = AUDIENCES["internal"], AUDIENCES["external"]

LEGS = pd.DataFrame(
    {
        "from_iso3": ["VEN", "COL", "PAN", "ECU"],
        "to_iso3": ["COL", "PAN", "USA", "PER"],
        "leg_index": [0, 1, 2, 0],
        "inferred": [False, True, False, False],
        "cases": [40, 14, 7, 3],
        "persons": [120, 12, 9, 3],
        "cases_flagged": [10, 12, 0, 1],
    }
)
HUBS = pd.DataFrame(
    {
        "iso3": ["VEN", "COL", "ECU"],
        "cases_out": [40, 0, 3],
        "cases_in": [0, 0, 0],
        "cases_through": [0, 40, 0],
        "throughput": [40, 40, 3],
    }
)
CORRIDORS = pd.DataFrame(
    {
        "route": ["VEN>COL>PAN>USA", "ECU>PER"],
        "cases": [23, 3],
        "cases_prev": [20, 1],
        "persons": [64, 3],
        "women_girls": [30, 2],
        "persons_known_sex": [60, 3],
        "cases_inferred": [14, 0],
        "confidence": [1.0, 1.0],
        "cases_flagged": [6, 0],
    }
)


class View:
    """The parts of a CorridorView an extract reads."""

    legs, hubs, corridors = LEGS, HUBS, CORRIDORS


def _numbers(frame: pd.DataFrame) -> list[int]:
    return [
        int(v) for column in frame.columns for v in frame[column] if isinstance(v, (int,)) and not isinstance(v, bool)
    ]


def test_internal_extract_hides_legs_under_5_and_keeps_exact_counts():
    legs = leg_extract(LEGS, INTERNAL)
    assert legs[["from_iso3", "to_iso3", "cases", "persons"]].values.tolist() == [
        ["VEN", "COL", 40, 120],
        ["COL", "PAN", 14, 12],
        ["PAN", "USA", 7, 9],
    ]
    assert legs["inferred"].tolist() == [False, True, False]
    assert tuple(legs.columns) == EXTRACT_COLUMNS["legs"]


def test_external_extract_hides_under_11_and_rounds_down_to_5():
    legs = leg_extract(LEGS, EXTERNAL)
    assert legs[["from_iso3", "cases", "persons"]].values.tolist() == [["VEN", 40, 120], ["COL", 10, 10]]
    hubs = hub_extract(HUBS, EXTERNAL)
    assert hubs["iso3"].tolist() == ["VEN", "COL"]
    corridors = corridor_extract(CORRIDORS, EXTERNAL)
    assert corridors.iloc[0][["cases", "cases_previous_period", "persons", "change_pct"]].tolist() == [20, 20, 60, 15]
    assert len(corridors) == 1  # the 3-case corridor is left out
    # Every count shown is a multiple of 5 standing for at least 11 (10 means 11 to 14).
    for frame, table in ((legs, "legs"), (hubs, "hubs"), (corridors, "corridors")):
        shown = _numbers(frame[[c for c in ("cases", "persons", "throughput") if c in frame.columns]])
        assert shown and all(n % 5 == 0 and n >= 10 for n in shown), (table, shown)


def test_flagged_cases_are_protected_like_any_count_and_blank_when_the_rest_is_small():
    # VEN>COL: 10 of 40 flagged; COL>PAN: 12 of 14 (2 unflagged, a small cell: blank); PAN>USA: none.
    assert leg_extract(LEGS, INTERNAL)["cases_flagged"].tolist() == [10, None, 0]
    assert leg_extract(LEGS, EXTERNAL)["cases_flagged"].tolist() == ["<11", None]  # 10 is under 11
    assert corridor_extract(CORRIDORS, INTERNAL)["cases_flagged"].tolist() == [6]
    assert corridor_extract(CORRIDORS, EXTERNAL)["cases_flagged"].tolist() == ["<11"]
    assert EXTRACT_COLUMNS["corridors"][-1] == "cases_flagged" == EXTRACT_COLUMNS["legs"][-1]


def test_a_hidden_count_beside_a_shown_one_reads_under_k():
    legs = leg_extract(LEGS.assign(persons=[120, 3, 9, 3]), INTERNAL)
    assert legs["persons"].tolist() == [120, "<5", 9]


def test_shares_resting_on_a_hidden_count_are_blank():
    corridors = corridor_extract(CORRIDORS.assign(women_girls=[3, 2]), INTERNAL)
    assert corridors["route"].tolist() == ["VEN>COL>PAN>USA"]  # the 3-case corridor is not shown at all
    assert corridors["women_girls_pct"].isna().tolist() == [True]
    assert corridors["inferred_pct"].tolist()[0] == 61  # 14 of 23


def test_columns_come_from_the_allow_list_only():
    sneaky = LEGS.assign(incident_id="X1", lat=8.5, lon=-77.9)
    assert "incident_id" not in leg_extract(sneaky, INTERNAL).columns
    context = ExportContext()
    text = tables_csv("legs", leg_extract(sneaky, INTERNAL).assign(incident_id="X1"), context).decode("utf-8-sig")
    assert "incident_id" not in text and "X1" not in text
    with pytest.raises(ValueError, match="unknown extract table 'cases'"):
        tables_csv("cases", LEGS, context)


def test_csv_neutralises_formulas_and_carries_the_marking():
    frame = corridor_extract(CORRIDORS, INTERNAL).assign(corridor=['=HYPERLINK("http://x")', "@SUM(A1)"][:1])
    text = tables_csv("corridors", frame, ExportContext(marking=Marking("TLP:RED", "DIJIN"))).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("# TLP:RED · DIJIN · INTERNAL") and lines[-1].startswith("# TLP:RED · DIJIN · INTERNAL")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_xlsx_has_about_sheet_marking_in_headers_and_no_formula():
    context = ExportContext(marking=Marking("TLP:GREEN"), filters_text="=cmd|' /C calc'!A0", data_version="abc123")
    data = extract_bytes(View(), context, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["about", "corridors", "legs", "hubs"]
    about = book["about"]
    assert about["A1"].value == "TLP:GREEN · INTERNAL"
    values = {row[0].value: row[1].value for row in about.iter_rows(min_row=2)}
    assert values["Filters"] == "'=cmd|' /C calc'!A0" and values["Data version"] == "abc123"
    for sheet in book.worksheets:
        assert sheet.oddHeader.center.text == "TLP:GREEN · INTERNAL" == sheet.oddFooter.center.text
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    legs = [[c.value for c in row] for row in book["legs"].iter_rows(min_row=2)]
    assert [r[0] for r in legs] == ["VEN", "COL", "PAN"]


def test_geojson_joins_country_points_never_incident_coordinates():
    document = json.loads(extract_bytes(View(), ExportContext(audience=EXTERNAL), "geojson"))
    assert document["turquesa"]["marking"] == "TLP:AMBER · EXTERNAL"
    layers = [f["properties"]["layer"] for f in document["features"]]
    assert layers == ["legs", "legs", "hubs", "hubs"]
    venezuela = next(f for f in document["features"] if f["properties"].get("iso3") == "VEN")
    where = country_table().set_index("iso3").loc["VEN"]
    assert venezuela["geometry"]["coordinates"] == pytest.approx([where["rep_lon"], where["rep_lat"]], abs=1e-4)
    assert {f["geometry"]["type"] for f in document["features"]} == {"LineString", "Point"}


def test_geopackage_holds_legs_hubs_and_about(tmp_path):
    path = tmp_path / "x.gpkg"
    path.write_bytes(extract_bytes(View(), ExportContext(), "gpkg"))
    assert [name for name, _ in pyogrio.list_layers(path)] == ["legs", "hubs", "about"]
    legs = pyogrio.read_dataframe(path, layer="legs")
    assert legs["cases"].tolist() == [40, 14, 7]
    about = pyogrio.read_dataframe(path, layer="about")
    assert about.loc[about["field"] == "Handling", "value"].tolist() == ["TLP:AMBER"]


# --- from a store, with the log -------------------------------------------------------------


@pytest.fixture
def small_store(store, write):
    rows = [GOOD_ROWS[0].replace("A1,", f"S{i},", 1) for i in range(7)] + [GOOD_ROWS[1], GOOD_ROWS[2]]
    run_import(store, write("cases.csv", csv_text(*rows)))
    return store


def test_export_file_logs_before_handing_over(small_store):
    filters = Filters(crime_types=("smuggling",))
    context = export_context(
        small_store,
        filters,
        (dt.date(2023, 12, 1), dt.date(2024, 3, 31)),
        marking=Marking("TLP:AMBER+STRICT"),
        audience="external",
        view_url="?crime=smuggling",
        user="analyst1",
    )
    assert context.sources == ("PNC",)
    assert context.filters_text == "Crime type: Smuggling of migrants"
    name, data = export_file(small_store, filters, "extract", "csv", context, table="legs")
    assert name.startswith("turquesa-extract-TLP-AMBER-STRICT-external-") and name.endswith(".csv")
    # Each leg carries 7 cases: under the external threshold of 11, none is shown.
    assert data.decode("utf-8-sig").splitlines()[1:-1] == [",".join(EXTRACT_COLUMNS["legs"])]
    internal = export_context(small_store, filters, context.period, audience="internal")
    _, data = export_file(small_store, filters, "extract", "csv", internal, table="legs")
    rows = [line.split(",") for line in data.decode("utf-8-sig").splitlines()[2:-1]]
    assert sorted((r[0], r[2], r[5]) for r in rows) == [("COL", "PAN", "7"), ("PAN", "USA", "7"), ("VEN", "COL", "7")]
    log = export_log(small_store)
    assert len(log) == 2
    row = log.iloc[1]  # newest first: the external one is the older
    import hashlib

    assert log.iloc[0]["sha256"] == hashlib.sha256(data).hexdigest() and log.iloc[0]["bytes"] == len(data)
    assert (row["kind"], row["marking"], row["audience"], row["user_name"]) == (
        "extract:csv:legs",
        "TLP:AMBER+STRICT",
        "external",
        "analyst1",
    )
    assert row["filters"] == "Crime type: Smuggling of migrants"


def test_an_extract_of_a_store_with_flags_counts_them_per_corridor(small_store):
    # The seven S cases on VEN>COL>PAN>USA are flagged; A2 and A3 are not.
    small_store.execute(
        "INSERT INTO case_flags (case_uid, rule, message) "
        "SELECT case_uid, 'rounded_coordinates', 'm' FROM cases WHERE incident_id LIKE 'S%'"
    )
    with transaction(small_store):
        refresh(small_store)  # as an importer does after writing its flags
    context = export_context(small_store, Filters(), (dt.date(2023, 12, 1), dt.date(2024, 3, 31)))
    _, data = export_file(small_store, Filters(), "extract", "csv", context, table="corridors")
    rows = [line.split(",") for line in data.decode("utf-8-sig").splitlines()[1:-1]]
    assert rows[0][-1] == "cases_flagged"
    assert [(r[2], r[3], r[-1]) for r in rows[1:]] == [("VEN>COL>PAN>USA", "7", "7")]
    _, data = export_file(small_store, Filters(exclude_flagged=True), "extract", "csv", context, table="corridors")
    assert data.decode("utf-8-sig").splitlines()[2:-1] == []  # what is left (A2, A3) are small cells


OUTCOME_HEADER = "iso3,country,year,incidents,dead,missing,survivors,women_girls,men_boys,children"


@pytest.fixture
def deaths_store(small_store, write):
    # Beside the cases: 5 incidents in the Darién in January 2024 (6 dead, 3 missing, 2 women or girls, 4 men or
    # boys, 1 child each) and 1 off the Florida Keys in February (12 missing, 4 survivors).
    rows = [darien_incident(f"2024.MMP90{i}") for i in range(5)] + [sea_incident("2024.MMP950")]
    run_import(small_store, write("mmp.csv", mmp_csv_text(*rows)), profile="mmp")
    return small_store


def _csv_lines(data: bytes) -> list[str]:
    """The lines of an extract between its marking lines."""
    return data.decode("utf-8-sig").splitlines()[1:-1]


def test_the_outcomes_extract_lists_deaths_and_disappearances_by_country_and_year_protected(deaths_store):
    period = (dt.date(2023, 12, 1), dt.date(2024, 3, 31))
    internal = export_context(deaths_store, Filters(), period, audience="internal")
    _, data = export_file(deaths_store, Filters(), "extract", "csv", internal, table="outcomes")
    # The incident at sea is one: under the threshold, its row is left out, as a leg of one case is.
    assert _csv_lines(data) == [OUTCOME_HEADER, "PAN,Panama,2024,5,30,15,0,10,20,5"]
    external = export_context(deaths_store, Filters(), period, audience="external")
    _, data = export_file(deaths_store, Filters(), "extract", "csv", external, table="outcomes")
    assert _csv_lines(data) == [OUTCOME_HEADER]  # 5 incidents: under 11
    # No case table holds them: the corridors are the cases' own (7 smuggling cases of 12 migrants each).
    _, data = export_file(deaths_store, Filters(), "extract", "csv", internal, table="corridors")
    assert [(r.split(",")[2], r.split(",")[3], r.split(",")[6]) for r in _csv_lines(data)[1:]] == [
        ("VEN>COL>PAN>USA", "7", "84")
    ]


def test_the_workbook_has_an_outcomes_sheet_only_when_there_are_incidents(small_store, write):
    period = (dt.date(2023, 12, 1), dt.date(2024, 3, 31))
    context = export_context(small_store, Filters(), period, audience="internal")
    _, data = export_file(small_store, Filters(), "extract", "xlsx", context)
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["about", "corridors", "legs", "hubs"]
    _, data = export_file(small_store, Filters(), "extract", "csv", context, table="outcomes")
    assert _csv_lines(data) == [OUTCOME_HEADER]
    run_import(
        small_store, write("mmp.csv", mmp_csv_text(*[darien_incident(f"M{i}") for i in range(5)])), profile="mmp"
    )
    _, data = export_file(small_store, Filters(), "extract", "xlsx", context)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["about", "corridors", "legs", "hubs", "outcomes"]
    assert [list(r) for r in book["outcomes"].iter_rows(values_only=True)] == [
        OUTCOME_HEADER.split(","),
        ["PAN", "Panama", 2024, 5, 30, 15, 0, 10, 20, 5],
    ]
    about = {r[0]: r[1] for r in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["outcomes"].startswith(
        "Sheet outcomes: deaths and disappearances during migration (IOM Missing Migrants Project)"
    )


def test_no_file_without_its_log_row(small_store):
    small_store.execute("DROP TABLE exports")
    context = export_context(small_store, Filters(), (dt.date(2023, 12, 1), dt.date(2024, 3, 31)))
    with pytest.raises(Exception, match="exports"):
        export_file(small_store, Filters(), "extract", "xlsx", context)


def test_cli_export_and_exports_list(tmp_path, write, capsys):
    db = tmp_path / "s.duckdb"
    rows = [GOOD_ROWS[0].replace("A1,", f"S{i},", 1) for i in range(7)] + [GOOD_ROWS[1], GOOD_ROWS[2]]
    assert cli.main(["import", str(write("c.csv", csv_text(*rows))), "--db", str(db)]) == 0
    out = tmp_path / "corridors.xlsx"
    assert (
        cli.main(
            [
                "export",
                "extract",
                "--db",
                str(db),
                "--out",
                str(out),
                "--crime",
                "smuggling",
                "--marking",
                "TLP:RED",
                "--agency",
                "Fiscalía - Unidad de Trata",
                "--lang",
                "es,en",
            ]
        )
        == 0
    )
    book = openpyxl.load_workbook(out)
    assert book["about"]["A1"].value == "TLP:RED · Fiscalía - Unidad de Trata · INTERNO / INTERNAL"
    assert book["corridors"]["C2"].value == "VEN>COL>PAN>USA" and book["corridors"]["D2"].value == 7
    capsys.readouterr()
    assert cli.main(["exports", "--db", str(db), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)["exports"]
    assert [(e["kind"], e["marking"]) for e in listed] == [("extract:xlsx", "TLP:RED · Fiscalía - Unidad de Trata")]
    assert re.fullmatch(r"[0-9a-f]{64}", listed[0]["sha256"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--marking", "AMBER"], "unknown TLP label 'AMBER'"),
        (["--as", "png"], "a extract comes as csv, xlsx, geojson, gpkg, not 'png'"),
    ],
)
def test_cli_export_errors_are_one_line(tmp_path, write, capsys, args, message):
    db = tmp_path / "s.duckdb"
    assert cli.main(["import", str(write("c.csv", csv_text(*GOOD_ROWS))), "--db", str(db)]) == 0
    capsys.readouterr()
    assert cli.main(["export", "extract", "--db", str(db), "--out", str(tmp_path / "x.csv"), *args]) != 0
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


# --- a number is not a formula -----------------------------------------------------------


@pytest.mark.parametrize("number", ["-77.9", "-77,9", "+5", "-3", "0", "-0,18", "1e-3", "-2.5E+4", ".5", "-,5", "12."])
def test_a_number_written_as_text_is_left_as_it_is(number):
    assert neutralise_cell(number) == number


@pytest.mark.parametrize(
    "text", ["=1+1", "+A1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "-", "+", "- 3", "-77.9 ", "--1", "-1,2,3", "-e5"]
)
def test_text_a_spreadsheet_could_run_is_neutralised(text):
    assert neutralise_cell(text) == "'" + text


#: Numbers as files write them: a sign or none, an integer or a float (exponent included), a decimal point or comma.
NUMBER_TEXTS = st.builds(
    lambda sign, value, comma: sign + (repr(value) if isinstance(value, float) else str(value)).replace(".", comma),
    st.sampled_from(["", "+", "-"]),
    st.one_of(st.integers(min_value=0), st.floats(min_value=0, allow_nan=False, allow_infinity=False)),
    st.sampled_from([".", ","]),
)


@given(NUMBER_TEXTS)
def test_any_number_text_is_never_neutralised(number):
    assert neutralise_cell(number) == number


@given(st.one_of(st.integers(), st.floats(allow_nan=False)))
def test_any_number_value_is_never_neutralised(number):
    assert neutralise_cell(number) == number


@given(st.sampled_from(FORMULA_PREFIXES), st.text())
def test_any_text_starting_like_a_formula_that_is_not_a_number_is_neutralised(prefix, rest):
    text = prefix + rest
    try:
        float(text.replace(",", "."))
        assume(False)  # a number: the other property
    except ValueError:
        pass
    assert neutralise_cell(text) == "'" + text


@given(st.text())
def test_what_is_left_alone_either_cannot_run_or_is_a_plain_number(text):
    if neutralise_cell(text) == text and text.startswith(FORMULA_PREFIXES):
        float(text.replace(",", "."))  # raises if a text that could run was let through


def test_every_csv_and_extract_follows_the_same_rule():
    text = csv_bytes([["-77,9", "-3", "=1+1", -12]], ["lon", "n", "f", "v"]).decode("utf-8-sig")
    assert text.splitlines()[1] == '"-77,9",-3,\'=1+1,-12'
    frame = corridor_extract(CORRIDORS, INTERNAL).assign(corridor="-12", route="-A>B")
    extract = tables_csv("corridors", frame, ExportContext()).decode("utf-8-sig")
    assert ",-12,'-A>B," in extract


# --- the quarantine download ----------------------------------------------------------------------

QUARANTINE_HEADERS = ["import_id", "line", "column_name", "rule", "value", "message", "record", "default_source"]


def _entry(import_id, line, rule, record, source="pnc"):
    return (import_id, line, "date", rule, None, f"{rule} message", json.dumps(record), source)


def test_the_download_has_one_row_per_line_and_its_own_columns_first():
    rows = [
        _entry(1, 3, "missing_date", {"_line": 3, "incident_id": "A3", "date": None, "lon": "-77.9"}),
        _entry(1, 3, "bad_count", {"_line": 3, "incident_id": "A3", "date": None, "lon": "-77.9"}),
        _entry(1, 7, "ragged_row", {"_line": 7, "raw": "A7,2024-01-01"}),
        _entry(2, 2, "missing_id", {"_line": 2, "incident_id": None, "source": "DIJIN", "date": "2024-02-02"}),
    ]
    headers, out = quarantine_for_correction(rows, QUARANTINE_HEADERS)
    assert headers == [
        "quarantine_import",
        "quarantine_line",
        "quarantine_rules",
        "quarantine_messages",
        "quarantine_raw",
        "incident_id",
        "source",
        "date",
        "lon",
    ]
    assert out == [
        [1, 3, "missing_date;bad_count", "missing_date message | bad_count message", None, "A3", "pnc", None, "-77.9"],
        [1, 7, "ragged_row", "ragged_row message", "A7,2024-01-01", None, "pnc", None, None],
        [2, 2, "missing_id", "missing_id message", None, None, "DIJIN", "2024-02-02", None],
    ]
    text = quarantine_csv_bytes(rows, QUARANTINE_HEADERS).decode("utf-8-sig")
    assert text.splitlines()[1] == "1,3,missing_date;bad_count,missing_date message | bad_count message,,A3,pnc,,-77.9"


def test_the_download_of_decimal_comma_coordinates_is_written_with_semicolons():
    rows = [_entry(1, 4, "missing_date", {"incident_id": "B4", "lat": "8,39", "lon": "-77,87", "place": "Metetí"})]
    text = quarantine_csv_bytes(rows, QUARANTINE_HEADERS).decode("utf-8-sig")
    assert text.splitlines() == [
        "quarantine_import;quarantine_line;quarantine_rules;quarantine_messages;incident_id;source;lat;lon;place",
        "1;4;missing_date;missing_date message;B4;pnc;8,39;-77,87;Metetí",
    ]
