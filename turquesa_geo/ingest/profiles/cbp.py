"""US CBP nationwide encounters (the monthly CSV of U.S. Customs and Border Protection): aggregate counts.

Columns ``Fiscal Year`` (``2023``, or ``2024 (FYTD)`` for the year under way), ``Month
Grouping`` (``FYTD``, ``Remaining``), ``Month (abbv)`` (``OCT``: the fiscal year starts in
October, so FY2023 OCT is October 2022), ``Component``, ``Land Border Region``, ``Area of
Responsibility``, ``AOR (Abbv)``, ``Demographic``, ``Citizenship``, ``Title of Authority``,
``Encounter Type``, ``Encounter Count``. Some vintages lack ``Encounter Type`` or ``AOR
(Abbv)``, and the files by state have ``State`` (or ``Sector``) instead of the areas of
responsibility. Encounters are migrants met at the border or ports (USBP Title 8
apprehensions, OFO Title 8 inadmissibles, Title 42 expulsions): not cases, not victims.

Each count is stored in ``aggregate_counts`` as indicator ``encounters``, dimension
``citizenship`` (the category: the citizenship's ISO3 code, or CBP's own ``OTHER`` kept as
written, never resolved to a country) detected in the United States (``country`` USA), by
calendar month (``year`` and ``month``), with the land border region as the ``area``, the
demographic as the ``age_group`` (:data:`DEMOGRAPHICS`: family unit members, single adults,
unaccompanied and accompanied minors, each its own group) and the title of authority as the
``breakdown``. The rows of one such key (one per component, area of responsibility or state,
and encounter type) are summed into one count: a file by state and a file by area of
responsibility of the same months give the same counts, and a later vintage replaces the
months it repeats. A citizenship, demographic, region or title the file does not usually use
is kept as written, flagged and reported. A row is quarantined only when it cannot be a count
of one month: no fiscal year, no month, no count, no citizenship, a repeat of an earlier
row, or a zero in a month of the latest fiscal year not reported yet (``Remaining``).

Data: www.cbp.gov/document/stats/nationwide-encounters (U.S. government work, public domain).
"""

from __future__ import annotations

import re

import pandas as pd

from turquesa_geo.countries import resolve_country
from turquesa_geo.i18n import N_
from turquesa_geo.ingest.profiles.common import (
    PROBLEM_COLUMNS,
    Mapping,
    Profile,
    clean_text,
    first_column,
    flag_tuples,
    quoted_cell,
    repeated_rows,
)
from turquesa_geo.ingest.readers import LINE_COLUMN

__all__ = [
    "AUTHORITIES",
    "CATCH_ALLS",
    "COUNTRY",
    "DEMOGRAPHICS",
    "DIMENSION",
    "FLAG_RULES",
    "INDICATOR",
    "PROFILE",
    "QUARANTINE_RULES",
    "REGIONS",
    "RULES",
    "SOURCE",
    "authority_code",
    "calendar_month",
    "demographic_code",
    "fiscal_year",
    "month_number",
    "region_name",
    "to_counts",
]

SOURCE = "US CBP"
#: What the counts are, where they were met, and by what they are split.
INDICATOR, COUNTRY, DIMENSION = "encounters", "USA", "citizenship"

#: Demographic codes (stored as the count's age group) and the words CBP writes for them.
DEMOGRAPHICS: dict[str, tuple[str, ...]] = {
    "family_unit": ("fmua", "family unit", "family units", "individuals in a family unit", "family unit members"),
    "single_adult": ("single adults", "single adult", "adults"),
    "unaccompanied_minor": (
        "uc / single minors",
        "uc",
        "uac",
        "single minors",
        "unaccompanied children",
        "unaccompanied minors",
    ),
    "accompanied_minor": ("accompanied minors", "accompanied minor"),
}

