"""Writing aggregate counts (turquesa_geo/store/queries/ingest_counts.py), as strings."""

from __future__ import annotations

from turquesa_geo.store.queries import ingest_counts


def test_insert_counts_lists_columns_and_binds_the_import_id():
    sql, params = ingest_counts.insert_counts_sql("g_counts", 4)
    assert sql.startswith(
        "INSERT INTO aggregate_counts (source, indicator, dimension, category, country, area, sex, age_group, year, "
        "month, breakdown, unit, value, censored, import_id, row_hash) SELECT g.source, g.indicator, g.dimension, "
        "g.category, g.country, g.area, g.sex, g.age_group, g.year, g.month, g.breakdown, g.unit, g.value, "
        "g.censored, $import_id, g.row_hash FROM g_counts g WHERE NOT EXISTS"
    )
    assert params == {"import_id": 4}


def test_count_tally_joins_on_the_whole_key():
    sql, params = ingest_counts.tally_counts_sql("g_counts")
    for column in ingest_counts.COUNT_KEY:
        if column == "month":  # a yearly count has no month: NULL matches NULL
            assert "a.month IS NOT DISTINCT FROM g.month" in sql
        else:
            assert f"a.{column} = g.{column}" in sql
    assert params == {}
