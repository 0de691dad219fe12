"""Who else works on a corridor: reporting countries, networks and sources per corridor, leg and hub.

Transnational investigations move when the agencies that hold pieces of the same
corridor find each other. The strongest sign is a **shared case**: one incident that two
sources both reported (found by the overlap check of each import, ``case_links``), counted
once when linked and twice when kept; both reports stay visible here. For the filters' period this module tells, per rebuilt
corridor, which reporting countries, networks (national police, ISON, HTEG,
REDTRAM...) and sources hold cases, and lists the **shared corridors**: those where
two or more reporting countries or networks report cases in the same quarter, the
candidates for a joint investigation or a coordination meeting, ranked by volume
and recency. Counts are small-cell protected by the caller's display step
(:func:`turquesa_geo.privacy.format_count`); a reporter's presence on a corridor is
shown only when it holds at least ``k`` cases there, so a small count is never
implied by a name in a list.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from pathlib import Path

import duckdb
import pandas as pd

from turquesa_geo.corridors import routes_of, view_period
from turquesa_geo.filters import Filters
from turquesa_geo.i18n import gettext
from turquesa_geo.privacy import SMALL_CELL_K, ProtectedTable, protect_table
from turquesa_geo.routes import SIGNATURE_COLUMNS
from turquesa_geo.store import queries as sql

__all__ = [
    "CONTACTS_ENV",
    "CONTACT_COLUMNS",
    "DEFAULT_CONTACTS",
    "contacts_missing",
    "contacts_path",
    "corridor_matrix",
    "load_contacts",
    "quarter_label",
    "reporters_by_corridor",
    "reporters_by_place",
    "shared_cases",
    "shared_cases_table",
    "shared_corridors",
]

#: The setting naming a deployment's contacts file (``turquesa serve --contacts`` sets it too).
CONTACTS_ENV = "TURQUESA_CONTACTS"
#: The example directory of a checkout, read when the setting is not set (an installed wheel has none).
DEFAULT_CONTACTS = Path(__file__).resolve().parent.parent / "data" / "contacts.csv"
#: Columns of the contacts file: roles and offices, never personal names.
CONTACT_COLUMNS = ("country", "network", "role", "office", "channel")


def reporters_by_corridor(con: duckdb.DuckDBPyConnection, filters: Filters, graph=None) -> pd.DataFrame:
    """Cases per quarter, rebuilt corridor and reporter (reporting country, network, source).

    Columns: quarter, route, reporting_country, network, source, cases, last_case.
    """
    first, last = view_period(con, filters)
    frame = con.execute(*sql.reporter_signatures(filters, first, last)).df()
    columns = ["quarter", "route", "reporting_country", "network", "source", "cases", "last_case"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    routes = routes_of(frame, graph, filters)
    merged = frame.merge(routes, on=list(SIGNATURE_COLUMNS))
    keys = ["quarter", "route", "reporting_country", "network", "source"]
    out = merged.groupby(keys, dropna=False, as_index=False).agg(cases=("cases", "sum"), last_case=("last_case", "max"))
    out["quarter"] = pd.to_datetime(out["quarter"])
    out["cases"] = out["cases"].astype("int64")
    return out[columns]


def shared_cases(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Cases two sources both reported (or one source in two files), per pair of sources and link status.

    In the filters' period (the earlier report's date). Columns: source_a, source_b (sorted),
    status (``linked``: counted once; ``kept``: counted by both), cases.
    """
    first, last = view_period(con, filters)
    frame = con.execute(*sql.shared_cases(filters, first, last)).df()
    frame["cases"] = frame["cases"].astype("int64")
    return frame[["source_a", "source_b", "status", "cases"]]


def shared_cases_table(shared: pd.DataFrame, k: int = SMALL_CELL_K) -> ProtectedTable | None:
    """Shared cases per pair of sources (rows ``source_a``, ``source_b``) and status (columns), protected with
    its margins (:func:`turquesa_geo.privacy.protect_table`); None when no case is shared.

    >>> shared = pd.DataFrame({"source_a": ["OIM", "PNC"], "source_b": ["PNC", "PNC"], "status": ["kept", "linked"],
    ...                        "cases": [7, 12]})
    >>> shared_cases_table(shared).display().to_dict("index")  # doctest: +NORMALIZE_WHITESPACE
    {('OIM', 'PNC'): {'kept': '7', 'linked': '0', 'Total': '7'}, ('PNC', 'PNC'): {'kept': '0', 'linked': '12', 'Total': '12'}, ('Total', ''): {'kept': '7', 'linked': '12', 'Total': '19'}}
    """
    if shared.empty:
        return None
    return protect_table(shared, "cases", ["source_a", "source_b"], "status", k=k)


def corridor_matrix(reporters: pd.DataFrame, top: int = 15, k: int = SMALL_CELL_K):
    """Cases per corridor (rows, the ``top`` largest) and reporting country (columns), over the period.

    Protected with its margins (:func:`turquesa_geo.privacy.protect_table`): corridor totals
    are shown elsewhere (the Corridor map), so a hidden cell could otherwise be worked
    out by subtraction. Returns a :class:`~turquesa_geo.privacy.ProtectedTable`, or None
    when there is nothing to show.
    """
    if reporters.empty:
        return None
    frame = reporters.assign(reporting_country=reporters["reporting_country"].astype(object).fillna("—"))
    largest = frame.groupby("route")["cases"].sum().nlargest(top).index
    return protect_table(frame[frame["route"].isin(largest)], "cases", "route", "reporting_country", k=k)


