"""Modus-operandi trends and key figures: counts per period, shares, year-on-year change.

Series come from one SQL query each; shares are of the cases that report the
dimension (a case without any recruitment method recorded says nothing about it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from turquesa_geo.columns import MODUS_DIMENSIONS
from turquesa_geo.filters import Filters, previous_period
from turquesa_geo.i18n import N_, gettext, translator
from turquesa_geo.privacy import SMALL_CELL_K, format_count
from turquesa_geo.store import queries as sql
from turquesa_geo.store.rollups import covers
from turquesa_geo.vocab import label

__all__ = [
    "PANDEMIC",
    "TREND_DIMENSIONS",
    "KeyFigures",
    "emerging_signals",
    "key_figures",
    "modus_series",
    "signal_baseline",
    "signal_counts",
    "signal_table",
    "yearly_change",
]

#: The COVID-19 period marked on every time axis (first day, last day).
PANDEMIC = (dt.date(2020, 3, 1), dt.date(2021, 12, 31))

#: Dimensions a trend can show, in the order the page offers them.
TREND_DIMENSIONS = MODUS_DIMENSIONS


def modus_series(
    con: duckdb.DuckDBPyConnection, filters: Filters, dimension: str, freq: str = "Y", by: str | None = None
) -> pd.DataFrame:
    """Cases per period and code of ``dimension``, with their share of the cases reporting it.

    Returns columns period, group (crime type when ``by='crime_type'``, else None), code,
    cases, reporting, total and share (percent of reporting cases).
    """
    if dimension not in TREND_DIMENSIONS:
        raise ValueError(f"dimension {dimension!r} is not one of {', '.join(TREND_DIMENSIONS)}")
    build = sql.modus_series_rollup if covers(filters) else sql.modus_series
    text, params = build(filters, dimension, freq, by)
    frame = con.execute(text, params).df().rename(columns={"grp": "group"})
    for column in ("cases", "reporting", "total"):
        frame[column] = frame[column].astype("int64")
    frame["share"] = (100 * frame["cases"] / frame["reporting"].where(frame["reporting"] > 0)).round(1)
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def yearly_change(series: pd.DataFrame, vocabulary: str, lang: str = "en", k: int = SMALL_CELL_K) -> pd.DataFrame:
    """Year-on-year change per category (and crime type), ready to show.

    Counts from 1 to k-1 read "<k" and a change built on one is left blank; categories
    are labelled. Columns: group, category, year, cases, cases_prev, change_pct.
    """
    yearly = (
        series.assign(year=series["period"].dt.year)
        .groupby(["group", "code", "year"], dropna=False, as_index=False)["cases"]
        .sum()
    )
    yearly = yearly.sort_values(["group", "code", "year"])
    yearly["cases_prev"] = yearly.groupby(["group", "code"], dropna=False)["cases"].shift(1)
    small = (yearly["cases"] < k) | (yearly["cases_prev"] < k) | yearly["cases_prev"].isna()
    change = (100 * (yearly["cases"] - yearly["cases_prev"]) / yearly["cases_prev"]).round(0).mask(small)
    return pd.DataFrame(
        {
            "group": [label("crime_type", g, lang) if isinstance(g, str) else "" for g in yearly["group"]],
            "category": [label(vocabulary, c, lang) for c in yearly["code"]],
            "year": yearly["year"].to_numpy(),
            "cases": [format_count(int(v), k, lang=lang) for v in yearly["cases"]],
            "cases_prev": ["" if pd.isna(v) else format_count(int(v), k, lang=lang) for v in yearly["cases_prev"]],
            "change_pct": change.astype("Int64").array,
        }
    )


@dataclass(frozen=True)
class KeyFigures:
    """The manager's numbers for a period and the one before (None when there is no previous period)."""

    cases: int
    cases_prev: int | None
    victims: int
    victims_prev: int | None
    migrants: int
    migrants_prev: int | None
    suspects: int
    suspects_prev: int | None
    women_girls: int
    known_sex: int

    @property
    def women_girls_share(self) -> float | None:
        """Percent of victims and migrants of known sex who are women or girls."""
        return None if not self.known_sex else round(100 * self.women_girls / self.known_sex, 1)


