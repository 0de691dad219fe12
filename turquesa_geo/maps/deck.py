"""The corridor map as a pydeck Deck: base countries, flows with arrowheads, hubs.

Offline by construction: no tile server or map style; the base layer is the
gazetteer's own country polygons. Only aggregated legs and hubs are sent to the
browser, with coordinates rounded and only the fields the layers use.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pandas as pd
import pydeck as pdk
import shapely

from turquesa_geo.countries import country_name, country_shapes, country_table
from turquesa_geo.i18n import N_, translator
from turquesa_geo.maps.legs import leg_geometries, path_coordinates
from turquesa_geo.privacy import SMALL_CELL_K, format_count
from turquesa_geo.references import shown_value

__all__ = [
    "HUB_COLOUR",
    "INFERRED_COLOUR",
    "MAP_LEGEND",
    "OBSERVED_COLOUR",
    "CompactDeck",
    "base_polygons",
    "corridor_deck",
    "flow_records",
    "hub_records",
    "map_legend",
    "outcome_records",
    "reference_records",
]

OBSERVED_COLOUR = [0, 90, 160, 230]  # Okabe-Ito blue, darkened: observed legs
INFERRED_COLOUR = [230, 159, 0, 210]  # Okabe-Ito orange: legs inferred from the corridor graph
HUB_COLOUR = [204, 121, 167, 170]  # Okabe-Ito reddish purple
LINKED_COLOUR = [213, 94, 0, 235]  # Okabe-Ito vermillion, dotted: legs of cases with linked crimes
OUTCOME_COLOUR = [20, 20, 20, 235]  # near black rings: where migrants died or went missing (not cases)
REFERENCE_COLOUR = [0, 158, 115, 200]  # Okabe-Ito bluish green, long dashes: aggregate reference flows
ARROW_COLOUR = [35, 35, 35, 230]  # near black: arrowheads read on both line colours
BASE_FILL = [232, 232, 228, 255]
BASE_LINE = [255, 255, 255, 255]
MAX_WIDTH_PX = 18
REFERENCE_MAX_WIDTH_PX = 8
# pydeck reads plain strings as accessor expressions: literals must be wrapped.
PIXELS = pdk.types.String("pixels")
MIN_WIDTH_PX = 1.5

#: Words for the legend and the one-line reading guide under the map (English; see :func:`map_legend`).
MAP_LEGEND = {
    "width": N_("Line width: number of cases on the leg (square-root scale)"),
    "observed": N_("Blue, solid: legs the records report"),
    "inferred": N_("Orange, dashed: legs inferred from complete records of the same corridor"),
    "arrow": N_("Arrowheads point from origin towards destination"),
    "hubs": N_("Circles: countries sized by the cases that start, pass through or end there"),
    "linked": N_("Vermillion, dotted (when shown): legs of the cases flagged with linked crimes"),
    "reference": N_(
        "Green, long dashes (when shown): reference flows of public sources, each on its own width scale "
        "and never added to the cases: detected victims by citizenship (UNODC GLOTIP), from the country of "
        "citizenship to the detecting country; encounters at the US border by citizenship (US CBP); the legs "
        "of the routes the US TIP report names, through their transit countries"
    ),
    "outcomes": N_(
        "Black rings (when shown): where migrants died or went missing (IOM Missing Migrants Project), sized by "
        "the dead and missing; they are not cases, and a place of too few incidents to be shown safely is not drawn"
    ),
}


def map_legend(lang: str = "en") -> dict[str, str]:
    """:data:`MAP_LEGEND` in ``lang``."""
    _ = translator(lang).gettext
    return {key: _(text) for key, text in MAP_LEGEND.items()}


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: Streamlit ships ``to_json()`` as is, and
    pydeck's indented JSON is four times larger for the same map."""

    def to_json(self) -> str:
        return json.dumps(json.loads(super().to_json()), separators=(",", ":"))


@lru_cache(maxsize=4)
def _base(region: str, tolerance: float) -> tuple[tuple[str, tuple], ...]:
    shapes = country_shapes()
    table = country_table().set_index("iso3")
    if region != "world":
        shapes = shapes[shapes["iso3"].map(table["region"]).eq(region)]
    simplified = shapely.simplify(shapes.geometry.to_numpy(), tolerance, preserve_topology=True)
    records = []
    for iso3, geom in zip(shapes["iso3"], simplified):
        polygons = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
        for polygon in polygons:
            if polygon.area < tolerance * tolerance:
                continue
            ring = np.round(np.asarray(polygon.exterior.coords), 2)
            records.append((iso3, tuple(map(tuple, ring.tolist()))))
    return tuple(records)


