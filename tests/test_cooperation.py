"""Cooperation: shared corridors, reporters per hub and leg, contacts, the page and the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from conftest import TODAY
from streamlit.testing.v1 import AppTest
from test_app import APP, TIMEOUT

from turquesa_geo import cli
from turquesa_geo.cooperation import load_contacts, reporters_by_corridor, reporters_by_place, shared_corridors
from turquesa_geo.filters import Filters
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.store.connection import connect

HEADER = "incident_id,source,network,reporting_country,date,crime_type,origin,transit,destination,victims_f_adult"


def _rows() -> list[str]:
    rows = []
    # Colombia and Peru each report 5 cases of Venezuela > Colombia > Peru in 2024-Q1: shared.
    rows += [
        f"C{i},Policía Nacional de Colombia,national_police,COL,2024-02-{i + 1:02d},trafficking,VEN,COL,PER,1"
        for i in range(5)
    ]
    rows += [
        f"P{i},Policía Nacional del Perú,national_police,PER,2024-03-{i + 1:02d},trafficking,VEN,COL,PER,1"
        for i in range(5)
    ]
    # Ecuador alone reports Ecuador > United States (6 cases); Colombia only 2 there: not shared.
    rows += [
        f"E{i},Policía Nacional del Ecuador,national_police,ECU,2024-01-{i + 1:02d},smuggling,ECU,,USA,1"
        for i in range(6)
    ]
    rows += [
        f"X{i},Policía Nacional de Colombia,national_police,COL,2024-01-{i + 10:02d},smuggling,ECU,,USA,1"
        for i in range(2)
    ]
    # Peru again on Venezuela > Colombia > Peru, but a quarter later, with ISON: not shared in Q2 (alone).
    rows += [f"Q{i},INTERPOL ISON,ison,PER,2024-05-{i + 1:02d},trafficking,VEN,COL,PER,1" for i in range(5)]
    return rows


@pytest.fixture
def coop_db(tmp_path):
    path = tmp_path / "coop.csv"
    path.write_text("\n".join([HEADER, *_rows()]) + "\n", encoding="utf-8")
    db = tmp_path / "coop.duckdb"
    con = connect(db)
    result = import_file(con, path, today=TODAY)
    assert result.rows_accepted == 23
    con.close()
    return db


FILTERS = Filters(start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30))


def test_two_countries_on_a_corridor_in_a_quarter_are_shared_and_a_lone_one_is_not(coop_db):
    con = connect(coop_db, read_only=True)
    reporters = reporters_by_corridor(con, FILTERS)
    con.close()
    shared = shared_corridors(reporters)
    assert shared[["route", "reporters", "n_reporters", "cases"]].values.tolist() == [
        ["VEN>COL>PER", ("COL", "PER"), 2, 10]
    ]
    assert shared["quarter"].tolist() == [pd.Timestamp("2024-01-01")]
    assert shared["last_case"].tolist() == [pd.Timestamp("2024-03-05")]


def test_networks_share_a_corridor_only_with_enough_cases_each(coop_db):
    con = connect(coop_db, read_only=True)
    reporters = reporters_by_corridor(con, FILTERS)
    con.close()
    # By network: Q1 has only national police on each corridor; Q2 has ISON alone.
    assert shared_corridors(reporters, by="network").empty
    assert shared_corridors(reporters, k=2)["route"].tolist() == ["VEN>COL>PER", "ECU>USA"]  # COL's 2 now count


def test_reporters_per_hub_and_leg(coop_db):
    con = connect(coop_db, read_only=True)
    places = reporters_by_place(reporters_by_corridor(con, FILTERS)).set_index(["kind", "place"])
    con.close()
    assert places.loc[("leg", "COL>PER"), "reporters"] == (
        ("COL", "national_police"),
        ("PER", "ison"),
        ("PER", "national_police"),
    )
    assert places.loc[("leg", "COL>PER"), "cases"] == 15
    assert places.loc[("hub", "USA"), "reporters"] == (("ECU", "national_police"),)  # Colombia's 2 are under 5


def test_contacts_file_holds_offices_not_people(tmp_path):
    good = tmp_path / "contacts.csv"
    good.write_text("country,network,role,office,channel\nCOL,ison,Liaison,DIJIN,I-24/7\n", encoding="utf-8")
    assert load_contacts(good).values.tolist() == [["COL", "ison", "Liaison", "DIJIN", "I-24/7"]]
    bad = tmp_path / "bad.csv"
    bad.write_text("country,network,role,office,channel,name\nCOL,ison,Liaison,DIJIN,I-24/7,Ana\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unexpected column\\(s\\) name"):
        load_contacts(bad)
    assert load_contacts(tmp_path / "missing.csv").empty
    assert len(load_contacts()) > 0  # the committed example directory


def test_cli_lists_the_shared_corridor(coop_db, capsys):
    code = cli.main(
        ["cooperation", "--db", str(coop_db), "--from", "2024-01-01", "--to", "2024-06-30", "--format", "json"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["shared_corridors"] == [
        {
            "route": "VEN>COL>PER",
            "quarter": "2024-Q1",
            "reporters": "COL;PER",
            "n_reporters": 2,
            "cases": "10",
            "last_case": "2024-03-05",
        }
    ]


def test_cli_network_option_keeps_only_those_networks(coop_db, capsys):
    code = cli.main(
        [
            "cooperation",
            "--db",
            str(coop_db),
            "--from",
            "2024-01-01",
            "--to",
            "2024-06-30",
            "--network",
            "ison",
            "--format",
            "json",
        ]
    )
    assert code == 0 and json.loads(capsys.readouterr().out)["shared_corridors"] == []


def test_cooperation_page_shows_the_shared_corridor_and_follows_the_network_filter(coop_db, app_on):
    app_on(coop_db)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["from"] = "2024-01-01"
    at.query_params["to"] = "2024-06-30"
    at.run()
    at.switch_page("pages/cooperation.py").run()
    assert not at.exception
    assert at.title[0].value == "Cooperation"
    shared = at.dataframe[0].value
    assert shared["Corridor"].tolist() == ["Venezuela → Colombia → Peru"]
    assert shared["Reported by"].tolist() == ["Colombia, Peru"]
    at.multiselect(key="coop_networks").set_value(["ison"]).run()
    assert not at.exception
    assert any("No corridor is shared" in i.value for i in at.info)


def test_corridor_by_country_matrix_is_protected_with_its_margins(coop_db):
    from turquesa_geo.cooperation import corridor_matrix

    con = connect(coop_db, read_only=True)
    table = corridor_matrix(reporters_by_corridor(con, FILTERS)).display()
    con.close()
    # Colombia's 2 cases on Ecuador > United States read <5; with the row total (8) shown, Ecuador's 6 would
    # give them away, so a second cell of that row is hidden too.
    assert table.loc["ECU>USA"].tolist() == ["<5", "·", "0", "8"]
    # Colombia's column would then give its 5 on Venezuela > Colombia > Peru away: hidden, and Peru's to match.
    assert table.loc["VEN>COL>PER"].tolist() == ["·", "0", "·", "15"]
    assert table.loc["Total"].tolist() == ["·", "·", "·", "23"]


def test_reporters_without_a_stated_country_or_network_are_named_not_stated(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "incident_id,source,date,crime_type,origin,destination,victims_f_adult\n"
        + "".join(f"N{i},Anon,2024-02-{i + 1:02d},trafficking,VEN,COL,1\n" for i in range(6)),
        encoding="utf-8",
    )
    con = connect(tmp_path / "s.duckdb")
    import_file(con, path, today=TODAY)
    places = reporters_by_place(reporters_by_corridor(con, FILTERS)).set_index(["kind", "place"])
    con.close()
    assert places.loc[("leg", "VEN>COL"), "reporters"] == (("", ""),)


def test_cooperation_page_shows_the_cases_two_sources_both_reported(tmp_path, app_on):
    header = "incident_id,source,date,crime_type,origin,destination,detection_country,victims_f_adult"
    police = [f"P{i},Policía Nacional del Perú,2024-02-{i + 1:02d},trafficking,VEN,PER,PER,{i + 1}" for i in range(6)]
    oim = [line.replace("Policía Nacional del Perú", "OIM").replace("P", "O", 1) for line in police]
    db = tmp_path / "shared.duckdb"
    con = connect(db)
    for name, rows in (("police.csv", police), ("oim.csv", oim)):
        (tmp_path / name).write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        import_file(con, tmp_path / name, today=TODAY)
    con.close()
    app_on(db)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["from"] = "2024-01-01"
    at.query_params["to"] = "2024-06-30"
    at.run()
    at.switch_page("pages/cooperation.py").run()
    assert not at.exception
    shared = next(d.value for d in at.dataframe if "Kept both" in d.value.columns)
    assert shared.to_dict("index") == {
        "OIM / Policía Nacional del Perú": {"Kept both": "6", "Total": "6"},
        "Total": {"Kept both": "6", "Total": "6"},
    }