def key_figures(con: duckdb.DuckDBPyConnection, filters: Filters, period: tuple[dt.date, dt.date]) -> KeyFigures:
    """Cases, victims, smuggled migrants, suspects and women-and-girls, with the previous period."""
    previous = previous_period(filters)
    text, params = sql.key_figures(filters, period, previous)
    row = dict(
        zip(
            (
                "cases",
                "cases_prev",
                "victims",
                "victims_prev",
                "migrants",
                "migrants_prev",
                "suspects",
                "suspects_prev",
                "women_girls",
                "known_sex",
            ),
            con.execute(text, params).fetchall()[0],
        )
    )
    if previous is None:
        row.update({k: None for k in row if k.endswith("_prev")})
    return KeyFigures(**{k: (None if v is None else int(v)) for k, v in row.items()})


def _month_grid(frame: pd.DataFrame, keys: list[str], group: list[str]) -> pd.DataFrame:
    """Add zero-case rows so every key has a row in every month its reference population has cases."""
    totals = frame[["month", *group, "total"]].drop_duplicates()
    keyset = frame[[*group, *keys]].drop_duplicates()
    grid = totals.merge(keyset, on=group)
    return grid.merge(frame[["month", *group, *keys, "cases"]], on=["month", *group, *keys], how="left").fillna(
        {"cases": 0}
    )


