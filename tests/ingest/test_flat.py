"""The importer: literal results on tiny files, one test per quarantine rule, reconciliation."""

from __future__ import annotations

import codecs
import csv
import io
import json

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import GOOD_ROWS, HEADER, TODAY, csv_text, run_import
from hypothesis import given, settings
from hypothesis import strategies as st

from turquesa_geo.ingest.flat import FLAG_RULES, QUARANTINE_RULES, RULES
from turquesa_geo.ingest.readers import ImportRefused
from turquesa_geo.vocab import term_key

FIELDS = HEADER.split(",")
BASE = dict(zip(FIELDS, GOOD_ROWS[0].split(",")))


def row(**changes: str) -> str:
    """The first good row with some fields changed (values must not contain commas)."""
    values = BASE | changes
    return ",".join(values[f] for f in FIELDS)


def test_good_rows_are_stored_literally(store, write):
    result = run_import(store, write("cases.csv", csv_text(*GOOD_ROWS)))
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (3, 3, 0)
    assert (result.rows_inserted, result.rows_updated, result.rows_unchanged) == (3, 0, 0)
    cases = store.execute(
        "SELECT incident_id, source, crime_type, CAST(case_date AS VARCHAR), origin, transit, destination, "
        "detection_country, lat, lon FROM cases ORDER BY incident_id"
    ).fetchall()
    assert cases == [
        ("A1", "PNC", "smuggling", "2024-03-05", "VEN", "COL>PAN", "USA", "PAN", 8.39, -77.87),
        ("A2", "PNC", "trafficking", "2024-03-31", "VEN", None, "PER", "PER", -12.05, -77.04),
        ("A3", "PNC", "trafficking", "2023-12-01", "PRY", None, "ARG", "ARG", None, None),
    ]
    persons = store.execute(
        "SELECT c.incident_id, role, gender, age_group, p.nationality, persons FROM case_persons p "
        "JOIN cases c USING (case_uid) ORDER BY 1, 2, 3, 4"
    ).fetchall()
    # Zero counts are not stored; a blank count column is "not reported".
    assert persons == [
        ("A1", "migrant", "male", "adult", "VEN", 12),
        ("A1", "suspect", "male", "adult", "VEN", 1),
        ("A2", "suspect", "male", "adult", "VEN", 1),
        ("A2", "victim", "female", "adult", "VEN", 3),
        ("A2", "victim", "female", "minor", "VEN", 2),
    ]
    events = store.execute(
        "SELECT seq, event_type, route_role, country, e.place, precision FROM route_events e "
        "JOIN cases USING (case_uid) WHERE incident_id = 'A1' ORDER BY seq"
    ).fetchall()
    assert events == [
        (0, "departure", "origin", "VEN", None, "country"),
        (1, "transit", "transit", "COL", None, "country"),
        (2, "transit", "transit", "PAN", None, "country"),
        (3, "arrival", "destination", "USA", None, "country"),
        (4, "interception", "detection", "PAN", "Metetí", "point"),
    ]
    attributes = store.execute(
        "SELECT incident_id, dimension, code FROM case_attributes JOIN cases USING (case_uid) ORDER BY 1, 2, 3"
    ).fetchall()
    assert attributes == [
        ("A1", "transport_mode", "land"),
        ("A1", "transport_mode", "river"),
        ("A2", "exploitation_form", "sexual"),
        ("A2", "recruitment_method", "job_offer"),
        ("A2", "transport_mode", "land"),
        ("A3", "exploitation_form", "forced_labour_agriculture"),
        ("A3", "recruitment_method", "internet"),
    ]


# One row per quarantine rule: the row cannot be stored as a case, on line 3 (after a good row on line 2).
QUARANTINE_CASES = {
    "missing_id": row(incident_id=""),
    "missing_date": row(incident_id="B", date=""),
    "bad_date": row(incident_id="B", date="2024-02-30"),
    "future_date": row(incident_id="B", date="2027-01-01"),
    "missing_crime_type": row(incident_id="B", crime_type=""),
    "unknown_crime_type": row(incident_id="B", crime_type="robo"),
    "ragged_row": row(incident_id="B") + ",extra",
}

