"""Pre-aggregated rollups that keep the corridor and trend queries fast on large stores.

Two tables, refreshed by every import inside its transaction (so a reader sees the
rollups and the cases of the same commit): the months the import touched are rebuilt,
the others are left as they are.

- ``rollup_routes``: cases, persons (victims and smuggled migrants), women and girls,
  and persons of known sex per month, crime type, source, nationality, reported
  route (origin, transit, destination, detection country) and ``flagged`` (whether the
  import kept the case with a flag, any rule: a row in ``case_flags``);
- ``rollup_modus``: distinct cases per month, crime type, source, nationality,
  ``flagged`` and modus-operandi code.

A query is answered from a rollup when the rollup holds everything it asks
(:func:`covers`): whole months, and no filter on persons (role, sex, age), modus
operandi, linked crimes or named flag rules ("exclude flagged cases", all rules at
once, is held). Otherwise it reads the case tables. Both ways give the same frame (tested). Both count
the counted cases only (the view ``counted_cases``): a report linked to an earlier report of
the same case is left out.
Counts are plain BIGINT columns: re-summing HUGEINT sums is ten times slower.
"""

from __future__ import annotations

import calendar
import datetime as dt

import duckdb

from turquesa_geo.filters import Filters
from turquesa_geo.store import queries as sql

__all__ = ["covers", "month_aligned", "refresh", "whole_months"]


def month_aligned(start: dt.date | None, end: dt.date | None) -> bool:
    """True when ``start`` is a first and ``end`` a last day of a month (None: open).

    >>> month_aligned(dt.date(2024, 1, 1), dt.date(2024, 2, 29)), month_aligned(dt.date(2024, 1, 2), None)
    (True, False)
    """
    if start is not None and start.day != 1:
        return False
    return end is None or end.day == calendar.monthrange(end.year, end.month)[1]


def whole_months(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The whole months that hold ``first`` .. ``last``.

    >>> whole_months(dt.date(2018, 1, 3), dt.date(2026, 11, 27))
    (datetime.date(2018, 1, 1), datetime.date(2026, 11, 30))
    """
    return first.replace(day=1), last.replace(day=calendar.monthrange(last.year, last.month)[1])


def covers(filters: Filters, *periods: tuple[dt.date, dt.date] | None) -> bool:
    """True when the rollups can answer a query of ``filters`` over ``periods`` exactly.

    >>> covers(Filters(exclude_flagged=True)), covers(Filters(excluded_flags=("adjustment",)))
    (True, False)
    """
    if filters.person_filtered() or filters.modus or filters.linked_crimes or filters.flag_rules_filtered():
        return False
    bounds = [(filters.start, filters.end), *(p for p in periods if p is not None)]
    return all(month_aligned(start, end) for start, end in bounds)


def refresh(con: duckdb.DuckDBPyConnection, months: str | None = None) -> None:
    """Rebuild the rollups from the case tables (call inside the import's write transaction).

    ``months`` names an internal relation of (month DATE): only those months are
    rebuilt (see :func:`turquesa_geo.store.queries.refresh_rollups`); None rebuilds everything.
    """
    for text, params in sql.refresh_rollups(months):
        con.execute(text, params)
