"""CTDC (Counter Trafficking Data Collaborative, IOM): victim records.

Two public files map here, one victim per row:

- the **global victim-level dataset** (``yearOfRegistration``, ``Datasource``,
  ``gender``, ``ageBroad``, ``majorityStatus``, ``citizenship``,
  ``CountryOfExploitation``, ``meansOfControl…``, ``isForcedLabour``,
  ``isSexualExploit``, ``typeOfLabour…``, ``typeOfSex…``, ``recruiterRelation…``):
  ISO-2 country codes, ``-99`` for missing, flags ``1``/``0``;
- the **synthetic victim–perpetrator dataset** (``yearRegister`` as year bands such
  as ``2014-2018``, ``gender``, ``majorityStatus``, ``UN_COO_Region``,
  ``UN_COE_Region``, ``IP_…``): regions only, multi-valued cells joined by ``;``,
  flags ``1`` or blank.

Each row becomes one trafficking case of one victim, from the citizenship country to
the country of exploitation, dated 1 January of its year of registration (precision
``year``) or of a band's first year (precision ``period``, the band's last day in
``period_end``). A victim registered without a year (17 % of the global file) is still a
record of a person: kept with the date unknown (precision ``unknown``, see
:data:`turquesa_geo.columns.UNDATED`), counted in the store's totals and in no period.
What does not fit the model is reported, not invented:
regions are not countries (synthetic rows are not drawn on the corridor map),
perpetrator (``IP_``) columns describe a victim–perpetrator pair (counting them as
suspects would count a perpetrator once per victim), and the records carry no id
(each gets a digest of its content, see :func:`turquesa_geo.ingest.profiles.common.content_ids`).

Terms of use of the data: CTDC's (ctdatacollaborative.org).
"""

from __future__ import annotations

import re

import pandas as pd

from turquesa_geo import columns as C
from turquesa_geo.i18n import N_
from turquesa_geo.ingest.profiles.common import (
    Mapping,
    Profile,
    clean_text,
    content_ids,
    first_column,
    flag_set,
    resolve_countries,
)
from turquesa_geo.vocab import normalize_key, resolve_term

__all__ = ["FIELDS", "FLAGS", "FLAG_PREFIXES", "PROFILE", "to_flat"]

SOURCE = "CTDC (IOM Counter Trafficking Data Collaborative)"

FIELDS: dict[str, tuple[str, ...]] = {
    "year": ("yearofregistration", "yearregister", "year_of_registration", "year"),
    "gender": ("gender",),
    "majority": ("majoritystatus", "majority_status"),
    "age": ("agebroad", "age_broad"),
    "citizenship": ("citizenship",),
    "exploitation_country": ("countryofexploitation", "country_of_exploitation"),
    "origin_region": ("un_coo_region", "coo_region"),
    "exploitation_region": ("un_coe_region", "coe_region"),
}

#: Flag columns with a prefix: (flat column, vocabulary). The rest of the column's name
#: is resolved in the vocabulary (``meansOfControlDebtBondage`` -> ``debt_bondage``).
FLAG_PREFIXES: dict[str, tuple[str, str]] = {
    "meansofcontrol": ("control_methods", "control_method"),
    "typeoflabour": ("exploitation_forms", "exploitation_form"),
    "typeofsex": ("exploitation_forms", "exploitation_form"),
    "recruiterrelation": ("recruitment_method", "recruitment_method"),
    "typeofexploitation": ("exploitation_forms", "exploitation_form"),
}

#: Whole flag columns and the code each sets.
FLAGS: dict[str, tuple[str, str]] = {
    "issexualexploit": ("exploitation_forms", "sexual"),
    "isforcedlabour": ("exploitation_forms", "forced_labour_other"),
    "isforcedmarriage": ("exploitation_forms", "forced_marriage"),
    "isorganremoval": ("exploitation_forms", "organ_removal"),
    "isforcedmilitary": ("exploitation_forms", "forced_criminality"),
    "isslaveryandpractices": ("exploitation_forms", "other"),
    "isotherexploit": ("exploitation_forms", "other"),
}

#: Suffixes that say "not specified" rather than name a code.
_UNSPECIFIED = frozenset({"notspecified", "unknown", "none", "nan"})


