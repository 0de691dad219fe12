"""The analyst's term map (turquesa_geo/ingest/terms.py): mapping a raw term re-resolves the stored cases
(attributes, coded columns, countries, the transit route, flags, rollups, the log), unmapping puts them back
exactly, and the map travels between offices as a CSV file taken whole or not at all.

The store is written by hand (tests/terms_store.py, as the importer would leave it): seven cases, some with
terms no vocabulary knows, kept as ``?text`` attributes, NULL columns, case_unmapped rows and flags.
"""

from __future__ import annotations

import datetime as dt

import pytest
from terms_store import fill, full_refresh

from turquesa_geo.ingest.flat import FLAG_RULES
from turquesa_geo.ingest.terms import (
    COUNTRY_FIELD,
    UNKNOWN_COUNTRY_RULE,
    UNMAPPED_TERM_RULE,
    TermMapError,
    apply_term_map,
    export_term_map,
    import_term_map,
    map_term,
    mapped_terms,
    read_term_map,
    resolve_field,
    suggest_codes,
    term_map,
    unmap_term,
    unmapped_terms,
)
from turquesa_geo.store.connection import connect, data_version, transaction
from turquesa_geo.vocab import term_key


@pytest.fixture
def con():
    con = connect(":memory:")
    fill(con)
    yield con
    con.close()


def rows(con, text: str) -> list[tuple]:
    return con.execute(text).fetchall()


def recruitment(con) -> list[tuple]:
    return rows(con, "SELECT case_uid, code FROM case_attributes WHERE dimension = 'recruitment_method' ORDER BY ALL")


def recruitment_rollup(con) -> list[tuple]:
    return rows(
        con,
        "SELECT code, CAST(sum(cases) AS INTEGER) FROM rollup_modus WHERE dimension = 'recruitment_method' "
        "GROUP BY code ORDER BY code",
    )


def rollups(con) -> tuple[list[tuple], list[tuple]]:
    return rows(con, "SELECT * FROM rollup_routes ORDER BY ALL"), rows(con, "SELECT * FROM rollup_modus ORDER BY ALL")


class _Undo(Exception):
    """Raised to roll a transaction back."""


def rebuilt_rollups(con) -> tuple[list[tuple], list[tuple]]:
    """The rollups a full refresh gives for the cases as they are now (rolled back after)."""
    with pytest.raises(_Undo), transaction(con):
        full_refresh(con)
        found = rollups(con)
        raise _Undo
    return found


def flags(con) -> list[tuple]:
    return rows(con, "SELECT case_uid, rule, column_name, value, message FROM case_flags ORDER BY ALL")


def unmapped(con) -> list[tuple]:
    return rows(con, "SELECT * FROM case_unmapped ORDER BY ALL")


def mapped(con) -> list[tuple]:
    return rows(con, "SELECT case_uid, column_name, text, position, code, added, message FROM case_mapped ORDER BY ALL")


def log(con) -> list[tuple]:
    return rows(
        con, "SELECT user_name, action, field, term_key, code, cases FROM term_map_log ORDER BY logged_at, action"
    )


def snapshot(con) -> dict:
    return {
        "attributes": rows(con, "SELECT * FROM case_attributes ORDER BY ALL"),
        "cases": rows(con, "SELECT case_uid, network, origin, transit FROM cases ORDER BY ALL"),
        "unmapped": unmapped(con),
        "flags": flags(con),
        "rollups": rollups(con),
    }


# --- fields, codes, suggestions ---------------------------------------------------------------


def test_a_field_is_a_vocabulary_the_countries_or_a_flat_column():
    assert [resolve_field(n) for n in ("recruitment_method", "control_methods", "transit", "country", "network")] == [
        "recruitment_method",
        "control_method",
        "country",
        "country",
        "network",
    ]
    with pytest.raises(TermMapError, match=r"unknown field 'colour'; expected one of crime_type, .*, country, or"):
        resolve_field("colour")


def test_the_flag_rules_the_map_lifts_are_the_importers():
    assert {UNMAPPED_TERM_RULE, UNKNOWN_COUNTRY_RULE} <= set(FLAG_RULES)


def test_suggestions_are_codes_of_the_field():
    assert suggest_codes("recruitment_method", "oferta de empleo") == ["job_offer"]
    assert suggest_codes(COUNTRY_FIELD, "Colombai") == ["COL"]
    assert suggest_codes("network", "Zxqv") == []


