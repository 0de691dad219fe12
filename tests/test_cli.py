"""The command line: reconciliation output, JSON, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GOOD_ROWS, csv_text
from reference_store import reference_store
from terms_store import fill as fill_terms_store

from turquesa_geo import cli
from turquesa_geo.cli import main
from turquesa_geo.store.connection import connect

ROOT = Path(__file__).resolve().parent.parent


def test_import_prints_the_reconciliation(tmp_path, write, capsys):
    path = write("cases.csv", csv_text(*GOOD_ROWS, GOOD_ROWS[0]))
    assert main(["import", str(path), "--db", str(tmp_path / "s.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "read 4 = accepted 4 + quarantined 0" in out
    assert "accepted 4 = inserted 3 + updated 0 + unchanged 0 + merged 1" in out
    assert "flagged by repeated_row: 1 (the same row is given again: counted once)" in out


def test_one_refused_file_does_not_stop_the_files_after_it(tmp_path, write, capsys):
    good = write("good.csv", csv_text(*GOOD_ROWS))
    later = write("later.csv", csv_text("Z9,2024-02-02,tip", header="incident_id,date,crime_type"))
    empty = write("empty.csv", "")
    db = str(tmp_path / "s.duckdb")
    assert main(["import", str(good), str(empty), str(later), "--db", db, "--format", "json"]) == cli.EXIT_REFUSED
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert [r["rows_accepted"] for r in report["imports"]] == [3, 1]
    assert [r["file"] for r in report["refused"]] == [str(empty)]
    assert "empty.csv refused, nothing of it stored" in captured.err
    assert connect(db).execute("SELECT count(*) FROM cases").fetchall() == [(4,)]


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
    assert status["quarantine_by_rule"] == [{"rule": "bad_date", "rows": 1, "open": 1, "problems": 1}]
    assert status["open_quarantine"] == [{"import_id": 1, "file_name": "c.csv", "open": 1, "rules": "bad_date"}]
    assert [r["quarantine_open"] for r in status["last_imports"]] == [1]
    out = tmp_path / "q.csv"
    assert main(["quarantine", "--import", "1", "--out", str(out), "--db", db]) == 0
    text = out.read_text(encoding="utf-8-sig")
    header = "quarantine_import,quarantine_line,quarantine_rules,quarantine_messages,incident_id,source,date"
    assert text.splitlines()[0].startswith(header)
    assert ",'=1+1," in text  # neutralised: no formula runs when the sheet opens
    assert ",8.39,-77.87," in text  # numbers stay numbers
    assert main(["quarantine", "--import", "7", "--db", db]) == 1


def test_quarantine_lists_open_rows_by_default_and_resolved_ones_with_all(tmp_path, write, capsys):
    db = str(tmp_path / "s.duckdb")
    undated = GOOD_ROWS[0].replace("A1,", "A9,").replace("2024-03-05", "")
    main(["import", str(write("c.csv", csv_text(*GOOD_ROWS, undated))), "--db", db])
    capsys.readouterr()
    out = tmp_path / "open.csv"
    assert main(["quarantine", "--out", str(out), "--db", db]) == 0  # every import's open rows
    assert capsys.readouterr().out == f"1 open quarantine entries written to {out}\n"
    fixed = out.read_text(encoding="utf-8-sig").replace("A9,PNC,,", "A9,PNC,2024-03-07,")
    assert main(["import", str(write("fixed.csv", fixed)), "--db", db]) == 0
    report = capsys.readouterr().out
    assert "read 1 = accepted 1 + quarantined 0" in report
    assert "quarantined rows of earlier imports resolved: 1" in report
    assert "columns not in the model" not in report
    assert main(["quarantine", "--db", db]) == 0
    assert capsys.readouterr().out == "(nothing quarantined)\n"
    assert main(["quarantine", "--import", "1", "--all", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Import", "Line", "Column", "Rule", "Value", "Message", "Resolved", "by", "import"]
    assert lines[2].split() == ["1", "5", "date", "missing_date", "date", "is", "empty", "2"]
    assert main(["quarantine", "--all", "--db", db, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [(r["import_id"], r["line"], r["rule"], r["resolved_by"]) for r in rows] == [(1, 5, "missing_date", 2)]


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
    for command in ("import", "demo", "status", "quarantine", "terms", "duplicates", "serve", "bench"):
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


# --- the term map ---------------------------------------------------------------------------


def _terms_store(tmp_path: Path) -> list[str]:
    db = tmp_path / "terms.duckdb"
    con = connect(db)
    fill_terms_store(con)
    con.close()
    return ["--db", str(db)]


def test_terms_lists_the_unmapped_terms_with_counts_and_suggestions(tmp_path, capsys):
    db = _terms_store(tmp_path)
    assert main(["terms", "--unmapped", "--field", "origin", "--format", "csv", *db]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "field,text,cases,columns,suggestions",
        "country,Narnia,2,transit,",  # nothing close enough to suggest: rapidfuzz's cutoff
        "country,Oz,2,transit,",
        "country,Atlantis,1,origin,",
    ]
    assert main(["terms", "--unmapped", "--field", "control_methods", *db]) == 0
    assert capsys.readouterr().out.strip() == "(no unmapped term)"
    assert main(["terms", "--unmapped", "--format", "json", *db]) == 0
    first = json.loads(capsys.readouterr().out)["unmapped_terms"][0]
    assert first == {
        "field": "recruitment_method",
        "text": "Oferta de empléo",
        "cases": 4,
        "columns": "recruitment_method",
        "suggestions": ["job_offer"],
    }


def test_terms_map_and_unmap_re_resolve_the_stored_cases(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "current_user", lambda: "ana")
    db = _terms_store(tmp_path)
    assert main(["terms", "map", "control_methods", "amenaza", "threats", *db]) == 0
    assert (
        capsys.readouterr().out.strip()
        == "control_method 'amenaza' is now mapped to threats: 0 stored cases re-resolved"
    )
    assert main(["terms", *db, "map", "transit", "Oz", "Honduras"]) == 0
    assert capsys.readouterr().out.strip() == "country 'Oz' is now mapped to HND: 2 stored cases re-resolved"
    con = connect(db[1], read_only=True)
    assert con.execute("SELECT transit FROM cases WHERE case_uid IN (5, 6) ORDER BY case_uid").fetchall() == [
        ("GTM>HND>MEX",),
        ("COL>HND",),
    ]
    con.close()
    assert main(["terms", "--format", "json", *db]) == 0
    listed = json.loads(capsys.readouterr().out)["term_map"]
    assert [{k: m[k] for k in ("field", "text", "code", "cases", "mapped_by")} for m in listed] == [
        {"field": "control_method", "text": "amenaza", "code": "threats", "cases": 0, "mapped_by": "ana"},
        {"field": "country", "text": "Oz", "code": "HND", "cases": 2, "mapped_by": "ana"},
    ]
    assert main(["terms", "unmap", "transit", "oz", *db]) == 0
    assert capsys.readouterr().out.strip() == "country 'oz' is no longer mapped: 2 stored cases put back as not mapped"
    assert main(["terms", "--field", "country", *db]) == 0
    assert capsys.readouterr().out.strip() == "(no mapping yet)"


def test_terms_export_and_import_share_the_map_between_stores(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    here, there = _terms_store(tmp_path / "a"), _terms_store(tmp_path / "b")
    main(["terms", "map", "recruitment_method", "oferta de empleo", "job_offer", *here])
    main(["terms", "map", "network", "Red X", "ngo", *here])
    out = tmp_path / "map.csv"
    assert main(["terms", "export", "--out", str(out), *here]) == 0
    assert out.read_text(encoding="utf-8").splitlines() == [
        "field,text,code",
        "network,Red X,ngo",
        "recruitment_method,oferta de empleo,job_offer",
    ]
    capsys.readouterr()
    assert main(["terms", "import", str(out), *there]) == 0
    assert capsys.readouterr().out.strip() == f"{out}: mappings added, 5 stored cases re-resolved"


def test_terms_errors_are_one_line_in_the_language_asked_for(tmp_path, capsys):
    db = _terms_store(tmp_path)
    assert main(["terms", "map", "colour", "rojo", "red", *db]) == 1
    err = capsys.readouterr().err
    assert err.startswith("turquesa: error: unknown field 'colour'; expected one of ") and err.count("\n") == 1
    assert main(["--lang", "es", "terms", "map", "transport_mode", "coche", "car", *db]) == 1
    assert capsys.readouterr().err.startswith("turquesa: error: 'car' no es un código de transport_mode")
    assert main(["terms", "unmap", "origin", "Atlantis", *db]) == 1
    assert "'Atlantis' is not mapped in country" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("field,text,code\ncountry,Atlantis,Atlantida\n", encoding="utf-8")
    assert main(["terms", "import", str(bad), *db]) == 1
    assert "bad.csv, line 2: 'Atlantida' is not a country" in capsys.readouterr().err


# --- flags -------------------------------------------------------------------------------


def _flagged_store(tmp_path) -> str:
    """The tiny store with flags (tests/tiny_store.py) in a file: A1 alone is not flagged."""
    from tiny_store import tiny_store

    db = str(tmp_path / "flags.duckdb")
    tiny_store(flags=True, path=db).close()
    return db


def _routes(argv, capsys) -> list[str]:
    capsys.readouterr()
    assert main([*argv, "--format", "json"]) == 0
    return [c["route"] for c in json.loads(capsys.readouterr().out)["corridors"]]


def test_corridors_leave_out_flagged_cases_or_keep_only_a_rule(tmp_path, capsys):
    db = _flagged_store(tmp_path)
    corridors = ["corridors", "--db", db]
    assert _routes(corridors, capsys) == ["VEN>COL>PAN", "HTI>PAN>CRI>MEX>USA", "VEN>PER"]
    assert _routes([*corridors, "--exclude-flagged"], capsys) == ["VEN>COL>PAN"]
    assert _routes([*corridors, "--flag", "rounded_coordinates"], capsys) == ["HTI>PAN>CRI>MEX>USA"]
    assert _routes([*corridors, "--flag", "partial_date", "--flag", "adjustment"], capsys) == ["VEN>COL>PAN", "VEN>PER"]
    assert _routes([*corridors, "--flag", "partial_date,rounded_coordinates"], capsys) == [
        "HTI>PAN>CRI>MEX>USA",
        "VEN>PER",
    ]
    assert _routes([*corridors, "--exclude-flag", "partial_date"], capsys) == ["VEN>COL>PAN", "HTI>PAN>CRI>MEX>USA"]


def test_trends_exclude_flagged_cases(tmp_path, capsys):
    db = _flagged_store(tmp_path)
    codes = {}
    for extra in ([], ["--exclude-flagged"]):
        capsys.readouterr()
        assert main(["trends", "--dimension", "transport_mode", "--db", db, "--format", "json", *extra]) == 0
        series = json.loads(capsys.readouterr().out)["series"]
        codes[bool(extra)] = [(s["period"][:4], s["code"]) for s in series]
    # A2 (2023, land) and M1 (2024, sea) are flagged: A1's land and river remain.
    assert codes == {
        False: [("2023", "land"), ("2024", "land"), ("2024", "river"), ("2024", "sea")],
        True: [("2024", "land"), ("2024", "river")],
    }


def test_an_unknown_flag_rule_is_an_error_naming_the_rules(tmp_path, capsys):
    db = _flagged_store(tmp_path)
    assert main(["corridors", "--db", db, "--flag", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("turquesa: error: --flag: 'nope' is not a flag rule; expected one of unmapped_term, ")
    assert err.count("\n") == 1 and "rounded_coordinates" in err


def test_status_lists_flagged_cases_per_import_and_rule_with_their_meaning(tmp_path, capsys):
    db = _flagged_store(tmp_path)
    capsys.readouterr()
    assert main(["status", "--db", db, "--format", "json"]) == 0
    flagged = json.loads(capsys.readouterr().out)["flagged_cases_by_rule"]
    assert [(f["import_id"], f["rule"], f["flagged"]) for f in flagged] == [
        (2, "coordinates_outside_country", 1),
        (2, "rounded_coordinates", 1),
        (1, "adjustment", 1),
        (1, "partial_date", 1),
    ]
    assert flagged[3]["meaning"].startswith("the date is known only to the month or the year")
    assert main(["status", "--db", db, "--lang", "es"]) == 0
    out = capsys.readouterr().out
    section = out[out.index("Casos marcados por regla (por importación):") :].splitlines()
    assert section[1].split() == ["Importación", "Regla", "Marcadas", "Significado"]
    assert section[3].split()[:4] == ["2", "coordinates_outside_country", "1", "el"]
    assert "el punto está fuera del país de detección indicado" in section[3]


def test_the_import_report_shows_flags_merges_quarantine_unmapped_terms_and_duplicates():
    from turquesa_geo.ingest.flat import ImportResult

    result = ImportResult(
        4,
        "policia.csv",
        "",
        "flat",
        None,
        rows_read=69,
        rows_accepted=66,
        rows_quarantined=3,
        rows_inserted=60,
        rows_updated=0,
        rows_unchanged=4,
        rows_merged=2,
        quarantine_by_rule={"missing_id": 2, "missing_crime_type": 1},
        rows_flagged=7,
        flags_by_rule={"partial_date": 5, "coordinates_outside_country": 2},
        unmapped_terms=[
            {"field": "country", "column": "origin", "text": "Venezuela (Rep. Bol.)", "rows": 3, "suggestions": []},
            {
                "field": "recruitment_method",
                "column": "recruitment_method",
                "text": "oferta de empleo",
                "rows": 60,
                "suggestions": ["job_offer", "work"],
            },
        ],
        probable_duplicates=12,
        duplicates_of={3: 12},
    )
    cli._set_language("en")  # an earlier test may have left the CLI speaking another language
    assert cli._describe_import(result).splitlines() == [
        "policia.csv: import 4",
        "  read 69 = accepted 66 + quarantined 3",
        "  accepted 66 = inserted 60 + updated 0 + unchanged 4 + merged 2",
        "  accepted with flags: 7 (kept; doubtful points flagged)",
        "    flagged by partial_date: 5 (the date is known only to the month or the year: stored on its first day, "
        "with its precision)",
        "    flagged by coordinates_outside_country: 2 (the point is outside the stated detection country "
        "(at sea or across a border?): kept)",
        "    leave them out with: --exclude-flagged",
        "  quarantined by missing_id: 2 (incident_id is empty)",
        "  quarantined by missing_crime_type: 1 (crime_type is empty)",
        "  see them with: turquesa quarantine --import 4 --out FILE.csv",
        "  terms not mapped (cases kept): 2",
        "    recruitment_method (recruitment_method): 'oferta de empleo' in 60 rows; suggested: "
        "Job offer / advertisement (job_offer), Work (work)",
        "    origin (country): 'Venezuela (Rep. Bol.)' in 3 rows",
        "  probable duplicates: 12 of 66 rows match cases already stored from import 3",
        "  see them with: turquesa duplicates list --import 4",
    ]


def test_the_import_report_speaks_the_language_asked_for():
    from turquesa_geo.ingest.flat import ImportResult

    result = ImportResult(5, "f.csv", "", "flat", None, rows_read=2, rows_accepted=2, rows_inserted=2, rows_flagged=1)
    result.flags_by_rule = {"rounded_coordinates": 1}
    try:
        cli._set_language("es")
        lines = cli._describe_import(result).splitlines()
    finally:
        cli._set_language("en")
    assert lines[3:5] == [
        "  aceptadas con marcas: 1 (conservadas; puntos dudosos marcados)",
        "    marcadas por rounded_coordinates: 1 (lat y lon son grados enteros (unos 100 km): se dibuja en el país, "
        "no en el punto)",
    ]


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


# --- turquesa reference and the reference counts of turquesa status (tests/reference_store.py) ------------


@pytest.fixture
def reference_db(tmp_path):
    db = tmp_path / "reference.duckdb"
    reference_store(str(db)).close()
    return str(db)


def test_reference_table_shows_a_censored_value_as_censored(reference_db, capsys):
    assert main(["reference", "--db", reference_db, "--source", "glotip", "--by", "country,year"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Source  Indicator          Country  Year  Value",
        "------  -----------------  -------  ----  -----",
        "GLOTIP  Detected victims   COL      2021  172",
        "GLOTIP  Detected victims   COL      2022  150",
        "GLOTIP  Detected victims   PAN      2021  <5",
        "GLOTIP  Offences recorded  COL      2021  57",
    ]
    assert main(["reference", "--db", reference_db, "--source", "glotip", "--indicator", "detected_victims"]) == 0
    assert capsys.readouterr().out.splitlines()[2] == "GLOTIP  Detected victims  2021  2022  322 + <5"


def test_reference_csv_leaves_a_censored_value_empty_with_its_marker(reference_db, capsys):
    assert main(["reference", "--db", reference_db, "--by", "citizenship,country", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "source,indicator,citizenship,country,first_year,last_year,value,censored,censored_cells",
        "CBP,encounters,HTI,USA,2023,2023,3,,0",
        "CBP,encounters,VEN,USA,2023,2023,1200,,0",
        "GLOTIP,detected_victims,COL,ESP,2021,2021,60,,0",
        "GLOTIP,detected_victims,VEN,COL,2021,2021,48,,0",
        "GLOTIP,detected_victims,VEN,PAN,2021,2021,,<5,1",
    ]


def test_reference_json_counts_are_numbers_and_censored_values_null(reference_db, capsys):
    args = ["reference", "--db", reference_db, "--source", "GLOTIP", "--indicator", "detected_victims"]
    assert main([*args, "--by", "year", "--format", "json", "--lang", "es"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["by"], report["dimension"], report["areas"]) == (["year"], "total", "countries")
    assert "stays censored" in report["note"]
    assert report["counts"] == [
        {
            "source": "GLOTIP",
            "indicator": "detected_victims",
            "year": 2021,
            "value": 172,  # Colombia's; Panama's <5 counted apart, never added as a number
            "censored": "<5",
            "censored_cells": 1,
        },
        {
            "source": "GLOTIP",
            "indicator": "detected_victims",
            "year": 2022,
            "value": 150,
            "censored": None,
            "censored_cells": 0,
        },
    ]
    assert main([*args, "--by", "year", "--dest", "PAN", "--format", "json"]) == 0
    only_censored = json.loads(capsys.readouterr().out)["counts"]
    assert [(c["value"], c["censored"], c["censored_cells"]) for c in only_censored] == [(None, "<5", 1)]


def test_reference_regions_stay_apart_and_a_one_dimension_source_is_said(reference_db, capsys):
    assert main(["reference", "--db", reference_db, "--areas", "regions", "--format", "json"]) == 0
    captured = capsys.readouterr()
    counts = json.loads(captured.out)["counts"]
    assert [(c["region"], c["value"]) for c in counts] == [("Caribbean", 300)]
    assert json.loads(captured.out)["not_in_dimension"] == [
        {"source": "CBP", "indicator": "encounters", "dimensions": ["citizenship"]}
    ]
    assert main(["reference", "--db", reference_db]) == 0
    assert "turquesa: CBP encounters: nothing in the dimension total; it stores citizenship (see --dimension)" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    "options, message",
    [
        (["--source", "iom"], "--source: source 'iom' is not a stored reference source; expected one of CBP (profile"),
        (["--indicator", "deaths"], "--indicator: 'deaths' is not stored for these sources; expected one of"),
        (["--by", "colour"], "--by: cannot group by 'colour'; expected some of year, country, citizenship"),
        (["--dimension", "exploitation_form"], "--dimension: 'exploitation_form' is not stored for these sources"),
    ],
)
def test_reference_refuses_what_the_store_does_not_hold_naming_it(reference_db, capsys, options, message):
    assert main(["reference", "--db", reference_db, *options]) == 1
    err = capsys.readouterr().err
    assert err.startswith("turquesa: error: ") and message in err and err.count("\n") == 1


def test_reference_on_a_store_without_reference_data_says_how_to_import_some(tmp_path, capsys):
    db = tmp_path / "none.duckdb"
    connect(db).close()
    assert main(["reference", "--db", str(db)]) == 1
    assert (
        "the store holds no reference data (aggregate counts); import some with turquesa import --profile glotip"
        in (capsys.readouterr().err)
    )


def test_reference_help_says_the_values_are_shown_as_published():
    text = cli.build_parser()._subparsers._group_actions[0].choices["reference"].format_help()
    assert "shown as the source published them" in " ".join(text.split())
    assert "never a number" in text


def test_status_lists_reference_counts_by_source_indicator_and_year(reference_db, capsys):
    assert main(["status", "--db", reference_db, "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["reference_counts"] == [
        {
            "source": "CBP",
            "indicator": "encounters",
            "first_year": 2023,
            "last_year": 2023,
            "rows": 2,
            "censored": 0,
            "known_total": None,
            "total_censored": 0,
        },
        {
            "source": "GLOTIP",
            "indicator": "detected_victims",
            "first_year": 2021,
            "last_year": 2022,
            "rows": 12,
            "censored": 4,
            "known_total": 322,
            "total_censored": 1,
        },
        {
            "source": "GLOTIP",
            "indicator": "offences",
            "first_year": 2021,
            "last_year": 2021,
            "rows": 1,
            "censored": 0,
            "known_total": 57,
            "total_censored": 0,
        },
    ]
    assert [(r["year"], r["rows"], r["known_total"]) for r in status["reference_counts_by_year"]] == [
        (2023, 2, None),
        (2021, 11, 172),
        (2022, 1, 150),
        (2021, 1, 57),
    ]
    assert main(["status", "--db", reference_db]) == 0
    out = capsys.readouterr().out
    assert "Reference counts by source, indicator and year:\n" in out
    assert "GLOTIP  detected_victims  2021  11    4         172          1" in out
    assert "CBP     encounters        2023  2     0         –            0" in out


def test_export_and_signals_on_a_store_of_reference_data_say_what_it_holds(reference_db, tmp_path, capsys):
    assert main(["signals", "--db", reference_db]) == 1
    err = capsys.readouterr().err
    assert "This store holds no cases; it holds reference data: CBP, 2023, 2 rows; GLOTIP, 2021–2022, 13 rows." in err
    assert "No signal: signals compare cases with a known date." in err
    assert main(["export", "extract", "--out", str(tmp_path / "x.csv"), "--db", reference_db]) == 1
    err = capsys.readouterr().err
    assert "it holds reference data: CBP" in err and "Nothing to export: exports are of cases with a known date." in err
    assert not (tmp_path / "x.csv").exists()


def test_outcomes_list_deaths_and_disappearances_apart_from_cases_with_small_counts_suppressed(tmp_path, capsys):
    from profile_files import MMP_CSV, MMP_JSON

    db = str(tmp_path / "s.duckdb")
    assert main(["import", str(MMP_CSV), str(MMP_JSON), "--profile", "mmp", "--db", db]) == 0
    capsys.readouterr()
    assert main(["outcomes", "--by", "year", "--db", db, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "year,incidents,dead,missing,survivors,women_girls,men_boys,children,dead_and_missing,suppressed",
        "2020,,,0,0,,,0,,incidents;dead;women_girls;men_boys;dead_and_missing",
        "2021,,,0,0,,,,,incidents;dead;women_girls;men_boys;children;dead_and_missing",
        "2022,6,9,6,12,6,9,,15,children",
        "2023,,,0,0,0,,0,,incidents;dead;men_boys;dead_and_missing",
    ]
    # JSON: numbers, or null with the column named; never a formatted string.
    assert main(["outcomes", "--by", "country", "--via", "PAN", "--db", db, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["measure"] == "deaths_and_disappearances" and report["k"] == 5
    assert report["rows"] == [
        {
            "country": "PAN",
            "incidents": None,
            "dead": 6,
            "missing": None,
            "survivors": 0,
            "women_girls": None,
            "men_boys": None,
            "children": 0,
            # 7 dead and missing in all would give the hidden missing back (7 - 6): hidden too.
            "dead_and_missing": None,
            "suppressed": ["incidents", "missing", "women_girls", "men_boys", "dead_and_missing"],
        }
    ]
    # They are no case: the crime-type filter leaves them be, and no case count holds them.
    assert main(["outcomes", "--by", "cause", "--crime", "smuggling", "--db", db]) == 0
    table = capsys.readouterr().out
    assert table.startswith("Deaths and disappearances during migration (IOM Missing Migrants Project)\n")
    assert "Drowning (P)" in table
    assert main(["status", "--db", db, "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["cases_by_crime_type_and_year"] == [] and status["sources"] == []
    assert [r["year"] for r in status["deaths_and_disappearances_by_year"]] == [2020, 2021, 2022, 2023]
    assert status["deaths_and_disappearances_by_year"][2]["dead"] == "9"


def test_outcomes_refuse_an_unknown_grouping(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["outcomes", "--by", "sex", "--db", str(tmp_path / "s.duckdb")])
    assert "invalid choice: 'sex'" in capsys.readouterr().err


def test_export_extract_offers_the_outcomes_table_and_keeps_small_rows_out(tmp_path, capsys):
    from profile_files import MMP_CSV

    db, out = str(tmp_path / "s.duckdb"), tmp_path / "o.csv"
    assert main(["import", str(MMP_CSV), "--profile", "mmp", "--db", db]) == 0
    args = ["export", "extract", "--table", "outcomes", "--as", "csv", "--out", str(out), "--db", db]
    assert main([*args, "--from", "2020-01-01", "--to", "2023-12-31"]) == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "iso3,country,year,incidents,dead,missing,survivors,women_girls,men_boys,children"
    # Every country and year of this file holds fewer than 5 incidents: no row leaves.
    assert [line for line in lines if not line.startswith("#")] == [lines[1]]
