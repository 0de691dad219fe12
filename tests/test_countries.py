"""Tests for turquesa_geo.countries: name resolution, names, table and shapes."""

from __future__ import annotations

import unicodedata

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import Point, box

from turquesa_geo.countries import (
    ALIASES,
    LANGS,
    REGIONS,
    TABLE_COLUMNS,
    country_name,
    country_shapes,
    country_table,
    resolve_country,
    suggest_countries,
)
from turquesa_geo.vocab import normalize_key

SMALL_CARIBBEAN_STATES = ["BRB", "GRD", "KNA", "DMA", "LCA", "VCT", "ATG", "BHS", "TTO"]
CARIBBEAN_TERRITORIES = [
    "PRI",
    "CUW",
    "ABW",
    "GUF",
    "GLP",
    "MTQ",
    "CYM",
    "TCA",
    "VGB",
    "VIR",
    "AIA",
    "MSR",
    "SXM",
    "BMU",
]
REP_POINT_SLACK_DEG = 0.05


@pytest.fixture(scope="module")
def table():
    return country_table()


@pytest.fixture(scope="module")
def shapes():
    return country_shapes().set_index("iso3")


# --- resolve_country -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("EE.UU.", "USA"),
        ("EEUU", "USA"),
        ("USA", "USA"),
        ("Estados Unidos de América", "USA"),
        ("United States of America", "USA"),
        ("Brasil", "BRA"),
        ("República Dominicana", "DOM"),
        ("Haïti", "HTI"),
        ("Curazao", "CUW"),
        ("Perú", "PER"),
        ("Venezuela", "VEN"),
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("Bolivia", "BOL"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Trinidad y Tobago", "TTO"),
        ("Trinité-et-Tobago", "TTO"),
        ("San Cristóbal y Nieves", "KNA"),
        ("Guayana Francesa", "GUF"),
        ("Guyane", "GUF"),
        ("Puerto Rico", "PRI"),
        ("Costa de Marfil", "CIV"),
        ("Congo RD", "COD"),
        ("RDC", "COD"),
        ("DR Congo", "COD"),
        ("Reino Unido", "GBR"),
        ("Rusia", "RUS"),
        ("China", "CHN"),
        ("India", "IND"),
        ("Afganistán", "AFG"),
        ("Nepal", "NPL"),
        ("Camerún", "CMR"),
        ("Angola", "AGO"),
        ("Senegal", "SEN"),
        ("Bangladesh", "BGD"),
        ("Uzbekistán", "UZB"),
        ("Congo", "COG"),
        ("Guinea", "GIN"),
        ("Guinea-Bissau", "GNB"),
        ("Dominica", "DMA"),
        ("Estados Unidos", "USA"),
        ("États-Unis", "USA"),
        ("Méjico", "MEX"),
        ("  méxico ", "MEX"),
        ("Sint Maarten", "SXM"),
        ("Bonaire", "BES"),
        ("Martinica", "MTQ"),
        ("Guadeloupe", "GLP"),
        ("Islas Caimán", "CYM"),
        ("Islas Turcas y Caicos", "TCA"),
        ("Islas Vírgenes Británicas", "VGB"),
        ("Islas Vírgenes de los Estados Unidos", "VIR"),
        # As UN and UNODC files write them (GLOTIP, the M49 list), and the World Bank.
        ("United States Virgin Islands", "VIR"),
        ("Puerto Rico (United States of America)", "PRI"),
        ("Îles Vierges américaines", "VIR"),
        ("Hong Kong SAR", "HKG"),
        ("China, Hong Kong Special Administrative Region", "HKG"),
        ("Hong Kong SAR, China", "HKG"),
        ("China, Macao Special Administrative Region", "MAC"),
        ("Türkiye", "TUR"),
        ("Viet Nam", "VNM"),
    ],
)
def test_resolve_country_names(text, iso3):
    assert resolve_country(text) == iso3


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("pa", "PAN"),
        ("PAN", "PAN"),
        ("Pan", "PAN"),
        (" us ", "USA"),
        ("GBR", "GBR"),
        ("cw", "CUW"),
        ("NAM", "NAM"),
        ("Namibia", "NAM"),
    ],
)
def test_resolve_country_codes(text, iso3):
    assert resolve_country(text) == iso3


@pytest.mark.parametrize(
    "text",
    [
        "Panamaa",
        "Panamá City",
        "Colombai",
        "Kosovo",
        "Atlantis",
        "America",
        "",
        "   ",
        "--",
        "N/A",
        "NA",
        "S/D",
        "ZZ",
        "XXX",
        "Saint Martin",
    ],
)
def test_resolve_country_unknown_is_none(text):
    assert resolve_country(text) is None


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Panamá City", "Panama (PAN)"),
        ("Panamaa", "Panama (PAN)"),
        ("Colombai", "Colombia (COL)"),
        ("Venezula", "Venezuela (VEN)"),
        ("Guatemla", "Guatemala (GTM)"),
        ("Republica Dominicna", "Dominican Republic (DOM)"),
    ],
)
def test_suggest_countries_contains_the_country(text, suggestion):
    suggestions = suggest_countries(text)
    assert suggestion in suggestions
    assert len(suggestions) <= 3


