"""The HTCDS long format: persons and events files keyed by case id; one test per quarantine and flag rule."""

from __future__ import annotations

import pytest
from conftest import TODAY

from turquesa_geo.ingest.htcds import HTCDS_FLAG_RULES, HTCDS_QUARANTINE_RULES, HTCDS_RULES, import_htcds
from turquesa_geo.ingest.readers import ImportRefused
from turquesa_geo.vocab import term_key

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
    # Robot (H2) is counted of unknown gender; Atlantis (H3) is left unresolved; only H4, never dated, is lost.
    assert (persons.rows_read, persons.rows_accepted, persons.rows_quarantined) == (6, 6, 0)
    assert (events.rows_read, events.rows_accepted, events.rows_quarantined) == (8, 7, 1)
    assert persons.quarantine_by_rule == {}
    assert events.quarantine_by_rule == {"undated_case": 1}
    assert (persons.rows_flagged, persons.flags_by_rule) == (1, {"unmapped_term": 1})
    assert (events.rows_flagged, events.flags_by_rule) == (1, {"unknown_country": 1})
    assert persons.dropped_columns == ["prs_firstname", "prs_birthdate"]
    cases = store.execute(
        "SELECT incident_id, source, crime_type, CAST(case_date AS VARCHAR), nationality, origin, transit, destination "
        "FROM cases ORDER BY incident_id"
    ).fetchall()
    assert cases == [
        ("H1", "REDTRAM", "trafficking", "2023-01-10", "VEN", "VEN", "COL>ECU", "PER"),
        ("H2", "REDTRAM", "trafficking", "2024-05-01", "BOL", "BOL", None, "ARG"),
        ("H3", "REDTRAM", "trafficking", "2024-01-01", "PRY", None, None, None),
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
        ("H2", "victim", "unknown", "adult", "BOL", 1),
        ("H3", "victim", "female", "adult", "PRY", 1),
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
    flags = store.execute(
        "SELECT incident_id, rule, column_name, value, message FROM case_flags JOIN cases USING (case_uid) ORDER BY ALL"
    ).fetchall()
    assert flags == [
        (
            "H2",
            "unmapped_term",
            "prs_gender",
            "Robot",
            "'Robot' is not a gender (Female, Male, Transgender/NonConforming, Unknown): "
            "counted as unknown, kept as not mapped",
        ),
        ("H3", "unknown_country", "hte_country", "Atlantis", flags[1][4]),
    ]
    # Suggestions come from the fuzzy matcher: the message names the value and says what was done.
    assert flags[1][4] == "unknown country 'Atlantis' in hte_country; left unresolved"
    unmapped = store.execute(
        "SELECT incident_id, field, column_name, text, term_key FROM case_unmapped JOIN cases USING (case_uid) "
        "ORDER BY ALL"
    ).fetchall()
    assert unmapped == [
        ("H2", "gender", "prs_gender", "Robot", term_key("Robot")),
        ("H3", "country", "hte_country", "Atlantis", term_key("Atlantis")),
    ]
    assert [(t["field"], t["column"], t["text"], t["rows"]) for t in persons.unmapped_terms] == [
        ("gender", "prs_gender", "Robot", 1)
    ]
    assert [(t["field"], t["column"], t["text"], t["rows"]) for t in events.unmapped_terms] == [
        ("country", "hte_country", "Atlantis", 1)
    ]
    quarantined = store.execute("SELECT line, column_name, rule, value, message FROM quarantine").fetchall()
    assert quarantined == [(9, "hte_date", "undated_case", None, "no event of case 'H4' has a date that can be kept")]
    stored = store.execute("SELECT json_group_array(record) FROM quarantine").fetchall()[0][0]
    assert "Ana" not in stored and "2008-01-01" not in stored


def test_htcds_pair_is_idempotent_and_order_free(store, pair):
    first = import_htcds(store, *pair, today=TODAY)
    again = import_htcds(store, pair[1], pair[0], today=TODAY)
    assert all(r.already_imported for r in again)
    assert [r.import_id for r in again] == sorted(r.import_id for r in first)
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 3


def test_changed_persons_update_their_case(store, pair, write):
    import_htcds(store, *pair, source="REDTRAM", today=TODAY)
    changed = write("persons2.csv", PERSONS.replace("H2,victim,Male,adult", "H2,victim,Female,adult"))
    persons, events = import_htcds(store, changed, pair[1], source="REDTRAM", today=TODAY)
    assert persons.reconciles and events.reconciles
    assert (persons.rows_updated, persons.rows_unchanged) == (2, 4)  # H2's two persons updated; H1's and H3's not
    assert (events.rows_updated, events.rows_unchanged) == (2, 5)
    assert store.execute("SELECT count(*) FROM cases").fetchall()[0][0] == 3
    gender = store.execute(
        "SELECT gender FROM case_persons JOIN cases USING (case_uid) WHERE incident_id = 'H2' ORDER BY ALL"
    ).fetchall()
    assert gender == [("female",), ("unknown",)]
    # The replaced case keeps its flag once, not twice.
    flags = store.execute(
        "SELECT incident_id, rule FROM case_flags JOIN cases USING (case_uid) ORDER BY ALL"
    ).fetchall()
    assert flags == [("H2", "unmapped_term"), ("H3", "unknown_country")]


def test_files_without_htcds_columns_are_refused(store, write):
    flat = write("flat.csv", "incident_id,date,crime_type\nA,2024-01-01,tip\n")
    with pytest.raises(ImportRefused, match="hte_type"):
        import_htcds(store, flat, flat, today=TODAY)


def test_every_htcds_rule_is_quarantine_or_flag_and_has_a_test():
    assert not set(HTCDS_QUARANTINE_RULES) & set(HTCDS_FLAG_RULES)
    assert HTCDS_RULES == HTCDS_QUARANTINE_RULES | HTCDS_FLAG_RULES
    assert set(QUARANTINE_CASES) == set(HTCDS_QUARANTINE_RULES)
    assert set(FLAG_CASES) == set(FLAG_STORED) == set(HTCDS_FLAG_RULES)


def test_cli_imports_an_htcds_pair(tmp_path, pair, capsys):
    from turquesa_geo.cli import main

    db = str(tmp_path / "cli.duckdb")
    assert main(["import", str(pair[0]), str(pair[1]), "--profile", "htcds", "--db", db, "--source", "X"]) == 0
    out = capsys.readouterr().out
    assert "read 6 = accepted 6 + quarantined 0" in out and "read 8 = accepted 7 + quarantined 1" in out
    assert main(["import", str(pair[0]), "--profile", "htcds", "--db", db]) == 1
    assert "takes two files" in capsys.readouterr().err


# --- one test per rule ----------------------------------------------------------------------------

PERSON_FIELDS = ["case_id", "prs_Role", "prs_Gender", "prs_AgeGroup", "prs_Age", "prs_Nationality", "crime_type"]
PERSON_FIELDS += ["vic_MethodOfRecruitment"]
EVENT_FIELDS = ["case_id", "hte_Type", "hte_Country", "hte_City", "hte_Date", "hte_Latitude", "hte_Longitude"]

#: Case A: one victim, recruited in Maracaibo, exploited in Lima.
PERSON = dict(zip(PERSON_FIELDS, ["A", "victim", "Female", "adult", "", "VEN", "trafficking", "Job offer"]))
RECRUITMENT = dict(zip(EVENT_FIELDS, ["A", "Recruitment", "Venezuela", "Maracaibo", "2023-01-10", "10.65", "-71.64"]))
EXPLOITATION = dict(zip(EVENT_FIELDS, ["A", "Exploitation", "Perú", "Lima", "2023-02-01", "-12.05", "-77.04"]))


def person(**changes: str) -> str:
    """Case A's person row with some fields changed (values must not contain commas)."""
    return ",".join((PERSON | changes)[f] for f in PERSON_FIELDS)


def event(base: dict, **changes: str) -> str:
    return ",".join((base | changes)[f] for f in EVENT_FIELDS)


def htcds_pair(write, persons: list[str], events: list[str], name: str = "") -> tuple:
    return (
        write(f"persons{name}.csv", "\n".join([",".join(PERSON_FIELDS), *persons]) + "\n"),
        write(f"events{name}.csv", "\n".join([",".join(EVENT_FIELDS), *events]) + "\n"),
    )


def run_htcds(store, paths, **kwargs):
    persons, events = import_htcds(store, *paths, source="NGO", today=TODAY, **kwargs)
    assert persons.reconciles and events.reconciles
    return persons, events


def stored(store) -> dict:
    """What the store holds, in a few literal lists."""

    def rows(sql: str) -> list:
        return store.execute(sql).fetchall()

    return {
        "cases": rows(
            "SELECT incident_id, CAST(case_date AS VARCHAR), date_precision, nationality, origin, destination "
            "FROM cases ORDER BY ALL"
        ),
        "persons": rows("SELECT role, gender, age_group, nationality, persons FROM case_persons ORDER BY ALL"),
        "events": rows(
            "SELECT event_type, country, lat, lon, CAST(event_date AS VARCHAR), precision FROM case_events ORDER BY seq"
        ),
        "attributes": rows("SELECT dimension, code FROM case_attributes ORDER BY ALL"),
        "flags": rows("SELECT rule, column_name, value FROM case_flags ORDER BY ALL"),
        "unmapped": rows("SELECT field, column_name, text, term_key FROM case_unmapped ORDER BY ALL"),
    }


BASE_STORED = {
    "cases": [("A", "2023-01-10", None, "VEN", "VEN", "PER")],
    "persons": [("victim", "female", "adult", "VEN", 1)],
    "events": [
        ("recruitment", "VEN", 10.65, -71.64, "2023-01-10", "point"),
        ("exploitation", "PER", -12.05, -77.04, "2023-02-01", "point"),
    ],
    "attributes": [("recruitment_method", "job_offer")],
    "flags": [],
    "unmapped": [],
}


def test_the_base_pair_is_stored_literally(store, write):
    persons, events = run_htcds(store, htcds_pair(write, [person()], [event(RECRUITMENT), event(EXPLOITATION)]))
    assert (persons.rows_accepted, events.rows_accepted, persons.rows_flagged, events.rows_flagged) == (1, 2, 0, 0)
    assert stored(store) == BASE_STORED


# One change of case A per flag rule: (file flagged, person changes, recruitment changes, exploitation changes).
FLAG_CASES = {
    "unmapped_term": ("persons", {"prs_Gender": "Robot"}, {}, {}),
    "unknown_country": ("events", {}, {}, {"hte_Country": "Atlantis"}),
    "missing_country": ("events", {}, {}, {"hte_Country": ""}),
    "bad_date": ("events", {}, {}, {"hte_Date": "2023-02-30"}),
    "future_date": ("events", {}, {}, {"hte_Date": "2027-02-01"}),
    "partial_date": ("events", {}, {"hte_Date": "2023"}, {}),
    "bad_coordinate": ("events", {}, {"hte_Latitude": "95.2"}, {}),
    "coordinates_outside_country": ("events", {}, {"hte_Latitude": "40.4", "hte_Longitude": "-3.7"}, {}),
}

# What each flagged pair stores, where it differs from BASE_STORED; the flag itself is checked apart.
FLAG_STORED = {
    "unmapped_term": {
        "persons": [("victim", "unknown", "adult", "VEN", 1)],
        "unmapped": [("gender", "prs_gender", "Robot", term_key("Robot"))],
    },
    "unknown_country": {
        "cases": [("A", "2023-01-10", None, "VEN", "VEN", None)],
        "events": [
            ("recruitment", "VEN", 10.65, -71.64, "2023-01-10", "point"),
            ("exploitation", None, -12.05, -77.04, "2023-02-01", "point"),
        ],
        "unmapped": [("country", "hte_country", "Atlantis", term_key("Atlantis"))],
    },
    "missing_country": {
        "cases": [("A", "2023-01-10", None, "VEN", "VEN", None)],
        "events": [
            ("recruitment", "VEN", 10.65, -71.64, "2023-01-10", "point"),
            ("exploitation", None, -12.05, -77.04, "2023-02-01", "point"),
        ],
    },
    "bad_date": {
        "events": [
            ("recruitment", "VEN", 10.65, -71.64, "2023-01-10", "point"),
            ("exploitation", "PER", -12.05, -77.04, None, "point"),
        ],
    },
    "future_date": {
        "events": [
            ("recruitment", "VEN", 10.65, -71.64, "2023-01-10", "point"),
            ("exploitation", "PER", -12.05, -77.04, None, "point"),
        ],
    },
    "partial_date": {
        "cases": [("A", "2023-01-01", "year", "VEN", "VEN", "PER")],
        "events": [
            ("recruitment", "VEN", 10.65, -71.64, "2023-01-01", "point"),
            ("exploitation", "PER", -12.05, -77.04, "2023-02-01", "point"),
        ],
    },
    "bad_coordinate": {
        "events": [
            ("recruitment", "VEN", None, None, "2023-01-10", "place"),
            ("exploitation", "PER", -12.05, -77.04, "2023-02-01", "point"),
        ],
    },
    "coordinates_outside_country": {
        "events": [
            ("recruitment", "VEN", 40.4, -3.7, "2023-01-10", "point"),
            ("exploitation", "PER", -12.05, -77.04, "2023-02-01", "point"),
        ],
    },
}

# The flag row of each: (column, value).
FLAG_ROWS = {
    "unmapped_term": ("prs_gender", "Robot"),
    "unknown_country": ("hte_country", "Atlantis"),
    "missing_country": ("hte_country", None),
    "bad_date": ("hte_date", "2023-02-30"),
    "future_date": ("hte_date", "2027-02-01"),
    "partial_date": ("hte_date", "2023"),
    "bad_coordinate": ("hte_latitude", "95.2, -71.64"),
    "coordinates_outside_country": ("hte_latitude", "40.4, -3.7"),
}


@pytest.mark.parametrize("rule", sorted(FLAG_CASES))
def test_each_flag_rule_keeps_the_row_and_flags_its_case(store, write, rule):
    flagged, person_changes, recruitment, exploitation = FLAG_CASES[rule]
    paths = htcds_pair(
        write, [person(**person_changes)], [event(RECRUITMENT, **recruitment), event(EXPLOITATION, **exploitation)]
    )
    persons, events = run_htcds(store, paths)
    assert (persons.rows_read, persons.rows_accepted, persons.rows_quarantined) == (1, 1, 0)
    assert (events.rows_read, events.rows_accepted, events.rows_quarantined) == (2, 2, 0)
    assert persons.quarantine_by_rule == events.quarantine_by_rule == {}
    side, other = (persons, events) if flagged == "persons" else (events, persons)
    assert (side.rows_flagged, side.flags_by_rule) == (1, {rule: 1})
    assert (other.rows_flagged, other.flags_by_rule) == (0, {})
    column, value = FLAG_ROWS[rule]
    assert stored(store) == BASE_STORED | FLAG_STORED[rule] | {"flags": [(rule, column, value)]}


# One extra row per quarantine rule, next to case A's good rows: (file, persons rows, events rows).
QUARANTINE_CASES = {
    "missing_id": ("persons", [person(), person(case_id="")], [event(RECRUITMENT), event(EXPLOITATION)]),
    "undated_case": (
        "both",
        [person(), person(case_id="B")],
        [event(RECRUITMENT), event(EXPLOITATION), event(RECRUITMENT, case_id="B", hte_Date="soon")],
    ),
    "unknown_event_type": (
        "events",
        [person()],
        [event(RECRUITMENT), event(EXPLOITATION), event(EXPLOITATION, hte_Type="Teleportation")],
    ),
    "unknown_role": ("persons", [person(), person(prs_Role="witness")], [event(RECRUITMENT), event(EXPLOITATION)]),
    "unknown_crime_type": ("persons", [person(), person(crime_type="robo")], [event(RECRUITMENT), event(EXPLOITATION)]),
    "ragged_row": ("persons", [person(), person() + ",extra"], [event(RECRUITMENT), event(EXPLOITATION)]),
}


@pytest.mark.parametrize("rule", sorted(QUARANTINE_CASES))
def test_each_quarantine_rule_quarantines_its_row_and_keeps_the_case(store, write, rule):
    held, person_rows, event_rows = QUARANTINE_CASES[rule]
    persons, events = run_htcds(store, htcds_pair(write, person_rows, event_rows))
    if held in ("persons", "both"):
        assert (persons.rows_read, persons.rows_accepted, persons.rows_quarantined) == (2, 1, 1)
        assert persons.quarantine_by_rule == {rule: 1}
    if held in ("events", "both"):
        assert (events.rows_read, events.rows_accepted, events.rows_quarantined) == (3, 2, 1)
        assert events.quarantine_by_rule == {rule: 1}
    assert persons.rows_flagged == events.rows_flagged == 0
    assert stored(store) == BASE_STORED
    lines = store.execute("SELECT line, rule FROM quarantine ORDER BY ALL").fetchall()
    # The extra row is line 3 of the persons file, line 4 of the events file.
    assert lines == {"persons": [(3, rule)], "events": [(4, rule)], "both": [(3, rule), (4, rule)]}[held]


def test_unknown_terms_are_kept_as_unmapped_and_the_persons_counted(store, write):
    rows = [
        person(prs_AgeGroup="jubilada"),
        person(prs_AgeGroup="", prs_Age="treinta y tantos"),
        person(prs_AgeGroup="jubilada", prs_Age="30"),  # the age gives the group; the group is still unmapped
        person(prs_Nationality="Atlantis"),
        person(vic_MethodOfRecruitment="Job offer; visita de un pariente"),
    ]
    persons, _ = run_htcds(store, htcds_pair(write, rows, [event(RECRUITMENT), event(EXPLOITATION)]))
    assert (persons.rows_accepted, persons.rows_quarantined, persons.rows_flagged) == (5, 0, 5)
    assert persons.flags_by_rule == {"unknown_country": 1, "unmapped_term": 4}
    found = stored(store)
    assert found["cases"] == [("A", "2023-01-10", None, "VEN", "VEN", "PER")]
    assert found["persons"] == [
        ("victim", "female", "adult", "VEN", 2),
        ("victim", "female", "adult", None, 1),
        ("victim", "female", "unknown", "VEN", 2),
    ]
    assert found["attributes"] == [
        ("recruitment_method", "?visita de un pariente"),
        ("recruitment_method", "job_offer"),
    ]
    assert found["unmapped"] == [
        ("age_group", "prs_age", "treinta y tantos", term_key("treinta y tantos")),
        ("age_group", "prs_agegroup", "jubilada", term_key("jubilada")),
        ("country", "prs_nationality", "Atlantis", term_key("Atlantis")),
        ("recruitment_method", "vic_methodofrecruitment", "visita de un pariente", term_key("visita de un pariente")),
    ]
    assert [(t["field"], t["column"], t["text"], t["rows"]) for t in persons.unmapped_terms] == [
        ("age_group", "prs_agegroup", "jubilada", 2),
        ("age_group", "prs_age", "treinta y tantos", 1),
        ("country", "prs_nationality", "Atlantis", 1),
        ("recruitment_method", "vic_methodofrecruitment", "visita de un pariente", 1),
    ]
    assert all(isinstance(t["suggestions"], list) and len(t["suggestions"]) <= 3 for t in persons.unmapped_terms)


def test_the_term_map_resolves_terms_at_import(store, write):
    store.execute(
        "INSERT INTO term_map VALUES ('gender', $robot, 'Robot', 'male', 'ana', now()), "
        "('age_group', $jubilada, 'jubilada', 'adult', 'ana', now()), "
        "('country', $atlantis, 'Atlantis', 'PER', 'ana', now()), "
        "('recruitment_method', $visita, 'visita de un pariente', 'job_offer', 'ana', now()), "
        "('event_type', $teleportation, 'Teleportation', 'transit', 'ana', now())",
        {
            "robot": term_key("Robot"),
            "jubilada": term_key("jubilada"),
            "atlantis": term_key("Atlantis"),
            "visita": term_key("visita de un pariente"),
            "teleportation": term_key("Teleportation"),
        },
    )
    rows = [
        person(
            prs_Gender="Robot",
            prs_AgeGroup="jubilada",
            prs_Nationality="Atlantis",
            vic_MethodOfRecruitment="visita de un pariente",
        )
    ]
    events = [event(RECRUITMENT), event(EXPLOITATION, hte_Type="Teleportation", hte_Country="Atlantis")]
    persons, events = run_htcds(store, htcds_pair(write, rows, events))
    assert persons.rows_flagged == events.rows_flagged == events.rows_quarantined == 0
    assert persons.unmapped_terms == events.unmapped_terms == []
    found = stored(store)
    assert found["persons"] == [("victim", "male", "adult", "PER", 1)]
    assert found["attributes"] == [("recruitment_method", "job_offer")]
    assert store.execute("SELECT origin, transit, destination FROM cases").fetchall() == [("VEN", "PER", None)]
    assert found["flags"] == found["unmapped"] == []


def test_a_changed_unknown_term_replaces_the_case_and_its_flags(store, write):
    run_htcds(store, htcds_pair(write, [person(prs_Gender="Robot")], [event(RECRUITMENT), event(EXPLOITATION)]))
    persons, events = run_htcds(
        store, htcds_pair(write, [person(prs_Gender="Droid")], [event(RECRUITMENT), event(EXPLOITATION)], "2")
    )
    assert (persons.rows_updated, events.rows_updated) == (1, 2)
    found = stored(store)
    assert found["flags"] == [("unmapped_term", "prs_gender", "Droid")]
    assert found["unmapped"] == [("gender", "prs_gender", "Droid", "droid")]
    assert store.execute("SELECT count(*) FROM cases").fetchall() == [(1,)]


def test_event_flag_messages_name_the_value_and_undated_events_keep_their_place(store, write):
    events = [
        "A,Recruitment,Venezuela,Maracaibo,2023,95.2,-71.64",
        "A,Transit,Colombia,,2023-02-30,40.4,-3.7",
        "A,Transit,,,2027-02-01,,",
        "A,Exploitation,Perú,Lima,2023-02-01,-12.05,-77.04",
    ]
    _, result = run_htcds(store, htcds_pair(write, [person()], events))
    assert result.flags_by_rule == {
        "bad_coordinate": 1,
        "bad_date": 1,
        "coordinates_outside_country": 1,
        "future_date": 1,
        "missing_country": 1,
        "partial_date": 1,
    }
    assert result.rows_flagged == 3
    messages = store.execute("SELECT rule, message FROM case_flags ORDER BY rule").fetchall()
    assert messages == [
        (
            "bad_coordinate",
            "point (95.2, -71.64) is not a point (two numbers, lat in [-90, 90], lon in [-180, 180], not (0, 0)): "
            "the point is left out",
        ),
        ("bad_date", "date '2023-02-30' is not a valid date: the event is kept without a date"),
        ("coordinates_outside_country", "point (40.4, -3.7) is more than 1 degree outside COL: kept"),
        ("future_date", "date '2027-02-01' is after the import day 2026-11-29: the event is kept without a date"),
        ("missing_country", "hte_Country is empty: the event is kept without a country"),
        ("partial_date", "date '2023' is known only to the year: stored on its first day"),
    ]
    route = store.execute("SELECT seq, event_type, country, CAST(event_date AS VARCHAR) FROM case_events ORDER BY seq")
    assert route.fetchall() == [
        (0, "recruitment", "VEN", "2023-01-01"),
        (1, "transit", "COL", None),
        (2, "transit", None, None),
        (3, "exploitation", "PER", "2023-02-01"),
    ]
    assert store.execute("SELECT transit FROM cases").fetchall() == [("COL",)]


def test_quarantine_messages_name_the_value(store, write):
    rows = [person(), person(prs_Role="witness"), person(case_id="C")]
    events = [
        event(RECRUITMENT),
        event(EXPLOITATION),
        event(EXPLOITATION, hte_Type=""),
        event(RECRUITMENT, case_id="C", hte_Date="2027-01-01"),
    ]
    run_htcds(store, htcds_pair(write, rows, events))
    quarantined = store.execute("SELECT import_id, line, rule, value, message FROM quarantine ORDER BY ALL")
    assert quarantined.fetchall() == [
        (
            1,
            3,
            "unknown_role",
            "witness",
            "'witness' is not a role (victim, migrant, suspect): the person cannot be counted",
        ),
        (1, 4, "undated_case", "C", "case 'C' has no event with a date that can be kept in the events file"),
        (2, 4, "unknown_event_type", None, "hte_Type is empty: the event cannot be placed on the route"),
        (2, 5, "undated_case", "2027-01-01", "no event of case 'C' has a date that can be kept"),
    ]


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
    # Robot and Atlantis were kept with flags; only case H4, never dated, was quarantined (events line 9).
    assert again_persons.quarantine_resolved == 1
    assert store.execute("SELECT DISTINCT import_id, line, resolved_by FROM quarantine ORDER BY 1, 2").fetchall() == [
        (2, 9, 3),
    ]
