"""The public-data fixtures of tests/ingest/profiles/ and the readers of what an import stored.

The files in tests/fixtures/profiles are written by hand in the shape of the public
downloads, with their quirks (HTML entities, trailing newlines, mixed date styles,
``"lat, lon"`` text, whole-degree points, split incidents sharing a Main ID, ``<5``
values, region codes, ``-99``, a terms-of-use header cell, year bands). Every expected
value in those tests is read off these files.
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "profiles"
MMP_CSV, MMP_JSON = FIXTURES / "mmp_incidents.csv", FIXTURES / "mmp_incidents.json"
#: IOM's newer layouts (HDX JSON records, the CSV with "Incident Type"): split parts, sea and rounded points,
#: adjustments, blank and unreadable dates, a blank coordinate.
MMP_AMERICAS_CSV, MMP_AMERICAS_JSON = FIXTURES / "mmp_americas.csv", FIXTURES / "mmp_americas.json"
#: Three HDX JSON records: a Darién incident on each side of the border (Colombia, Panama) and one in Texas.
MMP_DARIEN_JSON = FIXTURES / "mmp_darien.json"
GLOTIP_CSV = FIXTURES / "glotip_country_data.csv"
CTDC_GLOBAL, CTDC_SYNTHETIC = FIXTURES / "ctdc_global.csv", FIXTURES / "ctdc_synthetic.csv"
#: CTDC's global layout with victims registered without a year (blank, -99).
CTDC_YEARS = FIXTURES / "ctdc_global_years.csv"


def stored_case(con, incident_id: str) -> dict:
    """The one stored case of ``incident_id``, as a dict with missing values as None."""
    frame = con.execute("SELECT * FROM cases WHERE incident_id = ?", [incident_id]).df()
    assert len(frame) == 1, incident_id
    return {k: (None if v is None or v != v else v) for k, v in frame.iloc[0].to_dict().items()}


def stored_persons(con, incident_id: str) -> dict[tuple[str, str, str], int]:
    """The persons of a stored case by (role, gender, age group)."""
    rows = con.execute(
        "SELECT p.role, p.gender, p.age_group, p.persons FROM case_persons p JOIN cases c "
        "USING (case_uid) WHERE c.incident_id = ?",
        [incident_id],
    ).fetchall()
    return {(r, g, a): n for r, g, a, n in rows}


def stored_codes(con, incident_id: str, dimension: str) -> list[str]:
    """The sorted codes of one dimension of a stored case."""
    return [
        r[0]
        for r in con.execute(
            "SELECT a.code FROM case_attributes a JOIN cases c USING (case_uid) WHERE c.incident_id = ? "
            "AND a.dimension = ? ORDER BY a.code",
            [incident_id, dimension],
        ).fetchall()
    ]


#: US CBP nationwide encounters, by area of responsibility (FY2023-FY2024 excerpt: thousands separators,
#: "2024 (FYTD)", a zero of a month not reported yet, OTHER, unknown citizenship and demographic, broken rows)
#: and by state (the same months, one value revised).
CBP_AOR = FIXTURES / "cbp_nationwide_encounters_aor.csv"
CBP_STATE = FIXTURES / "cbp_nationwide_encounters_state.csv"
#: US TIP report directionality codings: roles per country and year (1/0, Yes/No), and routes with transit legs.
TIPDIR_ROLES, TIPDIR_ROUTES = FIXTURES / "tipdir_roles.csv", FIXTURES / "tipdir_routes.csv"
