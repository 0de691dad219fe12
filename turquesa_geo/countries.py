"""Country gazetteer: names and codes to ISO 3166-1 alpha-3, with names, points, boxes and shapes.

Reads only the committed files in ``turquesa_geo/data`` (built by ``scripts/build_gazetteer.py``).
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pycountry

from turquesa_geo.vocab import closest_codes, comparable_text, normalize_key

__all__ = [
    "ALIASES",
    "LANGS",
    "REGIONS",
    "TABLE_COLUMNS",
    "country_name",
    "country_shapes",
    "country_table",
    "resolve_country",
    "suggest_countries",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
TABLE_FILE = DATA_DIR / "countries.csv"
SHAPES_FILE = DATA_DIR / "country_shapes.geojson"

ISO3 = "iso3"
ISO2 = "iso2"
REGION = "region"
LANGS: tuple[str, ...] = ("en", "es", "pt", "fr")
NAME_COLUMNS: dict[str, str] = {lang: f"name_{lang}" for lang in LANGS}
REGIONS: tuple[str, ...] = ("americas", "other")
TABLE_COLUMNS: tuple[str, ...] = (
    ISO3,
    ISO2,
    *NAME_COLUMNS.values(),
    REGION,
    "rep_lon",
    "rep_lat",
    "min_lon",
    "min_lat",
    "max_lon",
    "max_lat",
)

#: gettext catalogues of pycountry whose translated ISO names are accepted.
_CATALOGUES: tuple[str, ...] = ("es", "pt", "pt_BR", "fr")
#: A leading article ("la Colombie", "los Estados Unidos", "l'Équateur"), tried without when
#: the whole name names no country ("El Salvador" is a whole name).
_LEADING_ARTICLE = re.compile(r"^\s*(?:(?:the|el|la|los|las|le|les|o|a|os|as)\s+|l['’]\s*)", re.IGNORECASE)
#: ISO-2 codes not read as codes: "NA" marks a missing value far more often than Namibia.
_CODES_READ_AS_MISSING = frozenset({"NA"})

#: Curated aliases (ISO-3 -> spellings) beyond the ISO names in en/es/pt/fr: the
#: Americas, frequent origins and UN-style names. Each must name one country only.
ALIASES: dict[str, tuple[str, ...]] = {
    "USA": (
        "EE.UU.",
        "EE. UU.",
        "EEUU",
        "E.U.A.",
        "EUA",
        "U.S.",
        "U.S.A.",
        "United States of America",
        "Estados Unidos de América",
        "Estados Unidos da América",
        "Estados Unidos de Norteamérica",
    ),
    "GBR": (
        "UK",
        "U.K.",
        "Great Britain",
        "Britain",
        "Gran Bretaña",
        "Grã-Bretanha",
        "Grande-Bretagne",
        "United Kingdom of Great Britain and Northern Ireland",
        "Inglaterra",
        "England",
        "Angleterre",
        "Escocia",
        "Scotland",
    ),
    "RUS": ("Russia", "Rusia", "Rússia", "Russie", "Russian Federation", "Federación de Rusia"),
    "CHN": ("República Popular China", "People's Republic of China", "China, People's Republic of"),
    "HKG": (
        "China, Hong Kong SAR",
        "Hong Kong SAR",
        "Hong Kong SAR, China",
        "Hong Kong, China",
        "Hong Kong (China)",
        "China, Hong Kong Special Administrative Region",
        "Hong Kong Special Administrative Region",
        "Hong Kong Special Administrative Region of China",
        "RAE de Hong Kong",
    ),
    "MAC": (
        "China, Macao SAR",
        "Macau",
        "Macao SAR",
        "Macau SAR",
        "Macao SAR, China",
        "China, Macao Special Administrative Region",
        "Macao Special Administrative Region of China",
    ),
    "KOR": ("Republic of Korea", "Korea, South", "Corea del Sur", "Korea, Rep.", "South Korea"),
    "PRK": (
        "Korea, North",
        "Corea del Norte",
        "Korea, Dem. Rep.",
        "Korea, Dem. People's Rep.",
        "Korea, Democratic People's Republic of",
        "North Korea",
    ),
    "COD": (
        "Congo RD",
        "RD Congo",
        "RDC",
        "DRC",
        "DR Congo",
        "D.R. Congo",
        "Congo DR",
        "Congo (Kinshasa)",
        "Congo-Kinshasa",
        "Democratic Republic of Congo",
        "Democratic Republic of the Congo",
        "Dem. Rep. Congo",
        "Congo, Dem. Rep.",
        "Congo, Democratic Republic of the",
        "República Democrática del Congo",
        "Zaire",
    ),
    "COG": (
        "Congo (Brazzaville)",
        "Congo-Brazzaville",
        "Republic of Congo",
        "Republic of the Congo",
        "Congo, Rep.",
        "Congo, Republic of the",
        "República del Congo",
    ),
    "CIV": ("Ivory Coast", "Costa de Marfil", "Cote d'Ivoire"),
    "DOM": ("Dominican Rep.", "Rep. Dominicana", "República Dominicana"),
    "HTI": ("Haïti", "Haití", "Ayiti"),
    "CUW": ("Curazao", "Curacao"),
    "PER": ("Perú",),
    "MEX": ("México", "Méjico"),
    "BRA": ("Brasil",),
    "VEN": (
        "Venezuela (Bolivarian Republic of)",
        "República Bolivariana de Venezuela",
        "Bolivarian Republic of Venezuela",
        "Venezuela, RB",
    ),
    "BOL": ("Bolivia (Plurinational State of)", "Estado Plurinacional de Bolivia"),
    "TTO": ("Trinidad y Tobago", "Trinité-et-Tobago", "Trinidad e Tobago", "Trinidad & Tobago"),
    "KNA": (
        "San Cristóbal y Nieves",
        "Saint Kitts",
        "St. Kitts and Nevis",
        "St Kitts and Nevis",
        "St. Kitts & Nevis",
        "Saint-Kitts-et-Nevis",
    ),
    "LCA": ("St. Lucia", "Santa Lucía", "Sainte-Lucie"),
    "VCT": (
        "St. Vincent and the Grenadines",
        "Saint Vincent",
        "St. Vincent",
        "San Vicente y las Granadinas",
        "San Vicente y Granadinas",
        "St. Vin. and Gren.",
    ),
    "ATG": ("Antigua and Barbuda", "Antigua y Barbuda", "Antigua & Barbuda", "Antigua and Barb."),
    "GUF": ("Guayana Francesa", "Guyane", "Guyane française", "Guiana Francesa"),
    "PRI": ("Porto Rico", "Puerto Rico (United States of America)", "Puerto Rico (USA)"),
    "BES": ("Bonaire", "Saba", "Sint Eustatius", "San Eustaquio", "Caribbean Netherlands", "Caribe Neerlandés"),
    "BLM": ("St. Barts", "St. Barths", "Saint-Barth", "San Bartolomé"),
    "SXM": ("St. Maarten", "Sint Maarten (Dutch part)"),
    "CYM": ("Cayman", "Islas Caimán", "Îles Caïmans"),
    "TCA": ("Turks and Caicos", "Turks & Caicos", "Islas Turcas y Caicos"),
    "VGB": ("BVI", "British Virgin Islands", "Islas Vírgenes Británicas"),
    "VIR": (
        "USVI",
        "US Virgin Islands",
        "United States Virgin Islands",
        "Virgin Islands of the United States",
        "Islas Vírgenes de los Estados Unidos",
        "Islas Vírgenes Estadounidenses",
        "Islas Vírgenes de EE. UU.",
        "Îles Vierges américaines",
        "Ilhas Virgens Americanas",
    ),
    "BHS": ("The Bahamas", "Bahamas, The", "Las Bahamas"),
    "GMB": ("The Gambia", "Gambia, The"),
    "FLK": ("Falklands", "Malvinas", "Islas Malvinas"),
    "AFG": ("Afganistán",),
    "CMR": ("Camerún",),
    "UZB": ("Uzbekistán",),
    "BGD": ("Bangladés",),
    "IRN": ("Iran (Islamic Republic of)", "Iran, Islamic Rep."),
    "FSM": ("Micronesia (Federated States of)", "Micronesia, Fed. Sts."),
    "PSE": ("State of Palestine", "Palestine", "West Bank and Gaza"),
    # World Bank and US State Department spellings (the TIP report's country names).
    "EGY": ("Egypt, Arab Rep.", "Egypt, Arab Republic of"),
    "YEM": ("Yemen, Rep.", "Yemen, Republic of"),
    "LAO": ("Lao PDR",),
    "NLD": ("Netherlands (Kingdom of the)", "Holland", "Holanda", "Hollande"),
    "TUR": ("Turkey", "Turquía"),
    "CZE": ("Czech Republic", "República Checa"),
    "SWZ": ("Swaziland", "Suazilandia"),
    "CPV": ("Cape Verde",),
    "TLS": ("East Timor",),
    "MMR": ("Burma", "Birmania", "Myanmar (Burma)", "Burma (Myanmar)"),
    "MKD": ("Macedonia",),
    "ARE": ("UAE", "EAU"),
    "VAT": ("Vatican",),
}


def resolve_country(text: str) -> str | None:
    """ISO 3166-1 alpha-3 code of a country code or name, or None if unknown.

    Accepts ISO-2 and ISO-3 codes, the ISO short, common and official names in
    English, Spanish, Portuguese and French, and the curated :data:`ALIASES`,
    ignoring case, accents, punctuation and a leading article. Never guesses: see
    :func:`suggest_countries` for near misses.

    Parameters
    ----------
    text : str
        A country code or name as written in a source.

    Returns
    -------
    str or None
        The ISO-3 code, or None if the text names no single country.

    Examples
    --------
    >>> resolve_country("EE.UU.")
    'USA'
    >>> resolve_country("república dominicana")
    'DOM'
    >>> resolve_country("pa"), resolve_country("PAN")
    ('PAN', 'PAN')
    >>> resolve_country("les États-Unis"), resolve_country("El Salvador")
    ('USA', 'SLV')
    >>> resolve_country("Panamaa") is None
    True
    >>> resolve_country("N/A") is None, resolve_country("") is None
    (True, True)
    """
    code = _code_lookup().get(text.strip().upper())
    if code:
        return code
    names = _name_lookup()
    return names.get(normalize_key(text)) or names.get(normalize_key(_LEADING_ARTICLE.sub("", text, count=1)))


def suggest_countries(text: str, n: int = 3) -> list[str]:
    """Up to ``n`` countries whose names are close to ``text``, as ``"Name (ISO3)"``.

    Compares ``text`` with every name :func:`resolve_country` accepts (ISO names in
    en/es/pt/fr and :data:`ALIASES`) with rapidfuzz (see :func:`turquesa_geo.vocab.closest_codes`).
    For an analyst to choose from: a suggestion is never applied automatically.

    Parameters
    ----------
    text : str
        An unresolved country name.
    n : int, default 3
        Maximum number of suggestions, at least 1.

    Returns
    -------
    list of str
        English short name and ISO-3, best match first; empty if nothing is close.

    Examples
    --------
    >>> suggest_countries("Panamá City")
    ['Panama (PAN)']
    >>> suggest_countries("Colombai", n=1)
    ['Colombia (COL)']
    >>> suggest_countries(""), suggest_countries("qqqqqqqqqq")
    ([], [])
    """
    codes = closest_codes(comparable_text(text), _suggestion_choices(), n)
    return [f"{country_name(code)} ({code})" for code in codes]


@lru_cache(maxsize=1)
def _suggestion_choices() -> dict[str, str]:
    """Comparable name -> ISO-3 of every name that names one country."""
    lookup = _name_lookup()
    names = [*_generated_names(), *((iso3, alias) for iso3, aliases in ALIASES.items() for alias in aliases)]
    choices: dict[str, str] = {}
    for iso3, name in names:
        comparable = comparable_text(name)
        if comparable and lookup.get(normalize_key(name)) == iso3:
            choices.setdefault(comparable, iso3)
    return choices


def country_name(iso3: str, lang: str = "en") -> str:
    """Short common name of a country in ``lang``, falling back to English, then to the code.

    Parameters
    ----------
    iso3 : str
        ISO 3166-1 alpha-3 code.
    lang : {"en", "es", "pt", "fr"}, default "en"
        Language of the name.

    Returns
    -------
    str
        The name; ``iso3`` itself when the code is unknown.

    Examples
    --------
    >>> country_name("USA", "es"), country_name("DOM", "es")
    ('Estados Unidos', 'República Dominicana')
    >>> country_name("CIV", "fr")
    "Côte d'Ivoire"
    >>> country_name("XKX")
    'XKX'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    names = _names_by_code().get(iso3.strip().upper())
    if names is None:
        return iso3
    return names[lang] or names["en"] or iso3


