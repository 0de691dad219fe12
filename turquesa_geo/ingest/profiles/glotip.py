"""UNODC GLOTIP country data (the dataUNODC export): aggregate counts, not cases.

Columns ``Iso3_code``, ``Country``, ``Region``, ``Subregion``, ``Indicator``,
``Dimension``, ``Category``, ``Sex``, ``Age``, ``Year``, ``Unit of measurement``,
``txtVALUE``, ``Source``. Values are text, and many read ``<5``: such a value is kept
as censored (``censored = '<5'``, ``value`` NULL), never as 5 or 0. Rows of a region
or sub-region (Caribbean, Central America, ...: an area that names no country, or one
the row's own ``Region`` or ``Subregion`` names) are kept with their area and no
country, so that no sum over countries ever adds them. Age bands become age groups
("0 to 17 years" children, "18 years or over" adults, "Total"); a sex, age band or
category the export does not usually use is kept as written, flagged and reported,
never folded into another group. The indicators are counts of persons (detected
victims, persons brought into formal contact, prosecuted, convicted) and of offences
recorded, each its own series: none is ever added to another.

Counts are stored in ``aggregate_counts``, keyed by (source, area, indicator,
dimension, category, sex, age group, year, unit): importing a later export replaces
the values it repeats (written by :mod:`turquesa_geo.ingest.counts`). Each import
reconciles: rows read = accepted + quarantined. A row is quarantined only when it
cannot be stored as a count (no year, no value, no area, no known indicator or
dimension, or a repeat of an earlier row's key).

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

__all__ = [
    "DIMENSIONS",
    "FLAG_COLUMN",
    "FLAG_RULES",
    "INDICATORS",
    "PROFILE",
    "QUARANTINE_RULES",
    "RULES",
    "age_group",
    "parse_value",
    "sex_code",
    "to_counts",
]

SOURCE = "UNODC GLOTIP"

#: Indicator codes and the words that name them in the export (first match wins).
INDICATORS: dict[str, tuple[str, ...]] = {
    "detected_victims": ("victim",),
    "convicted": ("convicted", "conviction"),
    "prosecuted": ("prosecuted", "prosecution"),
    "formal_contact": ("formal contact", "suspect", "arrested"),
    "offences": ("offence", "offense"),  # offences recorded: not persons, never added to them
}

#: Dimension codes and the words that name them.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "citizenship": ("citizenship", "nationality"),
    "repatriation": ("repatriation",),
    "exploitation_form": ("exploitation",),
    "total": ("total", "sex", "age"),
}

_TOTAL_WORDS = frozenset({"total", "both sexes", "all", "all ages", "all persons"})
_AGE_UNKNOWN_WORDS = frozenset({"unknown", "age unknown", "unknown age", "not known", "not reported"})
_YEARS = re.compile(r"\s*\b(?:years?|yrs?)\b\s*(?:old)?", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{1,3})\s*(?:to|-|–|—)\s*(\d{1,3})$")
_AT_LEAST = re.compile(r"^(\d{1,3})\s*(?:\+|(?:or|and)\s+(?:over|older|more|above))$")
_UNDER = re.compile(r"^(?:under|below|less than|<)\s*(\d{1,3})$")

#: Where a count's doubt is listed in the accepted frame of :func:`to_counts` (a tuple of flag rules).
FLAG_COLUMN = "flags"

#: Quarantine rules of this format (the row is not stored).
QUARANTINE_RULES: dict[str, str] = {
    "ragged_row": "the row has more or fewer fields than the header",
    "bad_year": "Year is not a year",
    "bad_value": "txtVALUE is not a whole number of persons nor a censored value such as <5",
    "unknown_indicator": "Indicator names no known indicator (detected victims, prosecuted, convicted, "
    "brought into formal contact, offences)",
    "unknown_dimension": "Dimension names no known dimension (total, form of exploitation, citizenship, "
    "country of repatriation)",
    "missing_area": "Iso3_code and Country are both empty",
    "duplicate_row": "the same area, indicator, dimension, category, sex, age and year appear earlier in the file",
}

#: Flag rules of this format: the count is kept, as written, and the import reports it.
FLAG_RULES: dict[str, str] = {
    "unknown_age_band": "Age is not 0 to 17 years, 18 years or over, total or unknown: the count is kept under "
    "the band as written, never added to children or adults",
    "unknown_sex": "Sex is not female, male, total or unknown: the count is kept under the sex as written",
    "unknown_category": "Category names no known country or form of exploitation: the count is kept under the "
    "category as written",
}

#: Every rule of this format, quarantine and flag.
RULES: dict[str, str] = {**QUARANTINE_RULES, **FLAG_RULES}


def age_group(text: str | None) -> str | None:
    """The age group code of an age band as the export writes it; None for any other band.

    >>> [age_group(t) for t in ("0 to 17 years", "18 years or over", "Total", None, "Unknown")]
    ['minor', 'adult', 'total', 'total', 'unknown']
    >>> [age_group(t) for t in ("0-17", "under 18", "18+", "Children", "15 to 17 years", "60 years or over")]
    ['minor', 'minor', 'adult', 'minor', None, None]
    """
    if text is None or not text.strip():
        return "total"
    words = " ".join(text.lower().split())
    if words in _TOTAL_WORDS:
        return "total"
    if words in _AGE_UNKNOWN_WORDS:
        return "unknown"
    band = _YEARS.sub(" ", words).strip()
    if (match := _RANGE.match(band)) and (int(match.group(1)), int(match.group(2))) == (0, 17):
        return "minor"
    if (match := _UNDER.match(band)) and int(match.group(1)) == 18:
        return "minor"
    if (match := _AT_LEAST.match(band)) and int(match.group(1)) == 18:
        return "adult"
    if _RANGE.match(band) or _UNDER.match(band) or _AT_LEAST.match(band):
        return None  # another band: never folded into children or adults
    return resolve_term("age_group", text)


def sex_code(text: str | None) -> str | None:
    """The sex code of the export's ``Sex`` (``female``, ``male``, ``total``, ``unknown``); None for any other.

    >>> [sex_code(t) for t in ("Female", "Male", "Total", None, "Unknown", "Other")]
    ['female', 'male', 'total', 'total', 'unknown', None]
    """
    if text is None or not text.strip():
        return "total"
    if " ".join(text.lower().split()) in _TOTAL_WORDS:
        return "total"
    code = resolve_term("gender", text)
    return code if code in ("female", "male", "unknown") else None


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


#: The export's columns read, each by its first name the file has.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "iso3": ("iso3_code", "iso3", "iso_code"),
    "country": ("country",),
    "region": ("region",),
    "subregion": ("subregion", "sub_region"),
    "indicator": ("indicator",),
    "dimension": ("dimension",),
    "category": ("category",),
    "sex": ("sex",),
    "age": ("age",),
    "year": ("year",),
    "unit": ("unit_of_measurement", "unit"),
    "value": ("txtvalue", "value"),
    "source": ("source",),
}


def to_counts(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, Mapping]:
    """(accepted counts, problems, mapping report) of a GLOTIP file's staged cells.

    Problems have one row per (line, rule): line, column_name, rule, value, message.
    Accepted counts carry their doubts in :data:`FLAG_COLUMN` (a tuple of :data:`FLAG_RULES`).
    """
    used: set[str] = set()
    get = {name: clean_text(first_column(frame, names, used)) for name, names in _COLUMNS.items()}
    mapping = Mapping(pd.DataFrame({LINE_COLUMN: frame[LINE_COLUMN]}), used)
    out = mapping.flat
    _areas(out, get, mapping)
    out["indicator"] = _per_text(get["indicator"], lambda t: _code(t, INDICATORS))
    out["dimension"] = _per_text(get["dimension"], lambda t: _code(t, DIMENSIONS))
    out["category"], unknown_categories = _categories(out["dimension"], get["category"])
    mapping.not_understood("category", (t for t, odd in zip(get["category"], unknown_categories) if odd))
    odd_sex, odd_age = _sex_and_age(out, get, mapping)
    out["year"] = pd.to_numeric(get["year"].str.extract(r"^(\d{4})$", expand=False), errors="coerce").astype("Int64")
    parsed = [parse_value(t) for t in get["value"]]
    out["value"] = pd.Series([p[0] for p in parsed], index=out.index, dtype=object)
    out["censored"] = pd.Series([p[1] for p in parsed], index=out.index, dtype=object)
    out["unit"] = get["unit"].fillna("Counts")
    out[FLAG_COLUMN] = _flags(
        out.index, {"unknown_age_band": odd_age, "unknown_sex": odd_sex, "unknown_category": unknown_categories}
    )
    problems = _problems(out, get, [p[2] for p in parsed])
    accepted = out[~out[LINE_COLUMN].isin(problems["line"])].reset_index(drop=True)
    return accepted, problems, mapping


def _areas(out: pd.DataFrame, get: dict[str, pd.Series], mapping: Mapping) -> None:
    """``country`` (ISO3, or None for a region) and ``area`` (the country, else the code or name as written).

    A row is a region's when its code and name resolve to no country, or when its name
    is the row's own region or sub-region (an aggregate, whatever its code says).
    """
    by_code = _per_text(get["iso3"], lambda c: resolve_country(c) if c else None)
    by_name = _per_text(get["country"], lambda c: resolve_country(c) if c else None)
    own_region = [
        bool(name) and name.casefold() in {(r or "").casefold(), (sr or "").casefold()}
        for name, r, sr in zip(get["country"], get["region"], get["subregion"])
    ]
    out["country"] = pd.Series(
        [None if aggregate else a or b for a, b, aggregate in zip(by_code, by_name, own_region)],
        index=out.index,
        dtype=object,
    )
    out["area"] = pd.Series(
        [c or i or n for c, i, n in zip(out["country"], get["iso3"], get["country"])], index=out.index, dtype=object
    )
    regions = sorted({a for a, c in zip(out["area"], out["country"]) if a is not None and c is None})
    if regions:
        mapping.note(
            N_(
                "{n} area(s) are regions, not countries ({areas}): their rows are kept apart from the "
                "countries' (never added to them) and not drawn on the map."
            ),
            n=len(regions),
            areas=", ".join(regions[:8]) + ("…" if len(regions) > 8 else ""),
        )


def _sex_and_age(out: pd.DataFrame, get: dict[str, pd.Series], mapping: Mapping) -> tuple[list[bool], list[bool]]:
    """``sex`` and ``age_group`` codes; a value the export does not usually use is kept as written and reported.

    Returns, per row, whether its sex and whether its age band were kept as written.
    """
    sex_of = {t: sex_code(t) for t in set(get["sex"])}
    age_of = {t: age_group(t) for t in set(get["age"])}
    out["sex"] = pd.Series([sex_of[t] or t for t in get["sex"]], index=out.index, dtype=object)
    out["age_group"] = pd.Series([age_of[t] or t for t in get["age"]], index=out.index, dtype=object)
    odd_sexes = {t for t, code in sex_of.items() if code is None}
    odd_ages = {t for t, code in age_of.items() if code is None}
    mapping.not_understood("sex", odd_sexes)
    mapping.not_understood("age", odd_ages)
    if odd_sexes or odd_ages:
        values = sorted(odd_sexes | odd_ages)
        mapping.note(
            N_(
                "{n} sex or age value(s) are not female, male, 0 to 17 years, 18 years or over, total or unknown "
                "({values}): their counts are kept as written, never added to women, men, girls or boys."
            ),
            n=len(values),
            values=", ".join(values[:8]) + ("…" if len(values) > 8 else ""),
        )
    return [t in odd_sexes for t in get["sex"]], [t in odd_ages for t in get["age"]]


def _flags(index: pd.Index, odd: dict[str, list[bool]]) -> pd.Series:
    """Per row, the flag rules (keys of ``odd``, in :data:`FLAG_RULES` order) of its doubts; () for none."""
    rules = [r for r in FLAG_RULES if r in odd]
    rows = zip(*(odd[r] for r in rules))
    return pd.Series([tuple(r for r, bad in zip(rules, row) if bad) for row in rows], index=index, dtype=object)


def _categories(dimensions: pd.Series, texts: pd.Series) -> tuple[list[str], list[bool]]:
    """Category codes (ISO3 for citizenship and repatriation, exploitation-form codes, else the text as written),
    and whether each is a text no vocabulary knows."""
    pairs = list(zip(dimensions, texts))
    known = {pair: _category(*pair) for pair in set(pairs)}
    codes = [known[pair] or pair[1] or "total" for pair in pairs]
    unknown = [known[pair] is None and bool(pair[1]) and pair[0] not in ("total", None) for pair in pairs]
    return codes, unknown


def _category(dimension: str | None, text: str | None) -> str | None:
    """The code of one category of ``dimension``, or None when no vocabulary knows the text."""
    if dimension in ("citizenship", "repatriation") and text:
        return resolve_country(text)
    if dimension == "exploitation_form" and text:
        return resolve_term("exploitation_form", text)
    return "total" if dimension == "total" else None


def _per_text(texts: pd.Series, function) -> list:
    """``function`` of each text, computed once per distinct text (an export repeats its texts a lot)."""
    found = {text: function(text) for text in set(texts)}
    return [found[text] for text in texts]


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
            f"Indicator {v!r} is not detected victims, persons prosecuted, convicted or brought into formal "
            "contact, nor offences"
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
    quarantined = {line for line, *_ in rows}
    clean = out[~out[LINE_COLUMN].isin(quarantined)]
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
    to_counts=to_counts,
    rules=RULES,
)