# One row per flag rule: the case is kept, with the flag, on line 3; and what is stored of it.
FLAG_CASES = {
    "unmapped_term": row(incident_id="B", transport_mode="land;camel"),
    "unknown_country": row(incident_id="B", origin="Atlantis"),
    "partial_date": row(incident_id="B", date="2023"),
    "split_record": row(migrants_m_adult="3"),  # the first row's id, another count
    "repeated_row": row(),  # the first row again
    "bad_coordinate": row(incident_id="B", lat="north"),
    "incomplete_coordinates": row(incident_id="B", lon=""),
    "coordinates_out_of_range": row(incident_id="B", lat="95.2"),
    "null_island": row(incident_id="B", lat="0", lon="0"),
    "coordinates_swapped": row(incident_id="B", lat="-77.87", lon="8.39"),
    "coordinates_outside_country": row(incident_id="B", lat="40.4", lon="-3.7"),
    "rounded_coordinates": row(incident_id="B", lat="8", lon="-78"),
    "bad_count": row(incident_id="B", migrants_m_adult="twelve"),
    "adjustment": row(incident_id="B", migrants_m_adult="-3"),
}

# What each flagged row stores: (incident_id, case date, precision, lat, lon, origin, migrants_m_adult persons).
FLAG_STORED = {
    "unmapped_term": ("B", "2024-03-05", None, 8.39, -77.87, "VEN", 12),
    "unknown_country": ("B", "2024-03-05", None, 8.39, -77.87, None, 12),
    "partial_date": ("B", "2023-01-01", "year", 8.39, -77.87, "VEN", 12),
    "split_record": ("A1", "2024-03-05", None, 8.39, -77.87, "VEN", 15),
    "repeated_row": ("A1", "2024-03-05", None, 8.39, -77.87, "VEN", 12),
    "bad_coordinate": ("B", "2024-03-05", None, None, None, "VEN", 12),
    "incomplete_coordinates": ("B", "2024-03-05", None, None, None, "VEN", 12),
    "coordinates_out_of_range": ("B", "2024-03-05", None, None, None, "VEN", 12),
    "null_island": ("B", "2024-03-05", None, None, None, "VEN", 12),
    "coordinates_swapped": ("B", "2024-03-05", None, None, None, "VEN", 12),
    "coordinates_outside_country": ("B", "2024-03-05", None, 40.4, -3.7, "VEN", 12),
    "rounded_coordinates": ("B", "2024-03-05", None, None, None, "VEN", 12),
    "bad_count": ("B", "2024-03-05", None, 8.39, -77.87, "VEN", None),
    "adjustment": ("B", "2024-03-05", None, 8.39, -77.87, "VEN", -3),
}


def test_every_rule_has_a_test():
    assert set(QUARANTINE_CASES) == set(QUARANTINE_RULES)
    assert set(FLAG_CASES) == set(FLAG_STORED) == set(FLAG_RULES)
    assert set(RULES) == set(QUARANTINE_RULES) | set(FLAG_RULES)


@pytest.mark.parametrize("rule", sorted(QUARANTINE_CASES))
def test_each_quarantine_rule_quarantines_its_row_and_keeps_the_good_one(store, write, rule):
    result = run_import(store, write("f.csv", csv_text(GOOD_ROWS[0], QUARANTINE_CASES[rule])))
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (2, 1, 1)
    assert result.quarantine_by_rule == {rule: 1}
    assert (result.rows_flagged, result.flags_by_rule) == (0, {})
    line, found_rule, message = store.execute("SELECT line, rule, message FROM quarantine").fetchall()[0]
    assert (line, found_rule) == (3, rule)
    assert message


@pytest.mark.parametrize("rule", sorted(FLAG_CASES))
def test_each_flag_rule_keeps_its_case_with_the_flag(store, write, rule):
    result = run_import(store, write("f.csv", csv_text(GOOD_ROWS[0], FLAG_CASES[rule])))
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (2, 2, 0)
    assert result.flags_by_rule == {rule: 1} and result.rows_flagged == 1
    folded = rule in ("split_record", "repeated_row")
    assert (result.rows_inserted, result.rows_merged) == ((1, 1) if folded else (2, 0))
    incident = FLAG_STORED[rule][0]
    stored = store.execute(
        "SELECT incident_id, CAST(case_date AS VARCHAR), date_precision, lat, lon, origin, "
        "(SELECT sum(persons) FROM case_persons p WHERE p.case_uid = c.case_uid AND role = 'migrant') "
        "FROM cases c WHERE incident_id = $id",
        {"id": incident},
    ).fetchall()
    assert stored == [FLAG_STORED[rule]]
    flags = store.execute(
        "SELECT f.rule, f.message FROM case_flags f JOIN cases c USING (case_uid) WHERE c.incident_id = $id",
        {"id": incident},
    ).fetchall()
    assert [f[0] for f in flags] == [rule] and flags[0][1]
    assert store.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] == 0


