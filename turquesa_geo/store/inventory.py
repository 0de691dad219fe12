"""What the store holds: counts by crime type and year, sources, imports, quarantine.

The landing page and ``turquesa status`` read these; counts are small-cell protected
by the caller's display step.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from turquesa_geo.store import queries as sql

__all__ = [
    "cases_by_crime_year",
    "coarse_dates",
    "quarantine_by_rule",
    "quarantine_entries",
    "recent_imports",
    "sources",
    "store_choices",
    "store_totals",
    "undated_cases",
]


def _frame(con: duckdb.DuckDBPyConnection, query: sql.Query) -> pd.DataFrame:
    return con.execute(*query).df()


def cases_by_crime_year(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Cases and persons (victims and migrants) by crime type and year."""
    return _frame(con, sql.status_by_crime_year())


def sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Cases per reporting source and network."""
    return _frame(con, sql.sources_summary())


def recent_imports(con: duckdb.DuckDBPyConnection, limit: int = 10) -> pd.DataFrame:
    """The latest imports with their reconciliation."""
    return _frame(con, sql.recent_imports(limit))


def quarantine_by_rule(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> pd.DataFrame:
    """Quarantined rows per rule."""
    return _frame(con, sql.quarantine_by_rule(import_id))


def store_totals(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Total cases, persons by role, imports and quarantined rows."""
    row = con.execute(*sql.store_totals()).fetchall()[0]
    return dict(zip(("cases", "victims", "migrants", "suspects", "imports", "quarantined"), (int(v) for v in row)))


def quarantine_entries(con: duckdb.DuckDBPyConnection, import_id: int) -> tuple[list[str], list[tuple]]:
    """The quarantine of one import: (headers, rows), one row per problem, in file order."""
    cursor = con.execute(*sql.quarantine_rows(import_id))
    return [d[0] for d in cursor.description], cursor.fetchall()


def store_choices(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """What the filters can offer: countries seen in any route role, sources, modus-operandi codes.

    Aggregate counts add their sources, detecting countries and citizenships.
    """
    countries = [r[0] for r in con.execute(*sql.store_countries()).fetchall()]
    sources = [r[0] for r in con.execute(*sql.store_sources()).fetchall()]
    modus = [f"{d}:{c}" for d, c in con.execute(*sql.store_modus_codes()).fetchall()]
    return {"countries": countries, "sources": sources, "modus": modus}


def coarse_dates(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Cases per source whose date is only a year or a period of years (dated 1 January), most first."""
    return dict(con.execute(*sql.coarse_dates()).fetchall())


def undated_cases(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Cases per source whose date is not known at all (CTDC victims registered without a year), most first:
    counted in the store's totals, in no period, series or signal (what a page says of them)."""
    return dict(con.execute(*sql.undated_cases()).fetchall())
