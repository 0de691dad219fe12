"""The command line: reconciliation output, JSON, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GOOD_ROWS, csv_text

from turquesa_geo import cli
from turquesa_geo.cli import main
from turquesa_geo.store.connection import connect

ROOT = Path(__file__).resolve().parent.parent


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
    for command in ("import", "demo", "status", "quarantine", "duplicates", "serve", "bench"):
        done = subprocess.run(
            [sys.executable, "-m", "turquesa_geo.cli", command, "--help"], capture_output=True, text=True
        )
        assert done.returncode == 0 and "usage: turquesa" in done.stdout, command


def test_demo_if_empty_builds_only_when_the_store_is_missing_or_holds_no_case(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    connect(db).close()  # a store with its tables and no case, as an interrupted run leaves one
    assert main(["demo", "--if-empty", "--rows", "50", "--db", str(db)]) == 0
    assert "demo-50-seed7.parquet: import 1" in capsys.readouterr().out
    assert main(["demo", "--if-empty", "--rows", "50", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == f"{db} already holds cases: no demo added"
    missing = tmp_path / "missing.duckdb"
    assert main(["demo", "--if-empty", "--rows", "50", "--db", str(missing), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows_accepted"] == 50


def test_make_run_builds_the_demo_unless_the_store_holds_cases_then_serves():
    done = subprocess.run(["make", "-n", "run", "DB=x.duckdb"], cwd=ROOT, capture_output=True, text=True, check=True)
    commands = [line for line in done.stdout.splitlines() if "bin/turquesa" in line]
    assert [c.split("bin/turquesa ", 1)[1].split()[:2] for c in commands] == [["demo", "--if-empty"], ["serve", "--db"]]


def test_serve_runs_the_app_beside_the_code_with_the_committed_settings(tmp_path, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(cli, "become", lambda command, env, cwd: calls.append((command, env, cwd)) or 0)
    monkeypatch.chdir(tmp_path)  # the working folder plays no part
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("country,network,role,office,channel\n", encoding="utf-8")
    assert main(["serve", "--db", "s.duckdb", "--port", "8600", "--contacts", "contacts.csv"]) == 0
    ((command, env, cwd),) = calls
    assert command[1:4] == ["-m", "streamlit", "run"] and Path(command[4]) == ROOT / "app.py" and cwd == ROOT
    flags = dict(zip(command[5::2], command[6::2]))
    assert flags["--browser.gatherUsageStats"] == "false" and flags["--server.enableXsrfProtection"] == "true"
    assert flags["--server.address"] == flags["--browser.serverAddress"] == "127.0.0.1"
    assert flags["--server.port"] == "8600"
    assert env["TURQUESA_DB"] == str(tmp_path / "s.duckdb") and env["TURQUESA_CONTACTS"] == str(contacts)
    assert capsys.readouterr().err == ""


def test_serve_names_the_setting_and_the_path_when_the_contacts_file_is_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "become", lambda command, env, cwd: 0)
    monkeypatch.setenv("TURQUESA_CONTACTS", str(tmp_path / "nowhere.csv"))
    assert main(["serve", "--db", str(tmp_path / "s.duckdb")]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"turquesa: No contacts file at {tmp_path / 'nowhere.csv'}: set TURQUESA_CONTACTS ")


def test_stopping_serve_stops_the_server_it_started(tmp_path):
    """`turquesa serve` becomes the Streamlit server: a stop signal to it leaves no server listening."""
    import time  # only this test waits
    import urllib.error
    import urllib.request

    from browser import free_port

    db = tmp_path / "s.duckdb"
    assert main(["demo", "--rows", "200", "--db", str(db)]) == 0
    port = free_port()
    health = f"http://127.0.0.1:{port}/_stcore/health"
    server = subprocess.Popen(
        [sys.executable, "-m", "turquesa_geo.cli", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(health, timeout=2) as answer:
                    assert answer.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline and server.poll() is None, "the server never answered"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=60)
    try:
        urllib.request.urlopen(health, timeout=2)
        still_up = True
    except (urllib.error.URLError, ConnectionError):
        still_up = False
    assert not still_up, "a server is still answering after `turquesa serve` was stopped"


# --- probable duplicates ----------------------------------------------------------------------

#: The police's next vintage: A1 and A2 again under a new id scheme (A1 a day later).
NEXT_VINTAGE = (
    GOOD_ROWS[0].replace("A1,", "PNC-24-1,", 1).replace("2024-03-05", "2024-03-06"),
    GOOD_ROWS[1].replace("A2,", "PNC-24-2,", 1),
)


def test_import_reports_probable_duplicates_and_the_choice_of_policy(tmp_path, write, capsys):
    db = str(tmp_path / "s.duckdb")
    assert main(["import", str(write("v1.csv", csv_text(*GOOD_ROWS))), "--db", db]) == 0
    capsys.readouterr()
    assert main(["import", str(write("v2.csv", csv_text(*NEXT_VINTAGE))), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "  probable duplicates: 2 of 2 rows match cases already stored from import 1\n" in out
    assert "  see them with: turquesa duplicates list --import 2\n" in out
    other = csv_text(GOOD_ROWS[1].replace("A2,PNC,", "O1,OIM,", 1))
    assert main(["import", str(write("oim.csv", other)), "--db", db, "--duplicates", "link", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)["imports"][0]
    assert (report["probable_duplicates"], report["duplicates_of"]) == (1, {"1": 1})
    with pytest.raises(SystemExit):
        main(["import", str(write("x.csv", other)), "--db", db, "--duplicates", "merge"])
    assert "invalid choice: 'merge'" in capsys.readouterr().err


def counted(db: str) -> int:
    con = connect(db, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM counted_cases").fetchall()[0][0]
    finally:
        con.close()


def test_duplicates_list_detect_link_and_unlink(tmp_path, write, capsys):
    db = str(tmp_path / "s.duckdb")
    main(["import", str(write("v1.csv", csv_text(*GOOD_ROWS))), "--db", db])
    main(["import", str(write("v2.csv", csv_text(*NEXT_VINTAGE))), "--db", db, "--duplicates", "off"])
    capsys.readouterr()
    assert main(["duplicates", "list", "--db", db]) == 0
    assert capsys.readouterr().out == "(no probable duplicate)\n"
    assert main(["duplicates", "detect", "--db", db]) == 0
    assert capsys.readouterr().out == ("5 cases checked: 2 probable duplicates, 2 linked (counted once), 0 kept both\n")
    assert main(["duplicates", "list", "--db", db, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "case_uid,source,incident_id,case_date,linked_to,linked_source,linked_incident_id,linked_date,status,"
        "method,score"
    )
    assert [line.split(",")[2:4] + line.split(",")[6:9] for line in lines[1:]] == [
        ["PNC-24-1", "2024-03-06", "A1", "2024-03-05", "linked"],
        ["PNC-24-2", "2024-03-31", "A2", "2024-03-31", "linked"],
    ]
    assert main(["duplicates", "list", "--db", db, "--format", "json", "--status", "kept"]) == 0
    assert json.loads(capsys.readouterr().out) == {"links": []}
    con = connect(db, read_only=True)
    uid = dict(con.execute("SELECT incident_id, case_uid FROM cases").fetchall())
    con.close()
    a2, b2 = uid["A2"], uid["PNC-24-2"]
    assert main(["duplicates", "unlink", str(a2), str(b2), "--db", db]) == 0
    assert capsys.readouterr().out == f"cases {a2} and {b2} unlinked: both reports kept, counted apart\n"
    assert counted(db) == 4
    assert main(["duplicates", "link", str(a2), str(b2), "--db", db]) == 0
    assert capsys.readouterr().out == f"case {b2} linked to case {a2}: counted once\n"
    assert counted(db) == 3
    assert main(["duplicates", "link", str(b2), str(uid["A1"]), "--db", db]) == 1
    assert capsys.readouterr().err == (
        f"turquesa: error: case {b2} is already linked to case {a2}; unlink them first\n"
    )
    assert main(["--lang", "es", "duplicates", "unlink", str(uid["A1"]), str(a2), "--db", db]) == 1
    assert capsys.readouterr().err == (f"turquesa: error: los casos {uid['A1']} y {a2} no están vinculados\n")