def test_an_unmapped_term_is_kept_as_its_own_code_and_listed(store, write):
    result = run_import(
        store,
        write(
            "f.csv",
            csv_text(
                row(incident_id="B", transport_mode="land; Camel ", transit="Colombia>Atlantis>Panamá"),
                row(incident_id="C", transport_mode="camel"),
            ),
        ),
    )
    codes = store.execute(
        "SELECT incident_id, code FROM case_attributes JOIN cases USING (case_uid) "
        "WHERE dimension = 'transport_mode' ORDER BY ALL"
    ).fetchall()
    assert codes == [("B", "?camel"), ("B", "land"), ("C", "?camel")]
    assert store.execute("SELECT transit FROM cases WHERE incident_id = 'B'").fetchall() == [("COL>PAN",)]
    unmapped = store.execute(
        "SELECT incident_id, field, column_name, text, term_key FROM case_unmapped JOIN cases USING (case_uid) "
        "ORDER BY ALL"
    ).fetchall()
    assert unmapped == [
        ("B", "country", "transit", "Atlantis", "atlanti"),
        ("B", "transport_mode", "transport_mode", "Camel", "camel"),
        ("C", "transport_mode", "transport_mode", "camel", "camel"),
    ]
    assert [(t["field"], t["column"], t["rows"]) for t in result.unmapped_terms] == [
        ("transport_mode", "transport_mode", 2),
        ("country", "transit", 1),
    ]


def test_the_term_map_resolves_terms_at_import(store, write):
    store.execute(
        "INSERT INTO term_map VALUES ('transport_mode', $camel, 'camel', 'land', 'ana', now()), "
        "('country', $atlantis, 'Atlantis', 'CRI', 'ana', now())",
        {"camel": term_key("Camels"), "atlantis": term_key("Atlantis")},
    )
    result = run_import(
        store, write("f.csv", csv_text(row(incident_id="B", transport_mode="camel", origin="Atlantis")))
    )
    assert result.rows_flagged == 0 and result.unmapped_terms == []
    assert store.execute("SELECT origin FROM cases").fetchall() == [("CRI",)]


def test_split_parts_are_summed_and_repeats_counted_once(store, write):
    result = run_import(
        store,
        write(
            "f.csv",
            csv_text(GOOD_ROWS[0], row(migrants_m_adult="3"), row(migrants_m_adult="3"), row(), GOOD_ROWS[1]),
        ),
    )
    assert (result.rows_accepted, result.rows_merged, result.rows_inserted) == (5, 3, 2)
    assert result.flags_by_rule == {"repeated_row": 2, "split_record": 1}
    persons = store.execute(
        "SELECT sum(persons) FROM case_persons JOIN cases USING (case_uid) WHERE incident_id = 'A1' AND role = 'migrant'"
    ).fetchall()
    assert persons == [(15,)]
    again = run_import(
        store,
        write("g.csv", csv_text(GOOD_ROWS[0], row(migrants_m_adult="3"), GOOD_ROWS[1], row(migrants_m_adult="3"))),
    )
    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged, again.rows_merged) == (0, 0, 2, 2)


def test_adjustments_net_out_of_person_totals(store, write):
    run_import(store, write("f.csv", csv_text(GOOD_ROWS[0], row(incident_id="B", migrants_m_adult="-3"))))
    total = store.execute("SELECT sum(persons) FROM case_persons WHERE role = 'migrant'").fetchall()
    assert total == [(9,)]