def test_unmapped_terms_count_cases_and_name_their_columns(con):
    table = unmapped_terms(con)
    assert table[["field", "text", "term_key", "cases", "columns"]].values.tolist() == [
        ["recruitment_method", "Oferta de empléo", term_key("oferta de empleo"), 4, "recruitment_method"],
        ["country", "Narnia", term_key("Narnia"), 2, "transit"],
        ["country", "Oz", term_key("Oz"), 2, "transit"],
        ["country", "Atlantis", term_key("Atlantis"), 1, "origin"],
        ["network", "Red X", term_key("Red X"), 1, "network"],
        ["recruitment_method", "anuncio", term_key("anuncio"), 1, "recruitment_method"],
    ]
    assert table["suggestions"][0] == ["job_offer"]
    only = unmapped_terms(con, "origin")
    assert only["text"].tolist() == ["Narnia", "Oz", "Atlantis"]


def test_an_empty_store_has_no_unmapped_term_and_no_mapping():
    con = connect(":memory:")
    assert unmapped_terms(con).empty and term_map(con).empty and mapped_terms(con) == {}
    assert apply_term_map(con) == 0


# --- mapping a modus-operandi term ----------------------------------------------------------------


def test_mapping_a_term_re_resolves_the_attributes_once_per_case(con):
    assert map_term(con, "recruitment_method", "Oferta de Empleo", "job_offer", "ana") == 4
    assert recruitment(con) == [
        (1, "job_offer"),
        (2, "job_offer"),
        (3, "job_offer"),
        (4, "job_offer"),
        (7, "?anuncio"),
        (7, "job_offer"),
    ]
    assert mapped(con) == [
        (1, "recruitment_method", "oferta de empleo", None, "job_offer", True, "m1"),
        (2, "recruitment_method", "oferta de empleo", None, "job_offer", False, "m2"),
        (3, "recruitment_method", "Oferta de empléo", None, "job_offer", True, "m3"),
        (7, "recruitment_method", "oferta de empleo", None, "job_offer", True, "m7o"),
    ]
    assert [r[:4] for r in unmapped(con) if r[1] == "recruitment_method"] == [
        (7, "recruitment_method", "recruitment_method", "anuncio")
    ]
    assert sorted(f[4] for f in flags(con)) == ["c1", "m7a", "n3", "p1", "t1", "t5n", "t5o"]
    assert mapped_terms(con) == {("recruitment_method", "ofertadeempleo"): "job_offer"}
    assert log(con) == [("ana", "map", "recruitment_method", "ofertadeempleo", "job_offer", 4)]


def test_mapping_rebuilds_the_rollups_of_the_months_touched(con):
    assert recruitment_rollup(con) == [
        ("?anuncio", 1),
        ("?oferta de empleo", 3),
        ("?oferta de empléo", 1),
        ("job_offer", 2),
    ]
    map_term(con, "recruitment_method", "oferta de empleo", "job_offer")
    assert recruitment_rollup(con) == [("?anuncio", 1), ("job_offer", 5)]
    assert rollups(con) == rebuilt_rollups(con)


def test_unmapping_puts_every_case_back_as_it_was(con):
    before = snapshot(con)
    map_term(con, "recruitment_method", "oferta de empleo", "job_offer", "ana")
    assert unmap_term(con, "recruitment_method", "OFERTA DE EMPLEO", "luis") == 4
    assert snapshot(con) == before
    assert mapped(con) == [] and term_map(con).empty
    assert log(con)[-1] == ("luis", "unmap", "recruitment_method", "ofertadeempleo", "job_offer", 4)


def test_a_code_two_mapped_terms_give_stays_until_both_are_unmapped(con):
    map_term(con, "recruitment_method", "oferta de empleo", "job_offer")
    assert map_term(con, "recruitment_method", "anuncio", "job_offer") == 1
    assert [r for r in recruitment(con) if r[0] == 7] == [(7, "job_offer")]
    unmap_term(con, "recruitment_method", "oferta de empleo")
    assert [r for r in recruitment(con) if r[0] == 7] == [(7, "?oferta de empleo"), (7, "job_offer")]
    assert mapped(con) == [(7, "recruitment_method", "anuncio", None, "job_offer", True, "m7a")]
    assert rollups(con) == rebuilt_rollups(con)
    unmap_term(con, "recruitment_method", "anuncio")
    assert [r for r in recruitment(con) if r[0] == 7] == [(7, "?anuncio"), (7, "?oferta de empleo")]
    assert rollups(con) == rebuilt_rollups(con)


