"""The corridor map as a static, offline image for briefing exports: a matplotlib figure, PNG and PDF bytes.

Headless by construction: the Agg canvas of a ``matplotlib.figure.Figure`` (never pyplot), matplotlib's bundled
DejaVu Sans, and the gazetteer's own country polygons; no tile server, no network, no browser.

Counts are protected for the export's audience before anything is drawn: legs and hubs
under its threshold are dropped, and every number printed goes through
:meth:`~turquesa_geo.exports.marking.Audience.format`. Each image carries its handling marking
at top and bottom, a legend, a reading guide and the facts of
:meth:`~turquesa_geo.exports.marking.ExportContext.footer_lines`.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib.patheffects import withStroke
from matplotlib.textpath import text_to_path
from matplotlib.transforms import Bbox

from turquesa_geo.countries import country_name, country_shapes, country_table
from turquesa_geo.exports.marking import Audience, ExportContext
from turquesa_geo.i18n import N_, bilingual, regroup
from turquesa_geo.maps.deck import ARROW_COLOUR, HUB_COLOUR, INFERRED_COLOUR, OBSERVED_COLOUR
from turquesa_geo.maps.legs import leg_geometries

__all__ = [
    "FONT",
    "FORMATS",
    "SIZES",
    "TEXTS",
    "PageSize",
    "export_metadata",
    "map_figure",
    "render_pdf",
    "render_png",
    "snapshot_bytes",
]


@dataclass(frozen=True)
class PageSize:
    """A page the snapshot is laid out on: size in inches and resolution of its raster."""

    name: str
    width_in: float
    height_in: float
    dpi: int
    #: Sizes in points (text, lines, circles) relative to the 16-inch screen design.
    scale: float = 1.0

    @property
    def pixels(self) -> tuple[int, int]:
        """(width, height) of the PNG in pixels, as the Agg canvas rounds them."""
        return int(self.width_in * self.dpi), int(self.height_in * self.dpi)


#: Pages: a screen image of 1600 x 1000 px, and A4 landscape (297 x 210 mm) at 300 dpi.
SIZES = {
    "screen": PageSize("screen", 16.0, 10.0, 100),
    # A4 is 0.73 of the design's width; text shrinks a little less, so it stays above 7 points.
    "print": PageSize("print", 297 / 25.4, 210 / 25.4, 300, scale=0.82),
}
#: Export formats: (page size, file type).
FORMATS = {"png": ("screen", "png"), "png-print": ("print", "png"), "pdf": ("print", "pdf")}
#: The only font used: bundled with matplotlib, so nothing is downloaded or looked up.
FONT = "DejaVu Sans"

# Layout is designed in points on the 16-inch screen page; other pages scale it by PageSize.scale.
_MIN_WIDTH_PT, _MAX_WIDTH_PT = 1.0, 11.0
_MIN_HUB_PT, _MAX_HUB_PT = 3.0, 12.0
_LANE_GAP_PT = 0.6
_MAX_HUB_LABELS = 30
_WIDTH_SAMPLE_SHARES = (1.0, 1 / 4, 1 / 25)
#: Longitude and latitude box of the Americas: the frame is fitted to the legs inside it.
_AMERICAS_BOX = (-170.0, -57.0, -25.0, 75.0)
_MARGIN = 0.07
_MIN_SPAN_DEG = 25.0
_MAX_LAT = 84.0

_INK = "#1A1A1A"
_MUTED = "#555555"
_LAND = "#E4E4DF"
_BORDER = "#FFFFFF"
_SEA = "#FFFFFF"
_FRAME = "#B8B8B8"
_HALO = [withStroke(linewidth=2.6, foreground="white")]
_DASHES = (0, (3.0, 1.6))
#: Hub circles a little more opaque than on screen: lines under them blur in print.
_HUB_FILL = tuple(c / 255 for c in (*HUB_COLOUR[:3], 215))

#: Every phrase printed: English message ids, printed in the export's languages through the catalogs
#: (:func:`turquesa_geo.i18n.bilingual`).
TEXTS = {
    "title": N_("Corridor map"),
    "legend": N_("Legend"),
    "widths": N_("Cases on the leg (line width)"),
    "observed": N_("Reported leg (solid)"),
    "inferred": N_("Inferred leg (dashed): from complete records of the same corridor"),
    "arrow": N_("Arrowhead: direction, origin to destination"),
    "hubs": N_("Country: cases that start, pass through or end there (circle area)"),
    "edge": N_("Grey italic name at the frame edge: a leg from or to a country off the map"),
    "how_to_read": N_(
        "How to read: line width = cases on the leg; arrowheads point from origin to destination; "
        "dashed orange legs are inferred, not reported."
    ),
    "not_drawn": N_("{n} legs not drawn: too few cases for this audience, or beyond the drawing limit."),
    "not_drawn_one": N_("1 leg not drawn: too few cases for this audience, or beyond the drawing limit."),
    "all_drawn": N_("Every leg is drawn."),
    "domestic": N_("{n} legs within one country are counted in its circle only."),
    "domestic_one": N_("1 leg within one country is counted in its circle only."),
    "no_legs": N_("No leg to draw for these filters and this audience."),
}


# --- public API --------------------------------------------------------------------


def map_figure(
    legs: pd.DataFrame,
    hubs: pd.DataFrame,
    context: ExportContext,
    *,
    title: str | None = None,
    size: str = "screen",
    hidden_legs: int = 0,
) -> Figure:
    """The corridor map as a static briefing page: marked, legended, protected for the audience.

    Draws what the interactive corridor map shows (base countries, legs as the same
    gateway / great-circle lines, observed solid blue, inferred dashed orange,
    arrowheads, hub circles), on a frame fitted to the legs inside the Americas, with
    the handling marking at top and bottom, a legend with sample widths, a reading
    guide, and the export's filters, period, data version, sources and small-cell notice.

    Parameters
    ----------
    legs : pandas.DataFrame
        ``CorridorView.legs``: ``from_iso3``, ``to_iso3``, ``inferred`` and ``cases``.
    hubs : pandas.DataFrame
        ``CorridorView.hubs``: ``iso3`` and ``throughput``.
    context : ExportContext
        Marking, audience, languages and the facts printed in the footer.
    title : str, optional
        Defaults to "Corridor map" in the context's languages.
    size : {"screen", "print"}
        A key of :data:`SIZES`.
    hidden_legs : int
        Legs already left out upstream (``CorridorView.hidden_flows``), added to the count printed.

    Returns
    -------
    matplotlib.figure.Figure
        With an Agg canvas attached; render it with :func:`render_png` or :func:`render_pdf`.

    Examples
    --------
    >>> legs = pd.DataFrame({"from_iso3": ["VEN"], "to_iso3": ["COL"], "inferred": [False], "cases": [40]})
    >>> hubs = pd.DataFrame({"iso3": ["VEN", "COL"], "throughput": [40, 40]})
    >>> fig = map_figure(legs, hubs, ExportContext(data_version="v1"))
    >>> [round(v) for v in fig.get_size_inches() * fig.dpi]
    [1600, 1000]
    >>> map_figure(legs, hubs, ExportContext(), size="A3")
    Traceback (most recent call last):
    ...
    ValueError: unknown size 'A3'; expected one of screen, print
    """
    page = _page(size)
    _check_frames(legs, hubs)
    drawn, dropped, domestic = _protected_legs(legs, context.audience)
    shown_hubs = _protected_hubs(hubs, context.audience)
    fig, scale = _blank_page(page)
    _draw_banners(fig, context, scale)
    _draw_header(fig, title or bilingual(TEXTS["title"], context.langs), context, scale)
    footer, caption = _footer_lines(fig, context, scale), _caption(fig, context, scale)
    map_ax, legend_ax = _panels(fig, scale, _below_map_pt(footer, caption, scale))
    paths = _projected_paths(drawn)
    _fit_frame(map_ax, paths)
    _draw_base(map_ax, scale)
    widths = _widths(drawn["shown"], scale)
    _draw_legs(map_ax, drawn, paths, widths, scale)
    _draw_hubs(map_ax, shown_hubs, scale)
    edge_labels = _label_map(map_ax, drawn, paths, shown_hubs, context, scale)
    if drawn.empty:
        _text(
            map_ax,
            0.5,
            0.5,
            bilingual(TEXTS["no_legs"], context.langs),
            13 * scale,
            gid="no-legs",
            transform=map_ax.transAxes,
            ha="center",
            color=_MUTED,
        )
    _draw_legend(legend_ax, drawn, context, scale, dropped + int(hidden_legs), domestic, edge_labels > 0)
    _draw_caption(fig, map_ax, caption, scale)
    _draw_footer(fig, footer, scale)
    return fig


def render_png(fig: Figure, dpi: float | None = None, metadata: dict[str, str] | None = None) -> bytes:
    """The figure as PNG bytes, at its own resolution unless ``dpi`` is given.

    ``metadata`` goes into the PNG's text chunks (e.g. Title, Description = marking).
    """
    buffer = io.BytesIO()
    fig.savefig(
        buffer, format="png", dpi=dpi or fig.dpi, facecolor="white", metadata={"Software": None, **(metadata or {})}
    )
    return buffer.getvalue()


def render_pdf(fig: Figure, metadata: dict[str, str | None]) -> bytes:
    """The figure as a one-page vector PDF with the given document information.

    The creation date is left out unless ``metadata`` sets one, so the same figure
    gives the same bytes.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="pdf", metadata={"CreationDate": None, **metadata}, facecolor="white")
    return buffer.getvalue()