_GENDER = {
    "female": "f",
    "male": "m",
    "transgender": "x",
    "transgender/nonconforming": "x",
    "other": "x",
    "woman": "f",
    "man": "m",
    "girl": "f",
    "boy": "m",
}
_MAJORITY = {"adult": "adult", "minor": "minor", "child": "minor"}
#: Year cells that say the year is not known: blank, CTDC's -99, what spreadsheets and pandas write for nothing.
_NO_YEAR = frozenset({"-99", "nan", "none", "null", "n/a", "na", "unknown", "not specified"})
_YEAR_BAND = re.compile(r"^\s*(\d{4})(?:\s*[-–]\s*(\d{4}))?\s*$")


def to_flat(frame: pd.DataFrame) -> Mapping:
    """Flat rows of a CTDC file's staged cells (text columns and ``_line``)."""
    used: set[str] = set()
    col = {name: first_column(frame, names, used) for name, names in FIELDS.items()}
    mapping = Mapping(pd.DataFrame({"_line": frame["_line"]}), used)
    flat = mapping.flat
    source_columns = [c for c in frame.columns if c != "_line"]
    flat[C.INCIDENT_ID] = content_ids(frame[source_columns], "ctdc")
    flat[C.CRIME_TYPE] = "trafficking"
    flat[C.DATE], flat["date_precision"], flat[C.PERIOD_END] = _dates(clean_text(col["year"]), mapping)
    _countries(flat, col, mapping)
    _victim(flat, col, mapping)
    _modus(flat, frame, mapping)
    perpetrator = [c for c in source_columns if c.startswith("ip_")]
    if perpetrator:
        mapping.note(
            N_(
                "Perpetrator columns ({columns}) are not mapped: each row is a victim–perpetrator pair, so "
                "counting suspects from them would count a perpetrator once per victim."
            ),
            columns=", ".join(perpetrator),
        )
    return mapping


def _dates(years: pd.Series, mapping: Mapping) -> tuple[pd.Series, pd.Series, pd.Series]:
    """1 January of the year registered (a band's first year), the precision (year, period or
    unknown), and a band's last day.

    A victim registered without a year is still a record of a person: dated
    :data:`turquesa_geo.columns.UNDATED` with precision ``unknown``, counted in the store's
    totals and in no period. A year that cannot be read (``20x9``) is passed on as
    written, for the importer to quarantine and the analyst to correct.
    """
    unknown = years.isna() | years.str.lower().isin(_NO_YEAR)
    bands = years.where(~unknown).fillna("").str.extract(_YEAR_BAND)
    first, last = bands[0], bands[1]
    reversed_band = last.notna() & (last.fillna("0") < first.fillna("0"))
    first = first.where(~reversed_band)  # "2018-2014" is not a band: passed on as written
    dates = (first + "-01-01").where(first.notna(), years)
    dates = dates.astype(object).where(~unknown, C.UNDATED.isoformat())
    precision = pd.Series("year", index=years.index, dtype=object)
    precision = precision.mask(first.notna() & last.notna(), "period").mask(unknown, C.DATE_UNKNOWN)
    period_end = (last + "-12-31").where(first.notna() & last.notna())
    if (precision == "period").any():
        mapping.note(
            N_(
                "Years registered as bands (e.g. 2014-2018) are dated 1 January of the band's first year, "
                "with date precision 'period': read them by period, not by month."
            )
        )
    if unknown.any():
        mapping.note(
            N_(
                "{n} victim record(s) without a year of registration are kept with the date unknown: counted "
                "in the store's totals, in no period, trend or signal."
            ),
            n=int(unknown.sum()),
        )
    return dates.where(dates.notna(), None), precision, period_end.astype(object).where(period_end.notna(), None)


def _countries(flat: pd.DataFrame, col: dict[str, pd.Series], mapping: Mapping) -> None:
    citizenship, _, bad_c = resolve_countries(clean_text(col["citizenship"]), ";")
    exploited, _, bad_e = resolve_countries(clean_text(col["exploitation_country"]), ";")
    mapping.not_understood("citizenship", bad_c)
    mapping.not_understood("countryofexploitation", bad_e)
    flat[C.NATIONALITY] = flat[C.ORIGIN] = citizenship
    flat[C.DESTINATION] = flat[C.DETECTION_COUNTRY] = exploited
    regions = int(col["origin_region"].notna().sum() + col["exploitation_region"].notna().sum())
    if regions:
        mapping.note(
            N_(
                "Origins and places of exploitation given as UN regions (UN_COO_Region, UN_COE_Region) are "
                "not countries: these records are on the trends and gender pages, not on the corridor map."
            )
        )


