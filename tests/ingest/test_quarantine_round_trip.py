"""The quarantine round trip: download the quarantined rows, correct them, import them again.

The file is the CLI's download (``ingest.ledger.quarantine_entries`` and ``exports.tables.write_quarantine_csv``);
the corrected file re-imports to exactly the corrected rows, and the entries they answer are resolved.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from conftest import run_import

from turquesa_geo.cli import main
from turquesa_geo.exports.tables import write_quarantine_csv
from turquesa_geo.ingest.ledger import quarantine_entries
from turquesa_geo.store import inventory

#: A police file of the Americas as such files come: ``;`` between fields, decimal commas, negative
#: longitudes, day-first dates, Windows-1252. Line 3 has no date, line 5 no id, line 6 no date and no source.
PNC_FILE = (
    "incident_id;source;date;crime_type;nationality;detection_country;lat;lon;place;transport_mode;"
    "migrants_m_adult;victims_f_adult\n"
    "C1;PNC Colombia;05/03/2024;smuggling;VEN;COL;8,51;-76,73;Necoclí;land;12;\n"
    "C2;PNC Colombia;;smuggling;VEN;PAN;8,39;-77,87;Metetí;land;7;\n"
    "C3;;20/04/2024;Trata de personas;VEN;PER;-12,05;-77,04;Lima;;;3\n"
    ";PNC Colombia;14/05/2024;smuggling;HTI;DOM;18,47;-69,89;Santo Domingo;sea;5;\n"
    "C5;;;trafficking;COL;ECU;-0,18;-78,47;Quito;;;2\n"
)

#: What the test corrects in the download, as an analyst would: (column, line quarantined) -> value.
CORRECTIONS = {("date", "3"): "18/03/2024", ("incident_id", "5"): "C4", ("date", "6"): "25/06/2024"}


def _cases(con) -> list[tuple]:
    return con.execute(
        "SELECT source, incident_id, case_date, crime_type, lat, lon, place, import_id FROM cases ORDER BY incident_id"
    ).fetchall()


def _download(con, path, import_id: int | None = 1):
    headers, rows = quarantine_entries(con, import_id)
    return write_quarantine_csv(rows, headers, path)


def _correct(text: str, corrections: dict[tuple[str, str], str]) -> str:
    """The download with cells filled in, saved again as a spreadsheet would (same delimiter)."""
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    for row in rows[1:]:
        for (column, line), value in corrections.items():
            if row[header.index("quarantine_line")] == line:
                row[header.index(column)] = value
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def test_the_download_keeps_numbers_the_delimiter_and_the_source(store, write, tmp_path):
    run_import(store, write("pnc-2024.csv", PNC_FILE, encoding="cp1252"))
    text = _download(store, tmp_path / "q.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == [
        "quarantine_import;quarantine_line;quarantine_rules;quarantine_messages;incident_id;source;date;crime_type;"
        "nationality;detection_country;lat;lon;place;transport_mode;migrants_m_adult;victims_f_adult",
        "1;3;missing_date;date is empty;C2;PNC Colombia;;smuggling;VEN;PAN;8,39;-77,87;Metetí;land;7;",
        "1;5;missing_id;incident_id is empty;;PNC Colombia;14/05/2024;smuggling;HTI;DOM;18,47;-69,89;Santo Domingo;"
        "sea;5;",
        # No source in the file: the download names the one the row took, the file's stem.
        "1;6;missing_date;date is empty;C5;pnc-2024;;trafficking;COL;ECU;-0,18;-78,47;Quito;;;2",
    ]


def test_a_corrected_download_imports_exactly_the_corrected_rows(store, write, tmp_path, capsys):
    first = run_import(store, write("pnc-2024.csv", PNC_FILE, encoding="cp1252"))
    assert (first.rows_read, first.rows_accepted, first.rows_quarantined) == (5, 2, 3)
    assert first.quarantine_by_rule == {"missing_date": 2, "missing_id": 1}
    text = _download(store, tmp_path / "q.csv").read_text(encoding="utf-8-sig")

    # Any name will do: the rows carry their source, and the download's own columns say which entries they answer.
    second = run_import(store, write("correcciones.csv", _correct(text, CORRECTIONS)))

    assert (second.rows_read, second.rows_accepted, second.rows_quarantined) == (3, 3, 0)
    assert (second.rows_inserted, second.rows_updated, second.rows_unchanged) == (3, 0, 0)
    assert (second.ignored_columns, second.dropped_columns) == ([], [])  # quarantine_* recognised, not reported
    assert second.quarantine_resolved == 3
    assert _cases(store) == [
        ("PNC Colombia", "C1", dt.date(2024, 3, 5), "smuggling", 8.51, -76.73, "Necoclí", 1),
        ("PNC Colombia", "C2", dt.date(2024, 3, 18), "smuggling", 8.39, -77.87, "Metetí", 2),
        ("pnc-2024", "C3", dt.date(2024, 4, 20), "trafficking", -12.05, -77.04, "Lima", 1),
        ("PNC Colombia", "C4", dt.date(2024, 5, 14), "smuggling", 18.47, -69.89, "Santo Domingo", 2),
        ("pnc-2024", "C5", dt.date(2024, 6, 25), "trafficking", -0.18, -78.47, "Quito", 2),
    ]
    resolved = store.execute("SELECT import_id, line, rule, resolved_by FROM quarantine ORDER BY line").fetchall()
    assert resolved == [(1, 3, "missing_date", 2), (1, 5, "missing_id", 2), (1, 6, "missing_date", 2)]
    assert inventory.open_quarantine(store).empty
    assert inventory.store_totals(store)["quarantine_open"] == 0
    assert quarantine_entries(store) == (quarantine_entries(store)[0], [])

    store.close()
    assert main(["status", "--db", str(tmp_path / "store.duckdb"), "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["open_quarantine"] == []
    assert [(r["import_id"], r["quarantine_open"]) for r in status["last_imports"]] == [(2, 0), (1, 0)]


def test_a_row_still_wrong_stays_open_once_under_the_newer_import(store, write, tmp_path):
    run_import(store, write("pnc-2024.csv", PNC_FILE, encoding="cp1252"))
    text = _download(store, tmp_path / "q.csv").read_text(encoding="utf-8-sig")
    only_c2 = {("date", "3"): "18/03/2024"}
    second = run_import(store, write("c2.csv", _correct(text, only_c2)))
    assert (second.rows_read, second.rows_accepted, second.rows_quarantined) == (3, 1, 2)
    assert second.quarantine_resolved == 3  # one accepted, two taken again
    assert store.execute(
        "SELECT import_id, line, rule, resolved_by FROM quarantine ORDER BY import_id, line"
    ).fetchall() == [
        (1, 3, "missing_date", 2),
        (1, 5, "missing_id", 2),
        (1, 6, "missing_date", 2),
        (2, 3, "missing_id", None),
        (2, 4, "missing_date", None),
    ]
    assert inventory.store_totals(store)["quarantine_open"] == 2
    # The next download names the newer entries, and answers them in turn.
    text = _download(store, tmp_path / "q2.csv", import_id=None).read_text(encoding="utf-8-sig")
    assert [line.split(";")[:2] for line in text.splitlines()[1:]] == [["2", "3"], ["2", "4"]]
    third = run_import(
        store, write("rest.csv", _correct(text, {("incident_id", "3"): "C4", ("date", "4"): "25/06/2024"}))
    )
    assert (third.rows_accepted, third.rows_quarantined, third.quarantine_resolved) == (2, 0, 2)
    assert inventory.store_totals(store)["quarantine_open"] == 0
    assert [r[1] for r in _cases(store)] == ["C1", "C2", "C3", "C4", "C5"]


def test_an_older_download_with_guarded_negative_numbers_reads_back_as_numbers(store, write):
    # Downloads before this change had no quarantine_import column and guarded every negative number.
    run_import(store, write("pnc-2024.csv", PNC_FILE, encoding="cp1252"))
    old = (
        "quarantine_line,quarantine_rules,quarantine_messages,incident_id,source,date,crime_type,detection_country,"
        "lat,lon,place,migrants_m_adult\n"
        "3,missing_date,date is empty,C2,PNC Colombia,18/03/2024,smuggling,PAN,8.39,'-77.87,Metetí,7\n"
        "6,missing_date,date is empty,C5,pnc-2024,25/06/2024,trafficking,ECU,'-0.18,'-78.47,'=Quito,2\n"
    )
    result = run_import(store, write("old-download.csv", old))
    assert (result.rows_accepted, result.rows_quarantined, result.ignored_columns) == (2, 0, [])
    assert result.quarantine_resolved == 2  # by (source, id): the old file does not name the import
    points = store.execute("SELECT incident_id, lat, lon, place FROM cases WHERE import_id = 2 ORDER BY 1").fetchall()
    # Numbers come back as numbers, and a guarded text as it was written before it was guarded.
    assert points == [("C2", 8.39, -77.87, "Metetí"), ("C5", -0.18, -78.47, "=Quito")]
    assert inventory.store_totals(store)["quarantine_open"] == 1  # line 5 (no id) of import 1: not in this file


def test_the_source_given_at_import_is_the_one_the_download_names(store, write, tmp_path):
    run_import(store, write("pnc-2024.csv", PNC_FILE, encoding="cp1252"), source="Fiscalía")
    text = _download(store, tmp_path / "q.csv").read_text(encoding="utf-8-sig")
    assert [line.split(";")[5] for line in text.splitlines()] == ["source", "PNC Colombia", "PNC Colombia", "Fiscalía"]
    run_import(store, write("fixed.csv", _correct(text, CORRECTIONS)))
    assert store.execute("SELECT source FROM cases WHERE incident_id = 'C5'").fetchall() == [("Fiscalía",)]
    assert inventory.store_totals(store)["quarantine_open"] == 0


def test_the_whole_original_file_corrected_resolves_by_source_and_id(store, write):
    # The other way to correct: fix the original file and import it again (no quarantine_* columns).
    run_import(store, write("pnc-2024.csv", PNC_FILE, encoding="cp1252"))
    fixed = PNC_FILE.replace("C2;PNC Colombia;;", "C2;PNC Colombia;18/03/2024;").replace("C5;;;", "C5;;25/06/2024;")
    second = run_import(store, write("pnc-2024.csv", fixed, encoding="cp1252"))
    assert (second.rows_read, second.rows_accepted, second.rows_quarantined) == (5, 4, 1)
    assert (second.rows_inserted, second.rows_unchanged) == (2, 2)
    # C2 and C5 are answered; the row without an id is taken again, and only the newer entry is open.
    assert store.execute("SELECT import_id, line, resolved_by FROM quarantine ORDER BY import_id, line").fetchall() == [
        (1, 3, 2),
        (1, 5, 2),
        (1, 6, 2),
        (2, 5, None),
    ]