def test_mapping_again_to_another_code_moves_the_cases_to_it(con):
    map_term(con, "recruitment_method", "oferta de empleo", "job_offer")
    assert map_term(con, "recruitment_method", "oferta de empleo", "work") == 4
    assert recruitment(con) == [
        (1, "work"),
        (2, "job_offer"),
        (2, "work"),
        (3, "work"),
        (4, "job_offer"),
        (7, "?anuncio"),
        (7, "work"),
    ]
    assert mapped_terms(con) == {("recruitment_method", "ofertadeempleo"): "work"}
    assert rollups(con) == rebuilt_rollups(con)
    assert map_term(con, "recruitment_method", "oferta de empleo", "work") == 0  # nothing changed: not logged
    assert [entry[4:] for entry in log(con)] == [("job_offer", 4), ("work", 4)]


# --- coded columns and countries ------------------------------------------------------------------------


def test_mapping_a_network_sets_the_column_and_unmapping_clears_it(con):
    assert map_term(con, "network", "red x", "redtram") == 1
    assert rows(con, "SELECT network FROM cases WHERE case_uid = 3") == [("redtram",)]
    assert "n3" not in [f[4] for f in flags(con)]
    unmap_term(con, "network", "Red X")
    assert rows(con, "SELECT network FROM cases WHERE case_uid = 3") == [(None,)]
    assert (3, "unmapped_term", "network", "Red X", "n3") in flags(con)


def test_mapping_a_country_sets_the_column_and_the_route_rollup(con):
    assert map_term(con, "origin", "Atlantis", "Panamá") == 1
    assert rows(con, "SELECT origin FROM cases WHERE case_uid = 1") == [("PAN",)]
    assert rows(con, "SELECT origin, transit FROM rollup_routes WHERE month = DATE '2024-03-01' ORDER BY ALL") == [
        ("PAN", "COL>PAN"),
        ("VEN", None),
    ]
    assert rollups(con) == rebuilt_rollups(con)
    assert sorted(f[4] for f in flags(con) if f[0] == 1) == ["m1", "p1", "t1"]


def test_a_mapped_transit_country_takes_its_place_in_the_route(con):
    assert map_term(con, "transit", "Oz", "HND") == 2
    assert rows(con, "SELECT case_uid, transit FROM cases WHERE case_uid IN (1, 5, 6) ORDER BY 1") == [
        (1, "COL>PAN"),
        (5, "GTM>HND>MEX"),
        (6, "COL>HND"),
    ]
    assert map_term(con, COUNTRY_FIELD, "narnia", "CRI") == 2
    assert rows(con, "SELECT case_uid, transit FROM cases WHERE case_uid IN (1, 5, 6) ORDER BY 1") == [
        (1, "COL>CRI>PAN"),
        (5, "CRI>GTM>HND>MEX"),
        (6, "COL>HND"),
    ]
    assert rollups(con) == rebuilt_rollups(con)
    unmap_term(con, "transit", "Oz")
    assert rows(con, "SELECT case_uid, transit FROM cases WHERE case_uid IN (1, 5, 6) ORDER BY 1") == [
        (1, "COL>CRI>PAN"),
        (5, "CRI>GTM>MEX"),
        (6, "COL"),
    ]
    unmap_term(con, "transit", "Narnia")
    assert rows(con, "SELECT case_uid, transit FROM cases WHERE case_uid IN (1, 5, 6) ORDER BY 1") == [
        (1, "COL>PAN"),
        (5, "GTM>MEX"),
        (6, "COL"),
    ]
    # Case 6's Oz had no place: it was given the one after the known countries, and keeps it.
    assert rows(con, "SELECT case_uid, position FROM case_unmapped WHERE text = 'Oz' ORDER BY 1") == [(5, 3), (6, 2)]
    assert (6, "unknown_country", "transit", "Oz", "unknown country 'Oz' in transit") in flags(con)


