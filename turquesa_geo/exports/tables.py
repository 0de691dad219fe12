"""Data extracts of a view: aggregated tables as CSV and XLSX, corridors and hubs as GeoJSON and GeoPackage.

What leaves the dashboard here is only what the view shows, after protection for the
export's audience (:mod:`turquesa_geo.exports.marking`):

- columns come from an allow-list (:data:`EXTRACT_COLUMNS`): aggregated counts and
  names, never a case id, a personal field or an incident's coordinates (legs join
  countries' representative points; hubs sit on them);
- a leg, hub or corridor whose cases the audience may not see is left out, and every
  other count below the threshold reads ``<k`` (external: counts rounded down to a
  multiple of 5);
- corridors and legs carry ``cases_flagged``, their cases an import kept with a flag
  (a doubt: see ``turquesa_geo.ingest.flat.FLAG_RULES``), protected as a count, and left
  blank when the cases without a flag would be a small cell (cases minus flagged);
- every text cell a spreadsheet would run as a formula is neutralised, numbers never
  (:func:`neutralise_cell`; also used for the CLI's and the import page's CSV files);
- deaths and disappearances during migration (IOM Missing Migrants Project incidents)
  are in no table of cases: they have their own table, ``outcomes`` (incidents, dead,
  missing... by country and year), protected like the others;
- every file carries its handling marking and the facts of the view.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from turquesa_geo import columns as C
from turquesa_geo.columns import FORMULA_GUARD, FORMULA_PREFIXES, is_number_text
from turquesa_geo.corridors import corridor_name
from turquesa_geo.countries import country_name, country_table
from turquesa_geo.exports.marking import Audience, ExportContext
from turquesa_geo.i18n import N_, bilingual, gettext
from turquesa_geo.maps.legs import leg_geometries
from turquesa_geo.store.queries.ingest_ledger import RAGGED_TEXT_KEY
from turquesa_geo.store.queries.ingest_stage import LINE_COLUMN

__all__ = [
    "COUNT_COLUMNS",
    "EXTRACT_COLUMNS",
    "EXTRACT_FORMATS",
    "FORMULA_PREFIXES",
    "OUTCOMES_NOTE",
    "about_rows",
    "corridor_extract",
    "csv_bytes",
    "extract_bytes",
    "geo_layers",
    "hub_extract",
    "layers_geojson",
    "layers_gpkg",
    "leg_extract",
    "neutralise_cell",
    "outcome_extract",
    "quarantine_csv_bytes",
    "quarantine_for_correction",
    "tables_csv",
    "tables_xlsx",
    "view_tables",
    "write_csv",
    "write_quarantine_csv",
]


def neutralise_cell(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with ``'`` (:data:`~turquesa_geo.columns.FORMULA_GUARD`).

    A number is not a formula: numbers, and text that is a whole number (``-77.9``,
    ``-77,9``, ``+5``), are left alone, so that a negative coordinate or count stays a
    number when the file comes back. Reading a quarantine download, the importer takes
    the ``'`` away again.

    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell("-12"), neutralise_cell("-77,9"), neutralise_cell(-12), neutralise_cell("Panamá")
    ('-12', '-77,9', -12, 'Panamá')
    >>> neutralise_cell("-1+2"), neutralise_cell("@SUM(A1)"), neutralise_cell("\\t=1")
    ("'-1+2", "'@SUM(A1)", "'\\t=1")
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not is_number_text(value):
        return FORMULA_GUARD + value
    return value


def csv_bytes(rows: Sequence[Sequence[object]], headers: Sequence[str], delimiter: str = ",") -> bytes:
    """Rows as UTF-8 CSV bytes (with BOM, so spreadsheets pick the encoding), cells neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([neutralise_cell(h) for h in headers])
    writer.writerows([neutralise_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(rows: Sequence[Sequence[object]], headers: Sequence[str], path: str | Path) -> Path:
    """Write :func:`csv_bytes` to ``path``."""
    path = Path(path)
    path.write_bytes(csv_bytes(rows, headers))
    return path


# --- the quarantine, as a file to correct and import again ---------------------------

#: A coordinate written with a decimal comma: a download of such rows is written with ``;``, as they came.
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+")


def quarantine_for_correction(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> tuple[list[str], list[list]]:
    """One row per quarantined line: its import, line, rules and messages, then the row as it was read.

    ``rows`` are quarantine entries with at least import_id, line, rule, message and
    record (the JSON of the staged row), as :func:`turquesa_geo.ingest.ledger.quarantine_entries`
    gives them; with a ``default_source`` column, a row that named no source gets its
    import's (so that the corrected row comes back under the same source, whatever the
    new file is called). A row that could not be split into fields keeps its text in
    ``quarantine_raw``. The importer ignores the ``quarantine_*`` columns
    (:data:`~turquesa_geo.columns.QUARANTINE_FILE_COLUMNS`) and reads the import and line
    to close the entry each row answers.

    >>> headers = ["import_id", "line", "rule", "message", "record", "default_source"]
    >>> rows = [(2, 5, "missing_date", "date is empty", '{"_line": 5, "incident_id": "A9", "date": null}', "pnc")]
    >>> quarantine_for_correction(rows, headers)
    (['quarantine_import', 'quarantine_line', 'quarantine_rules', 'quarantine_messages', 'incident_id', 'source', 'date'], [[2, 5, 'missing_date', 'date is empty', 'A9', 'pnc', None]])
    """
    index = {h: i for i, h in enumerate(headers)}
    by_line: dict[tuple, dict] = {}
    for row in rows:
        key = (row[index["import_id"]] if "import_id" in index else None, row[index["line"]])
        entry = by_line.setdefault(key, {"rules": [], "messages": [], "record": {}})
        entry["rules"].append(row[index["rule"]])
        entry["messages"].append(row[index["message"]])
        entry["record"] = _correctable_record(row[index["record"]])
        if "default_source" in index and not entry["record"].get(C.SOURCE):
            entry["record"][C.SOURCE] = row[index["default_source"]]
    fields = _correction_fields([e["record"] for e in by_line.values()])
    out_headers = [
        C.QUARANTINE_IMPORT_COLUMN,
        C.QUARANTINE_LINE_COLUMN,
        C.QUARANTINE_RULES_COLUMN,
        C.QUARANTINE_MESSAGES_COLUMN,
        *fields,
    ]
    out_rows = [
        [*key, ";".join(dict.fromkeys(e["rules"])), " | ".join(e["messages"]), *[e["record"].get(f) for f in fields]]
        for key, e in sorted(by_line.items(), key=lambda item: (item[0][0] or 0, item[0][1]))
    ]
    return out_headers, out_rows


def _correctable_record(text: str | None) -> dict:
    """A quarantine record as the columns of its row; a ragged row's text goes to ``quarantine_raw``."""
    record = json.loads(text) if text else {}
    record.pop(LINE_COLUMN, None)
    if set(record) == {RAGGED_TEXT_KEY}:
        return {C.QUARANTINE_RAW_COLUMN: record[RAGGED_TEXT_KEY]}
    return record


def _correction_fields(records: list[dict]) -> list[str]:
    """Every record's columns in first-seen order, ``quarantine_raw`` first and ``source`` after the id."""
    fields = list(dict.fromkeys(f for record in records for f in record))
    if C.QUARANTINE_RAW_COLUMN in fields:
        fields.remove(C.QUARANTINE_RAW_COLUMN)
        fields.insert(0, C.QUARANTINE_RAW_COLUMN)
    if C.SOURCE in fields and C.INCIDENT_ID in fields:
        fields.remove(C.SOURCE)
        fields.insert(fields.index(C.INCIDENT_ID) + 1, C.SOURCE)
    return fields


def quarantine_csv_bytes(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> bytes:
    """The quarantine as a CSV to correct and import again (:func:`quarantine_for_correction`), neutralised.

    Numbers stay numbers. Rows whose coordinates use a decimal comma (``-77,9``) are
    written with ``;`` between fields, as such files come: the importer then reads the
    comma as the decimal separator again.
    """
    out_headers, out_rows = quarantine_for_correction(rows, headers)
    coordinates = [i for i, h in enumerate(out_headers) if h in (C.LAT, C.LON)]
    decimal_comma = any(isinstance(r[i], str) and _DECIMAL_COMMA.fullmatch(r[i]) for r in out_rows for i in coordinates)
    return csv_bytes(out_rows, out_headers, delimiter=";" if decimal_comma else ",")


def write_quarantine_csv(rows: Sequence[Sequence[object]], headers: Sequence[str], path: str | Path) -> Path:
    """Write :func:`quarantine_csv_bytes` to ``path``."""
    path = Path(path)
    path.write_bytes(quarantine_csv_bytes(rows, headers))
    return path


#: The only columns an extract may hold, per table (anything else is dropped).
EXTRACT_COLUMNS = {
    "corridors": (
        "rank",
        "corridor",
        "route",
        "cases",
        "cases_previous_period",
        "change_pct",
        "persons",
        "women_girls_pct",
        "inferred_pct",
        "cases_flagged",
    ),
    "legs": ("from_iso3", "from_country", "to_iso3", "to_country", "inferred", "cases", "persons", "cases_flagged"),
    "hubs": ("iso3", "country", "cases_start", "cases_end", "cases_through", "throughput"),
    "outcomes": (
        "iso3",
        "country",
        "year",
        "incidents",
        "dead",
        "missing",
        "survivors",
        "women_girls",
        "men_boys",
        "children",
    ),
}
#: Count columns of each table: protected for the audience; the first decides if a row is shown.
COUNT_COLUMNS = {
    "corridors": ("cases", "cases_previous_period", "persons"),
    "legs": ("cases", "persons"),
    "hubs": ("throughput", "cases_start", "cases_end", "cases_through"),
    "outcomes": ("incidents", "dead", "missing", "survivors", "women_girls", "men_boys", "children"),
}
#: What the ``outcomes`` table holds, said where the file says what it is (the workbook's "about" sheet).
OUTCOMES_NOTE = N_(
    "Sheet outcomes: deaths and disappearances during migration (IOM Missing Migrants Project), incidents with "
    "their dead and missing by country of the incident and year; neither trafficking nor smuggling cases, in no "
    "other table."
)
EXTRACT_FORMATS = ("csv", "xlsx", "geojson", "gpkg")


def _protect(frame: pd.DataFrame, table: str, audience: Audience) -> pd.DataFrame:
    """Rows the audience may see (first count column), with every count protected.

    Hidden counts become ``<k`` text; shown ones are rounded for the audience.
    """
    counts = COUNT_COLUMNS[table]
    keep = np.array([audience.count(v) is not None for v in frame[counts[0]]], dtype=bool)
    out = frame.loc[keep].copy()
    for column in counts:
        out[column] = pd.array(
            [audience.count(v) if audience.count(v) is not None else f"<{audience.k}" for v in out[column]],
            dtype=object,
        )
    return out.reset_index(drop=True)


def _flagged(flagged: pd.Series, cases: pd.Series, audience: Audience) -> pd.Series:
    """Flagged cases as the audience may see them: ``<k`` under the threshold, blank when the
    unflagged rest (cases minus flagged) is under it, so that neither count can be worked out.

    >>> from turquesa_geo.exports.marking import AUDIENCES
    >>> _flagged(pd.Series([0, 3, 12, 20]), pd.Series([40, 40, 14, 40]), AUDIENCES["internal"]).tolist()
    [0, '<5', None, 20]
    """
    shown = []
    for part, whole in zip(flagged, cases):
        rest = int(whole) - int(part)
        if audience.count(part) is None:
            shown.append(f"<{audience.k}")
        elif 0 < rest < audience.k:
            shown.append(None)
        else:
            shown.append(audience.count(part))
    # An object Series (on a fresh index, as the extract frames are built): "<k" text, None and counts side by
    # side, never inferred as text whose blanks read NaN.
    return pd.Series(shown, dtype=object)


def _share(part: pd.Series, whole: pd.Series, audience: Audience) -> pd.Series:
    """Percent share, blank when either count is hidden for the audience."""
    shown = [audience.count(p) is not None and audience.count(w) is not None and w > 0 for p, w in zip(part, whole)]
    value = (100 * part / whole.where(whole > 0)).round(0)
    return value.where(shown).astype("Int64")


def corridor_extract(corridors: pd.DataFrame, audience: Audience, lang: str = "en") -> pd.DataFrame:
    """The ranked corridors of a view (:class:`~turquesa_geo.corridors.CorridorView`), protected."""
    c = corridors.reset_index(drop=True)
    prev = c["cases_prev"]
    both = [audience.count(a) is not None and audience.count(b) is not None and b > 0 for a, b in zip(c["cases"], prev)]
    frame = pd.DataFrame(
        {
            "rank": np.arange(1, len(c) + 1),
            "corridor": [corridor_name(r, lang) for r in c["route"]],
            "route": c["route"].to_numpy(),
            "cases": c["cases"].to_numpy(),
            "cases_previous_period": prev.to_numpy(),
            "change_pct": (100 * (c["cases"] - prev) / prev.where(prev > 0)).round(0).where(both).astype("Int64"),
            "persons": c["persons"].to_numpy(),
            "women_girls_pct": _share(c["women_girls"], c["persons_known_sex"], audience),
            "inferred_pct": _share(c["cases_inferred"], c["cases"], audience),
            "cases_flagged": _flagged(c["cases_flagged"], c["cases"], audience),
        }
    )
    out = _protect(frame, "corridors", audience)
    out["rank"] = np.arange(1, len(out) + 1)
    return out[list(EXTRACT_COLUMNS["corridors"])]


def leg_extract(legs: pd.DataFrame, audience: Audience, lang: str = "en") -> pd.DataFrame:
    """The drawn legs between countries, protected (legs the audience may not see are left out)."""
    frame = pd.DataFrame(
        {
            "from_iso3": legs["from_iso3"].to_numpy(),
            "from_country": [country_name(x, lang) for x in legs["from_iso3"]],
            "to_iso3": legs["to_iso3"].to_numpy(),
            "to_country": [country_name(x, lang) for x in legs["to_iso3"]],
            "inferred": legs["inferred"].astype(bool).to_numpy(),
            "cases": legs["cases"].to_numpy(),
            "persons": legs["persons"].to_numpy(),
            "cases_flagged": _flagged(legs["cases_flagged"], legs["cases"], audience),
        }
    )
    return _protect(frame, "legs", audience)[list(EXTRACT_COLUMNS["legs"])]


def hub_extract(hubs: pd.DataFrame, audience: Audience, lang: str = "en") -> pd.DataFrame:
    """Countries where corridors start, pass or end, protected."""
    frame = pd.DataFrame(
        {
            "iso3": hubs["iso3"].to_numpy(),
            "country": [country_name(x, lang) for x in hubs["iso3"]],
            "cases_start": hubs["cases_out"].to_numpy(),
            "cases_end": hubs["cases_in"].to_numpy(),
            "cases_through": hubs["cases_through"].to_numpy(),
            "throughput": hubs["throughput"].to_numpy(),
        }
    )
    return _protect(frame, "hubs", audience)[list(EXTRACT_COLUMNS["hubs"])]


def outcome_extract(outcomes: pd.DataFrame, audience: Audience, lang: str = "en") -> pd.DataFrame:
    """Deaths and disappearances during migration by country of the incident and year, protected (a row of
    fewer incidents than the audience may see is left out); ``iso3`` blank for incidents at sea or in no country.

    ``outcomes`` is :func:`turquesa_geo.outcomes.outcomes` by ``("country", "year")``.

    >>> from turquesa_geo.exports.marking import AUDIENCES
    >>> frame = pd.DataFrame({"country": ["PAN", None, "USA"], "year": [2022, 2022, 2021], "incidents": [6, 5, 2],
    ...     "dead": [9, 3, 2], "missing": [0, 12, 0], "survivors": [0, 0, 0], "women_girls": [2, 0, 1],
    ...     "men_boys": [7, 3, 1], "children": [0, 0, 0]})
    >>> shown = outcome_extract(frame, AUDIENCES["internal"])
    >>> shown[["country", "year", "incidents", "dead", "missing"]].values.tolist(), shown["iso3"].isna().tolist()
    ([['Panama', 2022, 6, 9, 0], ['At sea or unknown', 2022, 5, '<5', 12]], [False, True])
    """
    at_sea = gettext(lang, "At sea or unknown")
    o = outcomes.assign(_none=outcomes["country"].isna()).sort_values(["_none", "country", "year"], kind="stable")
    frame = pd.DataFrame(
        {
            "iso3": o["country"].to_numpy(),
            "country": [at_sea if pd.isna(c) else country_name(c, lang) for c in o["country"]],
            "year": pd.array([None if pd.isna(y) else int(y) for y in o["year"]], dtype=object),
            **{column: o[column].astype("int64").to_numpy() for column in COUNT_COLUMNS["outcomes"]},
        }
    )
    return _protect(frame, "outcomes", audience)[list(EXTRACT_COLUMNS["outcomes"])]


def view_tables(
    view, audience: Audience, lang: str = "en", outcomes: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """The three tables of a corridor view, protected for the audience; with ``outcomes`` (the view's deaths and
    disappearances by country and year), their table too."""
    tables = {
        "corridors": corridor_extract(view.corridors, audience, lang),
        "legs": leg_extract(view.legs, audience, lang),
        "hubs": hub_extract(view.hubs, audience, lang),
    }
    if outcomes is not None:
        tables["outcomes"] = outcome_extract(outcomes, audience, lang)
    return tables


def about_rows(context: ExportContext) -> list[tuple[str, str]]:
    """(field, value) rows describing the extract: marking, view, data version, protection."""
    langs = context.langs
    return [
        (bilingual(N_("Handling"), langs), context.marking.text),
        (bilingual(N_("Filters"), langs), context.filters_text),
        (bilingual(N_("Period"), langs), context.period_text()),
        (bilingual(N_("Data version"), langs), context.data_version),
        (bilingual(N_("Exported"), langs), f"{context.exported_at:%Y-%m-%d %H:%M}"),
        (bilingual(N_("Sources"), langs), ", ".join(context.sources) or "—"),
        (bilingual(N_("Audience"), langs), bilingual(context.audience.word, langs).lower()),
        (bilingual(N_("Protection"), langs), context.audience.notice_in(langs)),
        (bilingual(N_("View"), langs), context.view_url or "—"),
    ]


def _allowed(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    if table not in EXTRACT_COLUMNS:
        raise ValueError(f"unknown extract table {table!r}; expected one of {', '.join(EXTRACT_COLUMNS)}")
    return frame[[c for c in EXTRACT_COLUMNS[table] if c in frame.columns]]


def _cell(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return neutralise_cell(value)


def _rows(frame: pd.DataFrame) -> list[list[object]]:
    return [[_cell(v) for v in row] for row in frame.astype(object).itertuples(index=False)]


def tables_csv(table: str, frame: pd.DataFrame, context: ExportContext) -> bytes:
    """One table as CSV: the marking line first (a comment row), then the allow-listed columns."""
    frame = _allowed(table, frame)
    header = [f"# {context.banner}"] + [""] * (len(frame.columns) - 1)
    marking_row = csv_bytes([], header).decode("utf-8-sig")
    body = csv_bytes(_rows(frame), list(frame.columns)).decode("utf-8-sig")
    footer = csv_bytes([], [f"# {context.banner}"] + [""] * (len(frame.columns) - 1)).decode("utf-8-sig")
    return (marking_row + body + footer).encode("utf-8-sig")


def tables_xlsx(tables: dict[str, pd.DataFrame], context: ExportContext) -> bytes:
    """A workbook: an "about" sheet (marking, view, protection), then one sheet per table.

    Every sheet prints the marking in its page header and footer; text cells are
    neutralised so that no formula can run.
    """
    book = Workbook()
    about = book.active
    about.title = "about"
    fg, bg = context.marking.colours
    about.append([context.banner])
    about["A1"].font = Font(bold=True, color=fg.lstrip("#"))
    about["A1"].fill = PatternFill("solid", fgColor=bg.lstrip("#"))
    for field_name, value in about_rows(context):
        about.append([neutralise_cell(field_name), neutralise_cell(value)])
    if "outcomes" in tables:
        about.append(["outcomes", neutralise_cell(bilingual(OUTCOMES_NOTE, context.langs))])
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 28, 100
    for table, frame in tables.items():
        sheet = book.create_sheet(table)
        frame = _allowed(table, frame)
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in _rows(frame):
            sheet.append(row)
        sheet.freeze_panes = "A2"
    for sheet in book.worksheets:
        sheet.oddHeader.center.text = context.banner
        sheet.oddFooter.center.text = context.banner
        sheet.oddFooter.right.text = "&P / &N"
    book.properties.title = f"Turquesa extract ({context.marking.text})"
    book.properties.subject = context.marking.text
    book.properties.keywords = f"data version {context.data_version}"
    book.properties.creator = "Turquesa"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def geo_layers(view, audience: Audience, lang: str = "en") -> dict[str, gpd.GeoDataFrame]:
    """Legs (lines between countries' representative points) and hubs (points), protected."""
    legs = view.legs.reset_index(drop=True)
    shown = legs.loc[[audience.count(v) is not None for v in legs["cases"]]].reset_index(drop=True)
    lines = leg_geometries(shown[["from_iso3", "to_iso3"]].assign(mode=None)) if len(shown) else None
    leg_table = leg_extract(shown, audience, lang)
    leg_layer = gpd.GeoDataFrame(
        leg_table, geometry=lines.geometry.to_numpy() if lines is not None else [], crs="EPSG:4326"
    )
    hub_table = hub_extract(view.hubs, audience, lang)
    where = country_table().set_index("iso3")
    points = shapely.points(
        where.loc[hub_table["iso3"], "rep_lon"].to_numpy(dtype=float),
        where.loc[hub_table["iso3"], "rep_lat"].to_numpy(dtype=float),
    )
    hub_layer = gpd.GeoDataFrame(hub_table, geometry=points, crs="EPSG:4326")
    return {"legs": leg_layer, "hubs": hub_layer}


def layers_geojson(layers: dict[str, gpd.GeoDataFrame], context: ExportContext) -> bytes:
    """One GeoJSON FeatureCollection of both layers (a ``layer`` property tells them apart).

    The marking and the facts of the view travel in a top-level ``turquesa`` member.
    """
    features = []
    for name, layer in layers.items():
        table = _allowed(name, layer.drop(columns="geometry"))
        for row, geom in zip(_rows(table), layer.geometry):
            properties = {"layer": name, **dict(zip(table.columns, row))}
            features.append(
                {
                    "type": "Feature",
                    "properties": properties,
                    "geometry": json.loads(shapely.to_geojson(shapely.set_precision(geom, 1e-4))),
                }
            )
    document = {
        "type": "FeatureCollection",
        "name": "turquesa_corridors",
        "turquesa": {"marking": context.banner, **{k: v for k, v in about_rows(context)}},
        "features": features,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def layers_gpkg(layers: dict[str, gpd.GeoDataFrame], context: ExportContext) -> bytes:
    """A GeoPackage with the ``legs`` and ``hubs`` layers and an ``about`` table (marking first)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "extract.gpkg"
        for name, layer in layers.items():
            table = _allowed(name, layer.drop(columns="geometry"))
            out = gpd.GeoDataFrame(
                pd.DataFrame(_rows(table), columns=table.columns), geometry=layer.geometry.to_numpy(), crs="EPSG:4326"
            )
            pyogrio.write_dataframe(out, path, layer=name, driver="GPKG")
        about = pd.DataFrame(about_rows(context), columns=["field", "value"])
        pyogrio.write_dataframe(about, path, layer="about", driver="GPKG")
        return path.read_bytes()


def extract_bytes(
    view, context: ExportContext, fmt: str, table: str = "corridors", outcomes: pd.DataFrame | None = None
) -> bytes:
    """The extract of a corridor view in ``fmt`` (csv: one ``table``; xlsx: all three, and the ``outcomes`` sheet
    when ``outcomes`` holds any; geojson/gpkg: legs and hubs).

    ``outcomes`` are the view's deaths and disappearances by country and year
    (:func:`turquesa_geo.outcomes.outcomes` by ``("country", "year")``); the csv ``outcomes``
    table is empty without them.
    """
    lang = context.langs[0]
    if fmt == "csv":
        if table == "outcomes" and outcomes is None:
            outcomes = pd.DataFrame(columns=["country", "year", *COUNT_COLUMNS["outcomes"]])
        tables = view_tables(view, context.audience, lang, outcomes if table == "outcomes" else None)
        if table not in tables:
            raise ValueError(f"unknown extract table {table!r}; expected one of {', '.join(EXTRACT_COLUMNS)}")
        return tables_csv(table, tables[table], context)
    if fmt == "xlsx":
        shown = outcomes if outcomes is not None and not outcomes.empty else None
        return tables_xlsx(view_tables(view, context.audience, lang, shown), context)
    if fmt == "geojson":
        return layers_geojson(geo_layers(view, context.audience, lang), context)
    if fmt == "gpkg":
        return layers_gpkg(geo_layers(view, context.audience, lang), context)
    raise ValueError(f"unknown extract format {fmt!r}; expected one of {', '.join(EXTRACT_FORMATS)}")