def export_metadata(context: ExportContext, title: str | None = None) -> dict[str, str]:
    """Document information for an export: Title, Subject (the marking), Keywords (with the data version).

    >>> meta = export_metadata(ExportContext(data_version="v7"))
    >>> meta["Subject"], "data version v7" in meta["Keywords"]
    ('TLP:AMBER', True)
    """
    keywords = [
        "Turquesa",
        "corridor map",
        context.marking.text,
        f"data version {context.data_version or '-'}",
        f"audience {context.audience.name}",
        f"exported {context.exported_at:%Y-%m-%d %H:%M}",
    ]
    return {
        "Title": f"{title or bilingual(TEXTS['title'], context.langs)} [{context.marking.text}]",
        "Subject": context.marking.text,
        "Keywords": "; ".join(keywords),
        "Creator": "Turquesa",
    }


def snapshot_bytes(
    legs: pd.DataFrame,
    hubs: pd.DataFrame,
    context: ExportContext,
    fmt: str = "png",
    *,
    title: str | None = None,
    hidden_legs: int = 0,
) -> bytes:
    """The corridor map rendered to a file's bytes: ``"png"`` (screen), ``"png-print"`` (A4, 300 dpi) or ``"pdf"``.

    >>> snapshot_bytes(pd.DataFrame(), pd.DataFrame(), ExportContext(), "svg")
    Traceback (most recent call last):
    ...
    ValueError: unknown format 'svg'; expected one of png, png-print, pdf
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    size, kind = FORMATS[fmt]
    fig = map_figure(legs, hubs, context, title=title, size=size, hidden_legs=hidden_legs)
    metadata = export_metadata(context, title)
    if kind == "pdf":
        return render_pdf(fig, metadata)
    # PNG text chunks: what the page prints, readable by tools without looking at the image.
    return render_png(
        fig,
        metadata={
            "Title": metadata["Title"],
            "Description": context.banner,
            "Comment": "\n".join(context.footer_lines()),
            "Source": context.view_url or "Turquesa",
        },
    )


# --- checks and protection ---------------------------------------------------------


def _page(size: str) -> PageSize:
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; expected one of {', '.join(SIZES)}")
    return SIZES[size]


def _check_frames(legs: pd.DataFrame, hubs: pd.DataFrame) -> None:
    for name, frame, columns in (
        ("legs", legs, ("from_iso3", "to_iso3", "inferred", "cases")),
        ("hubs", hubs, ("iso3", "throughput")),
    ):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} need columns {list(columns)}; missing {missing}")


def _protected_legs(legs: pd.DataFrame, audience: Audience) -> tuple[pd.DataFrame, int, int]:
    """Legs the audience may see, largest first, with ``shown`` (the count as shown): also how many
    were dropped as too small, and how many run within one country (no line to draw)."""
    shown = legs["cases"].map(audience.count)
    visible = legs[shown.notna()].assign(shown=shown[shown.notna()].astype("int64"))
    domestic = visible["from_iso3"] == visible["to_iso3"]
    drawn = visible[~domestic].sort_values(["shown", "from_iso3", "to_iso3"], ascending=[False, True, True])
    drawn = drawn.assign(inferred=drawn["inferred"].astype(bool)).reset_index(drop=True)
    return drawn, int(shown.isna().sum()), int(domestic.sum())


def _protected_hubs(hubs: pd.DataFrame, audience: Audience) -> pd.DataFrame:
    shown = hubs["throughput"].map(audience.count)
    visible = hubs[shown.notna()].assign(shown=shown[shown.notna()].astype("int64"))
    return visible.sort_values(["shown", "iso3"], ascending=[False, True]).reset_index(drop=True)


# --- page frame --------------------------------------------------------------------


def _blank_page(page: PageSize) -> tuple[Figure, float]:
    fig = Figure(figsize=(page.width_in, page.height_in), dpi=page.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig, page.scale


def _height_share(fig: Figure, points: float) -> float:
    """A height in points as a share of the figure's height (figure coordinates)."""
    return points / 72 / fig.get_figheight()


