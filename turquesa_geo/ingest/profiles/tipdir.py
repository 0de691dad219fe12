"""US TIP report directionality coding (University of Denver): the routes and roles the report names.

The US State Department's Trafficking in Persons report says, country by country and year
by year, whether a country is a country of origin, transit or destination, for which
victims (men, women, children; sex or labour trafficking), and often which routes run
through it. Codings of it come in two shapes, both read here:

- **roles**: one row per report year, country and victim profile, with ``Year``,
  ``Country``, ``Origin``, ``Transit``, ``Destination`` (``1``/``0``, ``Yes``/``No``) and
  optionally ``Victim type`` (or ``Profile``); stored as indicator ``tip_roles``,
  dimension ``route_role``, the category the roles set (``origin+transit+destination``,
  ``destination``, ... or ``none``);
- **routes**: one row per route named, with ``origin_country``, ``transit_country``
  (several joined by ``;`` or ``>``, in order; blank for a direct route) and
  ``destination_country``, the report ``Year`` and optionally the profile and the
  ``Country`` whose chapter names it; stored as indicator ``tip_routes``, dimension
  ``route``, the category the route as codes (``HND>GTM>MEX>USA``), the destination as the
  count's country; the value is how many rows name that route in that year, for that
  profile.

These are codings of a narrative report, not counts of persons: never added to cases,
victims or encounters. Country names in the report's spelling resolve ("Egypt, Arab
Republic of", "Korea, Rep.", "Congo, Dem. Rep."); region names ("Europe", "the
Caribbean", "Middle East") are kept as regions, as written, never as countries (a route
with a region end is listed, not drawn). A profile names persons (kept as sex and age
group) or a form of trafficking (kept as the breakdown); any other is kept as written,
flagged and reported, as is a place that is neither a country nor a region. A row is
quarantined only when it cannot be stored: no report year, no country (roles), no origin
or no destination (routes), or a repeat of an earlier row.
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
from turquesa_geo.vocab import resolve_term

__all__ = [
    "FLAG_RULES",
    "PERSON_PROFILES",
    "PROFILE",
    "QUARANTINE_RULES",
    "REGION_WORDS",
    "ROLES",
    "ROLE_INDICATOR",
    "ROUTE_INDICATOR",
    "ROUTE_SEPARATOR",
    "RULES",
    "SOURCE",
    "place_code",
    "profile_codes",
    "role_set",
    "to_counts",
]

SOURCE = "US TIP report (University of Denver coding)"
#: Indicators of the two shapes: the roles a report gives a country, the routes it names.
ROLE_INDICATOR, ROUTE_INDICATOR = "tip_roles", "tip_routes"
#: The roles, in the order a role set is written (``origin+transit+destination``).
ROLES: tuple[str, ...] = ("origin", "transit", "destination")
#: Between the places of a stored route (origin, transits, destination).
ROUTE_SEPARATOR = ">"

#: Words of a region: a place naming one is a region, kept as written, never a country.
REGION_WORDS = re.compile(
    r"\b(?:africa|african|asia|asian|europe|european|caribbean|americas?|latin|middle east|gulf|pacific|oceania|"
    r"balkans|scandinavia|maghreb|sahel|levant|arabian peninsula|western hemisphere|region|worldwide)\b",
    re.IGNORECASE,
)

#: Victim profiles that name persons: (sex, age group).
PERSON_PROFILES: dict[str, tuple[str, str]] = {
    "men": ("male", "adult"),
    "women": ("female", "adult"),
    "boys": ("male", "minor"),
    "girls": ("female", "minor"),
    "children": ("total", "minor"),
    "child": ("total", "minor"),
    "minors": ("total", "minor"),
    "adults": ("total", "adult"),
}
#: Victim profiles that name a form of trafficking: its exploitation-form code (others through the vocabulary).
_FORMS: dict[str, str] = {
    "sex trafficking": "sexual",
    "sex": "sexual",
    "labor trafficking": "forced_labour_other",
    "labour trafficking": "forced_labour_other",
    "labor": "forced_labour_other",
    "labour": "forced_labour_other",
    "domestic servitude": "forced_labour_domestic",
}
_WHOLE_PROFILE = frozenset({"all", "total", "all victims", "any"})
_SET = frozenset({"1", "1.0", "yes", "y", "true", "x"})
_UNSET = frozenset({"0", "0.0", "no", "n", "false", "-"})
_TRANSITS = re.compile(r"\s*[;>|]\s*")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")

#: Quarantine rules of this format (the row is not stored).
QUARANTINE_RULES: dict[str, str] = {
    "ragged_row": "the row has more or fewer fields than the header",
    "bad_year": "Year is not a report year",
    "missing_country": "Country is empty: a role needs the country it is given to",
    "missing_place": "the origin or the destination is empty: a route needs both ends",
    "duplicate_row": "the same report year, country or route and victim profile appear earlier in the file",
}

#: Flag rules of this format: the row is kept, with the value as written, and the import reports it.
FLAG_RULES: dict[str, str] = {
    "unknown_place": "a place names no known country nor a region: kept as written, not drawn on the map",
    "unknown_profile": "the victim profile names no persons (men, women, children...) nor a form of trafficking: "
    "kept as written",
    "unknown_role_value": "Origin, Transit or Destination is not 1/0 or yes/no: that role is not counted as set",
}

#: Every rule of this format, quarantine and flag.
RULES: dict[str, str] = {**QUARANTINE_RULES, **FLAG_RULES}

#: The file's columns read, each by its first name the file has.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("year", "report_year", "tip_report_year", "tip_year"),
    "country": ("country", "country_name", "report_country"),
    "origin_country": ("origin_country", "country_of_origin"),
    "transit_country": ("transit_country", "transit_countries", "country_of_transit"),
    "destination_country": ("destination_country", "country_of_destination"),
    "origin": ("origin",),
    "transit": ("transit",),
    "destination": ("destination",),
    "profile": ("victim_type", "victim_profile", "profile", "victims", "trafficking_type", "type_of_trafficking"),
}
_ROUTE_SHAPE = ("origin_country", "destination_country")


def place_code(text: str | None) -> tuple[str | None, bool]:
    """(code, known) of a place: its ISO3 code, a region as written, or the text as written when unknown.

    >>> place_code("Egypt, Arab Republic of"), place_code("the Caribbean"), place_code("Middle East")
    (('EGY', True), ('the Caribbean', True), ('Middle East', True))
    >>> place_code("Atlantis"), place_code(None)
    (('Atlantis', False), (None, True))
    """
    if text is None:
        return None, True
    iso3 = resolve_country(text)
    if iso3:
        return iso3, True
    return text, bool(REGION_WORDS.search(text))


def profile_codes(text: str | None) -> tuple[str, str, str] | None:
    """(sex, age group, breakdown) of a victim profile; None when it names neither persons nor a form.

    >>> profile_codes("women"), profile_codes("Sex trafficking"), profile_codes("Forced begging")
    (('female', 'adult', 'total'), ('total', 'total', 'sexual'), ('total', 'total', 'begging'))
    >>> profile_codes(None), profile_codes("Children"), profile_codes("sports")
    (('total', 'total', 'total'), ('total', 'minor', 'total'), None)
    """
    if text is None:
        return "total", "total", "total"
    words = " ".join(text.lower().split())
    if words in _WHOLE_PROFILE:
        return "total", "total", "total"
    if words in PERSON_PROFILES:
        return (*PERSON_PROFILES[words], "total")
    form = _FORMS.get(words) or resolve_term("exploitation_form", words.replace("trafficking", "").strip() or words)
    return ("total", "total", form) if form and form != "other" else None


def role_set(cells: tuple[str | None, ...]) -> tuple[str, bool]:
    """(the roles set, written ``origin+transit``, or ``none``; whether every cell was readable) of role cells.

    >>> role_set(("1", "0", "Yes")), role_set((None, "no", "0")), role_set(("maybe", "1", None))
    (('origin+destination', True), ('none', True), ('transit', False))
    """
    roles, readable = [], True
    for role, cell in zip(ROLES, cells):
        word = (cell or "").strip().lower()
        if word in _SET:
            roles.append(role)
        elif word and word not in _UNSET:
            readable = False
    return "+".join(roles) or "none", readable


def to_counts(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, Mapping]:
    """(accepted counts, problems, mapping report) of a TIP-report coding's staged cells (roles or routes).

    Accepted counts carry ``rows`` (the rows of the file they stand for) and ``flags`` (a
    tuple of :data:`FLAG_RULES`). Problems have one row per (line, rule).
    """
    used: set[str] = set()
    routes = any(name in frame.columns for shape in _ROUTE_SHAPE for name in _COLUMNS[shape])
    wanted = {k: v for k, v in _COLUMNS.items() if (k not in ROLES if routes else not k.endswith("_country"))}
    get = {name: clean_text(first_column(frame, names, used)) for name, names in wanted.items()}
    mapping = Mapping(pd.DataFrame({LINE_COLUMN: frame[LINE_COLUMN]}), used)
    rows = pd.DataFrame({LINE_COLUMN: frame[LINE_COLUMN].to_numpy()}, index=frame.index)
    rows["year"] = pd.array([_year(t) for t in get["year"]], dtype="Int64")
    odd = _profiles(rows, get["profile"], mapping)
    odd |= _routes(rows, get, mapping) if routes else _roles(rows, get, mapping)
    rows["flags"] = flag_tuples({rule: odd[rule] for rule in FLAG_RULES if rule in odd}, len(rows))
    problems = _problems(rows, get, routes)
    kept = rows[~rows[LINE_COLUMN].isin(problems["line"])]
    _note_regions(kept, mapping)
    return _summed(kept), problems, mapping


def _year(text: str | None) -> int | None:
    match = _YEAR.match(text.strip()) if text else None
    return int(match.group(1)) if match else None


def _profiles(rows: pd.DataFrame, profiles: pd.Series, mapping: Mapping) -> dict[str, list[bool]]:
    """``sex``, ``age_group`` and ``breakdown`` of each row's victim profile; an unknown one as written."""
    known = {t: profile_codes(t) for t in set(profiles)}
    codes = [known[t] or ("total", "total", t) for t in profiles]
    rows["sex"], rows["age_group"], rows["breakdown"] = ([c[i] for c in codes] for i in range(3))
    odd = [known[t] is None for t in profiles]
    mapping.not_understood("profile", (t for t, bad in zip(profiles, odd) if bad))
    return {"unknown_profile": odd}


