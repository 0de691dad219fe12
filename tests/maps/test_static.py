"""Static corridor map for briefing exports: sizes, marking, audience protection, legend, languages."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TODAY
from matplotlib.collections import LineCollection
from matplotlib.text import Text
from PIL import Image

from turquesa_geo.exports.marking import AUDIENCES, ExportContext, Marking
from turquesa_geo.maps.static import (
    FONT,
    SIZES,
    _lane_offsets,
    export_metadata,
    map_figure,
    render_pdf,
    render_png,
    snapshot_bytes,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: Four legs: 40 reported, 12 inferred, 7 reported (shown internally only), 3 (never shown).
LEGS = pd.DataFrame(
    [
        ("VEN", "COL", 0, False, 40, 90),
        ("COL", "PAN", 1, True, 12, 30),
        ("PAN", "USA", 2, False, 7, 15),
        ("COL", "ECU", 1, False, 3, 4),
    ],
    columns=["from_iso3", "to_iso3", "leg_index", "inferred", "cases", "persons"],
)
HUBS = pd.DataFrame(
    [("COL", 0, 3, 54, 57), ("VEN", 40, 0, 0, 40), ("PAN", 0, 0, 19, 19), ("USA", 0, 7, 0, 7), ("ECU", 0, 3, 0, 3)],
    columns=["iso3", "cases_out", "cases_in", "cases_through", "throughput"],
)
FILTERS_TEXT = "Crime type: Smuggling of migrants; From country (origin): Venezuela"


def context(
    audience: str = "internal", langs: tuple[str, ...] = ("en",), marking: Marking | None = None
) -> ExportContext:
    return ExportContext(
        marking=marking or Marking("TLP:AMBER", "MININT RESERVADO"),
        audience=AUDIENCES[audience],
        filters_text=FILTERS_TEXT,
        period=(dt.date(2025, 10, 1), dt.date(2026, 9, 30)),
        data_version="3f9a0c1e2b",
        exported_at=dt.datetime(2026, 11, 29, 10, 30),
        sources=("PNC", "OIM DTM"),
        langs=langs,
    )


def texts(fig, *gids: str) -> list[str]:
    """Texts of the figure, only those with one of ``gids`` when given."""
    found = [t for t in fig.findobj(Text) if t.get_text()]
    return [t.get_text() for t in found if not gids or t.get_gid() in gids]


def drawn_legs(fig) -> dict[str, LineCollection]:
    return {c.get_gid(): c for c in fig.findobj(LineCollection) if c.get_gid() in ("legs-observed", "legs-inferred")}


def leg_count(fig) -> int:
    return sum(len(c.get_paths()) for c in drawn_legs(fig).values())


@pytest.fixture(scope="module")
def internal_fig():
    return map_figure(LEGS, HUBS, context("internal"))


@pytest.fixture(scope="module")
def external_fig():
    return map_figure(LEGS, HUBS, context("external"))


# --- files -------------------------------------------------------------------------


def test_screen_png_is_1600_by_1000():
    png = snapshot_bytes(LEGS, HUBS, context(), "png")
    assert png.startswith(PNG_SIGNATURE)
    assert Image.open(io.BytesIO(png)).size == (1600, 1000)


def test_print_png_is_a4_landscape_at_300_dpi():
    png = snapshot_bytes(LEGS, HUBS, context(), "png-print")
    # 297 x 210 mm = 11.693 x 8.268 in; at 300 dpi 3507.9 x 2480.3 px, which the Agg canvas truncates.
    assert png.startswith(PNG_SIGNATURE)
    assert Image.open(io.BytesIO(png)).size == (3507, 2480) == SIZES["print"].pixels


def test_png_states_title_and_marking_in_its_text_chunks():
    ctx = context(marking=Marking("TLP:RED"))
    image = Image.open(io.BytesIO(snapshot_bytes(LEGS, HUBS, ctx, "png")))
    assert image.text["Description"] == "TLP:RED · INTERNAL"
    assert image.text["Title"] == "Corridor map [TLP:RED]"
    # Filters, period, data version, sources and the small-cell notice, as printed in the footer.
    assert image.text["Comment"].splitlines() == ctx.footer_lines()
    assert FILTERS_TEXT in image.text["Comment"] and "3f9a0c1e2b" in image.text["Comment"]


def test_pdf_is_one_vector_page_whose_metadata_carries_the_marking_and_data_version():
    pdf = snapshot_bytes(LEGS, HUBS, context(marking=Marking("TLP:RED")), "pdf")
    assert pdf.startswith(b"%PDF")
    assert b"/Subject (TLP:RED)" in pdf
    assert b"/Title (Corridor map [TLP:RED])" in pdf
    assert re.search(rb"/Keywords \([^)]*data version 3f9a0c1e2b", pdf)
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 1 and b"/Count 1 " in pdf
    assert b"/Subtype /Image" not in pdf  # drawn as vectors, not as an embedded raster
    assert b"/CreationDate" not in pdf


def test_pdf_metadata_keeps_a_non_ascii_marking_as_utf16():
    marking = Marking("TLP:AMBER", "MININT RESERVADO")
    pdf = snapshot_bytes(LEGS, HUBS, context(marking=marking), "pdf")
    # PDF text strings outside ASCII are UTF-16BE with a byte-order mark.
    assert b"/Subject (\xfe\xff" + "TLP:AMBER · MININT RESERVADO".encode("utf-16-be") + b")" in pdf


def test_pdf_bytes_are_the_same_for_the_same_map():
    fig = map_figure(LEGS, HUBS, context(), size="print")
    meta = export_metadata(context())
    assert render_pdf(fig, meta) == render_pdf(fig, meta)


def test_render_png_at_another_resolution():
    fig = map_figure(LEGS, HUBS, context())
    assert Image.open(io.BytesIO(render_png(fig, dpi=50))).size == (800, 500)


# --- what every snapshot states ------------------------------------------------------


def test_every_snapshot_carries_title_filters_period_version_sources_and_notice(internal_fig):
    ctx = context()
    assert texts(internal_fig, "title") == ["Corridor map"]
    footer = " ".join(texts(internal_fig, "footer"))
    for line in ctx.footer_lines():
        assert line in footer
    assert FILTERS_TEXT in footer and "3f9a0c1e2b" in footer and "29/11/2026 10:30" in footer
    assert "01/10/2025 – 30/09/2026" in footer and "PNC, OIM DTM" in footer
    assert AUDIENCES["internal"].notice("en") in footer
    assert any(FILTERS_TEXT in t for t in texts(internal_fig, "subtitle"))
    assert texts(internal_fig, "caption")[0].startswith("How to read:")
    assert texts(internal_fig, "not-drawn")[0].startswith("1 leg not drawn: too few cases for this audience")


def test_marking_is_printed_at_top_and_bottom_in_tlp_colours_on_black(internal_fig):
    banners = [t for t in internal_fig.findobj(Text) if t.get_gid() in ("banner-top", "banner-bottom")]
    assert [t.get_text() for t in banners] == ["TLP:AMBER · MININT RESERVADO · INTERNAL"] * 2
    assert all(t.get_color() == "#FFC000" for t in banners)
    assert texts(internal_fig).count("TLP:AMBER · MININT RESERVADO · INTERNAL") == 2
    bands = [a for a in internal_fig.findobj() if a.get_gid() in ("banner-top-band", "banner-bottom-band")]
    assert [tuple(b.get_facecolor()) for b in bands] == [(0.0, 0.0, 0.0, 1.0)] * 2
    tops = sorted(t.get_window_extent().y0 for t in banners)
    assert tops[0] < 30 and tops[1] > 970  # pixels of the 1000-pixel page


def test_legend_shows_three_sample_widths_observed_inferred_and_hubs(internal_fig):
    legend = texts(internal_fig, "legend")
    assert legend[:2] == ["Legend", "Cases on the leg (line width)"]
    # Samples at the top count, a quarter and a 25th of it, rounded down to one digit: 40, 10 (1.6 is dropped).
    assert legend[2:4] == ["40", "10"]
    assert any(t.startswith("Reported leg") for t in legend)
    assert any(t.startswith("Inferred leg (dashed)") for t in legend)
    assert any(t.startswith("Country:") for t in legend)
    gids = {a.get_gid() for a in internal_fig.findobj()}
    assert {"legend-width", "legend-observed", "legend-inferred", "legend-arrow", "legend-hub"} <= gids


# --- protection ----------------------------------------------------------------------


def test_external_audience_hides_the_7_case_leg_that_the_internal_one_draws(internal_fig, external_fig):
    assert leg_count(internal_fig) == 3
    assert leg_count(external_fig) == 2
    assert len(drawn_legs(external_fig)["legs-observed"].get_paths()) == 1
    assert len(drawn_legs(internal_fig)["legs-observed"].get_paths()) == 2


@pytest.mark.parametrize("audience", ["internal", "external"])
def test_no_count_under_k_is_printed(audience, internal_fig, external_fig):
    fig = internal_fig if audience == "internal" else external_fig
    k = AUDIENCES[audience].k
    # Every text that states cases. Footer and subtitle print dates and the data version, and the
    # "not drawn" note a number of legs: none of them is a count of cases or persons.
    counted = texts(fig, "hub-label", "legend", "caption", "edge-label", "title")
    numbers = [int(n.replace(",", "")) for t in counted for n in re.findall(r"\d[\d,]*", t)]
    assert numbers
    assert not [n for n in numbers if 1 <= n < k]
    if audience == "external":
        assert all(n % 5 == 0 for n in numbers)


def test_external_hub_labels_are_rounded_down_to_multiples_of_5(external_fig):
    labels = texts(external_fig, "hub-label")
    assert "Colombia\n55" in labels and "Colombia\n57" not in labels
    assert "Panama\n15" in labels
    assert not any(label.startswith(("United States", "Ecuador")) for label in labels)


def test_internal_hub_labels_show_counts_as_they_are(internal_fig):
    labels = texts(internal_fig, "hub-label")
    assert {"Colombia\n57", "Venezuela\n40", "Panama\n19", "United States\n7"} <= set(labels)
    assert not any(label.startswith("Ecuador") for label in labels)


# --- drawing -------------------------------------------------------------------------


def test_inferred_legs_are_dashed_and_observed_legs_solid(internal_fig):
    legs = drawn_legs(internal_fig)
    assert all(dashes is not None for _, dashes in legs["legs-inferred"].get_linestyle())
    assert all(dashes is None for _, dashes in legs["legs-observed"].get_linestyle())
    assert legs["legs-observed"].get_colors()[0][2] > legs["legs-observed"].get_colors()[0][0]  # blue
    inferred = legs["legs-inferred"].get_colors()[0]
    assert inferred[0] > inferred[2]  # orange


def test_lines_are_wider_for_more_cases_on_a_square_root_scale(internal_fig):
    observed = drawn_legs(internal_fig)["legs-observed"]
    wide, narrow = observed.get_linewidths()  # 40 and 7 cases, largest first
    assert wide == pytest.approx(11.0)
    assert narrow == pytest.approx(1.0 + 10.0 * (7 / 40) ** 0.5)


def test_every_drawn_leg_has_an_arrowhead(internal_fig):
    arrows = [c for c in internal_fig.findobj() if c.get_gid() == "arrowheads"]
    assert len(arrows) == 1 and len(arrows[0].get_paths()) == 3


def test_only_dejavu_sans_is_used(internal_fig):
    families = {tuple(t.get_fontfamily()) for t in internal_fig.findobj(Text) if t.get_text()}
    assert families == {(FONT,)}


def test_bilingual_snapshot_puts_spanish_then_english():
    fig = map_figure(LEGS, HUBS, context(langs=("es", "en")))
    assert texts(fig, "title") == ["Mapa de corredores / Corridor map"]
    caption = texts(fig, "caption")[0]
    assert caption.startswith("Cómo leer:") and "How to read:" in caption
    assert texts(fig, "legend")[0] == "Leyenda / Legend"
    footer = " ".join(texts(fig, "footer"))
    assert "Filtros / Filters" in footer and "Audiencia interna" in footer and "Internal audience" in footer
    assert "Venezuela\n40" in texts(fig, "hub-label")


@pytest.mark.parametrize("size", ["screen", "print"])
def test_legend_and_labels_stay_inside_their_panels_without_overlap(size):
    fig = map_figure(LEGS, HUBS, context("external", ("es", "en")), size=size)
    renderer = fig.canvas.get_renderer()
    panel = next(a for a in fig.axes if a.get_gid() == "legend-panel").get_window_extent(renderer)
    frame = next(a for a in fig.axes if a.get_gid() == "map").get_window_extent(renderer)
    for text in fig.findobj(Text):
        box = text.get_window_extent(renderer)
        if text.get_gid() in ("legend", "not-drawn"):
            assert panel.x0 <= box.x0 and box.x1 <= panel.x1 + 1 and panel.y0 <= box.y0, text.get_text()
        if text.get_gid() in ("footer", "caption"):
            assert box.y1 <= frame.y0 and box.x1 <= fig.bbox.x1, text.get_text()
    labels = [t.get_window_extent(renderer) for t in fig.findobj(Text) if t.get_gid() in ("hub-label", "edge-label")]
    assert labels
    assert not [(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :] if a.overlaps(b)]


# --- edge cases ----------------------------------------------------------------------


def test_no_leg_to_draw_still_gives_a_marked_page_that_says_so():
    fig = map_figure(LEGS.iloc[:0], HUBS.iloc[:0], context())
    assert leg_count(fig) == 0
    assert texts(fig, "no-legs") == ["No leg to draw for these filters and this audience."]
    assert texts(fig).count("TLP:AMBER · MININT RESERVADO · INTERNAL") == 2
    assert texts(fig, "not-drawn") == ["Every leg is drawn."]


def test_legs_all_under_k_are_counted_not_drawn():
    fig = map_figure(LEGS.iloc[2:], HUBS, context("external"), hidden_legs=3)
    assert leg_count(fig) == 0
    assert texts(fig, "not-drawn")[0].startswith("5 legs not drawn")


def test_a_leg_within_one_country_is_counted_in_its_circle():
    legs = pd.concat([LEGS, pd.DataFrame([("VEN", "VEN", 0, False, 30, 40)], columns=LEGS.columns)])
    fig = map_figure(legs, HUBS, context())
    assert leg_count(fig) == 3
    assert "1 leg within one country is counted in its circle only." in " ".join(texts(fig, "not-drawn"))


def test_a_leg_from_off_the_map_is_named_at_the_frame_edge():
    legs = pd.concat([LEGS, pd.DataFrame([("CHN", "ECU", 0, False, 25, 40)], columns=LEGS.columns)])
    fig = map_figure(legs, HUBS, context(langs=("es",)))
    assert texts(fig, "edge-label") == ["China"]
    assert leg_count(fig) == 4
    assert any(t.startswith("Nombre gris en cursiva") for t in texts(fig, "legend"))


def test_the_off_map_legend_row_appears_only_with_off_map_names(internal_fig):
    assert not any(t.startswith("Grey italic") for t in texts(internal_fig, "legend"))


def test_reported_and_inferred_legs_of_a_pair_and_its_two_directions_run_in_side_by_side_lanes():
    legs = pd.DataFrame(
        {
            "from_iso3": ["COL", "COL", "PAN", "VEN", "VEN"],
            "to_iso3": ["PAN", "PAN", "COL", "COL", "COL"],
            "inferred": [False, True, False, False, True],
        }
    )
    widths = np.array([11.0, 4.0, 2.0, 5.0, 4.0])
    # Points right of the direction of travel; gap 0.6. Both ways: each direction keeps right of the
    # centre line, the inferred leg beyond the reported one. One way: reported on the centre line.
    assert _lane_offsets(legs, widths, scale=1.0).tolist() == pytest.approx([6.1, 14.2, 1.6, 0.0, 5.1])


def test_dollar_signs_are_printed_not_read_as_mathtext():
    ctx = ExportContext(marking=Marking("TLP:GREEN", "COSTO $5 A $9"), filters_text="Price $1 to $2")
    fig = map_figure(LEGS, HUBS, ctx)
    assert texts(fig, "banner-top") == ["TLP:GREEN · COSTO $5 A $9 · INTERNAL"]
    render_png(fig)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="unknown size 'A3'; expected one of screen, print"):
        map_figure(LEGS, HUBS, context(), size="A3")
    with pytest.raises(ValueError, match="unknown format 'svg'"):
        snapshot_bytes(LEGS, HUBS, context(), "svg")
    with pytest.raises(ValueError, match=r"legs need columns .*missing \['inferred'\]"):
        map_figure(LEGS.drop(columns="inferred"), HUBS, context())
    with pytest.raises(ValueError, match="unknown ISO-3 country code 'XXX'"):
        map_figure(LEGS.assign(to_iso3="XXX"), HUBS, context())


# --- demo store artifact -------------------------------------------------------------


def test_demo_store_snapshot_is_written_for_review(tmp_path):
    """Writes test-artifacts/snapshot-*.png and .pdf from a 20,000-row demo store, to look at."""
    from turquesa_geo.corridors import corridor_view
    from turquesa_geo.demo.generator import write_demo
    from turquesa_geo.filters import Filters, describe
    from turquesa_geo.ingest.flat import import_file
    from turquesa_geo.store.connection import connect, data_version

    con = connect(tmp_path / "demo.duckdb")
    import_file(con, write_demo(tmp_path / "demo.parquet", rows=20_000, seed=7), today=TODAY)
    view = corridor_view(con, Filters())
    ctx = ExportContext(
        marking=Marking("TLP:AMBER", "MINISTERIO DEL INTERIOR - USO OFICIAL"),
        audience=AUDIENCES["external"],
        filters_text=describe(Filters()),
        period=view.period,
        data_version=data_version(con),
        exported_at=dt.datetime(2026, 11, 29, 10, 30),
        sources=("PNC", "OIM DTM"),
        langs=("es", "en"),
    )
    con.close()
    ARTIFACTS.mkdir(exist_ok=True)
    for fmt, name in (("png", "snapshot-screen.png"), ("png-print", "snapshot-print.png"), ("pdf", "snapshot.pdf")):
        data = snapshot_bytes(view.legs, view.hubs, ctx, fmt, hidden_legs=view.hidden_flows)
        (ARTIFACTS / name).write_bytes(data)
    screen = Image.open(ARTIFACTS / "snapshot-screen.png")
    assert screen.size == (1600, 1000)
    fig = map_figure(view.legs, view.hubs, ctx, hidden_legs=view.hidden_flows)
    assert leg_count(fig) == int((view.legs["from_iso3"] != view.legs["to_iso3"]).sum())
    assert "Estados Unidos" in " ".join(texts(fig, "hub-label"))