@pytest.mark.parametrize(
    ("text", "suggestions"),
    [
        ("Panamá City", ["Panama (PAN)"]),
        ("Brazill", ["Brazil (BRA)"]),
        ("Colômbiaa", ["Colombia (COL)"]),
        ("Hayti", ["Haiti (HTI)"]),
        ("Republica Dominicna", ["Dominican Republic (DOM)", "India (IND)"]),
        ("Guinea Ecuatoriall", ["Equatorial Guinea (GNQ)", "Guinea (GIN)"]),
    ],
)
def test_suggest_countries_best_first_in_any_language(text, suggestions):
    assert suggest_countries(text) == suggestions


def test_one_shared_word_suggests_no_country():
    # "República" is in dozens of official names (Afghanistan's, Bangladesh's...): not a reason to suggest them.
    assert suggest_countries("Republica Dominicna")[0] == "Dominican Republic (DOM)"
    assert "Afghanistan (AFG)" not in suggest_countries("Republica Dominicna")
    assert suggest_countries("Estado de Nada Xyz") == []


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("la Colombie", "COL"),
        ("les États-Unis", "USA"),
        ("los Estados Unidos", "USA"),
        ("l'Équateur", "ECU"),
        ("L’Équateur", "ECU"),
        ("o Brasil", "BRA"),
        ("El Salvador", "SLV"),
        ("The Bahamas", "BHS"),
    ],
)
def test_a_leading_article_is_read_past(text, iso3):
    assert resolve_country(text) == iso3


def test_suggest_countries_limits_and_edges():
    assert suggest_countries("Colombai", n=1) == ["Colombia (COL)"]
    assert suggest_countries("") == []
    assert suggest_countries("qqqqqqqqqq") == []
    with pytest.raises(ValueError, match="got 0"):
        suggest_countries("Colombai", n=0)


def test_aliases_name_one_country_and_agree_with_codes():
    owners: dict[str, str] = {}
    for iso3, aliases in ALIASES.items():
        assert iso3 in {c.alpha_3 for c in pycountry.countries}
        for alias in aliases:
            key = normalize_key(alias)
            assert owners.setdefault(key, iso3) == iso3, alias
            assert resolve_country(alias) == iso3, alias


def test_aliases_do_not_take_another_country_name(table):
    names = {normalize_key(row[f"name_{lang}"]): row["iso3"] for row in table.to_dict("records") for lang in LANGS}
    for iso3, aliases in ALIASES.items():
        for alias in aliases:
            assert names.get(normalize_key(alias), iso3) == iso3, alias


def _scramble(name: str, upper: list[bool]) -> str:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return "".join(ch.upper() if up else ch.lower() for ch, up in zip(plain, upper + [False] * len(plain)))


def _unshared_names() -> list[tuple[str, str]]:
    rows = country_table().to_dict("records")
    owners: dict[str, set[str]] = {}
    for row in rows:
        for lang in LANGS:
            owners.setdefault(normalize_key(row[f"name_{lang}"]), set()).add(row["iso3"])
    return sorted(
        {
            (row[f"name_{lang}"], row["iso3"])
            for row in rows
            for lang in LANGS
            if len(owners[normalize_key(row[f"name_{lang}"])]) == 1
        }
    )


@settings(max_examples=300, deadline=None)
@given(pair=st.sampled_from(_unshared_names()), upper=st.lists(st.booleans(), max_size=60))
def test_resolve_country_accepts_every_table_name(pair, upper):
    name, iso3 = pair
    assert resolve_country(_scramble(name, upper)) == iso3


# --- country_name ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso3", "lang", "name"),
    [
        ("USA", "en", "United States"),
        ("USA", "es", "Estados Unidos"),
        ("USA", "pt", "Estados Unidos"),
        ("USA", "fr", "États-Unis"),
        ("DOM", "es", "República Dominicana"),
        ("BOL", "en", "Bolivia"),
        ("VEN", "es", "Venezuela"),
        ("COD", "es", "República Democrática del Congo"),
        ("CIV", "es", "Costa de Marfil"),
        ("GUF", "es", "Guayana Francesa"),
        ("GUF", "fr", "Guyane française"),
        ("BRA", "pt", "Brasil"),
        ("HTI", "fr", "Haïti"),
        ("RUS", "en", "Russia"),
        ("pan", "es", "Panamá"),
    ],
)
def test_country_name(iso3, lang, name):
    assert country_name(iso3, lang) == name


