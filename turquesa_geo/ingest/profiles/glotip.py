"""UNODC GLOTIP country data (the dataUNODC export): aggregate counts, not cases.

Columns ``Iso3_code``, ``Country``, ``Region``, ``Subregion``, ``Indicator``,
``Dimension``, ``Category``, ``Sex``, ``Age``, ``Year``, ``Unit of measurement``,
``txtVALUE``, ``Source``. Values are text, and many read ``<5``: such a value is kept
as censored (``censored = '<5'``, ``value`` NULL), never as 5 or 0. Rows of a region
(a region code instead of a country's) are kept with their area and no country.

Counts are stored in ``aggregate_counts``, keyed by (source, area, indicator,
dimension, category, sex, age group, year, unit): importing a later export replaces
the values it repeats (written by :mod:`turquesa_geo.ingest.counts`). Each import
reconciles: rows read = accepted + quarantined.

Terms of use of the data: UNODC's (dataunodc.un.org).
"""

from __future__ import annotations

import re

import pandas as pd

from turquesa_geo.countries import resolve_country
from turquesa_geo.i18n import N_
from turquesa_geo.ingest.profiles.common import Mapping, Profile, clean_text, first_column
from turquesa_geo.ingest.readers import LINE_COLUMN
from turquesa_geo.vocab import resolve_term

__all__ = ["DIMENSIONS", "INDICATORS", "PROFILE", "RULES", "parse_value", "to_counts"]

SOURCE = "UNODC GLOTIP"

#: Indicator codes and the words that name them in the export (first match wins).
INDICATORS: dict[str, tuple[str, ...]] = {
    "detected_victims": ("victim",),
    "convicted": ("convicted", "conviction"),
    "prosecuted": ("prosecuted", "prosecution"),
    "formal_contact": ("formal contact", "suspect", "arrested"),
}

#: Dimension codes and the words that name them.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "citizenship": ("citizenship", "nationality"),
    "repatriation": ("repatriation",),
    "exploitation_form": ("exploitation",),
    "total": ("total", "sex", "age"),
}

_SEX = {
    "female": "female",
    "females": "female",
    "women": "female",
    "male": "male",
    "males": "male",
    "men": "male",
    "total": "total",
    "both sexes": "total",
    "all": "total",
}
_AGE = {
    "adult": "adult",
    "adults": "adult",
    "minor": "minor",
    "minors": "minor",
    "child": "minor",
    "children": "minor",
    "total": "total",
    "all ages": "total",
    "all": "total",
}

#: Quarantine rules of this format.
RULES: dict[str, str] = {
    "ragged_row": "the row has more or fewer fields than the header",
    "bad_year": "Year is not a year",
    "bad_value": "txtVALUE is not a whole number of persons nor a censored value such as <5",
    "unknown_indicator": "Indicator names no known indicator (detected victims, prosecuted, convicted, "
    "brought into formal contact)",
    "unknown_dimension": "Dimension names no known dimension (total, form of exploitation, citizenship, "
    "country of repatriation)",
    "missing_area": "Iso3_code and Country are both empty",
    "duplicate_row": "the same area, indicator, dimension, category, sex, age and year appear earlier in the file",
}

# ASCII digits only: \d also matches other scripts' digits ("໐"), which int() reads, inventing a number.
_CENSORED = re.compile(r"^<\s*([0-9]+)$")
_WHOLE = re.compile(r"^[0-9]+(?:\.0+)?$")
_KEY = ["area", "indicator", "dimension", "category", "sex", "age_group", "year", "unit"]


def parse_value(text: str | None) -> tuple[int | None, str | None, bool]:
    """(value, censored text, valid) of a ``txtVALUE`` cell.

    >>> parse_value("1 234"), parse_value("<5"), parse_value("12.0"), parse_value("n/a"), parse_value("-3")
    ((1234, None, True), (None, '<5', True), (12, None, True), (None, None, False), (None, None, False))
    """
    if text is None:
        return None, None, False
    compact = re.sub(r"[\s\u00a0,']", "", str(text))
    if match := _CENSORED.match(compact):
        return None, f"<{match.group(1)}", True
    if _WHOLE.match(compact):
        return int(compact.partition(".")[0]), None, True  # never through float: exact above 2**53
    return None, None, False


def _code(text: str | None, table: dict[str, tuple[str, ...]]) -> str | None:
    if not text:
        return None
    lowered = text.lower()
    return next((code for code, words in table.items() if any(w in lowered for w in words)), None)