def signal_counts(
    con: duckdb.DuckDBPyConnection, filters: Filters, first: dt.date, last: dt.date, graph=None
) -> pd.DataFrame:
    """Monthly counts for :func:`turquesa_geo.signals.detect_signals`: modus-operandi shares,
    rebuilt corridors and hubs as rates."""
    from turquesa_geo.routes import reconstruct_routes

    # From the rollups when they hold the filters and whole months: the case tables cost seconds at 1M cases.
    build = sql.monthly_modus_rollup if covers(filters, (first, last)) else sql.monthly_modus
    text, params = build(filters, first, last)
    modus = con.execute(text, params).df()
    frames = []
    if len(modus):
        modus = _month_grid(modus, ["code"], ["dimension"])
        frames.append(
            pd.DataFrame(
                {
                    "kind": "modus",
                    "key": modus["dimension"] + ":" + modus["code"],
                    "label": [
                        f"{d.replace('_', ' ').capitalize()}: {label(d, c)}"
                        for d, c in zip(modus["dimension"], modus["code"])
                    ],
                    "period_start": pd.to_datetime(modus["month"]),
                    "cases": modus["cases"].astype("int64"),
                    "total": modus["total"].astype("int64"),
                }
            )
        )
    text, params = sql.monthly_signatures(filters, first, last)
    signatures = con.execute(text, params).df()
    if len(signatures):
        routes = reconstruct_routes(signatures, graph)
        corridors = routes.groupby(["route", "month"], as_index=False)["cases"].sum()
        frames.append(
            pd.DataFrame(
                {
                    "kind": "corridor",
                    "key": corridors["route"],
                    "label": corridors["route"],
                    "period_start": pd.to_datetime(corridors["month"]),
                    "cases": corridors["cases"],
                    "total": float("nan"),
                }
            )
        )
        hubs = routes.assign(country=routes["route"].str.split(">")).explode("country")
        hubs = hubs.groupby(["country", "month"], as_index=False)["cases"].sum()
        from turquesa_geo.countries import country_name

        frames.append(
            pd.DataFrame(
                {
                    "kind": "hub",
                    "key": hubs["country"],
                    "label": [country_name(c) for c in hubs["country"]],
                    "period_start": pd.to_datetime(hubs["month"]),
                    "cases": hubs["cases"],
                    "total": float("nan"),
                }
            )
        )
        frames.append(_corridor_modus_counts(con, filters, first, last, graph))
    columns = ["kind", "key", "label", "period_start", "cases", "total"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def _corridor_modus_counts(con, filters: Filters, first: dt.date, last: dt.date, graph) -> pd.DataFrame:
    """Shares of each modus-operandi code among the cases of a rebuilt corridor, per month."""
    from turquesa_geo.corridors import routes_of
    from turquesa_geo.routes import SIGNATURE_COLUMNS

    coded = con.execute(*sql.monthly_signature_modus(filters, first, last)).df()
    totals = con.execute(*sql.monthly_signature_modus(filters, first, last, reporting=True)).df()
    signature = list(SIGNATURE_COLUMNS)
    route_of = routes_of(totals, graph)
    coded = (
        coded.merge(route_of, on=signature, how="left")
        .groupby(["month", "route", "dimension", "code"], as_index=False)["cases"]
        .sum()
    )
    totals = (
        totals.merge(route_of, on=signature, how="left")
        .groupby(["month", "route", "dimension"], as_index=False)["cases"]
        .sum()
        .rename(columns={"cases": "total"})
    )
    frame = _month_grid(coded.merge(totals, on=["month", "route", "dimension"]), ["code"], ["route", "dimension"])
    return pd.DataFrame(
        {
            "kind": "corridor_modus",
            "key": frame["route"] + " " + frame["dimension"] + ":" + frame["code"],
            "label": [f"{label(d, c)} on {r}" for r, d, c in zip(frame["route"], frame["dimension"], frame["code"])],
            "period_start": pd.to_datetime(frame["month"]),
            "cases": frame["cases"].astype("int64"),
            "total": frame["total"].astype("int64"),
        }
    )


def emerging_signals(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    latest: tuple[dt.date, dt.date],
    baseline: tuple[dt.date, dt.date],
    graph=None,
) -> pd.DataFrame:
    """Signals of the latest period against the baseline, for corridors, hubs and modus operandi."""
    from turquesa_geo.signals import detect_signals

    counts = signal_counts(con, filters, baseline[0], latest[1], graph)
    if counts.empty:
        return pd.DataFrame(
            columns=[
                "kind",
                "key",
                "label",
                "direction",
                "baseline_cases",
                "latest_cases",
                "ratio",
                "q_value",
                "measure",
            ]
        )
    return detect_signals(counts, latest=latest, baseline=baseline)


#: How each kind of signal key reads on screen.
SIGNAL_KINDS = {
    "corridor": N_("Corridor"),
    "hub": N_("Country (hub)"),
    "modus": N_("Modus operandi"),
    "corridor_modus": N_("Modus operandi on a corridor"),
}


def signal_baseline(latest: tuple[dt.date, dt.date], months: int = 24) -> tuple[dt.date, dt.date]:
    """The ``months`` whole months before the latest period: the baseline of the signals.

    >>> signal_baseline((dt.date(2025, 10, 1), dt.date(2026, 9, 30)))
    (datetime.date(2023, 10, 1), datetime.date(2025, 9, 30))
    """
    first = latest[0].replace(day=1)
    index = first.year * 12 + first.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1), first - dt.timedelta(days=1)


def _months(period: tuple[dt.date, dt.date]) -> int:
    return (period[1].year - period[0].year) * 12 + period[1].month - period[0].month + 1


def signal_what(kind: str, key: str, lang: str = "en") -> str:
    """What a signal is about, in ``lang``, from its kind and key.

    >>> signal_what("modus", "transport_mode:sea", "es")
    'Modo de transporte: Marítimo'
    >>> signal_what("corridor_modus", "VEN>COL platform:tiktok")
    'TikTok on VEN>COL'
    """
    from turquesa_geo.countries import country_name
    from turquesa_geo.vocab import dimension_name

    if kind == "modus" and ":" in key:
        dimension, code = key.split(":", 1)
        return f"{dimension_name(dimension, lang)}: {label(dimension, code, lang)}"
    if kind == "hub":
        return country_name(key, lang)
    if kind == "corridor_modus" and " " in key:
        route, coded = key.split(" ", 1)
        dimension, code = coded.split(":", 1)
        return gettext(lang, "{what} on {corridor}").format(what=label(dimension, code, lang), corridor=route)
    return key