def country_table() -> pd.DataFrame:
    """One row per ISO 3166-1 country: codes, names, region, representative point and bbox.

    ``rep_lon``/``rep_lat`` lie inside the country's largest polygon; the bbox
    covers the polygons on the largest polygon's side of the antimeridian (see
    ``data/README.md``). Countries without a polygon get a curated point and a
    0.5° box around it.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TABLE_COLUMNS`, sorted by ``iso3``; a fresh copy per call.

    Examples
    --------
    >>> table = country_table()
    >>> tuple(table.columns) == TABLE_COLUMNS
    True
    >>> table.set_index("iso3").loc["PRI", ["iso2", "name_es", "region"]].tolist()
    ['PR', 'Puerto Rico', 'americas']
    >>> table.set_index("iso3").loc["NAM", "iso2"]
    'NA'
    """
    return _read_table().copy()


def country_shapes() -> gpd.GeoDataFrame:
    """Natural Earth 1:50m polygons (EPSG:4326) of every country that has one.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso3`` and ``geometry`` (MultiPolygon), sorted by ``iso3``; a fresh copy per call.

    Examples
    --------
    >>> shapes = country_shapes()
    >>> shapes.crs.to_epsg(), list(shapes.columns)
    (4326, ['iso3', 'geometry'])
    >>> from shapely import Point
    >>> bool(shapes.set_index("iso3").loc["BRB", "geometry"].contains(Point(-59.55, 13.15)))
    True
    """
    return _read_shapes().copy()