def test_quarantine_and_flag_messages_name_the_value(store, write):
    rows = [
        row(incident_id="B", origin="Panamaa"),
        row(incident_id="C", date="2027-01-01"),
        row(incident_id="D", lat="-77.87", lon="8.39"),
    ]
    run_import(store, write("f.csv", csv_text(*rows)))
    assert store.execute("SELECT message FROM quarantine").fetchall() == [
        ("date '2027-01-01' is after the import day 2026-11-29",)
    ]
    flags = dict(
        store.execute("SELECT c.incident_id, f.message FROM case_flags f JOIN cases c USING (case_uid)").fetchall()
    )
    assert flags["B"].startswith("unknown country 'Panamaa' in origin; did you mean Panama (PAN)")
    assert flags["B"].endswith("; left unresolved")
    assert flags["D"] == "point (-77.87, 8.39) is outside PAN but inside it with lat and lon swapped"


def test_a_row_breaking_two_rules_counts_once(store, write):
    result = run_import(store, write("f.csv", csv_text(row(incident_id="", date="soon"))))
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (1, 0, 1)
    assert result.quarantine_by_rule == {"bad_date": 1, "missing_id": 1}


def test_reimport_of_the_same_file_adds_nothing(store, write):
    path = write("cases.csv", csv_text(*GOOD_ROWS))
    first = run_import(store, path)
    again = run_import(store, path)
    assert again.already_imported and again.import_id == first.import_id
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 3
    assert store.execute("SELECT count(*) FROM imports").fetchall()[0][0] == 1


def test_changed_row_replaces_the_stored_case(store, write):
    run_import(store, write("v1.csv", csv_text(*GOOD_ROWS)))
    changed = GOOD_ROWS[0].replace(",12,1", ",15,1")
    result = run_import(
        store, write("v2.csv", csv_text(changed, GOOD_ROWS[1], "Z9,PNC,2024-01-01,smuggling" + "," * (len(FIELDS) - 4)))
    )
    assert (result.rows_inserted, result.rows_updated, result.rows_unchanged) == (1, 1, 1)
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 4
    migrants = store.execute(
        "SELECT sum(persons) FROM case_persons JOIN cases USING (case_uid) WHERE incident_id = 'A1' AND role = 'migrant'"
    ).fetchall()[0][0]
    assert migrants == 15
    assert (
        store.execute(
            "SELECT count(*) FROM route_events JOIN cases USING (case_uid) WHERE incident_id = 'A1'"
        ).fetchall()[0][0]
        == 5
    )


def test_personal_columns_are_dropped_and_reported(store, write):
    header = HEADER + ",victim_name,Passport No,fecha_nacimiento,notes"
    body = GOOD_ROWS[0] + ",Maria Perez,X1234567,1990-01-02,seen at port"
    result = run_import(
        store, write("pii.csv", csv_text(body, row(incident_id="", date="x") + ",Ana,P9,1991-01-01,n", header=header))
    )
    assert result.dropped_columns == ["victim_name", "passport_no", "fecha_nacimiento"]
    assert result.ignored_columns == ["notes"]
    everything = json.dumps(store.execute("SELECT * FROM quarantine").fetchall(), default=str)
    assert "Ana" not in everything and "P9" not in everything and "1991" not in everything


def _stored_tables(con) -> dict[str, list[tuple]]:
    return {
        "cases": con.execute(
            "SELECT * EXCLUDE (case_uid, import_id, source) FROM cases ORDER BY incident_id"
        ).fetchall(),
        "persons": con.execute(
            "SELECT c.incident_id, p.* EXCLUDE (case_uid) FROM case_persons p "
            "JOIN cases c USING (case_uid) ORDER BY ALL"
        ).fetchall(),
        "events": con.execute(
            "SELECT c.incident_id, e.* EXCLUDE (case_uid) FROM route_events e "
            "JOIN cases c USING (case_uid) ORDER BY ALL"
        ).fetchall(),
        "attributes": con.execute(
            "SELECT c.incident_id, a.* EXCLUDE (case_uid) FROM case_attributes a "
            "JOIN cases c USING (case_uid) ORDER BY ALL"
        ).fetchall(),
    }


