"""What the store holds: counts by crime type and year, sources, imports, quarantine, flagged cases,
and, beside or instead of cases, the aggregate reference data (published counts such as UNODC GLOTIP)
and the incidents of deaths and disappearances during migration (IOM Missing Migrants Project).

The landing page and ``turquesa status`` read these; counts of cases are small-cell protected
by the caller's display step. Quarantine is *open* until a later import answers its row
(``quarantine.resolved_by``); the entries themselves are read through the import ledger
(:func:`turquesa_geo.ingest.ledger.quarantine_entries`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from turquesa_geo.i18n import N_, format_date, format_number, gettext, ngettext
from turquesa_geo.privacy import SMALL_CELL_K, format_count
from turquesa_geo.store import queries as sql

__all__ = [
    "REFERENCE_INVENTORY_COLUMNS",
    "Holdings",
    "OutcomeHolding",
    "ReferenceHolding",
    "cases_by_crime_year",
    "coarse_dates",
    "flags_by_rule",
    "holdings_text",
    "open_quarantine",
    "quarantine_by_rule",
    "recent_imports",
    "reference_inventory",
    "reference_summary",
    "sources",
    "store_choices",
    "store_holdings",
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


# --- reference (aggregate) data --------------------------------------------------------

#: Columns of :func:`reference_inventory`: per source, indicator and year, the stored rows, those censored,
#: the known total of the countries' published totals and the censored totals it leaves out.
REFERENCE_INVENTORY_COLUMNS = ("source", "indicator", "year", "rows", "censored", "known_total", "total_censored")


def reference_inventory(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The stored aggregate counts per source, indicator and year (:data:`REFERENCE_INVENTORY_COLUMNS`).

    ``rows`` are the published values stored, ``censored`` those published as ``<5`` (kept
    without a number). ``known_total`` sums the known values of the countries' own totals
    (both sexes, all ages, not split by citizenship or form; regions left out, since a region
    holds its countries): ``<NA>`` when none is known; ``total_censored`` counts the totals
    published as ``<5`` that it leaves out, so that a total is never read as exact when it is not.
    """
    frame = _frame(con, sql.aggregate_by_year()).set_axis(list(REFERENCE_INVENTORY_COLUMNS), axis=1)
    for column in ("year", "rows", "censored", "known_total", "total_censored"):
        frame[column] = frame[column].astype("Int64")
    return frame


def reference_summary(inventory: pd.DataFrame) -> pd.DataFrame:
    """A :func:`reference_inventory` per source and indicator: first and last year, and the sums over the years.

    ``known_total`` stays ``<NA>`` when no year has a known total.

    >>> by_year = pd.DataFrame({"source": ["S", "S"], "indicator": ["v", "v"], "year": [2020, 2022],
    ...     "rows": [3, 4], "censored": [1, 0], "known_total": pd.array([10, None], dtype="Int64"),
    ...     "total_censored": [0, 1]})
    >>> reference_summary(by_year).to_dict("records")
    [{'source': 'S', 'indicator': 'v', 'first_year': 2020, 'last_year': 2022, 'rows': 7, 'censored': 1, \
'known_total': 10, 'total_censored': 1}]
    """
    columns = ["source", "indicator", "first_year", "last_year", "rows", "censored", "known_total", "total_censored"]
    if inventory.empty:
        return pd.DataFrame(columns=columns)
    summary = inventory.groupby(["source", "indicator"], as_index=False, sort=True).agg(
        first_year=("year", "min"),
        last_year=("year", "max"),
        rows=("rows", "sum"),
        censored=("censored", "sum"),
        known_total=("known_total", lambda v: v.sum() if v.notna().any() else pd.NA),
        total_censored=("total_censored", "sum"),
    )
    for column in columns[2:]:
        summary[column] = summary[column].astype("Int64")
    return summary[columns]


@dataclass(frozen=True)
class ReferenceHolding:
    """One source of aggregate reference data in the store: its years and its stored values."""

    source: str
    first_year: int
    last_year: int
    rows: int


@dataclass(frozen=True)
class OutcomeHolding:
    """One source of incidents of deaths and disappearances during migration in the store: its years (of the
    incidents with a known date; None when none has one) and its incidents."""

    source: str
    first_year: int | None
    last_year: int | None
    incidents: int


