"""Build the committed gazetteer files from Natural Earth and pycountry.

Writes ``turquesa_geo/data/countries.csv`` and ``turquesa_geo/data/country_shapes.geojson``;
see ``data/README.md`` (section "Gazetteer") for sources, licences and every manual choice.

Usage (needs ``npm`` only when ``--source`` is not given)::

    .venv/bin/python scripts/build_gazetteer.py
    .venv/bin/python scripts/build_gazetteer.py --source node_modules/world-atlas/countries-50m.json
"""

from __future__ import annotations

import argparse
import gettext
import subprocess
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pycountry
import shapely
import shapely.affinity
from shapely.geometry import MultiPolygon, Polygon, box

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not
import itertools

from turquesa_geo.countries import DATA_DIR, LANGS, REGIONS, SHAPES_FILE, TABLE_COLUMNS, TABLE_FILE

WORLD_ATLAS = "world-atlas@2.0.2"
SOURCE_FILE = "countries-50m.json"
AMERICAS_REGION, OTHER_REGION = REGIONS
#: gettext catalogue per language; Brazilian Portuguese suits an Americas dashboard.
CATALOGUE = {"es": "es", "pt": "pt_BR", "fr": "fr"}
TABLE_DECIMALS = 4
SHAPE_GRID = 0.001  # 3 decimals, about 100 m: finer than 1:50m drawing precision
MAX_SHAPES_BYTES = 3_000_000
SIMPLIFY_TOLERANCE = 0.01  # used on non-Americas shapes only if the file is too big
POINT_BOX_HALF = 0.25  # half-size of the bbox around a curated point

#: UN M49 region 019 "Americas": North, Central, South America and the Caribbean.
AMERICAS = frozenset(
    {
        # Caribbean
        "AIA",
        "ATG",
        "ABW",
        "BHS",
        "BRB",
        "BES",
        "VGB",
        "CYM",
        "CUB",
        "CUW",
        "DMA",
        "DOM",
        "GRD",
        "GLP",
        "HTI",
        "JAM",
        "MTQ",
        "MSR",
        "PRI",
        "BLM",
        "KNA",
        "LCA",
        "MAF",
        "VCT",
        "SXM",
        "TTO",
        "TCA",
        "VIR",
        # Central America
        "BLZ",
        "CRI",
        "SLV",
        "GTM",
        "HND",
        "MEX",
        "NIC",
        "PAN",
        # South America
        "ARG",
        "BOL",
        "BVT",
        "BRA",
        "CHL",
        "COL",
        "ECU",
        "FLK",
        "GUF",
        "GUY",
        "PRY",
        "PER",
        "SGS",
        "SUR",
        "URY",
        "VEN",
        # Northern America
        "BMU",
        "CAN",
        "GRL",
        "SPM",
        "USA",
    }
)

#: Natural Earth features without an ISO numeric id: name -> ISO-3, or None to drop.
UNNUMBERED = {
    "Somaliland": "SOM",  # ISO counts it in Somalia
    "N. Cyprus": "CYP",  # ISO counts it in Cyprus
    "Indian Ocean Ter.": "CXR",  # Christmas Island; Cocos parts split out below
    "Kosovo": None,  # no ISO 3166-1 code
    "Siachen Glacier": None,  # disputed, no ISO code
}

#: Parts of a Natural Earth admin-0 feature that ISO codes separately:
#: (feature ISO-3, part ISO-3, (min_lon, min_lat, max_lon, max_lat) holding the part).
SPLITS: tuple[tuple[str, str, tuple[float, float, float, float]], ...] = (
    ("FRA", "GUF", (-55.0, 1.5, -51.0, 6.5)),
    ("FRA", "GLP", (-62.0, 15.7, -60.9, 16.6)),
    ("FRA", "MTQ", (-61.3, 14.3, -60.7, 15.0)),
    ("FRA", "REU", (55.0, -21.5, 56.0, -20.7)),
    ("FRA", "MYT", (44.9, -13.1, 45.4, -12.5)),
    ("NLD", "BES", (-69.0, 11.9, -62.8, 17.8)),
    ("NOR", "SJM", (10.0, 74.0, 35.0, 81.0)),  # Svalbard and Bear Island
    ("NOR", "SJM", (-9.5, 70.5, -7.5, 71.5)),  # Jan Mayen
    ("NZL", "TKL", (-173.0, -10.0, -171.0, -8.0)),
    ("CXR", "CCK", (96.0, -13.0, 97.5, -11.5)),
)