def test_every_change_undone_leaves_the_store_as_it_was(con):
    before = snapshot(con)
    map_term(con, "origin", "Atlantis", "PAN")
    map_term(con, "transit", "Narnia", "CRI")
    map_term(con, "network", "Red X", "ngo")
    map_term(con, "recruitment_method", "anuncio", "internet")
    for field, text in (("origin", "Atlantis"), ("transit", "Narnia"), ("network", "Red X")):
        unmap_term(con, field, text)
    unmap_term(con, "recruitment_method", "anuncio")
    assert snapshot(con) == before


def test_a_mapping_no_stored_case_holds_is_kept_for_the_next_imports(con):
    assert map_term(con, "gender", "mujer trans", "transgender_nonconforming", "ana") == 0
    assert mapped_terms(con)[("gender", term_key("mujer trans"))] == "transgender_nonconforming"
    assert term_map(con)[["field", "text", "code", "cases", "mapped_by"]].values.tolist() == [
        ["gender", "mujer trans", "transgender_nonconforming", 0, "ana"]
    ]


# --- refusals -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text", "code", "message"),
    [
        ("colour", "x", "y", r"unknown field 'colour'; expected one of crime_type, "),
        ("transport_mode", "coche", "car", r"'car' is not a code of transport_mode; expected one of land, sea, air"),
        ("origin", "Atlantis", "Atlantida", r"'Atlantida' is not a country; expected an ISO 3166 code or a country"),
        ("recruitment_method", " ¿? ", "job_offer", r"' ¿\? ' has no letter or digit to map"),
        ("recruitment_method", "x", "?oferta", r"'\?oferta' is not a code of recruitment_method"),
    ],
)
def test_a_wrong_field_code_or_text_is_refused_and_nothing_changes(con, field, text, code, message):
    before = snapshot(con)
    with pytest.raises(TermMapError, match=message):
        map_term(con, field, text, code)
    assert snapshot(con) == before and term_map(con).empty and log(con) == []


def test_unmapping_a_term_not_mapped_is_refused(con):
    with pytest.raises(TermMapError, match=r"'Atlantis' is not mapped in country; see the mappings"):
        unmap_term(con, "origin", "Atlantis")
    assert log(con) == []


def test_a_refusal_reads_in_the_users_language():
    with pytest.raises(TermMapError) as caught:
        resolve_field("colour")
    assert caught.value.text("es").startswith("campo desconocido 'colour'")


# --- the importer's door ------------------------------------------------------------------------------


def test_apply_term_map_resolves_the_stored_terms_the_map_knows(con):
    con.execute(
        "INSERT INTO term_map (field, term_key, text, code, mapped_by, mapped_at) VALUES "
        "($country, $atlantis, 'Atlantis', 'PAN', 'ana', TIMESTAMP '2026-01-01 00:00:00'), "
        "('network', $redx, 'Red X', 'ngo', 'ana', TIMESTAMP '2026-01-01 00:00:00')",
        {"country": COUNTRY_FIELD, "atlantis": term_key("Atlantis"), "redx": term_key("Red X")},
    )
    with transaction(con):
        assert apply_term_map(con) == 2
    assert rows(con, "SELECT origin, network FROM cases WHERE case_uid IN (1, 3) ORDER BY case_uid") == [
        ("PAN", "national_police"),
        ("COL", "ngo"),
    ]
    assert rollups(con) == rebuilt_rollups(con) and log(con) == []
    assert unmap_term(con, "origin", "atlantis") == 1


def test_a_mapping_changes_the_data_version(con):
    first = data_version(con)
    map_term(con, "origin", "Atlantis", "PAN")
    second = data_version(con)
    unmap_term(con, "origin", "Atlantis")
    assert len({first, second, data_version(con)}) == 3


# --- sharing the map -----------------------------------------------------------------------------------


