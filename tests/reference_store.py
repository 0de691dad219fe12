"""A tiny store of aggregate reference data only (no case), hand-written for literal answers.

Two sources, each from its own import: "GLOTIP" (profile glotip) with detected victims of
Colombia and Panama in 2021 and 2022 (totals, sexes, ages, citizenships, one censored total,
a region that already holds its countries, a rate that is not a count) and offences; and
"CBP" (profile cbp), encounters by citizenship only, published exact even when small.

Expected answers, worked by hand:

- detected victims, countries' own totals: 2021 = 172 + one <5 (Panama); 2022 = 150; the
  Caribbean's 300 is a region's (never added); the rate 3.1 is not a count (never added);
- stored rows: GLOTIP detected victims 11 in 2021 (4 censored) and 1 in 2022; offences 1 (57);
  CBP encounters 2 (2023).
"""

from __future__ import annotations

from turquesa_geo.store.connection import connect

_COLUMNS = "source, indicator, dimension, category, country, area, sex, age_group, year, unit, value, censored"

REFERENCE_ROWS = (
    "INSERT INTO imports (import_id, file_name, sha256, profile, source, rows_read, rows_accepted, rows_quarantined, "
    "rows_inserted, rows_updated, rows_unchanged, started, finished, status) VALUES "
    "(1, 'glotip.csv', 'g', 'glotip', NULL, 13, 13, 0, 13, 0, 0, TIMESTAMP '2026-01-02 10:00:00', "
    "TIMESTAMP '2026-01-02 10:00:01', 'done'), "
    "(2, 'cbp.csv', 'c', 'cbp', NULL, 2, 2, 0, 2, 0, 0, TIMESTAMP '2026-01-03 10:00:00', "
    "TIMESTAMP '2026-01-03 10:00:01', 'done')",
    f"INSERT INTO aggregate_counts ({_COLUMNS}, import_id, row_hash) VALUES "
    "('GLOTIP', 'detected_victims', 'total', 'total', 'COL', 'COL', 'total', 'total', 2021, 'Counts', 172, NULL, 1, "
    "'g1'), "
    "('GLOTIP', 'detected_victims', 'total', 'total', 'COL', 'COL', 'female', 'total', 2021, 'Counts', 134, NULL, 1, "
    "'g2'), "
    "('GLOTIP', 'detected_victims', 'total', 'total', 'COL', 'COL', 'unknown', 'total', 2021, 'Counts', NULL, '<5', "
    "1, 'g3'), "
    "('GLOTIP', 'detected_victims', 'total', 'total', 'COL', 'COL', 'female', 'minor', 2021, 'Counts', 14, NULL, 1, "
    "'g4'), "
    "('GLOTIP', 'detected_victims', 'total', 'total', 'COL', 'COL', 'male', 'minor', 2021, 'Counts', NULL, '<5', 1, "
    "'g5'), "
    "('GLOTIP', 'detected_victims', 'total', 'total', 'PAN', 'PAN', 'total', 'total', 2021, 'Counts', NULL, '<5', 1, "
    "'g6'), "
    "('GLOTIP', 'detected_victims', 'total', 'total', 'COL', 'COL', 'total', 'total', 2022, 'Counts', 150, NULL, 1, "
    "'g7'), "
    "('GLOTIP', 'detected_victims', 'total', 'total', NULL, 'Caribbean', 'total', 'total', 2021, 'Counts', 300, NULL, "
    "1, 'g8'), "
    "('GLOTIP', 'detected_victims', 'citizenship', 'VEN', 'COL', 'COL', 'total', 'total', 2021, 'Counts', 48, NULL, "
    "1, 'g9'), "
    "('GLOTIP', 'detected_victims', 'citizenship', 'VEN', 'PAN', 'PAN', 'total', 'total', 2021, 'Counts', NULL, '<5', "
    "1, 'g10'), "
    "('GLOTIP', 'detected_victims', 'citizenship', 'COL', 'ESP', 'ESP', 'total', 'total', 2021, 'Counts', 60, NULL, "
    "1, 'g11'), "
    "('GLOTIP', 'offences', 'total', 'total', 'COL', 'COL', 'total', 'total', 2021, 'Counts', 57, NULL, 1, 'g12'), "
    "('GLOTIP', 'detected_victims', 'total', 'total', 'COL', 'COL', 'total', 'total', 2021, 'Rate per 100,000', 3, "
    "NULL, 1, 'g13'), "
    "('CBP', 'encounters', 'citizenship', 'VEN', 'USA', 'USA', 'total', 'total', 2023, 'Counts', 1200, NULL, 2, "
    "'c1'), "
    "('CBP', 'encounters', 'citizenship', 'HTI', 'USA', 'USA', 'total', 'total', 2023, 'Counts', 3, NULL, 2, 'c2')",
)


def reference_store(path: str = ":memory:"):
    """A new store (in memory unless ``path``) holding :data:`REFERENCE_ROWS` and no case."""
    con = connect(path)
    for statement in REFERENCE_ROWS:
        con.execute(statement)
    return con
