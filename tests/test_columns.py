"""Column names defined once (turquesa_geo.columns): they match the store's schema, and count columns parse."""

from __future__ import annotations

import pytest

from turquesa_geo import columns as col
from turquesa_geo.store.connection import connect
from turquesa_geo.store.queries import ROLLUP_DIMENSIONS
from turquesa_geo.vocab import VOCABULARIES


@pytest.fixture(scope="module")
def schema():
    """Columns per table of a freshly migrated store."""
    con = connect(":memory:")
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall()
    con.close()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables


def test_every_case_column_constant_is_a_column_of_the_cases_table(schema):
    case_columns = {
        col.INCIDENT_ID,
        col.SOURCE,
        col.NETWORK,
        col.REPORTING_COUNTRY,
        col.CRIME_TYPE,
        col.NATIONALITY,
        col.ORIGIN,
        col.TRANSIT,
        col.DESTINATION,
        col.DETECTION_COUNTRY,
        col.LAT,
        col.LON,
        col.PLACE,
        *col.COUNTRY_COLUMNS,
        *col.DETAIL_COLUMNS,
        col.PERIOD_END,  # schema version 9
    }
    assert case_columns - schema["cases"] == set()
    assert "case_date" in schema["cases"]  # the flat column "date", stored as case_date


def test_every_modus_dimension_has_a_vocabulary_and_a_rollup_column(schema):
    assert set(col.MODUS_DIMENSIONS) == set(col.MULTI_VALUE_COLUMNS.values())
    assert set(col.MODUS_DIMENSIONS) <= set(VOCABULARIES)
    assert {f"reporting_{d}" for d in ROLLUP_DIMENSIONS} <= schema["rollup_routes"]


def test_count_columns_use_the_person_table_codes(schema):
    assert {"role", "gender", "age_group", "persons"} <= schema["case_persons"]
    assert len(col.COUNT_COLUMNS) == 3 * 4 * 3
    assert set(col.COUNT_ROLE.values()) <= {t.code for t in VOCABULARIES["role"]}
    assert set(col.COUNT_GENDER.values()) <= {t.code for t in VOCABULARIES["gender"]}
    assert set(col.COUNT_AGE.values()) <= {t.code for t in VOCABULARIES["age_group"]}


@pytest.mark.parametrize(
    "name, parsed",
    [
        ("victims_f_minor", ("victim", "female", "minor")),
        ("suspects_u_u", ("suspect", "unknown", "unknown")),
        ("migrants_x_adult", ("migrant", "transgender_nonconforming", "adult")),
        ("place", None),
    ],
)
def test_count_columns_parse_and_name_back(name, parsed):
    assert col.parse_count_column(name) == parsed
    if parsed:
        assert col.count_column(*parsed) == name


def test_a_count_shaped_column_with_an_unknown_code_is_refused_by_name():
    with pytest.raises(ValueError, match="gender code 'q' is not one of f, m, x, u"):
        col.parse_count_column("victims_q_adult")


def test_flat_columns_are_unique_and_required_ones_come_first():
    assert len(set(col.FLAT_COLUMNS)) == len(col.FLAT_COLUMNS)
    assert set(col.REQUIRED_COLUMNS) <= set(col.FLAT_COLUMNS[:6])


@pytest.mark.parametrize("name", ["victim_name", "Fecha_Nacimiento", "passport_no", "email", "nombre"])
def test_personal_columns_are_recognised(name):
    assert col.looks_personal(name)


@pytest.mark.parametrize("name", ["nationality", "place", "victims_f_minor", "source_quality"])
def test_case_columns_are_not_personal(name):
    assert not col.looks_personal(name)