@dataclass(frozen=True)
class Holdings:
    """What the store holds: its cases, the period of those with a known date, its reference data and its
    incidents of deaths and disappearances during migration (never cases)."""

    cases: int
    #: First and last date of the cases with a known date; None when no case has one.
    period: tuple[dt.date, dt.date] | None
    references: tuple[ReferenceHolding, ...] = ()
    outcomes: tuple[OutcomeHolding, ...] = ()

    @property
    def empty(self) -> bool:
        """True when the store holds neither cases, nor reference data, nor deaths and disappearances.

        >>> Holdings(0, None).empty, Holdings(0, None, (), (OutcomeHolding("IOM", 2020, 2023, 10),)).empty
        (True, False)
        """
        return not self.cases and not self.references and not self.outcomes

    def reference_period(self) -> tuple[dt.date, dt.date] | None:
        """1 January of the reference data's first year to 31 December of its last; None without any.

        >>> Holdings(0, None, (ReferenceHolding("A", 2019, 2021, 9), ReferenceHolding("B", 2003, 2020, 5)))\
.reference_period()
        (datetime.date(2003, 1, 1), datetime.date(2021, 12, 31))
        >>> Holdings(3, None).reference_period() is None
        True
        """
        if not self.references:
            return None
        first = min(r.first_year for r in self.references)
        last = max(r.last_year for r in self.references)
        return dt.date(first, 1, 1), dt.date(last, 12, 31)


def store_holdings(con: duckdb.DuckDBPyConnection) -> Holdings:
    """What the store holds: cases (every counted case, dated or not), their period, each reference source and
    each source of incidents of deaths and disappearances."""
    cases = int(con.execute(*sql.case_count()).fetchall()[0][0])
    first, last = con.execute(*sql.date_range(with_outcomes=False)).fetchall()[0]
    per_indicator = con.execute(*sql.aggregate_sources()).fetchall()
    by_source: dict[str, list[int]] = {}
    for source, _indicator, first_year, last_year, rows in per_indicator:
        years = by_source.setdefault(source, [first_year, last_year, 0])
        years[0], years[1], years[2] = min(years[0], first_year), max(years[1], last_year), years[2] + rows
    references = tuple(ReferenceHolding(s, int(a), int(b), int(n)) for s, (a, b, n) in by_source.items())
    outcomes = tuple(OutcomeHolding(s, a, b, int(n)) for s, a, b, n in con.execute(*sql.outcome_sources()).fetchall())
    return Holdings(cases, None if first is None else (first, last), references, outcomes)


_HOLDS_NOTHING = N_("The store is empty.")
_HOLDS_REFERENCES_ONLY = N_("This store holds no cases; it holds reference data: {sources}.")
_AND_REFERENCES = N_("Beside them, reference data: {sources}.")
_HOLDS_OUTCOMES_ONLY = N_("This store holds no cases; it holds deaths and disappearances during migration: {outcomes}.")
_HOLDS_OUTCOMES_AND_REFERENCES = N_(
    "This store holds no cases; it holds deaths and disappearances during migration: {outcomes}; and reference "
    "data: {sources}."
)
_AND_OUTCOMES = N_("Apart from them, deaths and disappearances during migration (not cases): {outcomes}.")


def _outcome_text(outcomes: tuple[OutcomeHolding, ...], lang: str, quote: Callable[[str], str]) -> str:
    """``IOM Missing Migrants Project, 2020–2023, 10 incidents; …``: each source with its years and incidents
    (``<5`` under the small-cell threshold)."""
    parts = []
    for o in outcomes:
        n = max(o.incidents, SMALL_CELL_K)  # "<5 incidents": the plural, as for cases
        incidents = ngettext(lang, "{n} incident", "{n} incidents", n).format(n=format_count(o.incidents, lang=lang))
        if o.first_year is None:
            parts.append(f"{quote(o.source)}, {incidents}")
            continue
        years = str(o.first_year) if o.first_year == o.last_year else f"{o.first_year}–{o.last_year}"
        parts.append(f"{quote(o.source)}, {years}, {incidents}")
    return "; ".join(parts)


