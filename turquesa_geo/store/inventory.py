"""What the store holds: counts by crime type and year, sources, imports, quarantine, flagged cases.

The landing page and ``turquesa status`` read these; counts are small-cell protected
by the caller's display step. Quarantine is *open* until a later import answers its row
(``quarantine.resolved_by``); the entries themselves are read through the import ledger
(:func:`turquesa_geo.ingest.ledger.quarantine_entries`).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from turquesa_geo.store import queries as sql

__all__ = [
    "cases_by_crime_year",
    "coarse_dates",
    "flags_by_rule",
    "open_quarantine",
    "quarantine_by_rule",
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
    """The latest imports with their reconciliation and their quarantined rows still open."""
    return _frame(con, sql.recent_imports(limit))


def quarantine_by_rule(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> pd.DataFrame:
    """Quarantined rows per rule: rows, rows still open, problems."""
    return _frame(con, sql.quarantine_by_rule(import_id))


def flags_by_rule(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> pd.DataFrame:
    """Stored cases kept with a flag, per import (the one that wrote the case) and rule: import_id, rule, flagged.

    A case flagged by two rules counts under each. What a rule means is the importer's
    (``turquesa_geo.ingest.flat.FLAG_RULES``), which the caller adds: the store sits below the importers.
    """
    return _frame(con, sql.flags_by_rule(import_id))


def open_quarantine(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every import with open quarantine: import_id, file_name, open (rows) and their rules."""
    return _frame(con, sql.open_quarantine_by_import())


#: Keys of :func:`store_totals`, in the order of its query.
_TOTALS = ("cases", "victims", "migrants", "suspects", "imports", "quarantined", "quarantine_open", "flagged")


def store_totals(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Total cases, persons by role, imports, quarantined rows, those still open, and flagged cases (any rule)."""
    row = con.execute(*sql.store_totals()).fetchall()[0]
    return dict(zip(_TOTALS, (int(v) for v in row)))


def store_choices(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """What the filters can offer: countries seen in any route role, sources, modus-operandi codes, flag rules.

    Aggregate counts add their sources, detecting countries and citizenships.
    """
    countries = [r[0] for r in con.execute(*sql.store_countries()).fetchall()]
    sources = [r[0] for r in con.execute(*sql.store_sources()).fetchall()]
    modus = [f"{d}:{c}" for d, c in con.execute(*sql.store_modus_codes()).fetchall()]
    flag_rules = [r[0] for r in con.execute(*sql.store_flag_rules()).fetchall()]
    return {"countries": countries, "sources": sources, "modus": modus, "flag_rules": flag_rules}


def coarse_dates(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Cases per source whose date is only a year or a period of years (dated 1 January), most first."""
    return dict(con.execute(*sql.coarse_dates()).fetchall())


def undated_cases(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Cases per source whose date is not known at all (CTDC victims registered without a year), most first:
    counted in the store's totals, in no period, series or signal (what a page says of them)."""
    return dict(con.execute(*sql.undated_cases()).fetchall())