#: Land border regions (stored as the count's area) and the words CBP writes for them.
REGIONS: dict[str, tuple[str, ...]] = {
    "Southwest Land Border": ("southwest land border", "southwest border", "southwest", "swb"),
    "Northern Land Border": ("northern land border", "northern border", "northern", "nlb"),
    "Other": ("other",),
}

#: Titles of authority (stored as the count's breakdown) and the words CBP writes for them.
AUTHORITIES: dict[str, tuple[str, ...]] = {"title_8": ("title 8", "t8"), "title_42": ("title 42", "t42")}

#: Citizenships that are CBP's own catch-alls: kept as written, never resolved to a country, not flagged.
CATCH_ALLS = frozenset({"other", "others", "all other", "all others", "other countries", "unknown", "stateless"})

_ENCOUNTER_AUTHORITY = {"expulsions": "title_42", "apprehensions": "title_8", "inadmissibles": "title_8"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_FISCAL_YEAR = re.compile(r"^(?:fy\s*)?(\d{4}|\d{2})\b", re.IGNORECASE)
# ASCII digits only: \d also matches other scripts' digits, which int() reads, inventing a number.
_WHOLE = re.compile(r"^[0-9]+(?:\.0+)?$")

#: Quarantine rules of this format (the row is not stored).
QUARANTINE_RULES: dict[str, str] = {
    "ragged_row": "the row has more or fewer fields than the header",
    "bad_fiscal_year": "Fiscal Year is not a fiscal year (such as 2023 or 2024 (FYTD))",
    "bad_month": "Month (abbv) is not a month (such as OCT)",
    "bad_count": "Encounter Count is not a whole number of encounters",
    "missing_citizenship": "Citizenship is empty",
    "unreported_month": "a zero in a month of the file's latest fiscal year that is not reported yet (Month Grouping "
    "Remaining): not a month without encounters",
    "duplicate_row": "the same fiscal year, month, component, region, area, demographic, citizenship, title of "
    "authority and encounter type appear earlier in the file",
}

#: Flag rules of this format: the count is kept, under the value as written, and the import reports it.
FLAG_RULES: dict[str, str] = {
    "unknown_citizenship": "Citizenship names no known country (nor one of CBP's catch-alls such as OTHER): the count "
    "is kept under the citizenship as written and not drawn on the map",
    "unknown_demographic": "Demographic is not FMUA, Single Adults, UC / Single Minors or Accompanied Minors: the "
    "count is kept under the demographic as written",
    "unknown_region": "Land Border Region is not Southwest Land Border, Northern Land Border or Other: the count is "
    "kept under the region as written",
    "unknown_authority": "Title of Authority is not Title 8 or Title 42: the count is kept under the title as written",
}

#: Every rule of this format, quarantine and flag.
RULES: dict[str, str] = {**QUARANTINE_RULES, **FLAG_RULES}

#: The file's columns read, each by its first name the file has.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "fiscal_year": ("fiscal_year", "fy"),
    "grouping": ("month_grouping",),
    "month": ("month_abbv", "month"),
    "component": ("component",),
    "region": ("land_border_region", "region"),
    "aor": ("area_of_responsibility", "aor"),
    "aor_abbv": ("aor_abbv",),
    "sector": ("sector",),
    "state": ("state",),
    "demographic": ("demographic",),
    "citizenship": ("citizenship", "nationality"),
    "authority": ("title_of_authority", "authority"),
    "encounter_type": ("encounter_type",),
    "count": ("encounter_count", "encounters", "count"),
}

#: The cells that make a row's own key: a repeat of all of them is the same row twice.
_ROW_KEY = [name for name in _COLUMNS if name not in ("count", "grouping")]

#: The key of a stored count: rows of one key (areas, states, components, encounter types) are summed.
_COUNT_KEY = ["year", "month", "area", "category", "age_group", "breakdown"]


def _words(text: str) -> str:
    return " ".join(text.lower().replace("/", " / ").split())