def _text(target, x: float, y: float, text: str, size: float, *, gid: str, **style):
    """Text in DejaVu Sans with a gid naming its part of the page (tests and SVG readers find it by gid)."""
    # parse_math=False: a "$" in an agency marking or a filter is printed, never read as mathtext.
    return target.text(
        x, y, text, fontsize=size, fontfamily=FONT, gid=gid, parse_math=False, **{"color": _INK, **style}
    )


def _banner_height(scale: float) -> float:
    return 22 * scale


def _draw_banners(fig: Figure, context: ExportContext, scale: float) -> None:
    """The handling marking on a black band at the very top and bottom: coloured text on black (TLP 2.0)."""
    colour, background = context.marking.colours
    height = _height_share(fig, _banner_height(scale))
    for where, y in (("top", 1 - height), ("bottom", 0.0)):
        fig.add_artist(
            Rectangle(
                (0, y),
                1,
                height,
                transform=fig.transFigure,
                facecolor=background,
                edgecolor="none",
                gid=f"banner-{where}-band",
            )
        )
        _text(
            fig,
            0.5,
            y + height / 2,
            context.banner,
            12 * scale,
            gid=f"banner-{where}",
            color=colour,
            fontweight="bold",
            ha="center",
            va="center",
        )


def _left_margin(fig: Figure, scale: float) -> float:
    return 0.35 * scale / fig.get_figwidth()


def _draw_header(fig: Figure, title: str, context: ExportContext, scale: float) -> None:
    """Title, and the filters and period on one line (shortened if need be: the footer has them in full)."""
    top = 1 - _height_share(fig, _banner_height(scale) + 12 * scale)
    left = _left_margin(fig, scale)
    width_pt = (1 - 2 * left) * fig.get_figwidth() * 72
    title = _wrap(fig, title, 21 * scale, width_pt, weight="bold").split("\n")[0]
    _text(fig, left, top, title, 21 * scale, gid="title", fontweight="bold", va="top")
    scope = _wrap(fig, f"{context.filters_text} · {context.period_text()}", 11.5 * scale, width_pt)
    scope = scope if "\n" not in scope else scope.split("\n")[0] + " …"
    _text(fig, left, top - _height_share(fig, 31 * scale), scope, 11.5 * scale, gid="subtitle", color=_MUTED, va="top")


_HEADER_PT = 80
_FOOTER_SIZE_PT = 9.0
_CAPTION_SIZE_PT = 10.0
_LINE_SPACING = 1.3
_MAP_WIDTH = 0.71


