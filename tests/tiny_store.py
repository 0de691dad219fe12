"""A tiny store of hand-written rows, for tests that need literal answers from SQL (datasette-style).

Four cases: two smuggling cases on VEN>COL>PAN (2023 and 2024), one trafficking case
VEN>PER (2024, dated only by its year) and one IOM Missing Migrants incident HTI>PAN>CRI>USA detected in MEX
(2024: 2 dead, 1 missing); one import, two quarantined problems on one line; GLOTIP-like
aggregate counts of 2021 and 2022.

With ``flags=True`` (:data:`FLAG_ROWS`), three cases carry flags: A2 (2023) an adjustment, B1 a
partial date, M1 two (outside the country, rounded), and M1 comes from a second import.
"""

from __future__ import annotations

from turquesa_geo.store import queries as sql
from turquesa_geo.store.connection import connect

TINY_ROWS = (
    "INSERT INTO imports (import_id, file_name, sha256, profile, source, rows_read, rows_accepted, rows_quarantined, "
    "rows_inserted, rows_updated, rows_unchanged, started, finished, status) VALUES "
    "(1, 'tiny.csv', 'abc', 'flat', NULL, 5, 4, 1, 4, 0, 0, TIMESTAMP '2026-01-02 10:00:00', "
    "TIMESTAMP '2026-01-02 10:00:01', 'done')",
    "INSERT INTO quarantine (import_id, line, column_name, rule, value, message, record) VALUES "
    "(1, 6, 'date', 'bad_date', '2024-13-01', 'not a date', NULL), "
    "(1, 6, 'nationality', 'unknown_country', 'Atlantis', 'not a country', NULL)",
    "INSERT INTO cases (case_uid, source, incident_id, network, crime_type, case_date, nationality, origin, transit, "
    "destination, detection_country, import_id, row_hash, dead, missing, survivors, children, source_quality, "
    "date_precision, location_precision) VALUES "
    "(1, 'PNC', 'A1', 'N1', 'smuggling', DATE '2024-03-05', 'VEN', 'VEN', 'COL', 'PAN', 'PAN', 1, 'h1', "
    "NULL, NULL, NULL, NULL, NULL, 'day', NULL), "
    "(2, 'PNC', 'A2', 'N1', 'smuggling', DATE '2023-06-10', 'VEN', 'VEN', 'COL', 'PAN', 'PAN', 1, 'h2', "
    "NULL, NULL, NULL, NULL, NULL, 'day', NULL), "
    "(3, 'MP', 'B1', NULL, 'trafficking', DATE '2024-07-01', 'VEN', 'VEN', NULL, 'PER', 'PER', 1, 'h3', "
    "NULL, NULL, NULL, NULL, NULL, 'year', NULL), "
    "(4, 'MMP', 'M1', NULL, 'smuggling', DATE '2024-08-15', 'HTI', 'HTI', 'PAN>CRI', 'USA', 'MEX', 1, 'h4', "
    "2, 1, 5, 1, 'verified', 'day', 'exact')",
    "INSERT INTO case_persons (case_uid, role, gender, age_group, nationality, persons) VALUES "
    "(1, 'migrant', 'male', 'adult', NULL, 12), (1, 'suspect', 'male', 'adult', NULL, 1), "
    "(2, 'migrant', 'female', 'adult', NULL, 4), (3, 'victim', 'female', 'minor', NULL, 2), "
    "(3, 'victim', 'unknown', 'adult', NULL, 1), (4, 'migrant', 'female', 'adult', 'HTI', 2)",
    "INSERT INTO case_attributes (case_uid, dimension, code) VALUES "
    "(1, 'transport_mode', 'land'), (1, 'transport_mode', 'river'), (2, 'transport_mode', 'land'), "
    "(3, 'platform', 'tiktok'), (3, 'exploitation_form', 'sexual'), (4, 'transport_mode', 'sea')",
    "INSERT INTO aggregate_counts (source, indicator, dimension, category, country, area, sex, age_group, year, unit, "
    "value, censored, import_id, row_hash) VALUES "
    "('GLOTIP', 'detected_victims', 'citizenship', 'VEN', 'COL', 'Americas', 'total', 'total', 2021, 'Counts', "
    "40, NULL, 1, 'g1'), "
    "('GLOTIP', 'detected_victims', 'citizenship', 'VEN', 'COL', 'Americas', 'total', 'total', 2022, 'Counts', "
    "NULL, '<5', 1, 'g2'), "
    "('GLOTIP', 'detected_victims', 'citizenship', 'COL', 'COL', 'Americas', 'total', 'total', 2022, 'Counts', "
    "30, NULL, 1, 'g3'), "
    "('GLOTIP', 'detected_victims', 'total', 'total', 'COL', 'Americas', 'female', 'minor', 2022, 'Counts', "
    "12, NULL, 1, 'g4'), "
    "('GLOTIP', 'detected_victims', 'total', 'total', 'COL', 'Americas', 'female', 'adult', 2022, 'Counts', "
    "20, NULL, 1, 'g5')",
)


#: Flags on three of the four cases (case 1, A1 of 2024-03, is the only one without), and a second import.
FLAG_ROWS = (
    "INSERT INTO imports (import_id, file_name, sha256, profile, source, rows_read, rows_accepted, rows_flagged, "
    "rows_quarantined, rows_inserted, rows_updated, rows_unchanged, started, finished, status) VALUES "
    "(2, 'tiny-2.csv', 'def', 'flat', NULL, 1, 1, 1, 0, 1, 0, 0, TIMESTAMP '2026-01-03 10:00:00', "
    "TIMESTAMP '2026-01-03 10:00:01', 'done')",
    "UPDATE cases SET import_id = 2 WHERE case_uid = 4",
    "INSERT INTO case_flags (case_uid, rule, column_name, value, message) VALUES "
    "(2, 'adjustment', 'migrants_f_adult', '-1', 'a negative count adjusts an earlier report'), "
    "(3, 'partial_date', 'date', '2024', 'known only to the year'), "
    "(4, 'coordinates_outside_country', 'lat', '23.1', 'outside MEX'), "
    "(4, 'rounded_coordinates', 'lat', '23', 'whole degrees')",
)


def tiny_store(flags: bool = False, path: str = ":memory:"):
    """A new store (in memory unless ``path``) holding :data:`TINY_ROWS` (and :data:`FLAG_ROWS` with ``flags``),
    rollups refreshed."""
    con = connect(path)
    for statement in (*TINY_ROWS, *(FLAG_ROWS if flags else ())):
        con.execute(statement)
    for text, params in sql.refresh_rollups():
        con.execute(text, params)
    return con