def to_counts(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, Mapping]:
    """(accepted counts, problems, mapping report) of a GLOTIP file's staged cells.

    Problems have one row per (line, rule): line, column_name, rule, value, message.
    """
    used: set[str] = set()
    get = {
        name: clean_text(first_column(frame, names, used))
        for name, names in {
            "iso3": ("iso3_code", "iso3", "iso_code"),
            "country": ("country",),
            "indicator": ("indicator",),
            "dimension": ("dimension",),
            "category": ("category",),
            "sex": ("sex",),
            "age": ("age",),
            "year": ("year",),
            "unit": ("unit_of_measurement", "unit"),
            "value": ("txtvalue", "value"),
            "source": ("source",),
        }.items()
    }
    mapping = Mapping(pd.DataFrame({LINE_COLUMN: frame[LINE_COLUMN]}), used)
    out = mapping.flat
    country = [resolve_country(c) if c else None for c in get["iso3"]]
    by_name = [resolve_country(c) if c else None for c in get["country"]]
    out["country"] = pd.Series([a or b for a, b in zip(country, by_name)], index=out.index, dtype=object)
    out["area"] = pd.Series(
        [c or i or n for c, i, n in zip(out["country"], get["iso3"], get["country"])], index=out.index, dtype=object
    )
    out["indicator"] = [_code(t, INDICATORS) for t in get["indicator"]]
    out["dimension"] = [_code(t, DIMENSIONS) for t in get["dimension"]]
    out["category"], unknown_categories = _categories(out["dimension"], get["category"])
    mapping.not_understood("category", unknown_categories)
    out["sex"] = [_SEX.get((t or "total").lower(), "unknown") for t in get["sex"]]
    out["age_group"] = [_AGE.get((t or "total").lower(), "unknown") for t in get["age"]]
    mapping.not_understood("sex", [t for t in get["sex"] if t and t.lower() not in _SEX])
    mapping.not_understood("age", [t for t in get["age"] if t and t.lower() not in _AGE])
    out["year"] = pd.to_numeric(get["year"].str.extract(r"^(\d{4})$", expand=False), errors="coerce").astype("Int64")
    parsed = [parse_value(t) for t in get["value"]]
    out["value"] = pd.Series([p[0] for p in parsed], index=out.index, dtype=object)
    out["censored"] = pd.Series([p[1] for p in parsed], index=out.index, dtype=object)
    out["unit"] = get["unit"].fillna("Counts")
    regions = sorted({a for a, c in zip(out["area"], out["country"]) if a is not None and c is None})
    if regions:
        mapping.note(
            N_("{n} area(s) are regions, not countries ({areas}): their rows are kept, not drawn on the map."),
            n=len(regions),
            areas=", ".join(regions[:8]) + ("…" if len(regions) > 8 else ""),
        )
    problems = _problems(out, get, [p[2] for p in parsed])
    accepted = out[~out[LINE_COLUMN].isin(problems["line"])].reset_index(drop=True)
    return accepted, problems, mapping


def _categories(dimensions: pd.Series, texts: pd.Series) -> tuple[list[str], set[str]]:
    """Category codes: ISO3 for citizenship and repatriation, exploitation-form codes, else the text."""
    codes, unknown = [], set()
    for dimension, text in zip(dimensions, texts):
        code = None
        if dimension in ("citizenship", "repatriation") and text:
            code = resolve_country(text)
        elif dimension == "exploitation_form" and text:
            code = resolve_term("exploitation_form", text)
        elif dimension == "total":
            code = "total"
        if code is None and text and dimension not in ("total", None):
            unknown.add(text)
        codes.append(code or text or "total")
    return codes, unknown


def _problems(out: pd.DataFrame, get: dict[str, pd.Series], valid_values: list[bool]) -> pd.DataFrame:
    rows = []

    def add(mask, rule: str, column: str, values: pd.Series, message) -> None:
        for line, value in zip(out.loc[mask, LINE_COLUMN], values[mask]):
            rows.append((int(line), column, rule, value, message(value)))

    add(out["year"].isna(), "bad_year", "Year", get["year"], lambda v: f"Year {v!r} is not a year (expected e.g. 2021)")
    add(
        ~pd.Series(valid_values, index=out.index),
        "bad_value",
        "txtVALUE",
        get["value"],
        lambda v: f"txtVALUE {v!r} is not a whole number of persons nor a censored value such as '<5'",
    )
    add(
        out["indicator"].isna(),
        "unknown_indicator",
        "Indicator",
        get["indicator"],
        lambda v: (
            f"Indicator {v!r} is not detected victims, persons prosecuted, convicted or brought into formal contact"
        ),
    )
    add(
        out["dimension"].isna(),
        "unknown_dimension",
        "Dimension",
        get["dimension"],
        lambda v: f"Dimension {v!r} is not total, form of exploitation, citizenship or country of repatriation",
    )
    add(out["area"].isna(), "missing_area", "Iso3_code", get["iso3"], lambda v: "Iso3_code and Country are both empty")
    flagged = {line for line, *_ in rows}
    clean = out[~out[LINE_COLUMN].isin(flagged)]
    repeated = clean[clean.duplicated(_KEY, keep="first")]
    first = clean.drop_duplicates(_KEY).set_index(_KEY)[LINE_COLUMN]
    for line, key in zip(repeated[LINE_COLUMN], repeated[_KEY].itertuples(index=False)):
        rows.append(
            (
                int(line),
                None,
                "duplicate_row",
                None,
                f"the same count ({', '.join(str(k) for k in key)}) is already on line {int(first.loc[tuple(key)])}",
            )
        )
    return pd.DataFrame(rows, columns=["line", "column_name", "rule", "value", "message"])


PROFILE = Profile(
    name="glotip",
    title="UNODC GLOTIP country data (dataUNODC export)",
    source=SOURCE,
    kind="aggregates",
    markers=(
        ("iso3_code",),
        ("indicator",),
        ("dimension",),
        ("txtvalue",),
        ("unit_of_measurement",),
        ("category",),
    ),
)
