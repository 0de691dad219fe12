"""Validating and writing an HTCDS export (turquesa_geo/store/queries/ingest_htcds.py), as strings."""

from __future__ import annotations

from turquesa_geo.store.queries import ingest_htcds


def test_htcds_route_roles_travel_as_parameters():
    sql, params = ingest_htcds.route_events_sql({"recruitment": "origin", "arrival": "destination"})
    assert "CASE event_type WHEN $event_type_0 THEN $route_role_0 WHEN $event_type_1 THEN $route_role_1 END" in sql
    assert params == {
        "event_type_0": "recruitment",
        "route_role_0": "origin",
        "event_type_1": "arrival",
        "route_role_1": "destination",
        "precision": "point",
        "precision_2": "place",
        "precision_3": "country",
    }


def test_htcds_cases_bind_source_import_id_and_default_crime_type():
    assert ingest_htcds.insert_cases_sql("NGO", 3)[1] == {"source": "NGO", "import_id": 3}
    assert ingest_htcds.cases_sql("smuggling")[1] == {
        "default_crime_type": "smuggling",
        **{role: role for role in ("origin", "destination", "transit", "detection", "victim", "unknown")},
    }
    assert ingest_htcds.case_uids_sql(41) == (
        "CREATE OR REPLACE TEMP TABLE h_uid AS SELECT case_id, old_uid, same, "
        "coalesce(old_uid, CAST($base AS BIGINT) + row_number() OVER (ORDER BY case_id)) AS case_uid FROM h_ins",
        {"base": 41},
    )


def test_htcds_case_view_quotes_file_columns():
    sql, params = ingest_htcds.case_view_sql("hp", "cas_caseid", ["cas_caseid", 'odd"name'])
    assert sql == ('CREATE OR REPLACE TEMP VIEW hp_v AS SELECT _line, "cas_caseid" AS case_id, "odd""name" FROM hp')
    assert params == {}