def base_polygons(region: str = "americas", tolerance: float = 0.1) -> list[dict]:
    """Country outlines for the base layer: simplified (0.1° keeps the small Caribbean states
    recognisable), rounded to 0.01°, exterior rings only: about 115 kB for the Americas."""
    return [{"iso3": iso3, "polygon": [list(p) for p in ring]} for iso3, ring in _base(region, tolerance)]


def _width(cases: pd.Series) -> np.ndarray:
    top = max(float(cases.max()), 1.0)
    return np.round(MIN_WIDTH_PX + (MAX_WIDTH_PX - MIN_WIDTH_PX) * np.sqrt(cases.to_numpy(float) / top), 1)


def _arrowhead(path: list[list[float]], size: float) -> list[list[float]]:
    """A triangle at 60% along the path, pointing along it."""
    coords = np.asarray(path, dtype=float)
    steps = np.linalg.norm(np.diff(coords, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    target = along[-1] * 0.6
    i = int(np.clip(np.searchsorted(along, target) - 1, 0, len(steps) - 1))
    direction = (coords[i + 1] - coords[i]) / max(steps[i], 1e-9)
    tip = coords[i] + direction * (target - along[i]) + direction * size
    normal = np.array([-direction[1], direction[0]])
    base = tip - direction * size * 1.6
    triangle = [tip, base + normal * size * 0.8, base - normal * size * 0.8]
    return np.round(np.asarray(triangle), 2).tolist()


def flow_records(legs: pd.DataFrame, lang: str = "en", k: int = SMALL_CELL_K) -> list[dict]:
    """One compact record per leg: path (0.01° precision), width, arrowhead, tooltip, inferred flag.

    Every byte here travels to the browser for every leg, so names are ISO codes in
    the tooltip's first line and colours are per layer, not per record.
    """
    if legs.empty:
        return []
    geo = leg_geometries(legs[["from_iso3", "to_iso3"]].assign(mode=None))
    paths = [np.round(np.asarray(p, dtype=float), 2).tolist() for p in path_coordinates(geo.geometry)]
    widths = _width(legs["cases"])
    _ = translator(lang).gettext
    records = []
    for leg, path, width in zip(legs.itertuples(index=False), paths, widths):
        inferred = bool(leg.inferred)
        records.append(
            {
                "path": path,
                "width": float(width),
                "arrow": _arrowhead(path, 0.7 + 0.06 * width),
                "inferred": inferred,
                "tooltip": f"{leg.from_iso3}→{leg.to_iso3}: "
                + _("{cases} cases, {persons} persons").format(
                    cases=format_count(int(leg.cases), k, lang=lang),
                    persons=format_count(int(leg.persons), k, lang=lang),
                )
                + (" " + _("(inferred)") if inferred else ""),
            }
        )
    return records


def hub_records(hubs: pd.DataFrame, lang: str = "en", k: int = SMALL_CELL_K) -> list[dict]:
    """One record per country with cases: position, radius and in / out / through totals."""
    if hubs.empty:
        return []
    table = country_table().set_index("iso3")
    hubs = hubs[hubs["throughput"] >= k]
    top = max(float(hubs["throughput"].max()) if len(hubs) else 1.0, 1.0)
    _ = translator(lang).gettext
    records = []
    for _index, hub in hubs.iterrows():
        where = table.loc[hub["iso3"]]
        records.append(
            {
                "position": [round(float(where["rep_lon"]), 3), round(float(where["rep_lat"]), 3)],
                "radius": float(round(4 + 12 * np.sqrt(hub["throughput"] / top), 1)),
                "tooltip": country_name(hub["iso3"], lang)
                + "\n"
                + _("out (origin): {out}\nthrough (transit): {through}\nin (destination): {into}").format(
                    out=format_count(int(hub["cases_out"]), k, lang=lang),
                    through=format_count(int(hub["cases_through"]), k, lang=lang),
                    into=format_count(int(hub["cases_in"]), k, lang=lang),
                ),
            }
        )
    return records


#: Reference indicators that count no persons: drawn whatever their value (a route a published report names is
#: public text, not a small cell of persons).
_NOT_PERSONS = frozenset({"tip_routes"})


def reference_records(flows: pd.DataFrame, k: int = SMALL_CELL_K, lang: str = "en") -> list[dict]:
    """One record per reference flow with at least ``k`` persons, each source on its own width scale.

    ``flows`` is :func:`turquesa_geo.references.map_reference_flows` (its ``indicator`` says
    which source: GLOTIP's detected victims, CBP's encounters, the TIP report's route legs) or
    :func:`turquesa_geo.references.citizenship_flows` (GLOTIP's, without ``indicator``). A flow
    resting only on censored values (``<5``) is not drawn: its size is unknown. The legs of the
    routes the TIP report names count no persons and are all drawn.
    """
    if flows.empty:
        return []
    indicators = (
        flows["indicator"] if "indicator" in flows.columns else pd.Series("detected_victims", index=flows.index)
    )
    records = []
    for indicator, part in flows.groupby(indicators, sort=False):
        records += _reference_part(part, str(indicator), k, lang)
    return records


def _reference_part(flows: pd.DataFrame, indicator: str, k: int, lang: str) -> list[dict]:
    """The records of one source's flows: their own, thinner width scale, and their own words."""
    drawn = flows[flows["value"] >= (1 if indicator in _NOT_PERSONS else k)]
    if drawn.empty:
        return []
    legs = drawn.rename(columns={"value": "cases"}).assign(persons=drawn["value"], inferred=False)
    records = flow_records(legs, lang, k)
    top = float(drawn["value"].max())
    for record, flow in zip(records, drawn.itertuples(index=False)):
        record.pop("arrow")
        record["width"] = float(
            round(MIN_WIDTH_PX + (REFERENCE_MAX_WIDTH_PX - MIN_WIDTH_PX) * np.sqrt(flow.value / top), 1)
        )
        record["tooltip"] = _reference_tooltip(flow, indicator, k, lang)
    return records


def _reference_tooltip(flow, indicator: str, k: int, lang: str) -> str:
    """What one reference flow says, in the words of its source."""
    _ = translator(lang).gettext
    first, last = int(flow.first_year), int(flow.last_year)
    years = f"{first}" if first == last else f"{first}–{last}"
    if indicator == "encounters":
        months = flow.first_month if flow.first_month == flow.last_month else f"{flow.first_month}–{flow.last_month}"
        return _(
            "Reference (US CBP) · {citizens} citizens encountered at the US border, {months}: {n} encounters"
        ).format(citizens=flow.from_iso3, months=months, n=format_count(int(flow.value), k, lang=lang))
    if indicator == "tip_routes":
        return _(
            "Reference (US TIP report) · {leg}, a leg of {routes} route(s) the report names, {years}: "
            "named {times} time(s)"
        ).format(leg=f"{flow.from_iso3}→{flow.to_iso3}", routes=int(flow.routes), years=years, times=int(flow.value))
    return _(
        "Reference (aggregate counts) · {citizens} citizens detected in {country}, {years}: {victims} victims"
    ).format(
        citizens=flow.from_iso3,
        country=flow.to_iso3,
        years=years,
        victims=shown_value(int(flow.value), int(flow.censored), k, lang),
    )


def outcome_records(places: pd.DataFrame, lang: str = "en", k: int = SMALL_CELL_K) -> list[dict]:
    """One ring per place of deaths and disappearances (:func:`turquesa_geo.outcomes.outcome_places`):
    position, radius by the dead and missing (square root), and its counts, protected, as the tooltip."""
    if places.empty:
        return []
    people = (places["dead"] + places["missing"]).clip(lower=0)
    top = max(float(people.max()), 1.0)
    _ = translator(lang).gettext
    return [
        {
            "position": [round(float(place.lon), 2), round(float(place.lat), 2)],
            "radius": float(round(5 + 14 * np.sqrt(n / top), 1)),
            "tooltip": _("Deaths and disappearances during migration (IOM)")
            + "\n"
            + _("incidents: {incidents}\ndead: {dead}\nmissing: {missing}").format(
                incidents=format_count(int(place.incidents), k, lang=lang),
                dead=format_count(int(place.dead), k, lang=lang),
                missing=format_count(int(place.missing), k, lang=lang),
            ),
        }
        for place, n in zip(places.itertuples(index=False), people)
    ]


def corridor_deck(
    legs: pd.DataFrame,
    hubs: pd.DataFrame,
    *,
    lang: str = "en",
    k: int = SMALL_CELL_K,
    view: tuple[float, float, float] = (-75.0, -2.0, 2.15),
    linked_legs: pd.DataFrame | None = None,
    reference_flows: pd.DataFrame | None = None,
    outcome_places: pd.DataFrame | None = None,
) -> pdk.Deck:
    """The corridor map: base polygons, legs (observed solid, inferred dashed), arrowheads and hubs.

    ``view`` is (longitude, latitude, zoom) of the initial view. ``linked_legs`` (legs of
    the cases flagged with linked crimes) are drawn on top as a thin dotted
    vermillion layer, each as wide as its own cases. ``reference_flows`` (aggregate
    counts by citizenship, see :func:`turquesa_geo.references.citizenship_flows`, or every
    source's, :func:`turquesa_geo.references.map_reference_flows`) are drawn under the legs as
    long-dashed green lines, each source on its own width scale.
    """
    flows = flow_records(legs, lang, k)
    arrows = [{"polygon": f.pop("arrow")} for f in flows]
    observed, inferred = [], []
    for flow in flows:
        (inferred if flow.pop("inferred") else observed).append(flow)
    path_style = dict(
        get_path="path", get_width="width", width_units=PIXELS, cap_rounded=True, joint_rounded=True, pickable=True
    )
    layers = [
        pdk.Layer(
            "PolygonLayer",
            base_polygons(),
            id="countries",
            get_polygon="polygon",
            get_fill_color=BASE_FILL,
            get_line_color=BASE_LINE,
            line_width_min_pixels=0.6,
            stroked=True,
            filled=True,
            pickable=False,
        ),
        pdk.Layer("PathLayer", observed, id="flows", get_color=OBSERVED_COLOUR, **path_style),
        # Inferred legs: dashed, and offset so they run beside reported legs of the same pair.
        pdk.Layer(
            "PathLayer",
            inferred,
            id="inferred_flows",
            get_color=INFERRED_COLOUR,
            get_dash_array=[3, 2],
            dash_justified=True,
            get_offset=1.2,
            extensions=[{"@@type": "PathStyleExtension", "dash": True, "offset": True}],
            **path_style,
        ),
        pdk.Layer(
            "PolygonLayer",
            arrows,
            id="arrows",
            get_polygon="polygon",
            get_fill_color=ARROW_COLOUR,
            stroked=False,
            pickable=False,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            hub_records(hubs, lang, k),
            id="hubs",
            get_position="position",
            get_radius="radius",
            radius_units=PIXELS,
            get_fill_color=HUB_COLOUR,
            stroked=True,
            get_line_color=[255, 255, 255, 255],
            line_width_min_pixels=1,
            pickable=True,
        ),
    ]
    if linked_legs is not None and len(linked_legs):
        linked = flow_records(linked_legs, lang, k)
        for flow in linked:
            flow.pop("arrow")
            flow["tooltip"] = translator(lang).gettext("Linked crimes") + " · " + flow["tooltip"]
        layers.insert(
            4,
            pdk.Layer(
                "PathLayer",
                linked,
                id="linked_crimes",
                get_color=LINKED_COLOUR,
                get_dash_array=[1, 1.5],
                dash_justified=True,
                extensions=[{"@@type": "PathStyleExtension", "dash": True}],
                **path_style,
            ),
        )
    if reference_flows is not None and len(reference_flows):
        layers.insert(
            1,
            pdk.Layer(
                "PathLayer",
                reference_records(reference_flows, k, lang),
                id="reference_flows",
                get_color=REFERENCE_COLOUR,
                get_dash_array=[8, 4],
                dash_justified=True,
                get_offset=-1.2,
                extensions=[{"@@type": "PathStyleExtension", "dash": True, "offset": True}],
                **path_style,
            ),
        )
    if outcome_places is not None and len(outcome_places):
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                outcome_records(outcome_places, lang, k),
                id="deaths_and_disappearances",
                get_position="position",
                get_radius="radius",
                radius_units=PIXELS,
                filled=False,
                stroked=True,
                get_line_color=OUTCOME_COLOUR,
                line_width_min_pixels=2.5,
                pickable=True,
            )
        )
    return CompactDeck(
        # map_provider=None with the default map_style sentinel: Streamlit then draws no
        # basemap at all (map_style=None would make it fetch a Carto style).
        layers=layers,
        map_provider=None,
        initial_view_state=pdk.ViewState(longitude=view[0], latitude=view[1], zoom=view[2], pitch=0, bearing=0),
        tooltip={"text": "{tooltip}"},
    )