MATRIX_ROWS = [
    [
        "M1",
        "PNC",
        "05/03/2024",
        "Tráfico ilícito de migrantes",
        "Venezuela",
        "Colombia>Panamá",
        "EE.UU.",
        "PAN",
        "8.3912",
        "-77.8701",
        "Metetí",
        "terrestre;fluvial",
        "12",
    ],
    [
        "M2",
        "PNC",
        "31/03/2024",
        "Trata de personas",
        "República Dominicana",
        "",
        "Haïti",
        "HTI",
        "18.5392",
        "-72.335",
        "Port-au-Prince",
        "aéreo",
        "3",
    ],
]
MATRIX_HEADER = [
    "incident_id",
    "source",
    "date",
    "crime_type",
    "origin",
    "transit",
    "destination",
    "detection_country",
    "lat",
    "lon",
    "place",
    "transport_mode",
    "migrants_u_adult",
]


def _matrix_files(write, tmp_path):
    plain = "\n".join([",".join(MATRIX_HEADER)] + [",".join(r) for r in MATRIX_ROWS]) + "\n"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(MATRIX_HEADER)
    writer.writerows([v.replace(".", ",") if i in (8, 9) else v for i, v in enumerate(r)] for r in MATRIX_ROWS)
    semicolon = buffer.getvalue()
    files = {
        "utf8": write("m-utf8.csv", plain),
        "utf8_bom": write("m-bom.csv", codecs.BOM_UTF8 + plain.encode("utf-8")),
        "cp1252": write("m-cp1252.csv", plain.encode("cp1252")),
        "semicolon_decimal_comma": write("m-semi.csv", semicolon.encode("cp1252")),
        "tab": write("m-tab.tsv", plain.replace(",", "\t")),
        "json": write("m.json", json.dumps([dict(zip(MATRIX_HEADER, r)) for r in MATRIX_ROWS], ensure_ascii=False)),
    }
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(MATRIX_HEADER)
    for r in MATRIX_ROWS:
        sheet.append([float(v) if i in (8, 9) else int(v) if i == 12 else v for i, v in enumerate(r)])
    book.save(tmp_path / "m.xlsx")
    files["xlsx"] = tmp_path / "m.xlsx"
    pq.write_table(
        pa.table({h: [r[i] or None for r in MATRIX_ROWS] for i, h in enumerate(MATRIX_HEADER)}), tmp_path / "m.parquet"
    )
    files["parquet"] = tmp_path / "m.parquet"
    return files


def test_encoding_delimiter_and_format_matrix_gives_identical_tables(tmp_path, write):
    from turquesa_geo.store.connection import connect

    tables = {}
    for name, path in _matrix_files(write, tmp_path).items():
        con = connect(tmp_path / f"{name}.duckdb")
        result = run_import(con, path)
        assert (result.rows_accepted, result.rows_quarantined) == (2, 0), (name, result)
        tables[name] = _stored_tables(con)
        con.close()
    reference = tables.pop("utf8")
    assert reference["cases"][0][:4] == ("M1", None, None, "smuggling")
    for name, stored in tables.items():
        assert stored == reference, name


def test_same_content_in_another_encoding_is_unchanged(store, write, tmp_path):
    files = _matrix_files(write, tmp_path)
    run_import(store, files["utf8"])
    result = run_import(store, files["cp1252"])
    assert (result.rows_inserted, result.rows_updated, result.rows_unchanged) == (0, 0, 2)


def test_ambiguous_dates_are_refused_unless_a_format_is_given(store, write):
    path = write("d.csv", csv_text(row(date="03/04/2024"), row(incident_id="B", date="05/06/2024")))
    with pytest.raises(ImportRefused, match="--date-format"):
        run_import(store, path)
    assert store.execute("SELECT count(*) FROM imports").fetchall()[0][0] == 0
    result = run_import(store, path, date_format="%m/%d/%Y")
    assert result.rows_accepted == 2
    assert store.execute("SELECT min(case_date) FROM cases").fetchall()[0][0].isoformat() == "2024-03-04"


def test_mixed_day_first_and_month_first_is_refused(store, write):
    path = write("d.csv", csv_text(row(date="13/04/2024"), row(incident_id="B", date="04/13/2024")))
    with pytest.raises(ImportRefused, match="both day-first"):
        run_import(store, path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (HEADER.encode() + b"\n", "no data rows"),
        (b"\x00\x01\x02binary", "encoding"),
        (b"incident_id,date\nA,2024-01-01\n", "crime_type"),
        (b"incident_id,date,crime_type,victims_z_adult\nA,2024-01-01,tip,1\n", "gender code 'z'"),
        (b"incident_id,date,crime_type,date\nA,2024-01-01,tip,x\n", "appears twice"),
    ],
)
def test_unusable_files_are_refused_with_one_line(store, write, content, message):
    with pytest.raises(ImportRefused, match=message) as info:
        run_import(store, write("bad.csv", content))
    assert "\n" not in str(info.value)
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 0