def shared_corridors(reporters: pd.DataFrame, *, by: str = "reporting_country", k: int = SMALL_CELL_K) -> pd.DataFrame:
    """Corridors where two or more reporters (countries or networks, ``by``) hold cases in the same quarter.

    A reporter counts on a corridor in a quarter when it holds at least ``k`` cases
    there (so no listed name stands for fewer). Ranked by the latest quarter shared,
    then by cases. Columns: route, quarter, reporters (sorted), n_reporters, cases,
    last_case.
    """
    if by not in ("reporting_country", "network"):
        raise ValueError(f"by {by!r} is not 'reporting_country' or 'network'")
    columns = ["route", "quarter", "reporters", "n_reporters", "cases", "last_case"]
    frame = reporters.dropna(subset=[by])
    per = frame.groupby(["route", "quarter", by], as_index=False).agg(
        cases=("cases", "sum"), last_case=("last_case", "max")
    )
    per = per[per["cases"] >= k]
    grouped = per.groupby(["route", "quarter"]).agg(
        reporters=(by, lambda s: tuple(sorted(s))), cases=("cases", "sum"), last_case=("last_case", "max")
    )
    grouped["n_reporters"] = grouped["reporters"].map(len)
    shared = grouped[grouped["n_reporters"] >= 2].reset_index()
    if shared.empty:
        return pd.DataFrame(columns=columns)
    return shared.sort_values(["quarter", "cases"], ascending=[False, False]).reset_index(drop=True)[columns]


def reporters_by_place(reporters: pd.DataFrame, k: int = SMALL_CELL_K) -> pd.DataFrame:
    """Per leg (``A>B``) and hub (a country on the route), the reporters holding at least ``k`` cases on it.

    Columns: kind ("leg" or "hub"), place, reporters (sorted (reporting country, network) pairs), cases.
    """
    rows = []
    for row in reporters.itertuples(index=False):
        countries = row.route.split(">")
        who = tuple("" if pd.isna(v) else v for v in (row.reporting_country, row.network))  # "" when not stated
        places = [("hub", c) for c in dict.fromkeys(countries)]
        places += [("leg", f"{a}>{b}") for a, b in itertools.pairwise(countries)]
        rows += [(kind, place, who, row.cases) for kind, place in places]
    frame = pd.DataFrame(rows, columns=["kind", "place", "who", "cases"])
    per = frame.groupby(["kind", "place", "who"], as_index=False)["cases"].sum()
    per = per[per["cases"] >= k]
    out = per.groupby(["kind", "place"]).agg(reporters=("who", lambda s: tuple(sorted(s))), cases=("cases", "sum"))
    return out.reset_index().sort_values(["kind", "cases"], ascending=[True, False]).reset_index(drop=True)


def contacts_path(path: str | Path | None = None) -> Path:
    """The contacts file: ``path``, else ``$TURQUESA_CONTACTS``, else the checkout's ``data/contacts.csv``.

    >>> contacts_path("/srv/turquesa/contacts.csv").name
    'contacts.csv'
    """
    if path:
        return Path(path)
    setting = os.environ.get(CONTACTS_ENV)
    return Path(setting) if setting else DEFAULT_CONTACTS


def contacts_missing(path: Path, lang: str = "en") -> str:
    """What to say when the contacts file is not there: the path tried and the setting to use.

    >>> contacts_missing(Path("/srv/contacts.csv"))
    "No contacts file at /srv/contacts.csv: set TURQUESA_CONTACTS to the deployment's contacts file (CSV, see the README)."
    """
    return gettext(
        lang, "No contacts file at {path}: set {setting} to the deployment's contacts file (CSV, see the README)."
    ).format(path=path, setting=CONTACTS_ENV)


def load_contacts(path: str | Path | None = None) -> pd.DataFrame:
    """Points of contact per country and network, from the deployment's file (roles and offices only).

    The file (:func:`contacts_path`) is CSV with columns :data:`CONTACT_COLUMNS`; a missing
    file gives an empty table. A column that looks like a person's name or e-mail is
    refused: the directory names offices, not people.
    """
    path = contacts_path(path)
    if not path.exists():
        return pd.DataFrame(columns=list(CONTACT_COLUMNS))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in CONTACT_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{path}: contacts file lacks column(s) {', '.join(missing)}; expected {', '.join(CONTACT_COLUMNS)}"
        )
    extra = [c for c in frame.columns if c not in CONTACT_COLUMNS]
    if extra:
        raise ValueError(
            f"{path}: unexpected column(s) {', '.join(extra)}; the directory holds roles and offices "
            f"only ({', '.join(CONTACT_COLUMNS)})"
        )
    return frame[list(CONTACT_COLUMNS)]


def quarter_label(day: dt.date | pd.Timestamp, lang: str = "en") -> str:
    """``2024-Q3`` for a day of that quarter (``2024-T3`` in Spanish, Portuguese and French).

    >>> quarter_label(dt.date(2024, 8, 15))
    '2024-Q3'
    """
    # TRANSLATORS: a calendar quarter, as in 2024-Q3; keep {year} and {quarter}.
    return gettext(lang, "{year}-Q{quarter}").format(year=day.year, quarter=(day.month - 1) // 3 + 1)