def signal_table(
    signals: pd.DataFrame,
    latest: tuple[dt.date, dt.date],
    baseline: tuple[dt.date, dt.date],
    k: int = SMALL_CELL_K,
    lang: str = "en",
) -> pd.DataFrame:
    """Signals as shown: what, direction and a reason whose counts pass small-cell protection.

    When either period holds 1 to k-1 cases, the counts read "<k" and the percent change
    is left out (it would give the small count away).
    """
    _ = translator(lang).gettext
    rows = []
    span = " " + _("({before} cases in {months_before} months → {after} in {months_after})")
    for s in signals.itertuples(index=False):
        before, after = int(s.baseline_cases), int(s.latest_cases)
        small = 1 <= before < k or 1 <= after < k
        arrow = _("rising") if s.direction == "up" else _("falling")
        if small:
            change = arrow
        elif s.measure == "share":
            change = _("share of the cases {before}% → {after}%").format(
                before=f"{100 * s.baseline_share:.0f}", after=f"{100 * s.latest_share:.0f}"
            )
        else:
            change = _("new") if before == 0 else f"{100 * (s.ratio - 1):+.0f}%"
        counts = span.format(
            before=format_count(before, k, lang=lang),
            months_before=_months(baseline),
            after=format_count(after, k, lang=lang),
            months_after=_months(latest),
        )
        if s.measure == "rate" and not small and before:
            change = _("{change} per month").format(change=change)
        rows.append(
            {
                "kind": _(SIGNAL_KINDS.get(s.kind, s.kind)),
                "what": signal_what(s.kind, s.key, lang),
                "direction": arrow,
                "reason": f"{change}{counts}",
                "q_value": float(s.q_value),
            }
        )
    return pd.DataFrame(rows, columns=["kind", "what", "direction", "reason", "q_value"])


def modus_series_by_corridor(
    con: duckdb.DuckDBPyConnection, filters: Filters, dimension: str, freq: str = "Y", graph=None
) -> pd.DataFrame:
    """Like :func:`modus_series`, split by rebuilt corridor (``group`` holds the route)."""
    from turquesa_geo.corridors import routes_of
    from turquesa_geo.routes import SIGNATURE_COLUMNS

    if dimension not in TREND_DIMENSIONS:
        raise ValueError(f"dimension {dimension!r} is not one of {', '.join(TREND_DIMENSIONS)}")
    first, last = filters.start or dt.date(1900, 1, 1), filters.end or dt.date(2999, 12, 31)
    signature = list(SIGNATURE_COLUMNS)
    coded = con.execute(*sql.monthly_signature_modus(filters, first, last)).df()
    reporting = con.execute(*sql.monthly_signature_modus(filters, first, last, reporting=True)).df()
    coded, reporting = coded[coded["dimension"] == dimension], reporting[reporting["dimension"] == dimension]
    if coded.empty:
        return pd.DataFrame(columns=["period", "group", "code", "cases", "reporting", "total", "share"])
    route_of = routes_of(reporting, graph, filters)
    if freq not in sql.FREQUENCIES:
        raise ValueError(f"frequency {freq!r} is not one of {', '.join(sql.FREQUENCIES)}")
    period = lambda f: pd.to_datetime(f["month"]).dt.to_period(freq).dt.start_time  # noqa: E731
    coded = coded.merge(route_of, on=signature).assign(period=period)
    reporting = reporting.merge(route_of, on=signature).assign(period=period)
    cases = coded.groupby(["period", "route", "code"], as_index=False)["cases"].sum()
    base = reporting.groupby(["period", "route"], as_index=False)["cases"].sum().rename(columns={"cases": "reporting"})
    frame = cases.merge(base, on=["period", "route"]).rename(columns={"route": "group"})
    frame["total"] = frame["reporting"]
    frame["share"] = (100 * frame["cases"] / frame["reporting"]).round(1)
    return frame[["period", "group", "code", "cases", "reporting", "total", "share"]]