def _reference_text(references: tuple[ReferenceHolding, ...], lang: str, quote: Callable[[str], str]) -> str:
    """``UNODC GLOTIP, 2003–2022, 12,345 rows; …``: each source with its years and stored values."""
    parts = []
    for r in references:
        years = str(r.first_year) if r.first_year == r.last_year else f"{r.first_year}–{r.last_year}"
        rows = ngettext(lang, "{n} row", "{n} rows", r.rows).format(n=format_number(r.rows, lang))
        parts.append(f"{quote(r.source)}, {years}, {rows}")
    return "; ".join(parts)


def _cases_text(holdings: Holdings, lang: str) -> str:
    """How many cases the store holds (``<5`` under the small-cell threshold) and from when to when."""
    cases, n = format_count(holdings.cases, lang=lang), max(holdings.cases, SMALL_CELL_K)
    if holdings.period is None:
        return ngettext(
            lang,
            "This store holds {cases} case, with no known date: it counts in the store's totals, in no period "
            "or series.",
            "This store holds {cases} cases, none with a known date: they count in the store's totals, in no "
            "period or series.",
            n,
        ).format(cases=cases)
    first, last = (format_date(day, lang) for day in holdings.period)
    return ngettext(
        lang,
        "This store holds {cases} case, from {first} to {last}.",
        "This store holds {cases} cases, from {first} to {last}.",
        n,
    ).format(cases=cases, first=first, last=last)


def holdings_text(holdings: Holdings, lang: str = "en", quote: Callable[[str], str] = str) -> str:
    """What the store holds, in a sentence or two of ``lang`` (what a page says before it shows what it can).

    A count of cases or incidents under the small-cell threshold reads ``<5``. Each source's
    name goes through ``quote`` (a page escapes it for markdown). Deaths and disappearances
    during migration are named apart from the cases, never as cases.

    >>> glotip = ReferenceHolding("UNODC GLOTIP", 2003, 2022, 12345)
    >>> holdings_text(Holdings(0, None, (glotip,)))
    'This store holds no cases; it holds reference data: UNODC GLOTIP, 2003–2022, 12,345 rows.'
    >>> holdings_text(Holdings(0, None))
    'The store is empty.'
    >>> holdings_text(Holdings(1200, (dt.date(2020, 1, 5), dt.date(2024, 3, 1)), (glotip,)))
    'This store holds 1,200 cases, from 05 Jan 2020 to 01 Mar 2024. Beside them, reference data: UNODC GLOTIP, \
2003–2022, 12,345 rows.'
    >>> holdings_text(Holdings(3, None))
    "This store holds <5 cases, none with a known date: they count in the store's totals, in no period or series."
    >>> iom = OutcomeHolding("IOM Missing Migrants Project", 2020, 2023, 10)
    >>> holdings_text(Holdings(0, None, (), (iom,)))
    'This store holds no cases; it holds deaths and disappearances during migration: IOM Missing Migrants \
Project, 2020–2023, 10 incidents.'
    >>> holdings_text(Holdings(0, None, (glotip,), (OutcomeHolding("IOM", 2021, 2021, 1),)))
    'This store holds no cases; it holds deaths and disappearances during migration: IOM, 2021, <5 incidents; \
and reference data: UNODC GLOTIP, 2003–2022, 12,345 rows.'
    >>> holdings_text(Holdings(8, (dt.date(2024, 1, 5), dt.date(2024, 3, 1)), (), (iom,)))
    'This store holds 8 cases, from 05 Jan 2024 to 01 Mar 2024. Apart from them, deaths and disappearances \
during migration (not cases): IOM Missing Migrants Project, 2020–2023, 10 incidents.'
    """
    if holdings.empty:
        return gettext(lang, _HOLDS_NOTHING)
    sources = _reference_text(holdings.references, lang, quote)
    outcomes = _outcome_text(holdings.outcomes, lang, quote)
    if not holdings.cases:
        if outcomes and sources:
            return gettext(lang, _HOLDS_OUTCOMES_AND_REFERENCES).format(outcomes=outcomes, sources=sources)
        if outcomes:
            return gettext(lang, _HOLDS_OUTCOMES_ONLY).format(outcomes=outcomes)
        return gettext(lang, _HOLDS_REFERENCES_ONLY).format(sources=sources)
    text = _cases_text(holdings, lang)
    if outcomes:
        text += " " + gettext(lang, _AND_OUTCOMES).format(outcomes=outcomes)
    return text + (" " + gettext(lang, _AND_REFERENCES).format(sources=sources) if sources else "")