@lru_cache(maxsize=1)
def _read_table() -> pd.DataFrame:
    # keep_default_na=False: Namibia's ISO-2 code "NA" is not a missing value.
    return pd.read_csv(
        TABLE_FILE, keep_default_na=False, dtype={col: str for col in (ISO3, ISO2, REGION, *NAME_COLUMNS.values())}
    )


@lru_cache(maxsize=1)
def _read_shapes() -> gpd.GeoDataFrame:
    return gpd.read_file(SHAPES_FILE, engine="pyogrio")[[ISO3, "geometry"]]


@lru_cache(maxsize=1)
def _names_by_code() -> dict[str, dict[str, str]]:
    table = _read_table()
    return {row[ISO3]: {lang: row[col] for lang, col in NAME_COLUMNS.items()} for row in table.to_dict("records")}


@lru_cache(maxsize=1)
def _code_lookup() -> dict[str, str]:
    table = _read_table()
    codes = dict(zip(table[ISO3], table[ISO3])) | dict(zip(table[ISO2], table[ISO3]))
    return {code: iso3 for code, iso3 in codes.items() if code not in _CODES_READ_AS_MISSING}


@lru_cache(maxsize=1)
def _name_lookup() -> dict[str, str]:
    """Normalized name -> ISO-3, without names shared by two countries; curated aliases win."""
    claims: dict[str, set[str]] = {}
    for iso3, name in _generated_names():
        claims.setdefault(normalize_key(name), set()).add(iso3)
    lookup = {key: next(iter(codes)) for key, codes in claims.items() if key and len(codes) == 1}
    lookup.update((normalize_key(alias), iso3) for iso3, aliases in ALIASES.items() for alias in aliases)
    return lookup


def _generated_names() -> list[tuple[str, str]]:
    """(ISO-3, name) for the table names and pycountry's names in every accepted catalogue."""
    pairs = [(iso3, name) for iso3, names in _names_by_code().items() for name in names.values() if name]
    catalogues = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[c]) for c in _CATALOGUES]
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                pairs.append((country.alpha_3, name))
                pairs.extend((country.alpha_3, catalogue.gettext(name)) for catalogue in catalogues)
    return pairs