def _lookup(text: str | None, table: dict[str, tuple[str, ...]]) -> str | None:
    if not text:
        return None
    words = _words(text)
    return next((code for code, names in table.items() if words in names or words == code.lower()), None)


def demographic_code(text: str | None) -> str | None:
    """The demographic code of CBP's ``Demographic``; None for a blank or another value.

    >>> [demographic_code(t) for t in ("FMUA", "Single Adults", "UC / Single Minors", "UC/Single Minors")]
    ['family_unit', 'single_adult', 'unaccompanied_minor', 'unaccompanied_minor']
    >>> [demographic_code(t) for t in ("Accompanied Minors", "Elderly", None)]
    ['accompanied_minor', None, None]
    """
    return _lookup(text, DEMOGRAPHICS)


def region_name(text: str | None) -> str | None:
    """CBP's own name of a land border region; None for a blank or another value.

    >>> [region_name(t) for t in ("Southwest Land Border", "NORTHERN LAND BORDER", "Other", "Coastal", None)]
    ['Southwest Land Border', 'Northern Land Border', 'Other', None, None]
    """
    return _lookup(text, REGIONS)


def authority_code(text: str | None, encounter_type: str | None = None) -> str | None:
    """The code of a title of authority; from the encounter type when the title is blank; else None.

    >>> authority_code("Title 8"), authority_code("Title 42"), authority_code(None, "Expulsions")
    ('title_8', 'title_42', 'title_42')
    >>> authority_code(None, "Apprehensions"), authority_code("Title 50"), authority_code(None)
    ('title_8', None, None)
    """
    if not text:
        return _ENCOUNTER_AUTHORITY.get(_words(encounter_type)) if encounter_type else None
    return _lookup(text, AUTHORITIES)


def fiscal_year(text: str | None) -> int | None:
    """The fiscal year of a ``Fiscal Year`` cell (``2023``, ``2024 (FYTD)``, ``FY23``); None if it names none.

    >>> [fiscal_year(t) for t in ("2023", "2024 (FYTD)", "FY23", "FY 2022", "soon", None)]
    [2023, 2024, 2023, 2022, None, None]
    """
    match = _FISCAL_YEAR.match(text.strip()) if text else None
    if not match:
        return None
    year = int(match.group(1))
    return year + 2000 if year < 100 else year


def month_number(text: str | None) -> int | None:
    """The calendar month (1-12) of a ``Month (abbv)`` cell (``OCT``, ``October``, ``10``); None if it names none.

    >>> [month_number(t) for t in ("OCT", "jan", "September", "10", "13", "Q1", None)]
    [10, 1, 9, 10, None, None, None]
    """
    if not text:
        return None
    words = text.strip().lower()
    if words.isascii() and words.isdigit():
        return int(words) if 1 <= int(words) <= 12 else None
    return _MONTHS.index(words[:3]) + 1 if words[:3] in _MONTHS and words.isalpha() else None


def calendar_month(fiscal: int, month: int) -> tuple[int, int]:
    """(year, month) of a month of a US federal fiscal year, which starts on 1 October of the year before.

    >>> calendar_month(2023, 10), calendar_month(2023, 9), calendar_month(2024, 1)
    ((2022, 10), (2023, 9), (2024, 1))
    """
    return (fiscal - 1 if month >= 10 else fiscal), month


def _count(text: str | None) -> int | None:
    """A whole number of encounters written as text (``1,234``); None for anything else."""
    if text is None:
        return None
    compact = re.sub(r"[\s\u00a0,]", "", text)
    return int(compact.partition(".")[0]) if _WHOLE.match(compact) else None