def test_quoted_line_breaks_keep_exact_line_numbers(store, write):
    multi = row(incident_id="B", place='"Metetí\nDarién"')
    text = csv_text(GOOD_ROWS[0], multi, row(incident_id="C", date="never"))
    result = run_import(store, write("m.csv", text))
    assert result.rows_accepted == 2
    assert store.execute("SELECT line, rule FROM quarantine").fetchall() == [(5, "bad_date")]
    assert store.execute("SELECT place FROM cases WHERE incident_id = 'B'").fetchall()[0][0] == "Metetí\nDarién"


def test_future_date_rule_uses_the_import_day(store, write):
    result = run_import(store, write("f.csv", csv_text(row(date=TODAY.isoformat()))))
    assert result.rows_accepted == 1


# --- fast paths against slow references ------------------------------------------------

NBSP = "\u00a0"


def test_padded_and_blank_cells_import_like_tidy_ones(tmp_path, write):
    """Cells are trimmed lazily (lookups, casts, messages): the result must equal trimming every cell."""
    from turquesa_geo.store.connection import connect

    padded = [
        row(
            incident_id=" P1 ",
            source=f"{NBSP}PNC ",
            date=" 2024-03-05",
            crime_type=" smuggling",
            origin=f"Venezuela{NBSP}",
            transit=" Colombia>Panamá ",
            lat=" 8.39",
            lon=f"{NBSP}-77.87",
            place=" Metetí ",
            transport_mode=" land ",
            migrants_m_adult=" 12 ",
            suspects_m_adult=f"1{NBSP}",
            victims_f_adult="   ",
        ),
        row(incident_id="P2", lat="  ", lon=" ", victims_f_minor=f"{NBSP}"),
    ]
    tidy = [
        row(
            incident_id="P1",
            source="PNC",
            date="2024-03-05",
            crime_type="smuggling",
            origin="Venezuela",
            transit="Colombia>Panamá",
            lat="8.39",
            lon="-77.87",
            place="Metetí",
            transport_mode="land",
            migrants_m_adult="12",
            suspects_m_adult="1",
            victims_f_adult="",
        ),
        row(incident_id="P2", lat="", lon="", victims_f_minor=""),
    ]
    tables = {}
    for name, rows in (("padded", padded), ("tidy", tidy)):
        con = connect(tmp_path / f"{name}.duckdb")
        result = run_import(con, write(f"{name}.csv", csv_text(*rows)))
        assert (result.rows_accepted, result.rows_quarantined) == (2, 0), name
        tables[name] = _stored_tables(con)
        con.close()
    assert tables["padded"] == tables["tidy"]


def test_messages_quote_trimmed_text(store, write):
    rows = [
        row(incident_id=" B ", lat=f" north{NBSP}"),
        row(incident_id="C", origin=f" Atlantis{NBSP}"),
        row(incident_id="D", migrants_m_adult=" -3 "),
        row(incident_id="   "),
    ]
    run_import(store, write("f.csv", csv_text(*rows)))
    found = store.execute(
        "SELECT c.incident_id, f.rule, f.value, f.message FROM case_flags f JOIN cases c USING (case_uid) ORDER BY 1"
    ).fetchall()
    assert found[0] == ("B", "bad_coordinate", "north", "lat 'north' is not a number")
    assert found[1][:3] == ("C", "unknown_country", "Atlantis")
    assert found[2] == (
        "D",
        "adjustment",
        "-3",
        "migrants_m_adult '-3' is negative: stored as an adjustment of an earlier report, netted in the totals",
    )
    assert store.execute("SELECT line, rule FROM quarantine").fetchall() == [(5, "missing_id")]
    record = json.loads(store.execute("SELECT record FROM quarantine WHERE line = 5").fetchall()[0][0])
    assert record["incident_id"] is None and record["lat"] == "8.39"


