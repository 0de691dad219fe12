"""Exports of a view, end to end from a store: what the page shows is what the file holds, marked and protected."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
import pyogrio
import pypdf
import pytest
from matplotlib.collections import LineCollection
from PIL import Image
from streamlit.testing.v1 import AppTest
from test_app import APP, TIMEOUT, _deck_spec, app_store  # noqa: F401  (fixture)

from turquesa_geo.corridors import corridor_view
from turquesa_geo.demo.generator import write_demo
from turquesa_geo.exports.dispatch import export_context, export_file
from turquesa_geo.exports.marking import ExportContext, Marking
from turquesa_geo.exports.tables import COUNT_COLUMNS, FORMULA_PREFIXES, neutralise_cell, tables_xlsx
from turquesa_geo.filters import Filters, from_query_params
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.maps.static import map_figure
from turquesa_geo.store.connection import connect, resolve_db_path

HOSTILE = [
    "=1+1",
    "+SUM(A1:A9)",
    "-2+3",
    "@SUM(A1)",
    "\t=cmd",
    "\r=cmd",
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "-",
    "+",
    "@",
]


def test_snapshot_draws_exactly_the_legs_of_the_corridor_page(app_store):  # noqa: F811
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/corridor_map.py").run()
    flows = _deck_spec(at)["layers"][1]["data"]
    filters, _ = from_query_params(dict(at.query_params))
    import streamlit as st

    st.cache_resource.clear()
    con = connect(resolve_db_path(), read_only=True)
    view = corridor_view(con, filters)
    con.close()
    figure = map_figure(view.legs, view.hubs, ExportContext())
    drawn = sum(
        len(c.get_segments())
        for c in figure.findobj(LineCollection)
        if c.get_gid() in ("legs-observed", "legs-inferred")
    )
    assert drawn == len(flows) == 3
    assert sorted(f"{a}→{b}" for a, b in view.legs[["from_iso3", "to_iso3"]].itertuples(index=False)) == sorted(
        f["tooltip"].split(":")[0] for f in flows
    )


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("briefing")
    write_demo(folder / "demo.parquet", rows=6_000, seed=3)
    con = connect(folder / "store.duckdb")
    import_file(con, folder / "demo.parquet")
    yield con
    con.close()


def _context(con, audience: str, filters: Filters = Filters(), **kwargs) -> ExportContext:  # noqa: B008 (frozen)
    return export_context(
        con,
        filters,
        (dt.date(2018, 1, 1), dt.date(2026, 12, 31)),
        audience=audience,
        marking=Marking("TLP:AMBER+STRICT", "UNIDAD DE TRATA"),
        view_url="http://x/?crime=smuggling",
        **kwargs,
    )


def test_snapshot_pdf_reads_back_marking_filters_version_and_notice(demo_store):
    filters = Filters(crime_types=("smuggling",))
    context = _context(demo_store, "internal", filters)
    _, data = export_file(demo_store, filters, "snapshot", "pdf", context)
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1
    assert text.count("TLP:AMBER+STRICT · UNIDAD DE TRATA · INTERNAL") == 2
    assert "Crime type: Smuggling of migrants" in text
    assert context.data_version in text and context.data_version in reader.metadata["/Keywords"]
    assert "counts under 5 persons or cases are not shown" in text
    assert reader.metadata.subject == "TLP:AMBER+STRICT · UNIDAD DE TRATA"


def test_snapshot_png_metadata_reads_back_the_same(demo_store):
    context = _context(demo_store, "external")
    _, data = export_file(demo_store, Filters(), "snapshot", "png", context)
    image = Image.open(io.BytesIO(data))
    assert image.text["Description"] == "TLP:AMBER+STRICT · UNIDAD DE TRATA · EXTERNAL"
    assert context.data_version in image.text["Comment"] and "counts under 11 are not shown" in image.text["Comment"]


def test_formula_corpus_is_neutralised_in_xlsx(tmp_path):
    import pandas as pd

    corridors = pd.DataFrame(
        {
            "rank": range(1, len(HOSTILE) + 1),
            "corridor": HOSTILE,
            "route": HOSTILE,
            "cases": 20,
            "cases_previous_period": 20,
            "change_pct": 0,
            "persons": 40,
            "women_girls_pct": 50,
            "inferred_pct": 0,
        }
    )
    context = ExportContext(marking=Marking("TLP:CLEAR", "=AGENCY()"), filters_text="@evil", sources=("+src",))
    book = openpyxl.load_workbook(io.BytesIO(tables_xlsx({"corridors": corridors}, context)))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(FORMULA_PREFIXES)]
    sheet = book["corridors"]
    # (XML reads a carriage return back as a line feed.)
    assert [sheet.cell(row=i + 2, column=2).value for i in range(len(HOSTILE))] == [
        neutralise_cell(h).replace("\r", "\n") for h in HOSTILE
    ]
    assert book["about"]["A1"].value == "TLP:CLEAR · =AGENCY() · INTERNAL"  # not a formula: starts with T


def _count_values(fmt: str, data: bytes, tmp_path) -> list[object]:
    """Every value of every count column of an extract, as read back from the file."""
    counts = {c for columns in COUNT_COLUMNS.values() for c in columns}
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        values = []
        for sheet in book.worksheets[1:]:
            header = [c.value for c in sheet[1]]
            values += [
                row[i]
                for row in sheet.iter_rows(min_row=2, values_only=True)
                for i, h in enumerate(header)
                if h in counts
            ]
        return values
    if fmt == "geojson":
        return [v for f in json.loads(data)["features"] for k, v in f["properties"].items() if k in counts]
    if fmt == "gpkg":
        path = tmp_path / "x.gpkg"
        path.write_bytes(data)
        frames = [pyogrio.read_dataframe(path, layer=layer) for layer in ("legs", "hubs")]
        return [v for frame in frames for c in frame.columns if c in counts for v in frame[c]]
    lines = data.decode("utf-8-sig").splitlines()[1:-1]
    header = lines[0].split(",")
    return [row.split(",")[i] for row in lines[1:] for i, h in enumerate(header) if h in counts]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg"])
@pytest.mark.parametrize("audience", ["internal", "external"])
def test_no_count_under_the_threshold_in_any_extract(demo_store, tmp_path, fmt, audience):
    filters = Filters(nationalities=("HTI",))  # a narrow view: many small legs and hubs
    context = _context(demo_store, audience, filters)
    _, data = export_file(demo_store, filters, "extract", fmt, context, table="legs")
    values = _count_values(fmt, data, tmp_path)
    numbers = [int(v) for v in values if not (isinstance(v, str) and v.startswith("<"))]
    assert numbers, "the view must have something to show"
    k = context.audience.k
    assert not [n for n in numbers if 0 < n < (10 if audience == "external" else k)]
    if audience == "external":
        assert all(n % 5 == 0 for n in numbers)
    assert {v for v in values if isinstance(v, str) and v.startswith("<")} <= {f"<{k}"}


def test_every_export_is_logged_with_the_hash_of_its_bytes(demo_store):
    import hashlib

    before = demo_store.execute("SELECT count(*) FROM exports").fetchall()[0][0]
    context = _context(demo_store, "internal")
    name, data = export_file(demo_store, Filters(), "snapshot", "png-print", context)
    row = demo_store.execute(
        "SELECT file_name, sha256, bytes, kind FROM exports ORDER BY export_id DESC LIMIT 1"
    ).fetchall()[0]
    assert demo_store.execute("SELECT count(*) FROM exports").fetchall()[0][0] == before + 1
    assert row == (name, hashlib.sha256(data).hexdigest(), len(data), "snapshot:png-print")
    assert re.search(r"-print-TLP-AMBER-STRICT-internal-\d{8}-\d{4}\.png$", name)