def to_counts(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, Mapping]:
    """(accepted counts, problems, mapping report) of a CBP encounters file's staged cells.

    One accepted count per key (month, region, citizenship, demographic, title of authority),
    with ``rows`` (how many rows of the file it sums) and ``flags`` (a tuple of
    :data:`FLAG_RULES`). Problems have one row per (line, rule): line, column_name, rule,
    value, message.
    """
    used: set[str] = set()
    get = {name: clean_text(first_column(frame, names, used)) for name, names in _COLUMNS.items()}
    mapping = Mapping(pd.DataFrame({LINE_COLUMN: frame[LINE_COLUMN]}), used)
    rows = _rows(get, frame[LINE_COLUMN])
    flags = _categories(rows, get, mapping)
    rows["flags"] = flag_tuples(flags, len(rows))
    problems = _problems(rows, get)
    kept = rows[~rows[LINE_COLUMN].isin(problems["line"])]
    mapping.note(
        N_(
            "Encounters are summed over component, area of responsibility (or state) and encounter type: "
            "each count is one month, land border region, citizenship, demographic and title of authority."
        )
    )
    return _summed(kept), problems, mapping


def _rows(get: dict[str, pd.Series], lines: pd.Series) -> pd.DataFrame:
    """One row per row of the file: its calendar month and count (None where unreadable)."""
    fiscal = [fiscal_year(t) for t in get["fiscal_year"]]
    months = [month_number(t) for t in get["month"]]
    dated = [calendar_month(f, m) if f and m else (None, None) for f, m in zip(fiscal, months)]
    return pd.DataFrame(
        {
            LINE_COLUMN: lines.to_numpy(),
            "fiscal_year": pd.array(fiscal, dtype="Int64"),
            "year": pd.array([d[0] for d in dated], dtype="Int64"),
            "month": pd.array([d[1] for d in dated], dtype="Int64"),
            "value": pd.array([_count(t) for t in get["count"]], dtype="Int64"),
        },
        index=lines.index,
    )


def _categories(rows: pd.DataFrame, get: dict[str, pd.Series], mapping: Mapping) -> dict[str, list[bool]]:
    """``category``, ``area``, ``age_group`` and ``breakdown`` of each row; per flag rule, the rows it flags.

    A value no table knows is kept as written (a blank one as ``Unknown``) and reported.
    """
    known = {t: _citizenship(t) for t in set(get["citizenship"])}
    rows["category"] = [known[t] or t for t in get["citizenship"]]
    regions = [region_name(t) for t in get["region"]]
    demographics = [demographic_code(t) for t in get["demographic"]]
    authority_given = bool(get["authority"].notna().any() or get["encounter_type"].notna().any())
    authorities = [authority_code(t, e) for t, e in zip(get["authority"], get["encounter_type"])]
    rows["area"] = [r or t or "Unknown" for r, t in zip(regions, get["region"])]
    rows["age_group"] = [d or t or "unknown" for d, t in zip(demographics, get["demographic"])]
    rows["breakdown"] = [
        a or t or ("unknown" if authority_given else "total") for a, t in zip(authorities, get["authority"])
    ]
    odd = {
        "unknown_citizenship": [t is not None and known[t] is None for t in get["citizenship"]],
        "unknown_demographic": [d is None for d in demographics],
        "unknown_region": [r is None for r in regions],
        "unknown_authority": [a is None and authority_given for a in authorities],
    }
    for rule, column in (("unknown_citizenship", "citizenship"), ("unknown_demographic", "demographic")):
        mapping.not_understood(column, (t for t, bad in zip(get[column], odd[rule]) if bad))
    mapping.not_understood("land_border_region", (t for t, bad in zip(get["region"], odd["unknown_region"]) if bad))
    mapping.not_understood(
        "title_of_authority", (t for t, bad in zip(get["authority"], odd["unknown_authority"]) if bad)
    )
    return odd


def _citizenship(text: str | None) -> str | None:
    """The ISO3 code of a citizenship, a catch-all as written (``OTHER``), or None (blank, or no country)."""
    if text is None:
        return None
    return text if " ".join(text.lower().split()) in CATCH_ALLS else resolve_country(text)