def _panels(fig: Figure, scale: float, below_pt: float) -> tuple:
    """The map on the left and the legend panel on the right, between the header and ``below_pt`` of
    caption and footer."""
    width, height = fig.get_figwidth(), fig.get_figheight()
    top_pt = _banner_height(scale) + _HEADER_PT * scale
    bottom, top = below_pt / 72 / height, 1 - top_pt / 72 / height
    left = _left_margin(fig, scale)
    map_ax = fig.add_axes((left, bottom, _MAP_WIDTH, top - bottom), gid="map")
    legend_left = left + _MAP_WIDTH + 0.3 * scale / width
    legend_ax = fig.add_axes((legend_left, bottom, 1 - legend_left - left, top - bottom), gid="legend-panel")
    legend_ax.set_axis_off()
    legend_ax.set_xlim(0, 1)
    legend_ax.set_ylim(0, 1)
    return map_ax, legend_ax


def _wrap(fig: Figure, text: str, size: float, width_pt: float, weight: str = "normal") -> str:
    """``text`` broken at spaces into lines no wider than ``width_pt`` as the Agg canvas draws them.

    Each line is first guessed from the font's advance widths, then checked with the
    renderer (hinting makes small text a few percent wider) and shortened if need be.
    """
    renderer = fig.canvas.get_renderer()
    font = FontProperties(family=FONT, size=size, weight=weight)

    def width(line: str) -> float:
        return renderer.get_text_width_height_descent(line, font, ismath=False)[0] * 72 / fig.dpi

    lines = []
    for paragraph in text.split("\n"):
        words = paragraph.split(" ")
        while words:
            n = _words_that_fit(words, size, weight, width_pt)
            while n > 1 and width(" ".join(words[:n])) > width_pt:
                n -= 1
            lines.append(" ".join(words[:n]))
            words = words[n:]
    return "\n".join(lines)


def _words_that_fit(words: list[str], size: float, weight: str, width_pt: float) -> int:
    """How many leading words fit in ``width_pt`` by the font's advance widths (at least one)."""
    space = _advance(" ", weight)
    used, n = -space, 0
    for word in words:
        used += space + sum(_advance(char, weight) for char in word)
        if used * size > width_pt and n:
            break
        n += 1
    return n


@lru_cache(maxsize=2048)
def _advance(char: str, weight: str) -> float:
    """Advance width of ``char`` in DejaVu Sans at a size of one point, in points (unhinted)."""
    font = FontProperties(family=FONT, size=1, weight=weight)
    return text_to_path.get_text_width_height_descent(char, font, ismath=False)[0]


def _footer_lines(fig: Figure, context: ExportContext, scale: float) -> list[tuple[str, bool]]:
    """The export's facts, wrapped to the page, each line with whether it belongs to the small-cell notice."""
    width_pt = (1 - 2 * _left_margin(fig, scale)) * fig.get_figwidth() * 72
    notice = context.audience.notice_in(context.langs)
    lines = []
    for line in context.footer_lines():
        is_notice = line == notice
        wrapped = _wrap(fig, line, _FOOTER_SIZE_PT * scale, width_pt, "bold" if is_notice else "normal")
        lines.extend((part, is_notice) for part in wrapped.split("\n"))
    return lines


def _draw_footer(fig: Figure, lines: list[tuple[str, bool]], scale: float) -> None:
    """Filters, period, data version and time of export, sources and the small-cell notice, above the bottom band."""
    left = _left_margin(fig, scale)
    y = _height_share(fig, _banner_height(scale) + 6 * scale)
    for line, is_notice in reversed(lines):
        _text(
            fig,
            left,
            y,
            line,
            _FOOTER_SIZE_PT * scale,
            gid="footer",
            va="bottom",
            color=_INK if is_notice else _MUTED,
            fontweight="bold" if is_notice else "normal",
        )
        y += _height_share(fig, _FOOTER_SIZE_PT * _LINE_SPACING * scale)


def _caption(fig: Figure, context: ExportContext, scale: float) -> str:
    """The reading guide, one paragraph per language, wrapped to the map's width."""
    paragraphs = bilingual(TEXTS["how_to_read"], context.langs, sep="\n")
    width_pt = _MAP_WIDTH * fig.get_figwidth() * 72
    return _wrap(fig, paragraphs, _CAPTION_SIZE_PT * scale, width_pt)


def _draw_caption(fig: Figure, map_ax, caption: str, scale: float) -> None:
    box = map_ax.get_position()
    _text(
        fig,
        box.x0,
        box.y0 - _height_share(fig, 5 * scale),
        caption,
        _CAPTION_SIZE_PT * scale,
        gid="caption",
        va="top",
        linespacing=_LINE_SPACING,
    )


def _below_map_pt(footer: list, caption: str, scale: float) -> float:
    """Height taken under the map: bottom band, footer, caption and the gaps between them."""
    footer_pt = len(footer) * _FOOTER_SIZE_PT * _LINE_SPACING
    caption_pt = (caption.count("\n") + 1) * _CAPTION_SIZE_PT * _LINE_SPACING
    return _banner_height(scale) + (footer_pt + caption_pt + 30) * scale


# --- geometry and frame ------------------------------------------------------------


def _mercator(coords: np.ndarray) -> np.ndarray:
    """Web Mercator, as the interactive map, with x kept in degrees of longitude (one scale on both axes)."""
    lat = np.radians(np.clip(coords[..., 1], -_MAX_LAT, _MAX_LAT))
    y = np.degrees(np.log(np.tan(np.pi / 4 + lat / 2)))
    return np.stack([coords[..., 0], y], axis=-1)


