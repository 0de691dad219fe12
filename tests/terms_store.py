"""A store of seven cases as the importer leaves terms no vocabulary knows: ``?text`` attributes, NULL coded
columns, case_unmapped rows (with the transit place) and flags. For the term map's tests (ingest, CLI, page).
"""

from __future__ import annotations

from turquesa_geo.store import queries as sql

#: Seven cases. 1: origin 'Atlantis' unknown, transit read 'COL>Narnia>PAN'; recruited by 'oferta de empleo'.
#: 2: 'oferta de empleo' and 'job offer' in one cell (holds job_offer already). 3: 'Oferta de empléo' (same key,
#: another text) and network 'Red X' unknown. 4: job_offer, nothing unknown. 5: transit read 'Narnia>GTM>Oz>MEX'.
#: 6: transit read 'COL>Oz', the importer gave no position. 7: 'anuncio' and 'oferta de empleo', nothing else,
#: no nationality (a NULL key of the rollups).
CASES = (
    "INSERT INTO cases (case_uid, source, incident_id, network, crime_type, case_date, nationality, origin, transit, "
    "destination, detection_country, import_id, row_hash) VALUES "
    "(1, 'PNC', 'A1', 'national_police', 'smuggling', DATE '2024-03-05', 'VEN', NULL, 'COL>PAN', 'USA', 'PAN', 1, "
    "'h1'), "
    "(2, 'PNC', 'A2', 'national_police', 'trafficking', DATE '2024-03-20', 'VEN', 'VEN', NULL, 'PER', 'PER', 1, "
    "'h2'), "
    "(3, 'MP', 'B1', NULL, 'trafficking', DATE '2023-07-01', 'COL', 'COL', NULL, 'ESP', 'COL', 1, 'h3'), "
    "(4, 'MP', 'B2', NULL, 'trafficking', DATE '2024-05-01', 'COL', 'COL', NULL, 'ESP', 'COL', 1, 'h4'), "
    "(5, 'PNC', 'A5', NULL, 'smuggling', DATE '2024-05-09', 'HTI', 'HTI', 'GTM>MEX', 'USA', 'MEX', 1, 'h5'), "
    "(6, 'PNC', 'A6', NULL, 'smuggling', DATE '2024-06-09', 'VEN', 'VEN', 'COL', 'USA', 'MEX', 1, 'h6'), "
    "(7, 'MP', 'B7', NULL, 'trafficking', DATE '2022-01-15', NULL, 'COL', NULL, 'ESP', 'COL', 1, 'h7')",
    "INSERT INTO case_persons (case_uid, role, gender, age_group, nationality, persons) VALUES "
    "(1, 'migrant', 'male', 'adult', NULL, 3), (2, 'victim', 'female', 'adult', NULL, 1), "
    "(3, 'victim', 'female', 'minor', NULL, 2), (4, 'victim', 'female', 'adult', NULL, 1)",
    "INSERT INTO case_attributes (case_uid, dimension, code) VALUES "
    "(1, 'recruitment_method', '?oferta de empleo'), (1, 'transport_mode', 'land'), "
    "(2, 'recruitment_method', '?oferta de empleo'), (2, 'recruitment_method', 'job_offer'), "
    "(3, 'recruitment_method', '?oferta de empléo'), (4, 'recruitment_method', 'job_offer'), "
    "(7, 'recruitment_method', '?anuncio'), (7, 'recruitment_method', '?oferta de empleo')",
    "INSERT INTO case_unmapped (case_uid, field, column_name, text, term_key, position) VALUES "
    "(1, 'recruitment_method', 'recruitment_method', 'oferta de empleo', 'ofertadeempleo', NULL), "
    "(2, 'recruitment_method', 'recruitment_method', 'oferta de empleo', 'ofertadeempleo', NULL), "
    "(3, 'recruitment_method', 'recruitment_method', 'Oferta de empléo', 'ofertadeempleo', NULL), "
    "(7, 'recruitment_method', 'recruitment_method', 'anuncio', 'anuncio', NULL), "
    "(7, 'recruitment_method', 'recruitment_method', 'oferta de empleo', 'ofertadeempleo', NULL), "
    "(1, 'country', 'origin', 'Atlantis', 'atlantis', NULL), "
    "(1, 'country', 'transit', 'Narnia', 'narnia', 2), "
    "(5, 'country', 'transit', 'Narnia', 'narnia', 1), "
    "(5, 'country', 'transit', 'Oz', 'oz', 3), "
    "(6, 'country', 'transit', 'Oz', 'oz', NULL), "
    "(3, 'network', 'network', 'Red X', 'redx', NULL)",
    "INSERT INTO case_flags (case_uid, rule, column_name, value, message) VALUES "
    "(1, 'unmapped_term', 'recruitment_method', 'oferta de empleo', 'm1'), "
    "(2, 'unmapped_term', 'recruitment_method', 'oferta de empleo', 'm2'), "
    "(3, 'unmapped_term', 'recruitment_method', 'Oferta de empléo', 'm3'), "
    "(7, 'unmapped_term', 'recruitment_method', 'anuncio', 'm7a'), "
    "(7, 'unmapped_term', 'recruitment_method', 'oferta de empleo', 'm7o'), "
    "(1, 'unknown_country', 'origin', 'Atlantis', 'c1'), "
    "(1, 'unknown_country', 'transit', 'Narnia', 't1'), "
    "(5, 'unknown_country', 'transit', 'Narnia', 't5n'), "
    "(5, 'unknown_country', 'transit', 'Oz', 't5o'), "
    "(3, 'unmapped_term', 'network', 'Red X', 'n3'), "
    "(1, 'partial_date', 'date', '2024-03', 'p1')",
)


def full_refresh(con) -> None:
    for text, params in sql.refresh_rollups():
        con.execute(text, params)


def fill(con) -> None:
    """Write :data:`CASES` into a new store and build its rollups; each term's key is the importer's
    (``vocab.term_key``), whatever the literal above says."""
    from turquesa_geo.vocab import term_key

    for statement in CASES:
        con.execute(statement)
    for (text,) in con.execute("SELECT DISTINCT text FROM case_unmapped").fetchall():
        con.execute(
            "UPDATE case_unmapped SET term_key = $key WHERE text = $text", {"key": term_key(text), "text": text}
        )
    full_refresh(con)