def _roles(rows: pd.DataFrame, get: dict[str, pd.Series], mapping: Mapping) -> dict[str, list[bool]]:
    """Role shape: the country (``country``/``area``) and the roles it is given (``category``)."""
    places = [place_code(t) for t in get["country"]]
    sets = [role_set(cells) for cells in zip(get["origin"], get["transit"], get["destination"])]
    rows["indicator"], rows["dimension"] = ROLE_INDICATOR, "route_role"
    rows["area"] = [code for code, _ in places]
    rows["country"] = [_country_of(t) for t in get["country"]]
    rows["category"] = [roles for roles, _ in sets]
    mapping.not_understood("country", (t for t, (_, known) in zip(get["country"], places) if not known))
    return {"unknown_place": [not known for _, known in places], "unknown_role_value": [not ok for _, ok in sets]}


def _routes(rows: pd.DataFrame, get: dict[str, pd.Series], mapping: Mapping) -> dict[str, list[bool]]:
    """Route shape: the route as codes (``category``) and its destination (``country``/``area``)."""
    origins = [place_code(t) for t in get["origin_country"]]
    destinations = [place_code(t) for t in get["destination_country"]]
    transits = [[place_code(p) for p in _TRANSITS.split(t) if p] if t else [] for t in get["transit_country"]]
    rows["indicator"], rows["dimension"] = ROUTE_INDICATOR, "route"
    rows["category"] = [
        ROUTE_SEPARATOR.join(code for code, _ in (o, *ts, d)) if o[0] and d[0] else None
        for o, ts, d in zip(origins, transits, destinations)
    ]
    rows["area"] = [code for code, _ in destinations]
    rows["country"] = [_country_of(t) for t in get["destination_country"]]
    unknown = [not all(known for _, known in (o, *ts, d)) for o, ts, d in zip(origins, transits, destinations)]
    texts = [*get["origin_country"], *get["destination_country"]]
    found = [*origins, *destinations]
    for t, places in zip(get["transit_country"], transits):
        texts += [p for p in _TRANSITS.split(t) if p] if t else []
        found += places
    mapping.not_understood("place", (t for t, (_, known) in zip(texts, found) if not known))
    return {"unknown_place": unknown}