COUNT_CELLS = [
    "0",
    "3",
    "-3",
    "1.5",
    "-1.5",
    "-0",
    "3.0",
    "1e1",
    " 4 ",
    f"{NBSP}2",
    "",
    "  ",
    "abc",
    "nan",
    "inf",
    "-inf",
    "3000000000",
    "9223372036854775807",
    None,
]
COORDINATE_CELLS = ["8.39", "-77.87", "0", "95.2", "-200", " 1.5 ", "north", "", " ", "nan", None]


def test_suspect_rows_cover_every_row_rule():
    """The one-scan prefilter may let through more rows than the rules flag, never fewer."""
    import duckdb

    from turquesa_geo.store.queries import ingest_flat as importer
    from turquesa_geo.store.queries.ingest_flat import FlatStage

    con = duckdb.connect()
    cells = [
        (i, c, lat, lon)
        for i, (c, lat, lon) in enumerate(
            (c, lat, lon) for c in COUNT_CELLS for lat in COORDINATE_CELLS for lon in COORDINATE_CELLS
        )
    ]
    con.execute(
        "CREATE TABLE cells (_line BIGINT, incident_id VARCHAR, victims_f_adult VARCHAR, lat VARCHAR, lon VARCHAR)"
    )
    con.executemany(
        "INSERT INTO cells VALUES (?, ?, ?, ?, ?)",
        [(i, "A" if i % 7 else " ", c, lat, lon) for i, c, lat, lon in cells],
    )
    info = FlatStage("cells", ("incident_id", "victims_f_adult", "lat", "lon"))
    broken = " OR ".join(f"({rule.where})" for rule in importer.row_rules(info))
    missed = con.execute(
        f"SELECT _incident_id, _victims_f_adult_cell, _lat_cell, _lon_cell FROM "
        f"(SELECT {', '.join(importer.own_values(info))} FROM cells s) "
        f"WHERE ({broken}) AND NOT coalesce({importer.suspect_sql(['victims_f_adult'])}, false)"
    ).fetchall()
    assert missed == []
    suspects = con.execute(
        f"SELECT count(*) FROM (SELECT {', '.join(importer.own_values(info))} FROM cells s) "
        f"WHERE {importer.suspect_sql(['victims_f_adult'])}"
    ).fetchall()[0][0]
    assert 0 < suspects < len(cells)


def test_insertion_order_setting_is_kept(store, write):
    store.execute("SET preserve_insertion_order = false")
    result = run_import(
        store,
        write(
            "f.csv",
            csv_text(
                GOOD_ROWS[0],
                row(incident_id="B", date="never"),
                GOOD_ROWS[1] + ",extra",
                row(incident_id="", lat="north"),
            ),
        ),
    )
    assert result.rows_quarantined == 3
    assert store.execute("SELECT line, rule FROM quarantine ORDER BY line, rule").fetchall() == [
        (3, "bad_date"),
        (4, "ragged_row"),
        (5, "missing_id"),
    ]
    assert store.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0] is False


SCAN_PIECES = [
    b"a",
    b"1",
    b",",
    b";",
    b" ",
    b"\n",
    b"\r",
    b"\r\n",
    b"\t",
    "é".encode(),
    "€".encode(),
    "€".encode()[:2],
    b"\xff",
    b"\xe9",
    b"\x00",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
]


def _scan_reference(data: bytes):
    """What decoding the whole file says: the plain UTF-8 verdict, data lines and blankness."""
    from turquesa_geo.ingest.readers import ImportRefused, _data_lines, detect_encoding

    try:
        encoding, bom = detect_encoding(data)
    except ImportRefused:
        return None
    if encoding != "utf-8" or bom:
        return None
    return _data_lines(data), data.isspace()


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(SCAN_PIECES), min_size=1, max_size=40), chunk=st.sampled_from([1, 2, 3, 7, 64]))
def test_chunked_scan_matches_whole_file_decoding(tmp_path_factory, monkeypatch_module, pieces, chunk):
    from turquesa_geo.ingest import readers

    data = b"".join(pieces)
    path = tmp_path_factory.mktemp("scan") / "f.csv"
    path.write_bytes(data)
    monkeypatch_module.setattr(readers, "_SCAN_CHUNK", chunk)
    scanned = readers._scan_plain_utf8(path)
    expected = _scan_reference(data)
    assert (None if scanned is None else (scanned.lines, scanned.blank)) == expected


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch
