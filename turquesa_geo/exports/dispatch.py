"""Exports assembled from a store: the context an export states, the pack's data, and the file itself.

:func:`export_file` is the one entry point of the CLI and the app: it builds the
bytes of a map snapshot, a briefing pack or a data extract for a view, writes the
export log row (:func:`turquesa_geo.exports.log.log_export`), and only then returns
them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb

from turquesa_geo import gender, outcomes, signals, trends
from turquesa_geo.corridors import CorridorView, corridor_view
from turquesa_geo.exports.log import current_user, log_export
from turquesa_geo.exports.marking import AUDIENCES, ExportContext, Marking
from turquesa_geo.exports.pack import PACK_TREND_DIMENSIONS, PackData, pack_pdf
from turquesa_geo.exports.tables import EXTRACT_FORMATS, extract_bytes
from turquesa_geo.filters import Filters, describe, history_until
from turquesa_geo.maps.static import snapshot_bytes
from turquesa_geo.privacy import SMALL_CELL_K
from turquesa_geo.store import queries as sql
from turquesa_geo.store.connection import data_version

__all__ = ["EXPORT_KINDS", "export_context", "export_file", "file_name_for", "pack_data", "view_outcomes"]

#: kind -> the formats it comes in.
EXPORT_KINDS = {
    "snapshot": ("png", "png-print", "pdf"),
    "pack": ("pdf",),
    "extract": EXTRACT_FORMATS,
}
_SUFFIX = {
    "png": "png",
    "png-print": "png",
    "pdf": "pdf",
    "csv": "csv",
    "xlsx": "xlsx",
    "geojson": "geojson",
    "gpkg": "gpkg",
}


def export_context(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    period: tuple[dt.date, dt.date],
    *,
    marking: Marking | None = None,
    audience: str = "internal",
    langs: tuple[str, ...] = ("en",),
    view_url: str = "",
    user: str | None = None,
) -> ExportContext:
    """What an export of this view states: marking, audience, filters in words, period, data version, sources."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; expected one of {', '.join(AUDIENCES)}")
    scoped = replace(filters, start=period[0], end=period[1])
    text, params = sql.view_sources(scoped)
    sources = tuple(row[0] for row in con.execute(text, params).fetchall())
    return ExportContext(
        marking=marking or Marking(),
        audience=AUDIENCES[audience],
        filters_text=describe(filters, langs[0], with_period=False),
        period=period,
        data_version=data_version(con),
        sources=sources,
        view_url=view_url,
        langs=langs,
        user=user if user is not None else current_user(),
    )


def view_outcomes(con: duckdb.DuckDBPyConnection, filters: Filters, view: CorridorView, by: tuple[str, ...]):
    """The deaths and disappearances during migration of the view's period and filters, by ``by`` (keys of
    :data:`turquesa_geo.store.queries.OUTCOME_KEYS`): their own measure, never in the view's cases."""
    return outcomes.outcomes(con, replace(filters, start=view.period[0], end=view.period[1]), by)


def pack_data(con: duckdb.DuckDBPyConnection, filters: Filters, view: CorridorView, graph=None, lang: str = "en"):
    """Everything the briefing pack draws for the view, aggregated in the store (signals worded in ``lang``)."""
    latest = view.period
    baseline = signals.signal_baseline(latest)
    history = history_until(replace(filters, end=latest[1]))
    return PackData(
        view=view,
        figures=trends.key_figures(con, filters, latest),
        trends={d: trends.modus_series(con, history, d, "Y") for d in PACK_TREND_DIMENSIONS},
        persons=gender.persons_by(con, replace(filters, start=latest[0], end=latest[1]), "none"),
        signals=signals.signal_table(
            signals.emerging_signals(con, filters, latest, baseline, graph=graph), latest, baseline, lang=lang
        ),
        outcomes=view_outcomes(con, filters, view, ("country",)),
    )


def file_name_for(kind: str, fmt: str, context: ExportContext) -> str:
    """A file name that says what the file is and how it is marked (e.g. ``turquesa-snapshot-TLP-AMBER-...png``)."""
    tlp = context.marking.tlp.replace(":", "-").replace("+", "-")
    stamp = context.exported_at.strftime("%Y%m%d-%H%M")
    extra = "-print" if fmt == "png-print" else ""
    return f"turquesa-{kind}{extra}-{tlp}-{context.audience.name}-{stamp}.{_SUFFIX[fmt]}"


def export_file(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    kind: str,
    fmt: str,
    context: ExportContext,
    *,
    view: CorridorView | None = None,
    graph=None,
    table: str = "corridors",
) -> tuple[str, bytes]:
    """Build one export of the view, log it, and return (file name, bytes).

    The view is protected for ``context.audience`` (its threshold decides which legs
    are drawn); ``con`` must be writable, since the log row is written before the
    bytes are returned.
    """
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export kind {kind!r}; expected one of {', '.join(EXPORT_KINDS)}")
    if fmt not in EXPORT_KINDS[kind]:
        raise ValueError(f"a {kind} comes as {', '.join(EXPORT_KINDS[kind])}, not {fmt!r}")
    k = context.audience.k
    if view is None or k != SMALL_CELL_K:
        view = corridor_view(con, filters, graph=graph, k=k)
    if kind == "snapshot":
        data = snapshot_bytes(view.legs, view.hubs, context, fmt, hidden_legs=view.hidden_flows)
    elif kind == "pack":
        data = pack_pdf(pack_data(con, filters, view, graph, context.langs[0]), context)
    else:
        deaths = (
            view_outcomes(con, filters, view, ("country", "year"))
            if fmt == "xlsx" or (fmt, table) == ("csv", "outcomes")
            else None
        )
        data = extract_bytes(view, context, fmt, table, deaths)
    name = file_name_for(kind, fmt, context)
    log_export(con, context, f"{kind}:{fmt}" + (f":{table}" if kind == "extract" and fmt == "csv" else ""), name, data)
    return name, data