def _country_of(text: str | None) -> str | None:
    """The ISO3 code of a place that is a country; None for a region, an unknown place or a blank."""
    return resolve_country(text) if text else None


def _problems(rows: pd.DataFrame, get: dict[str, pd.Series], routes: bool) -> pd.DataFrame:
    """The rows that cannot be stored, one (line, rule) each."""
    found: list[tuple] = []

    def add(mask, rule: str, column: str, values: pd.Series, message) -> None:
        for line, value in zip(rows.loc[mask, LINE_COLUMN], values[mask]):
            found.append((int(line), column, rule, value, message(value)))

    add(
        rows["year"].isna(),
        "bad_year",
        "Year",
        get["year"],
        lambda v: f"Year {quoted_cell(v)} is not a report year (expected e.g. 2021)",
    )
    if routes:
        for column in _ROUTE_SHAPE:
            add(
                get[column].isna(),
                "missing_place",
                column,
                get[column],
                lambda v, column=column: f"{column} is empty: a route needs its origin and its destination",
            )
    else:
        add(
            get["country"].isna(),
            "missing_country",
            "Country",
            get["country"],
            lambda v: "Country is empty: a role needs the country it is given to",
        )
    quarantined = {line for line, *_ in found}
    clean = ~rows[LINE_COLUMN].isin(quarantined)
    keys = pd.DataFrame({name: get[name] for name in get})[clean.to_numpy()]
    for line, first in repeated_rows(keys, rows.loc[clean, LINE_COLUMN]):
        found.append((line, None, "duplicate_row", None, f"the same coding is already on line {first}"))
    return pd.DataFrame(found, columns=list(PROBLEM_COLUMNS))