def _projected_paths(legs: pd.DataFrame) -> list[np.ndarray]:
    """Each leg's line as the interactive map draws it (via its gateway, or straight), projected."""
    if legs.empty:
        return []
    geo = leg_geometries(legs[["from_iso3", "to_iso3"]].assign(mode=None))
    coords, index = shapely.get_coordinates(geo.geometry.to_numpy(), return_index=True)
    counts = np.bincount(index, minlength=len(legs))
    return np.split(_mercator(coords), np.cumsum(counts)[:-1])


def _fit_frame(ax, paths: list[np.ndarray]) -> None:
    """Limits fitted to the legs' points inside the Americas, with margins, at the axes' aspect ratio."""
    x0, y0, x1, y1 = _frame_box(paths)
    box = ax.get_position()
    fig = ax.get_figure()
    aspect = (box.width * fig.get_figwidth()) / (box.height * fig.get_figheight())
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = (x1 - x0) * (1 + 2 * _MARGIN), (y1 - y0) * (1 + 2 * _MARGIN)
    dy = max(dy, max(dx, _MIN_SPAN_DEG) / aspect)
    dx = dy * aspect
    ax.set_xlim(cx - dx / 2, cx + dx / 2)
    ax.set_ylim(cy - dy / 2, cy + dy / 2)
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor(_SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(_FRAME)
        spine.set_linewidth(0.8)


def _frame_box(paths: list[np.ndarray]) -> tuple[float, float, float, float]:
    west, south, east, north = _AMERICAS_BOX
    lo, hi = _mercator(np.array([[west, south], [east, north]]))
    if not paths:
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])
    points = np.concatenate(paths)
    inside = points[
        (points[:, 0] >= lo[0]) & (points[:, 0] <= hi[0]) & (points[:, 1] >= lo[1]) & (points[:, 1] <= hi[1])
    ]
    points = inside if len(inside) else points
    return (float(points[:, 0].min()), float(points[:, 1].min()), float(points[:, 0].max()), float(points[:, 1].max()))


@lru_cache(maxsize=1)
def _base_rings() -> tuple[np.ndarray, ...]:
    """Every country's outer rings (islands of at least 0.003 square degrees), simplified to 0.05 degrees
    and projected. Exterior rings only, as on the interactive map."""
    simplified = shapely.simplify(country_shapes().geometry.to_numpy(), 0.05, preserve_topology=True)
    rings = []
    for geom in simplified:
        for polygon in getattr(geom, "geoms", [geom]):
            if polygon.area >= 0.003:
                rings.append(_mercator(np.asarray(polygon.exterior.coords)))
    return tuple(rings)


def _draw_base(ax, scale: float) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    visible = [
        ring
        for ring in _base_rings()
        if ring[:, 0].max() >= x0 and ring[:, 0].min() <= x1 and ring[:, 1].max() >= y0 and ring[:, 1].min() <= y1
    ]
    ax.add_collection(
        PolyCollection(
            visible, facecolors=_LAND, edgecolors=_BORDER, linewidths=0.7 * scale, gid="countries", zorder=1
        ),
        autolim=False,
    )


def _points_per_unit(ax) -> float:
    """Points per data unit (the same on both axes: the aspect is equal)."""
    box = ax.get_position()
    x0, x1 = ax.get_xlim()
    return box.width * ax.get_figure().get_figwidth() * 72 / (x1 - x0)


# --- legs, arrows, hubs ------------------------------------------------------------


def _widths(shown: pd.Series, scale: float, top: float | None = None) -> np.ndarray:
    """Line width in points on a square-root scale of the shown count, as on the interactive map."""
    if top is None:
        top = max(float(shown.max()) if len(shown) else 1.0, 1.0)
    share = np.sqrt(np.asarray(shown, dtype=float) / top)
    return (_MIN_WIDTH_PT + (_MAX_WIDTH_PT - _MIN_WIDTH_PT) * share) * scale


def _lane_offsets(legs: pd.DataFrame, widths: np.ndarray, scale: float) -> np.ndarray:
    """Sideways offset of each line, in points to the right of its direction.

    The reported and the inferred leg of a pair run side by side rather than on top
    of each other, and so do the two directions of a pair (each keeps to its right).
    """
    gap = _LANE_GAP_PT * scale
    pairs = list(zip(legs["from_iso3"], legs["to_iso3"]))
    reported_width = {pair: w for pair, w, inferred in zip(pairs, widths, legs["inferred"]) if not inferred}
    drawn = set(pairs)
    offsets = np.zeros(len(legs))
    for i, ((a, b), width, inferred) in enumerate(zip(pairs, widths, legs["inferred"])):
        two_way = (b, a) in drawn
        if inferred and (a, b) in reported_width:
            # Beyond the reported leg's right edge: on the centre line one way, right of it both ways.
            reported = reported_width[(a, b)]
            edge = 2 * gap + reported if two_way else reported / 2 + gap
        elif two_way:
            edge = gap
        else:
            continue  # alone on its pair: on the centre line
        offsets[i] = edge + width / 2
    return offsets


def _offset_path(path: np.ndarray, distance: float) -> np.ndarray:
    """The path moved ``distance`` data units to its right, along the mean normal at each vertex."""
    if distance == 0 or len(path) < 2:
        return path
    steps = np.diff(path, axis=0)
    lengths = np.hypot(steps[:, 0], steps[:, 1])
    if not lengths.any():
        return path
    normals = np.column_stack([steps[:, 1], -steps[:, 0]]) / np.maximum(lengths, 1e-12)[:, None]
    vertex = np.vstack([normals[:1], (normals[:-1] + normals[1:]) / 2, normals[-1:]])
    vertex /= np.maximum(np.hypot(vertex[:, 0], vertex[:, 1]), 1e-12)[:, None]
    return path + vertex * distance


