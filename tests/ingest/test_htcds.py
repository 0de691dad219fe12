"""The HTCDS long format: persons and events files keyed by case id."""

from __future__ import annotations

import pytest
from conftest import TODAY

from turquesa_geo.ingest.htcds import HTCDS_RULES, import_htcds
from turquesa_geo.ingest.readers import ImportRefused

PERSONS = """case_id,prs_Role,prs_Gender,prs_AgeGroup,prs_Age,prs_Nationality,prs_FirstName,prs_Birthdate,vic_MethodOfRecruitment,vic_MethodsOfControl,vic_TypeOfSexExploitation,vic_RecruitmentWebsitesAndApps
H1,victim,Female,minor,,VE,Ana,2008-01-01,"Internet (social media, online advertisement)",DebtBondage;Threats,Prostitution,Facebook;WhatsApp
H1,victim,Female,,24,Venezuela,Eva,2001-05-05,Job offer/advertisement,Threats,Prostitution,
H1,suspect,Male,adult,,COL,Juan,1980-01-01,,,,
H2,victim,Male,adult,,BOL,Luis,1990-01-01,,,,
H2,victim,Robot,adult,,BOL,X,1990-01-01,,,,
H3,victim,Female,adult,,PRY,Y,1990-01-01,,,,
"""

EVENTS = """case_id,hte_Type,hte_Country,hte_City,hte_Date,hte_Latitude,hte_Longitude
H1,Recruitment,Venezuela,Maracaibo,2023-01-10,10.65,-71.64
H1,Transit,Colombia,Cúcuta,2023-01-15,7.89,-72.50
H1,Transit,Ecuador,,2023-01-20,,
H1,Exploitation,Perú,Lima,2023-02-01,-12.05,-77.04
H2,Recruitment,Bolivia,,2024-05-01,,
H2,Exploitation,Argentina,Mendoza,2024-06-01,-32.89,-68.84
H3,Exploitation,Atlantis,,2024-01-01,,
H4,Recruitment,Peru,,,,
"""


@pytest.fixture
def pair(write):
    return write("persons.csv", PERSONS), write("events.csv", EVENTS)


def test_htcds_pair_builds_cases_routes_and_counts(store, pair):
    persons, events = import_htcds(store, *pair, source="REDTRAM", today=TODAY)
    assert persons.reconciles and events.reconciles
    assert (persons.rows_read, persons.rows_accepted, persons.rows_quarantined) == (6, 4, 2)
    assert (events.rows_read, events.rows_accepted, events.rows_quarantined) == (8, 6, 2)
    assert persons.quarantine_by_rule == {"invalid_gender": 1, "undated_case": 1}
    assert events.quarantine_by_rule == {"undated_case": 1, "unknown_country": 1}
    assert persons.dropped_columns == ["prs_firstname", "prs_birthdate"]
    cases = store.execute(
        "SELECT incident_id, source, crime_type, CAST(case_date AS VARCHAR), nationality, origin, transit, destination "
        "FROM cases ORDER BY incident_id"
    ).fetchall()
    assert cases == [
        ("H1", "REDTRAM", "trafficking", "2023-01-10", "VEN", "VEN", "COL>ECU", "PER"),
        ("H2", "REDTRAM", "trafficking", "2024-05-01", "BOL", "BOL", None, "ARG"),
    ]
    counts = store.execute(
        "SELECT incident_id, role, gender, age_group, p.nationality, persons FROM case_persons p "
        "JOIN cases USING (case_uid) ORDER BY ALL"
    ).fetchall()
    assert counts == [
        ("H1", "suspect", "male", "adult", "COL", 1),
        ("H1", "victim", "female", "adult", "VEN", 1),
        ("H1", "victim", "female", "minor", "VEN", 1),
        ("H2", "victim", "male", "adult", "BOL", 1),
    ]
    attributes = store.execute(
        "SELECT dimension, code FROM case_attributes JOIN cases USING (case_uid) WHERE incident_id = 'H1' ORDER BY ALL"
    ).fetchall()
    assert attributes == [
        ("control_method", "debt_bondage"),
        ("control_method", "threats"),
        ("exploitation_form", "sexual"),
        ("platform", "facebook"),
        ("platform", "whatsapp"),
        ("recruitment_method", "internet"),
        ("recruitment_method", "job_offer"),
    ]
    route = store.execute(
        "SELECT seq, event_type, route_role, country, e.place, precision FROM route_events e "
        "JOIN cases USING (case_uid) WHERE incident_id = 'H1' ORDER BY seq"
    ).fetchall()
    assert route == [
        (0, "recruitment", "origin", "VEN", "Maracaibo", "point"),
        (1, "transit", "transit", "COL", "Cúcuta", "point"),
        (2, "transit", "transit", "ECU", None, "country"),
        (3, "exploitation", "destination", "PER", "Lima", "point"),
    ]
    stored = store.execute("SELECT json_group_array(record) FROM quarantine").fetchall()[0][0]
    assert "Ana" not in stored and "2008-01-01" not in stored