#: The spherical TopoJSON closes Antarctica round the pole, which a planar reading
#: loses: land south of this latitude (all of it Antarctic ice) is added back.
ANTARCTIC_CAP_LAT = -84.0

#: Representative (lon, lat) for ISO countries that have no polygon at 1:50m.
CURATED_POINTS = {
    "BVT": (3.36, -54.42),  # Bouvet Island
    "GIB": (-5.35, 36.14),  # Gibraltar
    "TUV": (179.20, -8.52),  # Funafuti
    "UMI": (166.63, 19.29),  # Wake Island, the largest land area
}

#: Short names where the ISO names are inverted ("Korea, Republic of"), long or
#: misspelt; languages left out fall back to the ISO short name.
SHORT_NAMES: dict[str, dict[str, str]] = {
    "RUS": {"en": "Russia", "es": "Rusia", "pt": "Rússia", "fr": "Russie"},
    "COD": {
        "en": "Democratic Republic of the Congo",
        "es": "República Democrática del Congo",
        "pt": "República Democrática do Congo",
        "fr": "République démocratique du Congo",
    },
    "COG": {
        "en": "Republic of the Congo",
        "es": "República del Congo",
        "pt": "República do Congo",
        "fr": "République du Congo",
    },
    "CIV": {"es": "Costa de Marfil"},
    "VGB": {"en": "British Virgin Islands", "es": "Islas Vírgenes Británicas"},
    "VIR": {
        "en": "U.S. Virgin Islands",
        "es": "Islas Vírgenes de los Estados Unidos",
        "fr": "Îles Vierges des États-Unis",
    },
    "PSE": {"en": "Palestine", "es": "Palestina", "pt": "Palestina", "fr": "Palestine"},
    "FSM": {"en": "Micronesia", "es": "Micronesia", "pt": "Micronésia", "fr": "Micronésie"},
    "MAF": {"pt": "São Martinho (parte francesa)"},
    "SXM": {"en": "Sint Maarten", "es": "Sint Maarten", "pt": "Sint Maarten", "fr": "Sint Maarten"},
    "VAT": {"en": "Vatican City", "es": "Ciudad del Vaticano", "pt": "Vaticano", "fr": "Vatican"},
    "FLK": {"en": "Falkland Islands", "es": "Islas Malvinas", "pt": "Ilhas Malvinas", "fr": "Îles Malouines"},
    "BES": {"es": "Bonaire, San Eustaquio y Saba"},
    "CCK": {"fr": "Îles Cocos"},
    "ALA": {"fr": "Îles Åland"},
    "CXR": {"fr": "Île Christmas"},
    "SLB": {"fr": "Îles Salomon"},
    "COM": {"es": "Comoras"},
    "REU": {"fr": "La Réunion"},
    "SUR": {"es": "Surinam"},
    "BRN": {"en": "Brunei", "es": "Brunéi", "fr": "Brunei"},
    "BMU": {"es": "Bermudas"},
}


def fetch_source(folder: Path) -> Path:
    """Install the pinned world-atlas npm package in ``folder``; return the path of its 1:50m file."""
    subprocess.run(["npm", "install", "--no-save", "--prefix", str(folder), WORLD_ATLAS], check=True)
    return folder / "node_modules" / "world-atlas" / SOURCE_FILE


def read_features(source: Path) -> gpd.GeoDataFrame:
    """Read the TopoJSON ``countries`` layer as one valid polygonal geometry per feature, with ISO-3."""
    frame = gpd.read_file(source, layer="countries").set_crs("EPSG:4326", allow_override=True)
    by_numeric = {c.numeric: c.alpha_3 for c in pycountry.countries}
    iso3 = [by_numeric.get(i) if isinstance(i, str) else UNNUMBERED[n] for i, n in zip(frame["id"], frame["name"])]
    unknown = [n for i, n, c in zip(frame["id"], frame["name"], iso3) if isinstance(i, str) and c is None]
    if unknown:
        raise ValueError(f"Natural Earth ids with no ISO country: {unknown}")
    frame = frame.assign(iso3=iso3).dropna(subset=["iso3"])
    geoms = [
        _polygonal(
            shapely.make_valid(
                MultiPolygon([piece for part in shapely.get_parts(g) for piece in _cut_at_antimeridian(part)])
            )
        )
        for g in frame.geometry
    ]
    return frame.assign(geometry=geoms)[["iso3", "geometry"]]