def test_the_map_travels_as_csv_to_another_store(con, tmp_path):
    map_term(con, "recruitment_method", "oferta de empleo", "job_offer", "ana")
    map_term(con, "origin", "Atlantis", "PAN", "ana")
    map_term(con, "platform", "=chat+", "other", "ana")
    path = tmp_path / "terms.csv"
    assert export_term_map(con, path) == 3
    assert path.read_text(encoding="utf-8").splitlines() == [
        "field,text,code",
        "country,Atlantis,PAN",
        "platform,'=chat+,other",
        "recruitment_method,oferta de empleo,job_offer",
    ]
    other = connect(":memory:")
    fill(other)
    assert import_term_map(other, path, "luis") == 5
    assert mapped_terms(other) == mapped_terms(con)
    assert term_map(other)["text"].tolist() == ["Atlantis", "=chat+", "oferta de empleo"]
    assert snapshot(other) == snapshot(con)
    assert [entry[:2] + entry[4:] for entry in log(other)] == [
        ("luis", "import", "PAN", 1),
        ("luis", "import", "other", 0),
        ("luis", "import", "job_offer", 4),
    ]
    assert import_term_map(other, path, "luis") == 0 and len(log(other)) == 3


def test_a_term_map_file_with_a_wrong_row_is_refused_whole(con, tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text(
        "\ufefffield,text,code,note\n"
        "country,Atlantis,PAN,ok\n"
        "colour,rojo,red,\n"
        "transport_modes,coche,car,\n"
        "country,atlantis,COL,twice\n",
        encoding="utf-8",
    )
    with pytest.raises(TermMapError) as caught:
        import_term_map(con, path)
    assert str(caught.value) == (
        "terms.csv, line 3: unknown field 'colour'; expected one of crime_type, role, gender, age_group, "
        "event_type, network, recruitment_method, control_method, exploitation_form, transport_mode, concealment, "
        "document_fraud, platform, linked_crime, route_role, precision, date_precision, location_precision, "
        "country, or a file column such as control_methods or origin (3 wrong rows in all; nothing was imported)"
    )
    assert term_map(con).empty and rows(con, "SELECT origin FROM cases WHERE case_uid = 1") == [(None,)]
    path.write_text("field,texto,code\ncountry,Atlantis,PAN\n", encoding="utf-8")
    with pytest.raises(TermMapError, match=r"terms.csv: missing column\(s\) text; expected the columns field"):
        read_term_map(path)


def test_a_term_map_file_names_fields_by_column_and_countries_by_name(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text("field,text,code\ncontrol_methods, amenaza ,threats\norigin,Atlantis,Panamá\n", encoding="utf-8")
    assert read_term_map(path) == [("control_method", "amenaza", "threats"), (COUNTRY_FIELD, "Atlantis", "PAN")]


def test_the_log_dates_each_change(con):
    map_term(con, "origin", "Atlantis", "PAN")
    (at,) = rows(con, "SELECT logged_at FROM term_map_log")[0]
    assert isinstance(at, dt.datetime)


def test_a_case_whose_only_flag_a_mapping_lifts_leaves_the_flagged_rollups(tmp_path):
    """Imported as the importer writes it: one case doubtful only for its term, one not doubtful."""
    from conftest import HEADER, TODAY

    from turquesa_geo.ingest.flat import import_file

    store = connect(":memory:")
    path = tmp_path / "cases.csv"
    path.write_text(
        HEADER
        + "\nB1,PNC,2024-03-05,smuggling,VEN,VEN,,PAN,PAN,,,,camello,,,,,4,\n"
        + "B2,PNC,2024-03-09,smuggling,VEN,VEN,,PAN,PAN,,,,land,,,,,3,\n",
        encoding="utf-8",
    )
    import_file(store, path, today=TODAY)
    assert rows(store, "SELECT flagged, CAST(sum(cases) AS INTEGER) FROM rollup_routes GROUP BY ALL ORDER BY 1") == [
        (False, 1),
        (True, 1),
    ]
    assert map_term(store, "transport_mode", "camello", "land", "ana") == 1
    assert rows(store, "SELECT count(*) FROM case_flags") == [(0,)]
    assert rows(store, "SELECT flagged, CAST(sum(cases) AS INTEGER) FROM rollup_routes GROUP BY ALL") == [(False, 2)]
    assert rollups(store) == rebuilt_rollups(store)
    assert unmap_term(store, "transport_mode", "camello", "ana") == 1
    assert rows(store, "SELECT flagged, CAST(sum(cases) AS INTEGER) FROM rollup_routes GROUP BY ALL ORDER BY 1") == [
        (False, 1),
        (True, 1),
    ]
    assert rollups(store) == rebuilt_rollups(store)