def _victim(flat: pd.DataFrame, col: dict[str, pd.Series], mapping: Mapping) -> None:
    """One victim per row, in the count column of its sex and age group."""
    written = clean_text(col["gender"]).str.lower()
    gender = written.map(_GENDER).fillna("u")
    mapping.not_understood(
        "gender", clean_text(col["gender"])[written.notna() & ~written.isin([*_GENDER, "-99", "unknown"])]
    )
    age = clean_text(col["majority"]).str.lower().map(_MAJORITY)
    broad = clean_text(col["age"]).str.extract(r"^(\d+)", expand=False).astype(float)
    age = age.where(age.notna(), broad.map(lambda a: None if a != a else "minor" if a < 18 else "adult"))
    age = age.fillna("u")
    for g in C.COUNT_GENDER:
        for a in C.COUNT_AGE:
            flat[f"victims_{g}_{a}"] = ((gender == g) & (age == a)).astype(int).astype(str)


def _modus(flat: pd.DataFrame, frame: pd.DataFrame, mapping: Mapping) -> None:
    """Modus-operandi codes from flag columns and from ``;``-joined cells."""
    codes: dict[str, list[set[str]]] = {}
    for column in frame.columns:
        target = _flag_target(column, mapping)
        if target is None:
            continue
        flat_column, vocabulary, code = target
        mapping.used.add(column)
        per_row = codes.setdefault(flat_column, [set() for _ in range(len(frame))])
        values = frame[column]
        if code is not None:  # a flag column
            for i in (flag_set(values)).to_numpy().nonzero()[0]:
                per_row[i].add(code)
            continue
        terms = {cell: _terms(vocabulary, cell) for cell in pd.unique(values.dropna())}  # once per distinct cell
        for i, cell in enumerate(values):  # a ;-joined cell of terms
            if cell is not None and cell == cell:
                per_row[i].update(terms[cell][0])
        mapping.not_understood(column, [bad for _, unknown in terms.values() for bad in unknown])
    for flat_column, rows in codes.items():
        flat[flat_column] = [";".join(sorted(_most_specific(r))) or None for r in rows]


def _terms(vocabulary: str, cell: str) -> tuple[set[str], list[str]]:
    """(codes, tokens not understood) of a ``;``-joined cell; "not specified", ``-99``, ``0``, ``1`` name nothing.

    >>> _terms("control_method", "Debt bondage; Curfew;-99")
    ({'debt_bondage'}, ['Curfew'])
    """
    codes, unknown = set(), []
    for token in (t.strip() for t in str(cell).split(";")):
        found = resolve_term(vocabulary, token) if token else None
        if found:
            codes.add(found)
        elif token and normalize_key(token) not in _UNSPECIFIED and token not in ("-99", "0", "1"):
            unknown.append(token)
    return codes, unknown


def _most_specific(found: set[str]) -> set[str]:
    """Codes without the generic "forced labour, other sector" when a sector is named.

    >>> sorted(_most_specific({"forced_labour_other", "forced_labour_agriculture", "sexual"}))
    ['forced_labour_agriculture', 'sexual']
    """
    if any(c.startswith("forced_labour_") and c != "forced_labour_other" for c in found):
        return found - {"forced_labour_other"}
    return found


def _flag_target(column: str, mapping: Mapping) -> tuple[str, str, str | None] | None:
    """(flat column, vocabulary, code) a source column feeds; code None for a ``;``-joined cell."""
    if column in FLAGS:
        return FLAGS[column][0], "exploitation_form", FLAGS[column][1]
    for prefix, (flat_column, vocabulary) in FLAG_PREFIXES.items():
        if not column.startswith(prefix):
            continue
        suffix = column[len(prefix) :].strip("_")
        if not suffix:
            return flat_column, vocabulary, None
        if suffix in _UNSPECIFIED:
            return None
        code = resolve_term(vocabulary, suffix)
        if code is None:
            mapping.not_understood("columns", [column])
            return None
        return flat_column, vocabulary, code
    return None


PROFILE = Profile(
    name="ctdc",
    title="CTDC victim records (IOM Counter Trafficking Data Collaborative)",
    source=SOURCE,
    kind="cases",
    markers=(
        ("yearofregistration", "yearregister"),
        ("majoritystatus", "agebroad"),
        ("gender",),
        ("citizenship", "un_coo_region"),
        ("countryofexploitation", "un_coe_region"),
        ("isforcedlabour", "issexualexploit", "meansofcontrol", "typeofexploitation", "datasource"),
    ),
    to_flat=to_flat,
    first_cell_names=("yearofregistration", "yearregister", "datasource"),
)