def _note_regions(kept: pd.DataFrame, mapping: Mapping) -> None:
    """Say which places are regions: they are kept as written and listed, never drawn as countries."""
    places = {p for c in kept.get("category", []) if c for p in str(c).split(ROUTE_SEPARATOR)}
    places |= set(kept.get("area", []))
    regions = sorted(p for p in places if p and REGION_WORDS.search(p) and not resolve_country(p))
    if regions:
        mapping.note(
            N_(
                "{n} place(s) are regions, not countries ({areas}): kept as written, listed with the routes, "
                "never drawn on the map."
            ),
            n=len(regions),
            areas=", ".join(regions[:8]) + ("…" if len(regions) > 8 else ""),
        )


#: The key of a stored count: rows of one key (the same route named in several chapters) are summed.
_COUNT_KEY = ["indicator", "dimension", "year", "area", "category", "sex", "age_group", "breakdown"]


def _summed(kept: pd.DataFrame) -> pd.DataFrame:
    """One count per key: how many rows name it (the value), and their flags (the key's own)."""
    columns = [*_COUNT_KEY, "country", "value", "rows", "flags", "unit", "censored"]
    if kept.empty:
        return pd.DataFrame(columns=columns)
    summed = (
        kept.assign(rows=1)
        .groupby(_COUNT_KEY, sort=True, dropna=False, as_index=False)
        .agg(rows=("rows", "sum"), country=("country", "first"), flags=("flags", "first"))
    )
    summed["value"] = pd.Series([int(n) for n in summed["rows"]], index=summed.index, dtype=object)
    return summed.assign(unit="Reports", censored=None)[columns]


PROFILE = Profile(
    name="tipdir",
    title="US TIP report directionality coding (University of Denver)",
    source=SOURCE,
    kind="aggregates",
    markers=(
        ("year", "report_year"),
        ("country", "origin_country", "destination_country"),
        ("origin", "origin_country"),
        ("destination", "destination_country"),
        ("victim_type", "victim_profile", "profile"),
    ),
    to_counts=to_counts,
    rules=RULES,
)