def _rgba(colour: list[int]) -> tuple[float, ...]:
    return tuple(c / 255 for c in colour)


def _draw_legs(ax, legs: pd.DataFrame, paths: list[np.ndarray], widths: np.ndarray, scale: float) -> None:
    """Observed legs solid blue, inferred legs dashed orange (distinct in greyscale too), arrowheads on top.

    Largest legs are drawn first so the small ones stay visible above them.
    """
    if legs.empty:
        return
    per_point = 1 / _points_per_unit(ax)
    offsets = _lane_offsets(legs, widths, scale)
    lines = [_offset_path(p, o * per_point) for p, o in zip(paths, offsets)]
    inferred = legs["inferred"].to_numpy()
    for flag, colour, style, gid in (
        (False, OBSERVED_COLOUR, "solid", "legs-observed"),
        (True, INFERRED_COLOUR, _DASHES, "legs-inferred"),
    ):
        chosen = np.flatnonzero(inferred == flag)
        collection = LineCollection(
            [lines[i] for i in chosen],
            linewidths=widths[chosen],
            colors=[_rgba(colour)],
            linestyles=style,
            capstyle="butt",
            joinstyle="round",
            gid=gid,
            zorder=3 if flag else 2,
        )
        ax.add_collection(collection, autolim=False)
    arrows = [_arrowhead(line, (2.6 * scale + 0.55 * w) * per_point) for line, w in zip(lines, widths)]
    ax.add_collection(
        PolyCollection(
            [a for a in arrows if a is not None],
            facecolors=[_rgba(ARROW_COLOUR)],
            edgecolors="white",
            linewidths=0.3 * scale,
            gid="arrowheads",
            zorder=4,
        ),
        autolim=False,
    )


def _arrowhead(path: np.ndarray, size: float) -> np.ndarray | None:
    """A triangle 60% along the path, pointing along it (None for a path of no length)."""
    steps = np.hypot(*np.diff(path, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    if along[-1] <= 0:
        return None
    target = along[-1] * 0.6
    i = int(np.clip(np.searchsorted(along, target) - 1, 0, len(steps) - 1))
    direction = (path[i + 1] - path[i]) / max(steps[i], 1e-12)
    tip = path[i] + direction * (target - along[i] + size * 0.8)
    normal = np.array([-direction[1], direction[0]])
    base = tip - direction * size * 1.6
    return np.array([tip, base + normal * size * 0.75, base - normal * size * 0.75])


def _hub_radii(shown: pd.Series, scale: float) -> np.ndarray:
    top = max(float(shown.max()) if len(shown) else 1.0, 1.0)
    return (_MIN_HUB_PT + (_MAX_HUB_PT - _MIN_HUB_PT) * np.sqrt(np.asarray(shown, dtype=float) / top)) * scale


def _hub_positions(hubs: pd.DataFrame) -> np.ndarray:
    table = country_table().set_index("iso3")
    known = table.reindex(hubs["iso3"])[["rep_lon", "rep_lat"]].to_numpy(dtype=float)
    return _mercator(known)


def _draw_hubs(ax, hubs: pd.DataFrame, scale: float) -> None:
    if hubs.empty:
        return
    xy = _hub_positions(hubs)
    radii = _hub_radii(hubs["shown"], scale)
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=(2 * radii) ** 2,
        color=_HUB_FILL,
        edgecolors="white",
        linewidths=0.9 * scale,
        zorder=5,
        gid="hubs",
    )


# --- labels ------------------------------------------------------------------------


def _label_map(
    ax, legs: pd.DataFrame, paths: list[np.ndarray], hubs: pd.DataFrame, context: ExportContext, scale: float
) -> int:
    """Names (and shown counts) of the main hubs, then names of off-map countries at the frame edge;
    returns how many of the latter were placed.

    Labels are placed greedily, largest hub first: a label that would overlap another
    label or another hub's circle, or leave the frame, tries the next spot, then a spot
    further out with a leader line, and is left out if none is free.
    """
    renderer = ax.get_figure().canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    circles = _circle_boxes(ax, hubs, scale)
    taken: list[Bbox] = []
    if not hubs.empty:
        lang = context.langs[0]
        rows = zip(hubs["iso3"], hubs["throughput"], _hub_positions(hubs), _hub_radii(hubs["shown"], scale))
        for own, (iso3, n, xy, radius) in enumerate(list(rows)[:_MAX_HUB_LABELS]):
            label = f"{country_name(iso3, lang)}\n{regroup(context.audience.format(int(n)), lang)}"
            obstacles = taken + circles[:own] + circles[own + 1 :]
            placed = _place_label(ax, renderer, frame, obstacles, xy, radius, label, 10 * scale, "hub-label", scale)
            if placed is not None:
                taken.append(placed)
    obstacles, edge_labels = taken + circles, 0
    for xy, name in _edge_points(ax, legs, paths, context.langs[0]):
        placed = _place_label(
            ax,
            renderer,
            frame,
            obstacles,
            xy,
            0.0,
            name,
            9 * scale,
            "edge-label",
            scale,
            leaders=False,
            color=_MUTED,
            fontstyle="italic",
        )
        if placed is not None:
            obstacles.append(placed)
            edge_labels += 1
    return edge_labels


def _circle_boxes(ax, hubs: pd.DataFrame, scale: float) -> list[Bbox]:
    """Each hub circle's box in display pixels."""
    if hubs.empty:
        return []
    centres = ax.transData.transform(_hub_positions(hubs))
    radii = _hub_radii(hubs["shown"], scale) * ax.get_figure().dpi / 72
    return [Bbox.from_extents(x - r, y - r, x + r, y + r) for (x, y), r in zip(centres, radii)]


#: Where a label may sit around its point: direction (x, y) and the text's alignment, best first.
_LABEL_SPOTS = (
    (1, 0, "left", "center"),
    (-1, 0, "right", "center"),
    (0, 1, "center", "bottom"),
    (0, -1, "center", "top"),
    (0.7, 0.7, "left", "bottom"),
    (-0.7, 0.7, "right", "bottom"),
    (0.7, -0.7, "left", "top"),
    (-0.7, -0.7, "right", "top"),
)
_LEADER_PT = 22


def _place_label(
    ax,
    renderer,
    frame: Bbox,
    obstacles: list[Bbox],
    xy,
    radius: float,
    label: str,
    size: float,
    gid: str,
    scale: float,
    leaders: bool = True,
    **style,
) -> Bbox | None:
    """Put the label at the first free spot around ``xy`` (a circle of ``radius`` points); its box, or None."""
    rings = [(radius + 2 * scale, False)] + ([(radius + _LEADER_PT * scale, True)] if leaders else [])
    for distance, leader in rings:
        for dx, dy, ha, va in _LABEL_SPOTS:
            spot = dict(
                xytext=(dx * distance, dy * distance), ha=ha, va=va, multialignment=ha if ha != "center" else "center"
            )
            text = _annotate(ax, xy, label, size, gid, spot, style)
            box = text.get_window_extent(renderer).expanded(1.04, 1.08)
            text.remove()
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in obstacles):
                # The leader leaves the text from its corner nearest the circle, so it reads as that label's.
                corner = ({"left": 0, "center": 0.5, "right": 1}[ha], {"bottom": 0, "center": 0.5, "top": 1}[va])
                arrow = (
                    dict(
                        arrowstyle="-",
                        color=_INK,
                        linewidth=0.8 * scale,
                        shrinkA=1,
                        relpos=corner,
                        shrinkB=radius + 0.5 * scale,
                    )
                    if leader
                    else None
                )
                _annotate(ax, xy, label, size, gid, spot, style, arrow)
                return box
    return None