def _problems(rows: pd.DataFrame, get: dict[str, pd.Series]) -> pd.DataFrame:
    """The rows that cannot be a count of one month, one (line, rule) each."""
    found: list[tuple] = []

    def add(mask, rule: str, column: str, values: pd.Series, message) -> None:
        for line, value in zip(rows.loc[mask, LINE_COLUMN], values[mask]):
            found.append((int(line), column, rule, value, message(value)))

    add(
        rows["fiscal_year"].isna(),
        "bad_fiscal_year",
        "Fiscal Year",
        get["fiscal_year"],
        lambda v: f"Fiscal Year {quoted_cell(v)} is not a fiscal year (expected e.g. 2023 or 2024 (FYTD))",
    )
    add(
        rows["fiscal_year"].notna() & rows["month"].isna(),
        "bad_month",
        "Month (abbv)",
        get["month"],
        lambda v: f"Month (abbv) {quoted_cell(v)} is not a month (expected e.g. OCT)",
    )
    add(
        rows["value"].isna(),
        "bad_count",
        "Encounter Count",
        get["count"],
        lambda v: f"Encounter Count {quoted_cell(v)} is not a whole number of encounters",
    )
    add(
        get["citizenship"].isna(),
        "missing_citizenship",
        "Citizenship",
        get["citizenship"],
        lambda v: "Citizenship is empty: a count needs the citizenship of those encountered",
    )
    add(
        _unreported(rows, get["grouping"]),
        "unreported_month",
        "Month Grouping",
        get["grouping"],
        lambda v: "a zero in a month of the latest fiscal year not reported yet (Month Grouping 'Remaining')",
    )
    quarantined = {line for line, *_ in found}
    clean = ~rows[LINE_COLUMN].isin(quarantined)
    keys = pd.DataFrame({name: get[name] for name in _ROW_KEY})[clean.to_numpy()]
    for line, first in repeated_rows(keys, rows.loc[clean, LINE_COLUMN]):
        found.append((line, None, "duplicate_row", None, f"the same encounters are already on line {first}"))
    return pd.DataFrame(found, columns=list(PROBLEM_COLUMNS))


def _unreported(rows: pd.DataFrame, grouping: pd.Series) -> pd.Series:
    """Zeros in the months of the file's latest fiscal year that CBP marks ``Remaining`` (not reported yet)."""
    latest = rows["fiscal_year"].max()
    remaining = grouping.fillna("").str.lower().eq("remaining")
    return (rows["fiscal_year"] == latest).fillna(False) & remaining & (rows["value"] == 0).fillna(False)


def _summed(kept: pd.DataFrame) -> pd.DataFrame:
    """One count per key: the sum of its rows' encounters, how many rows, and their flags (the key's own)."""
    columns = [*_COUNT_KEY, "value", "rows", "flags"]
    if kept.empty:
        return pd.DataFrame(columns=[*columns, "indicator", "dimension", "country", "sex", "unit", "censored"])
    summed = (
        kept.assign(rows=1)
        .groupby(_COUNT_KEY, sort=True, dropna=False, as_index=False)
        .agg(value=("value", "sum"), rows=("rows", "sum"), flags=("flags", "first"))
    )
    summed["value"] = pd.Series([int(v) for v in summed["value"]], index=summed.index, dtype=object)
    return summed.assign(
        indicator=INDICATOR, dimension=DIMENSION, country=COUNTRY, sex="total", unit="Counts", censored=None
    )[[*columns, "indicator", "dimension", "country", "sex", "unit", "censored"]]


PROFILE = Profile(
    name="cbp",
    title="US CBP nationwide encounters (monthly CSV)",
    source=SOURCE,
    kind="aggregates",
    markers=(
        ("fiscal_year",),
        ("month_abbv",),
        ("citizenship",),
        ("demographic",),
        ("title_of_authority",),
        ("encounter_count",),
    ),
    to_counts=to_counts,
    rules=RULES,
)