def test_htcds_pair_is_idempotent_and_order_free(store, pair):
    first = import_htcds(store, *pair, today=TODAY)
    again = import_htcds(store, pair[1], pair[0], today=TODAY)
    assert all(r.already_imported for r in again)
    assert [r.import_id for r in again] == sorted(r.import_id for r in first)
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 2


def test_changed_persons_update_their_case(store, pair, write):
    import_htcds(store, *pair, source="REDTRAM", today=TODAY)
    changed = write("persons2.csv", PERSONS.replace("H2,victim,Male,adult", "H2,victim,Female,adult"))
    persons, events = import_htcds(store, changed, pair[1], source="REDTRAM", today=TODAY)
    assert persons.reconciles and events.reconciles
    assert (persons.rows_updated, persons.rows_unchanged) == (1, 3)  # H2 updated; H1's persons unchanged
    assert (events.rows_updated, events.rows_unchanged) == (2, 4)
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 2
    gender = store.execute(
        "SELECT gender FROM case_persons JOIN cases USING (case_uid) WHERE incident_id = 'H2'"
    ).fetchall()
    assert gender == [("female",)]


def test_files_without_htcds_columns_are_refused(store, write):
    flat = write("flat.csv", "incident_id,date,crime_type\nA,2024-01-01,tip\n")
    with pytest.raises(ImportRefused, match="hte_type"):
        import_htcds(store, flat, flat, today=TODAY)


def test_every_htcds_rule_is_documented():
    assert {"invalid_gender", "invalid_age", "undated_case"} <= set(HTCDS_RULES)


def test_cli_imports_an_htcds_pair(tmp_path, pair, capsys):
    from turquesa_geo.cli import main

    db = str(tmp_path / "cli.duckdb")
    assert main(["import", str(pair[0]), str(pair[1]), "--profile", "htcds", "--db", db, "--source", "X"]) == 0
    out = capsys.readouterr().out
    assert "read 6 = accepted 4 + quarantined 2" in out and "read 8 = accepted 6 + quarantined 2" in out
    assert main(["import", str(pair[0]), "--profile", "htcds", "--db", db]) == 1
    assert "takes two files" in capsys.readouterr().err


def test_a_corrected_pair_resolves_the_quarantine_of_the_first(store, pair, write):
    import_htcds(store, *pair, source="REDTRAM", today=TODAY)
    persons = write("persons-2.csv", PERSONS.replace("Robot", "Male"))
    dated = EVENTS.replace("Atlantis", "Paraguay").replace(
        "H4,Recruitment,Peru,,,,", "H4,Recruitment,Peru,,2024-02-02,,"
    )
    again_persons, again_events = import_htcds(
        store, persons, write("events-2.csv", dated), source="REDTRAM", today=TODAY
    )
    assert (again_persons.import_id, again_events.import_id) == (3, 4)
    assert (again_persons.rows_quarantined, again_events.rows_quarantined) == (0, 0)
    assert again_persons.quarantine_resolved == 4  # each of the four quarantined lines, by source and case id
    assert store.execute("SELECT DISTINCT import_id, line, resolved_by FROM quarantine ORDER BY 1, 2").fetchall() == [
        (1, 6, 3),
        (1, 7, 3),
        (2, 8, 3),
        (2, 9, 3),
    ]