def _annotate(ax, xy, label: str, size: float, gid: str, spot: dict, style: dict, arrow: dict | None = None):
    """A label offset from its point by ``spot`` (in points), with a white halo, optionally a leader line."""
    return ax.annotate(
        label,
        xy=tuple(xy),
        textcoords="offset points",
        fontsize=size,
        fontfamily=FONT,
        parse_math=False,
        gid=gid,
        linespacing=1.0,
        path_effects=_HALO,
        zorder=6,
        annotation_clip=False,
        arrowprops=arrow,
        **spot,
        **{"color": _INK, **style},
    )


def _edge_points(ax, legs: pd.DataFrame, paths: list[np.ndarray], lang: str) -> list[tuple[tuple, str]]:
    """Where a leg from or to a country off the map crosses the frame, once per country (its largest leg)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    frame = shapely.box(x0, y0, x1, y1)
    inset = shapely.box(x0, y0, x1, y1).buffer(-(x1 - x0) * 0.004)
    seen: dict[str, tuple] = {}
    for (a, b), path in zip(zip(legs["from_iso3"], legs["to_iso3"]), paths):
        for iso3, end in ((a, path[0]), (b, path[-1])):
            if iso3 in seen or frame.contains(shapely.Point(end)):
                continue
            crossing = shapely.LineString(path).intersection(inset.exterior)
            points = shapely.get_coordinates(crossing)
            if len(points):
                nearest = points[np.argmin(np.hypot(*(points - end).T))]
                seen[iso3] = (tuple(nearest), country_name(iso3, lang))
    return list(seen.values())


# --- legend, caption, footer -------------------------------------------------------


def _width_samples(top: int, audience: Audience) -> list[int]:
    """Up to three round counts for the width legend, each one the audience may see as it is.

    >>> from turquesa_geo.exports.marking import AUDIENCES
    >>> _width_samples(8305, AUDIENCES["internal"]), _width_samples(40, AUDIENCES["external"])
    ([8000, 2000, 300], [40])
    """
    samples = []
    for share in _WIDTH_SAMPLE_SHARES:
        value = top * share
        if value < 1:
            continue
        magnitude = 10 ** math.floor(math.log10(value))
        nice = int(value // magnitude * magnitude)
        if audience.count(nice) == nice and nice not in samples:
            samples.append(nice)
    return samples


class _Cursor:
    """Writes rows down the legend panel, measuring in points from its top."""

    def __init__(self, ax, scale: float):
        box = ax.get_position()
        fig = ax.get_figure()
        self.ax, self.scale = ax, scale
        self.height_pt = box.height * fig.get_figheight() * 72
        self.width_pt = box.width * fig.get_figwidth() * 72
        self.y_pt = 0.0

    def y(self, extra: float = 0.0) -> float:
        return 1 - (self.y_pt + extra) / self.height_pt

    def x(self, points: float) -> float:
        return points / self.width_pt

    def write(self, text: str, size: float, gid: str, indent_pt: float = 0.0, **style) -> None:
        wrapped = _wrap(self.ax.get_figure(), text, size, self.width_pt - indent_pt, style.get("fontweight", "normal"))
        _text(self.ax, self.x(indent_pt), self.y(), wrapped, size, gid=gid, va="top", linespacing=1.2, **style)
        self.y_pt += (wrapped.count("\n") + 1) * size * 1.2 + 4 * self.scale


def _draw_legend(
    ax, legs: pd.DataFrame, context: ExportContext, scale: float, not_drawn: int, domestic: int, edge_labels: bool
) -> None:
    """The legend panel: sample widths, reported / inferred, arrowhead, hub, off-map names, and what is not drawn."""
    cursor = _Cursor(ax, scale)
    cursor.write(bilingual(TEXTS["legend"], context.langs), 13 * scale, "legend", fontweight="bold")
    cursor.y_pt += 4 * scale
    _legend_widths(cursor, legs, context)
    _legend_symbols(cursor, context.langs, edge_labels)
    cursor.y_pt += 9 * scale
    # Counts of legs, not of persons or cases: printed as they are.
    notes = [
        _count_note("not_drawn", not_drawn, context.langs)
        if not_drawn
        else bilingual(TEXTS["all_drawn"], context.langs)
    ]
    if domestic:
        notes.append(_count_note("domestic", domestic, context.langs))
    for note in notes:
        cursor.write(note, 9.5 * scale, "not-drawn", color=_MUTED)


_SAMPLE_PT, _INDENT_PT = 44, 54


def _legend_widths(cursor: _Cursor, legs: pd.DataFrame, context: ExportContext) -> None:
    """Up to three sample lines at the map's own scale, each with its count as the audience sees it."""
    scale = cursor.scale
    cursor.write(bilingual(TEXTS["widths"], context.langs), 10 * scale, "legend")
    top = int(legs["shown"].max()) if len(legs) else 0
    for sample in _width_samples(top, context.audience):
        width = float(_widths(pd.Series([sample]), scale, top=max(top, 1))[0])
        row = max(width, 10 * scale) / 2 + 3 * scale
        y = cursor.y(row)
        cursor.ax.add_line(
            Line2D(
                [0, cursor.x(_SAMPLE_PT * scale)],
                [y, y],
                linewidth=width,
                color=_rgba(OBSERVED_COLOUR),
                solid_capstyle="butt",
                gid="legend-width",
            )
        )
        _text(
            cursor.ax,
            cursor.x(_INDENT_PT * scale),
            y,
            regroup(context.audience.format(sample), context.langs[0]),
            10 * scale,
            gid="legend",
            va="center",
        )
        cursor.y_pt += 2 * row
    cursor.y_pt += 6 * scale