def test_country_name_falls_back_to_code_and_rejects_unknown_language():
    assert country_name("XKX", "es") == "XKX"
    with pytest.raises(ValueError, match="'de'"):
        country_name("USA", "de")


# --- country_table ---------------------------------------------------------------------


def test_table_has_every_iso_country_once(table):
    assert tuple(table.columns) == TABLE_COLUMNS
    assert table["iso3"].is_unique and table["iso2"].is_unique
    assert set(table["iso3"]) == {c.alpha_3 for c in pycountry.countries}
    assert not table.isna().any().any()
    assert set(table["region"]) == set(REGIONS)


def test_table_is_a_copy():
    table = country_table()
    table.loc[0, "name_en"] = "changed"
    assert country_table().loc[0, "name_en"] != "changed"


def test_americas_region(table):
    americas = set(table.loc[table["region"] == "americas", "iso3"])
    assert len(americas) == 57
    assert {
        "USA",
        "CAN",
        "MEX",
        "BRA",
        "ARG",
        "GRL",
        *SMALL_CARIBBEAN_STATES,
        *CARIBBEAN_TERRITORIES,
        "BES",
        "MAF",
        "BLM",
        "FLK",
        "SPM",
    } <= americas
    assert not {"ESP", "FRA", "NLD", "GBR", "CHN"} & americas


def test_bbox_contains_rep_point_and_never_spans_the_globe_in_the_americas(table):
    assert (table["min_lon"] <= table["rep_lon"]).all() and (table["rep_lon"] <= table["max_lon"]).all()
    assert (table["min_lat"] <= table["rep_lat"]).all() and (table["rep_lat"] <= table["max_lat"]).all()
    americas = table[table["region"] == "americas"]
    assert ((americas["max_lon"] - americas["min_lon"]) < 120).all()


@pytest.mark.parametrize(
    ("iso3", "lon", "lat"),
    [
        ("USA", -77.04, 38.91),
        ("USA", -149.90, 61.22),
        ("USA", -157.86, 21.31),
        ("RUS", 37.62, 55.75),
        ("FJI", 178.44, -18.14),
        ("NZL", 174.78, -41.29),
        ("GUF", -52.33, 4.92),
        ("FRA", 2.35, 48.86),
        ("ECU", -90.31, -0.74),
        ("BES", -68.27, 12.15),
    ],
)
def test_bbox_contains_known_place(table, iso3, lon, lat):
    row = table.set_index("iso3").loc[iso3]
    assert row["min_lon"] <= lon <= row["max_lon"] and row["min_lat"] <= lat <= row["max_lat"]


@pytest.mark.parametrize(("iso3", "lon", "lat"), [("FRA", -52.33, 4.92), ("NLD", -68.27, 12.15), ("USA", 173.2, 52.9)])
def test_bbox_leaves_out_split_or_far_side_parts(table, iso3, lon, lat):
    row = table.set_index("iso3").loc[iso3]
    assert not (row["min_lon"] <= lon <= row["max_lon"] and row["min_lat"] <= lat <= row["max_lat"])


# --- country_shapes --------------------------------------------------------------------


def test_shapes_are_valid_unique_and_in_the_table(shapes, table):
    assert country_shapes().crs.to_epsg() == 4326
    assert shapes.index.is_unique
    assert set(shapes.index) <= set(table["iso3"])
    assert shapes.geometry.is_valid.all() and not shapes.geometry.is_empty.any()


@pytest.mark.parametrize("iso3", SMALL_CARIBBEAN_STATES + CARIBBEAN_TERRITORIES)
def test_small_caribbean_countries_have_a_polygon(shapes, iso3):
    assert iso3 in shapes.index
    assert shapes.loc[iso3, "geometry"].area > 0


@pytest.mark.parametrize(
    ("iso3", "lon", "lat"),
    [
        ("GUF", -52.33, 4.92),
        ("GLP", -61.68, 16.17),
        ("MTQ", -61.0, 14.65),
        ("BES", -68.27, 12.15),
        ("BRB", -59.55, 13.15),
        ("TTO", -61.25, 10.45),
        ("PRI", -66.1, 18.4),
        ("CUW", -68.93, 12.13),
    ],
)
def test_split_territories_hold_an_inland_point(shapes, iso3, lon, lat):
    assert shapes.loc[iso3, "geometry"].contains(Point(lon, lat))
    others = shapes.drop(index=iso3).geometry
    assert not others.intersects(box(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)).any()


def test_rep_point_inside_its_polygon(shapes, table):
    with_shape = table[table["iso3"].isin(shapes.index)]
    assert set(with_shape.loc[with_shape["region"] == "americas", "iso3"]) >= set(SMALL_CARIBBEAN_STATES)
    for row in with_shape.to_dict("records"):
        point = Point(row["rep_lon"], row["rep_lat"])
        assert shapes.loc[row["iso3"], "geometry"].distance(point) <= REP_POINT_SLACK_DEG, row["iso3"]