def add_antarctic_cap(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add the land south of :data:`ANTARCTIC_CAP_LAT` to Antarctica (merged later)."""
    cap = gpd.GeoDataFrame({"iso3": ["ATA"], "geometry": [box(-180, -90, 180, ANTARCTIC_CAP_LAT)]}, crs=features.crs)
    return pd.concat([features, cap], ignore_index=True)


def _unwrap(coords: list[tuple[float, float]]) -> tuple[list[tuple[float, float]], int]:
    """Make a ring's longitudes continuous; also return its net shift (non-zero around a pole)."""
    out, shift = [coords[0]], 0
    for (x0, _), (x, y) in itertools.pairwise(coords):
        if x - x0 > 180:
            shift -= 360
        elif x0 - x > 180:
            shift += 360
        out.append((x + shift, y))
    return out, shift


def _cut_at_antimeridian(polygon: Polygon) -> list[Polygon]:
    """Split a polygon whose rings jump across the antimeridian into parts within [-180, 180].

    The TopoJSON is spherical (drawn with d3-geo), so Fiji's and Chukotka's
    rings cross 180°; read as planar they would wrap round the whole globe.
    """
    exterior, shift = _unwrap(list(polygon.exterior.coords))
    if exterior == list(polygon.exterior.coords) or shift != 0:
        return [polygon]  # no crossing, or a ring round a pole (Antarctica) that no cut can fix
    outer = Polygon(exterior)
    holes = []
    for ring in polygon.interiors:
        hole, _ = _unwrap(list(ring.coords))
        offset = min((-360, 0, 360), key=lambda dx: outer.distance(Polygon([(x + dx, y) for x, y in hole])))
        holes.append([(x + offset, y) for x, y in hole])
    unwrapped = shapely.make_valid(Polygon(exterior, holes))
    pieces = []
    for k in (-1, 0, 1):
        window = box(-180 + 360 * k, -90, 180 + 360 * k, 90)
        piece = shapely.affinity.translate(unwrapped.intersection(window), xoff=-360 * k)
        pieces.extend(p for p in _polygonal(piece).geoms)
    return pieces


def _polygonal(geom) -> MultiPolygon:
    """Keep the polygons of a geometry (make_valid can add stray lines at the antimeridian)."""
    parts = shapely.get_parts(shapely.get_parts(geom))  # twice: a collection may hold multi-parts
    return MultiPolygon([p for p in parts if isinstance(p, Polygon) and not p.is_empty])


def split_parts(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per polygon part, with parts inside a :data:`SPLITS` box moved to their own ISO-3."""
    parts = features.explode(index_parts=False, ignore_index=True)
    points = parts.geometry.representative_point()
    for owner, part, bounds in SPLITS:
        moved = (parts["iso3"] == owner) & points.within(box(*bounds))
        if not moved.any():
            raise ValueError(f"split rule {owner}->{part} {bounds} matched no polygon")
        parts.loc[moved, "iso3"] = part
    return parts


def merge_countries(parts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Merge parts into one MultiPolygon per ISO-3 snapped to the output grid, sorted by ISO-3."""
    merged = parts.dissolve(by="iso3", as_index=False).sort_values("iso3", ignore_index=True)
    snapped = shapely.set_precision(merged.geometry.values, SHAPE_GRID)
    merged["geometry"] = [_polygonal(g) for g in snapped]
    empty = merged.loc[merged.geometry.is_empty, "iso3"].tolist()
    if empty:
        raise ValueError(f"countries vanished when snapped to {SHAPE_GRID} degrees: {empty}")
    return merged[["iso3", "geometry"]]


def shrink_outside_americas(shapes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify non-Americas shapes (Americas stay at 1:50m) for a file that must stay small."""
    other = ~shapes["iso3"].isin(AMERICAS)
    simplified = shapely.set_precision(shapes.geometry[other].simplify(SIMPLIFY_TOLERANCE).values, SHAPE_GRID)
    shapes = shapes.copy()
    shapes.loc[other, "geometry"] = [_polygonal(g) for g in simplified]
    return shapes


def representative_point(geom: MultiPolygon) -> tuple[float, float]:
    """A point inside the largest polygon part (not a centroid, which can fall in the sea)."""
    largest = max(geom.geoms, key=lambda p: p.area)
    point = shapely.point_on_surface(largest)
    return point.x, point.y


def main_side_bounds(geom: MultiPolygon) -> tuple[float, float, float, float]:
    """Bounding box of the parts on the same side of the antimeridian as the largest part.

    A country with parts on both sides (USA, Russia, Fiji, Kiribati, New Zealand)
    would otherwise get a bbox spanning the globe; Antarctica, whose largest part
    itself spans all longitudes, keeps its full bbox.
    """
    full = geom.bounds
    largest = max(geom.geoms, key=lambda p: p.area)
    if full[2] - full[0] <= 180 or largest.bounds[2] - largest.bounds[0] > 180:
        return full
    east = largest.centroid.x >= 0
    kept = [p for p in geom.geoms if (p.centroid.x >= 0) == east]
    return MultiPolygon(kept).bounds


def short_names(country) -> dict[str, str]:
    """Common short name of a pycountry record in each of :data:`LANGS`."""
    base = getattr(country, "common_name", None) or country.name
    names = {"en": base}
    for lang, catalogue in CATALOGUE.items():
        names[lang] = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[catalogue]).gettext(base)
    return names | SHORT_NAMES.get(country.alpha_3, {})


def country_rows(shapes: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row of :data:`TABLE_COLUMNS` per ISO 3166-1 country in pycountry."""
    geoms = dict(zip(shapes["iso3"], shapes.geometry))
    rows = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        code = country.alpha_3
        if code in geoms:
            lon, lat = representative_point(geoms[code])
            bounds = main_side_bounds(geoms[code])
        elif code in CURATED_POINTS:
            lon, lat = CURATED_POINTS[code]
            bounds = (lon - POINT_BOX_HALF, lat - POINT_BOX_HALF, lon + POINT_BOX_HALF, lat + POINT_BOX_HALF)
        else:
            raise ValueError(f"country {code} has neither a polygon nor a curated point")
        names = short_names(country)
        rows.append(
            [
                code,
                country.alpha_2,
                *(names[lang] for lang in LANGS),
                AMERICAS_REGION if code in AMERICAS else OTHER_REGION,
                lon,
                lat,
                *bounds,
            ]
        )
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    numeric = list(TABLE_COLUMNS[TABLE_COLUMNS.index("rep_lon") :])
    table[numeric] = table[numeric].round(TABLE_DECIMALS)
    return table


def write_shapes(shapes: gpd.GeoDataFrame, path: Path) -> None:
    """Write the shapes as GeoJSON with coordinates at 3 decimals."""
    path.unlink(missing_ok=True)
    shapes.to_file(path, driver="GeoJSON", engine="pyogrio", layer_options={"COORDINATE_PRECISION": 3})


def geojson_size(shapes: gpd.GeoDataFrame) -> int:
    """Bytes that :func:`write_shapes` would write."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shapes.geojson"
        write_shapes(shapes, path)
        return path.stat().st_size


def build(source: Path) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Build the country table and shapes from the world-atlas TopoJSON file."""
    shapes = merge_countries(split_parts(add_antarctic_cap(read_features(source))))
    if geojson_size(shapes) > MAX_SHAPES_BYTES:
        shapes = shrink_outside_americas(shapes)
    return country_rows(shapes), shapes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help=f"path to {SOURCE_FILE} (default: npm install {WORLD_ATLAS})")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="world-atlas-") as folder:
        table, shapes = build(args.source or fetch_source(Path(folder)))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    table.to_csv(TABLE_FILE, index=False, lineterminator="\n")
    write_shapes(shapes, SHAPES_FILE)
    print(
        f"{TABLE_FILE}: {len(table)} countries; {SHAPES_FILE}: {len(shapes)} shapes, "
        f"{SHAPES_FILE.stat().st_size:,} bytes"
    )


if __name__ == "__main__":
    main()