def _legend_symbols(cursor: _Cursor, langs: tuple[str, ...], edge_labels: bool) -> None:
    """One row per symbol: its sample on the left, its meaning on the right."""
    ax, scale = cursor.ax, cursor.scale
    left, right = 0, cursor.x(_SAMPLE_PT * scale)
    for key, colour, style in (("observed", OBSERVED_COLOUR, "solid"), ("inferred", INFERRED_COLOUR, _DASHES)):
        y = cursor.y(7 * scale)
        ax.add_line(
            Line2D(
                [left, right],
                [y, y],
                linewidth=4.5 * scale,
                color=_rgba(colour),
                linestyle=style,
                solid_capstyle="butt",
                gid=f"legend-{key}",
            )
        )
        _legend_row(cursor, TEXTS[key], langs)
    y = cursor.y(7 * scale)
    ax.add_line(Line2D([left, right], [y, y], linewidth=2 * scale, color=_rgba(OBSERVED_COLOUR)))
    ax.add_patch(
        Polygon(
            _legend_arrow(cursor, y, scale),
            closed=True,
            facecolor=_rgba(ARROW_COLOUR),
            edgecolor="none",
            gid="legend-arrow",
        )
    )
    _legend_row(cursor, TEXTS["arrow"], langs)
    ax.scatter(
        [right / 2],
        [cursor.y(9 * scale)],
        s=(14 * scale) ** 2,
        color=_HUB_FILL,
        edgecolors="white",
        linewidths=0.9 * scale,
        gid="legend-hub",
    )
    _legend_row(cursor, TEXTS["hubs"], langs)
    if edge_labels:
        _text(
            ax,
            right / 2,
            cursor.y(6 * scale),
            "Aa",
            9 * scale,
            gid="legend-edge-sample",
            color=_MUTED,
            fontstyle="italic",
            ha="center",
            va="center",
        )
        _legend_row(cursor, TEXTS["edge"], langs)


def _legend_row(cursor: _Cursor, phrase: str, langs: tuple[str, ...]) -> None:
    cursor.write(bilingual(phrase, langs), 10 * cursor.scale, "legend", indent_pt=_INDENT_PT * cursor.scale)
    cursor.y_pt += 5 * cursor.scale


def _count_note(key: str, n: int, langs: tuple[str, ...]) -> str:
    """The phrase ``key`` for ``n`` legs in the export's languages (its ``_one`` form for a single leg)."""
    if n == 1:
        return bilingual(TEXTS[f"{key}_one"], langs)
    return bilingual(TEXTS[key], langs, n=n)


def _legend_arrow(cursor: _Cursor, y: float, scale: float) -> np.ndarray:
    """A triangle pointing right in the legend panel's axes fractions."""
    size_pt = 5 * scale
    tip = cursor.x(30 * scale)
    back = cursor.x(30 * scale - size_pt * 1.6)
    half = size_pt * 0.75 / cursor.height_pt
    return np.array([[tip, y], [back, y + half], [back, y - half]])
