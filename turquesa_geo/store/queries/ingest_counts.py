"""SQL of the aggregate-counts import (UNODC GLOTIP, US CBP, US TIP report): tally, replace and insert the staged counts.

Every builder returns ``(sql, params)`` with DuckDB ``$name`` parameters in a dict.
"""

from __future__ import annotations

from turquesa_geo.store.queries import plain_ident

__all__ = ["COUNT_COLUMNS", "COUNT_KEY", "delete_replaced_counts_sql", "insert_counts_sql", "tally_counts_sql"]

#: Columns of ``aggregate_counts`` an import writes.
COUNT_COLUMNS: tuple[str, ...] = (
    "source",
    "indicator",
    "dimension",
    "category",
    "country",
    "area",
    "sex",
    "age_group",
    "year",
    "month",
    "breakdown",
    "unit",
    "value",
    "censored",
    "import_id",
    "row_hash",
)

#: The columns that identify one count: a later export replaces the value of the same key.
COUNT_KEY: tuple[str, ...] = (
    "source",
    "area",
    "indicator",
    "dimension",
    "category",
    "sex",
    "age_group",
    "year",
    "month",
    "breakdown",
    "unit",
)

#: Key columns that may be NULL (a yearly count has no month): compared so that NULL matches NULL.
_NULLABLE_KEY = frozenset({"month"})

Query = tuple[str, dict[str, object]]


def _same_key(stored: str, staged: str) -> str:
    """The join condition of one count's key.

    >>> _same_key("a", "g").split(" AND ")[-3:]
    ['a.month IS NOT DISTINCT FROM g.month', 'a.breakdown = g.breakdown', 'a.unit = g.unit']
    """
    return " AND ".join(
        f"{stored}.{c} IS NOT DISTINCT FROM {staged}.{c}" if c in _NULLABLE_KEY else f"{stored}.{c} = {staged}.{c}"
        for c in COUNT_KEY
    )


def tally_counts_sql(staged: str) -> Query:
    """Query of (unchanged, updated): staged counts already stored with the same, or another, value.

    >>> tally_counts_sql("g_counts")[0][:60]
    'SELECT count(*) FILTER (WHERE a.row_hash = g.row_hash), coun'
    """
    return (
        f"SELECT count(*) FILTER (WHERE a.row_hash = g.row_hash), count(*) FILTER (WHERE a.row_hash <> g.row_hash) "
        f"FROM {plain_ident(staged)} g JOIN aggregate_counts a ON {_same_key('a', 'g')}",
        {},
    )


def delete_replaced_counts_sql(staged: str) -> Query:
    """Statement deleting the stored counts that staged counts replace (same key, another value)."""
    return (
        f"DELETE FROM aggregate_counts a WHERE EXISTS (SELECT 1 FROM {plain_ident(staged)} g "
        f"WHERE {_same_key('a', 'g')} AND a.row_hash <> g.row_hash)",
        {},
    )


def insert_counts_sql(staged: str, import_id: int) -> Query:
    """Statement inserting the staged counts not already stored, recorded under ``import_id``.

    >>> insert_counts_sql("g_counts", 5)[1]
    {'import_id': 5}
    """
    values = [("$import_id" if c == "import_id" else f"g.{c}") for c in COUNT_COLUMNS]
    return (
        f"INSERT INTO aggregate_counts ({', '.join(COUNT_COLUMNS)}) SELECT {', '.join(values)} "
        f"FROM {plain_ident(staged)} g WHERE NOT EXISTS (SELECT 1 FROM aggregate_counts a WHERE {_same_key('a', 'g')})",
        {"import_id": import_id},
    )
