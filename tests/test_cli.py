"""The command line: reconciliation output, JSON, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import GOOD_ROWS, csv_text

from turquesa_geo.cli import main


def test_import_prints_the_reconciliation(tmp_path, write, capsys):
    path = write("cases.csv", csv_text(*GOOD_ROWS, GOOD_ROWS[0]))
    assert main(["import", str(path), "--db", str(tmp_path / "s.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "read 4 = accepted 3 + quarantined 1" in out
    assert "quarantined by duplicate_id: 1" in out


def test_import_json_holds_id_counts_and_dropped_columns(tmp_path, write, capsys):
    header = "incident_id,date,crime_type,telefono"
    path = write("c.csv", csv_text("X1,2024-01-01,tip,555-1234", header=header))
    assert main(["import", str(path), "--db", str(tmp_path / "s.duckdb"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)["imports"][0]
    assert (
        report["import_id"],
        report["rows_read"],
        report["rows_accepted"],
        report["rows_quarantined"],
        report["rows_updated"],
    ) == (1, 1, 1, 0, 0)
    assert report["dropped_columns"] == ["telefono"]
    assert main(["import", str(path), "--db", str(tmp_path / "s.duckdb")]) == 0
    assert "already imported as import 1" in capsys.readouterr().out


def test_errors_are_one_line_with_nonzero_exit(tmp_path, write, capsys):
    empty = write("empty.csv", "")
    assert main(["import", str(empty), "--db", str(tmp_path / "s.duckdb")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("turquesa: error: ") and err.count("\n") == 1 and "empty" in err
    assert main(["import", str(tmp_path / "missing.csv"), "--db", str(tmp_path / "s.duckdb")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["status", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "no store at" in capsys.readouterr().err


def test_status_and_quarantine_export(tmp_path, write, capsys):
    db = str(tmp_path / "s.duckdb")
    bad = GOOD_ROWS[0].replace("2024-03-05", "=1+1")
    main(["import", str(write("c.csv", csv_text(*GOOD_ROWS, bad.replace("A1,", "A9,")))), "--db", db])
    capsys.readouterr()
    assert main(["status", "--db", db, "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    years = {(r["crime_type"], r["year"]): r["cases"] for r in status["cases_by_crime_type_and_year"]}
    assert years == {("smuggling", 2024): "<5", ("trafficking", 2023): "<5", ("trafficking", 2024): "<5"}
    assert status["quarantine_by_rule"] == [{"rule": "bad_date", "rows": 1, "problems": 1}]
    out = tmp_path / "q.csv"
    assert main(["quarantine", "--import", "1", "--out", str(out), "--db", db]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("quarantine_line,quarantine_rules,quarantine_messages,incident_id")
    assert ",'=1+1," in text  # neutralised: no formula runs when the sheet opens
    assert main(["quarantine", "--import", "7", "--db", db]) == 1


def test_status_protects_cells_beside_another_breakdown_of_the_total(tmp_path, write, capsys):
    # Sources PNC 7 and OIM 1: with the store's total (8) PNC would give OIM away, so both hide;
    # likewise smuggling 7 beside trafficking 1 in 2024.
    rows = [GOOD_ROWS[0].replace("A1,", f"S{i},", 1) for i in range(7)] + [GOOD_ROWS[1].replace(",PNC,", ",OIM,")]
    db = str(tmp_path / "s.duckdb")
    main(["import", str(write("c.csv", csv_text(*rows))), "--db", db])
    capsys.readouterr()
    assert main(["status", "--db", db, "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert {r["source"]: r["cases"] for r in status["sources"]} == {"PNC": "·", "OIM": "<5"}
    years = {(r["crime_type"], r["year"]): (r["cases"], r["persons"]) for r in status["cases_by_crime_type_and_year"]}
    assert years == {("smuggling", 2024): ("·", "84"), ("trafficking", 2024): ("<5", "5")}


def test_help_works_for_every_command():
    for command in ("import", "demo", "status", "quarantine", "serve", "bench"):
        done = subprocess.run(
            [sys.executable, "-m", "turquesa_geo.cli", command, "--help"], capture_output=True, text=True
        )
        assert done.returncode == 0 and "usage: turquesa" in done.stdout, command
