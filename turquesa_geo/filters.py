"""The analyst's filters: one frozen value, its declarative field list, and URL round-trips.

Pages build their widgets from :data:`FILTER_FIELDS`; the same :class:`Filters`
value feeds the SQL builders and the CLI, and is written to and read from the
URL query string so that a link reopens the same view.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace

from turquesa_geo.countries import country_name, resolve_country
from turquesa_geo.i18n import N_, format_date, gettext
from turquesa_geo.vocab import MULTI_VALUED, VOCABULARIES, label

__all__ = [
    "FILTER_FIELDS",
    "ROUTE_ROLES",
    "FilterField",
    "Filters",
    "add_months",
    "describe",
    "fit_to_store",
    "from_query_params",
    "previous_period",
    "to_query_params",
]

#: Where a country sits on a route, for the origin / transit / destination filters.
ROUTE_ROLES = ("origin", "transit", "destination")


@dataclass(frozen=True)
class Filters:
    """What the analyst selected. Empty tuples mean "all"."""

    start: dt.date | None = None
    end: dt.date | None = None
    crime_types: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    age_groups: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    origin: tuple[str, ...] = ()
    transit: tuple[str, ...] = ()
    destination: tuple[str, ...] = ()
    modus: tuple[tuple[str, str], ...] = field(default=())
    sources: tuple[str, ...] = ()
    linked_crimes: tuple[str, ...] = ()
    #: Leave out every case the import kept with a flag (any rule).
    exclude_flagged: bool = False
    #: Leave out the cases flagged by any of these rules.
    excluded_flags: tuple[str, ...] = ()
    #: Keep only the cases flagged by any of these rules.
    flags: tuple[str, ...] = ()

    def person_filtered(self) -> bool:
        """True when persons are restricted by role, gender or age."""
        return bool(self.roles or self.genders or self.age_groups)

    def flag_rules_filtered(self) -> bool:
        """True when cases are kept or left out by named flag rules (the rollups count flagged cases only as a whole).

        >>> Filters(exclude_flagged=True).flag_rules_filtered(), Filters(flags=("adjustment",)).flag_rules_filtered()
        (False, True)
        """
        return bool(self.excluded_flags or self.flags)


@dataclass(frozen=True)
class FilterField:
    """One filter as the page shows it: URL key, label, kind and vocabulary (label and help in English,
    translated where they are shown)."""

    name: str
    key: str
    label: str
    # "date", "codes", "countries", "modus", "text"; on the flags an import left on a case (case_flags):
    # "toggle" (on or off) and "rules" (flag rules, turquesa_geo.ingest.flat.FLAG_RULES)
    kind: str
    vocabulary: str | None = None
    help: str = ""


FILTER_FIELDS: tuple[FilterField, ...] = (
    FilterField("start", "from", N_("From"), "date", help=N_("first day of the period")),
    FilterField("end", "to", N_("To"), "date", help=N_("last day of the period")),
    FilterField("crime_types", "crime", N_("Crime type"), "codes", "crime_type"),
    FilterField("roles", "role", N_("Person role"), "codes", "role", N_("victims, smuggled migrants or suspects")),
    FilterField("genders", "sex", N_("Sex / gender"), "codes", "gender"),
    FilterField("age_groups", "age", N_("Age group"), "codes", "age_group"),
    FilterField("nationalities", "nat", N_("Nationality"), "countries"),
    FilterField("origin", "orig", N_("From country (origin)"), "countries", help=N_("routes that start here")),
    FilterField(
        "transit", "via", N_("Through country (transit)"), "countries", help=N_("routes that pass through here")
    ),
    FilterField("destination", "dest", N_("To country (destination)"), "countries", help=N_("routes that end here")),
    FilterField(
        "modus",
        "mo",
        N_("Modus operandi"),
        "modus",
        help=N_("transport, recruitment, control, exploitation, concealment, platforms, fraud, linked crimes"),
    ),
    FilterField("sources", "src", N_("Reporting source"), "text"),
    FilterField(
        "linked_crimes",
        "linked",
        N_("Linked crimes"),
        "codes",
        "linked_crime",
        help=N_("cases flagged with any of these linked crimes (document fraud, cybercrime, drugs, ...)"),
    ),
    FilterField(
        "exclude_flagged",
        "exclude-flagged",
        N_("Exclude flagged cases"),
        "toggle",
        help=N_(
            "leave out the cases an import kept with a doubt (a point outside the country, a date known only "
            "to the year, a negative count...); the Store and imports page counts them by rule"
        ),
    ),
    FilterField(
        "excluded_flags",
        "exclude-flag",
        N_("Exclude cases flagged by"),
        "rules",
        help=N_("leave out the cases with any of these flags"),
    ),
    FilterField(
        "flags", "flag", N_("Only cases flagged by"), "rules", help=N_("keep only the cases with any of these flags")
    ),
)

#: How a toggle is written in the URL when on (off: left out).
_ON = "1"
#: What a flag rule looks like when no list of known rules is given (see :func:`from_query_params`).
_RULE_SHAPE = re.compile(r"[a-z][a-z0-9_]*")

_SEPARATOR = ","


def _codes_valid(values: tuple[str, ...], vocabulary: str | None) -> tuple[str, ...]:
    if vocabulary is None:
        return values
    known = {t.code for t in VOCABULARIES[vocabulary]}
    return tuple(v for v in values if v in known)


def to_query_params(filters: Filters) -> dict[str, str]:
    """Encode filters for the URL; empty filters (and toggles that are off) are left out.

    >>> to_query_params(Filters(crime_types=("smuggling",), transit=("PAN",), modus=(("platform", "tiktok"),)))
    {'crime': 'smuggling', 'via': 'PAN', 'mo': 'platform:tiktok'}
    >>> to_query_params(Filters(exclude_flagged=True, flags=("adjustment", "partial_date")))
    {'exclude-flagged': '1', 'flag': 'adjustment,partial_date'}
    """
    params: dict[str, str] = {}
    for f in FILTER_FIELDS:
        value = getattr(filters, f.name)
        if not value:
            continue
        if f.kind == "toggle":
            params[f.key] = _ON
        elif f.kind == "date":
            params[f.key] = value.isoformat()
        elif f.kind == "modus":
            params[f.key] = _SEPARATOR.join(f"{d}:{c}" for d, c in value)
        else:
            params[f.key] = _SEPARATOR.join(value)
    return params


def _known_items(f: FilterField, items: tuple[str, ...], flag_rules: Collection[str] | None) -> tuple[tuple, list[str]]:
    """The values of one list filter that are known (modus as (dimension, code) pairs), and those dropped."""
    if f.kind == "modus":
        pairs = tuple(tuple(i.split(":", 1)) for i in items if ":" in i)
        kept = tuple(p for p in pairs if p[0] in MULTI_VALUED and _codes_valid((p[1],), p[0]))
        return kept, [":".join(p) for p in pairs if p not in kept] + [i for i in items if ":" not in i]
    if f.kind == "countries":
        kept = tuple(c for c in items if resolve_country(c) == c)
    elif f.kind == "rules":
        kept = tuple(r for r in items if (r in flag_rules if flag_rules is not None else _RULE_SHAPE.fullmatch(r)))
    else:
        kept = _codes_valid(items, f.vocabulary)
    return kept, [v for v in items if v not in kept]


def from_query_params(
    params: Mapping[str, str], lang: str = "en", flag_rules: Collection[str] | None = None
) -> tuple[Filters, list[str]]:
    """Decode filters from the URL; return them and a message (in ``lang``) for each value dropped.

    Unknown codes, countries and dates are dropped (never guessed), and named. Flag rules
    are kept when they are among ``flag_rules`` (the importer's ``FLAG_RULES``, which this
    module sits below and cannot import: the CLI and the app pass them); with None, any
    rule-shaped name (snake_case) is kept, for filters the caller encoded itself.

    >>> filters, problems = from_query_params({"crime": "smuggling,piracy", "via": "PAN", "from": "2024-13-01"})
    >>> filters == Filters(crime_types=("smuggling",), transit=("PAN",))
    True
    >>> problems
    ["from: '2024-13-01' is not a date (YYYY-MM-DD)", "crime: 'piracy' is not a known value"]
    >>> filters, problems = from_query_params({"exclude-flagged": "1", "flag": "adjustment,x"}, flag_rules=("adjustment",))
    >>> filters == Filters(exclude_flagged=True, flags=("adjustment",)), problems
    (True, ["flag: 'x' is not a known value"])
    """
    values: dict[str, object] = {}
    problems: list[str] = []
    for f in FILTER_FIELDS:
        raw = params.get(f.key)
        if not raw:
            continue
        if f.kind == "toggle":
            if raw.strip() == _ON:
                values[f.name] = True
            else:
                problems.append(
                    gettext(lang, "{key}: {value} is not {on} (on) or left out (off)").format(
                        key=f.key, value=repr(raw.strip()), on=_ON
                    )
                )
            continue
        if f.kind == "date":
            try:
                values[f.name] = dt.date.fromisoformat(raw)
            except ValueError:
                problems.append(
                    gettext(lang, "{key}: {value} is not a date (YYYY-MM-DD)").format(key=f.key, value=repr(raw))
                )
            continue
        items = tuple(dict.fromkeys(v.strip() for v in raw.split(_SEPARATOR) if v.strip()))
        kept, dropped = _known_items(f, items, flag_rules)
        problems += [
            gettext(lang, "{key}: {value} is not a known value").format(key=f.key, value=repr(d)) for d in dropped
        ]
        values[f.name] = kept
    return Filters(**values), problems


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s (negative: before).

    >>> add_months(dt.date(2026, 11, 27), -11)
    datetime.date(2025, 12, 1)
    """
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def previous_period(filters: Filters) -> tuple[dt.date, dt.date] | None:
    """The period of the same length just before the selected one, or None when open-ended.

    Whole months shift by months (a year before a year, even across a leap day);
    other periods shift by their length in days.

    >>> previous_period(Filters(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)))
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    >>> previous_period(Filters(start=dt.date(2024, 3, 10), end=dt.date(2024, 3, 19)))
    (datetime.date(2024, 2, 29), datetime.date(2024, 3, 9))
    """
    if filters.start is None or filters.end is None:
        return None
    end = filters.start - dt.timedelta(days=1)
    next_day = filters.end + dt.timedelta(days=1)
    if filters.start.day == 1 and next_day.day == 1:
        months = (next_day.year - filters.start.year) * 12 + next_day.month - filters.start.month
        return add_months(filters.start, -months), end
    return end - (filters.end - filters.start), end


def describe(filters: Filters, lang: str = "en", with_period: bool = True) -> str:
    """The filters in words, for captions and exports (the period too unless ``with_period`` is False).

    >>> describe(Filters(crime_types=("smuggling",), transit=("PAN",)))
    'Crime type: Smuggling of migrants; Through country (transit): Panama'
    >>> describe(Filters(exclude_flagged=True, flags=("adjustment",)))
    'Exclude flagged cases; Only cases flagged by: adjustment'
    >>> describe(Filters())
    'All cases'
    """
    parts = []
    for f in FILTER_FIELDS:
        value = getattr(filters, f.name)
        if not value or (f.kind == "date" and not with_period):
            continue
        if f.kind == "toggle":
            parts.append(gettext(lang, f.label))
            continue
        if f.kind == "date":
            text = value.isoformat() if lang == "en" else format_date(value, lang)
        elif f.kind == "countries":
            text = ", ".join(country_name(c, lang) for c in value)
        elif f.kind == "modus":
            text = ", ".join(label(d, c, lang) for d, c in value)
        elif f.vocabulary:
            text = ", ".join(label(f.vocabulary, c, lang) for c in value)
        else:
            text = ", ".join(value)
        parts.append(f"{gettext(lang, f.label)}: {text}")
    return "; ".join(parts) if parts else gettext(lang, "All cases")


def fit_to_store(
    filters: Filters, period: tuple[dt.date, dt.date], choices: Mapping[str, Sequence[str]], lang: str = "en"
) -> tuple[Filters, list[str]]:
    """Fit filters (e.g. from a link) to what the store holds; return them and what was changed.

    The period is clipped to the store's first and last case date (dropped when it
    lies wholly outside); values the store has no choice for are dropped. ``choices``
    maps a filter's name to the values it may take; fields absent from it are kept.

    >>> bounds = (dt.date(2018, 1, 1), dt.date(2026, 9, 30))
    >>> fitted, notes = fit_to_store(Filters(start=dt.date(2016, 1, 1), sources=("PNC", "X")), bounds,
    ...                              {"sources": ["PNC"]})
    >>> fitted.start, fitted.sources
    (datetime.date(2018, 1, 1), ('PNC',))
    >>> notes
    ['From 2016-01-01 is before the first case (2018-01-01): the period starts there', 'Reporting source: X is not in the store']
    """
    first, last = period
    notes: list[str] = []
    start, end = filters.start, filters.end
    if (start and start > last) or (end and end < first) or (start and end and start > end):
        notes.append(
            gettext(lang, "the period {start} – {end} holds no case (cases run {first} – {last})").format(
                start=start or "…", end=end or "…", first=first, last=last
            )
        )
        start = end = None
    if start and start < first:
        notes.append(
            gettext(lang, "From {start} is before the first case ({first}): the period starts there").format(
                start=start, first=first
            )
        )
        start = first
    if end and end > last:
        notes.append(
            gettext(lang, "To {end} is after the last case ({last}): the period ends there").format(end=end, last=last)
        )
        end = last
    changes: dict[str, object] = {"start": start, "end": end}
    for f in FILTER_FIELDS:
        if f.name not in choices:
            continue
        allowed = set(choices[f.name])
        value = getattr(filters, f.name)
        kept = tuple(v for v in value if (":".join(v) if f.kind == "modus" else v) in allowed)
        for v in value:
            if v not in kept:
                notes.append(
                    gettext(lang, "{filter}: {value} is not in the store").format(
                        filter=gettext(lang, f.label), value=":".join(v) if f.kind == "modus" else v
                    )
                )
        changes[f.name] = kept
    return replace(filters, **changes), notes


def history_until(filters: Filters) -> Filters:
    """The same filters over the whole history up to the period's end: what a trend shows.

    >>> history_until(Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))).start is None
    True
    """
    return replace(filters, start=None)


def with_values(filters: Filters, **changes: object) -> Filters:
    """A copy with some fields changed (tuples for the multi-valued ones)."""
    names = {f.name for f in fields(Filters)}
    unknown = set(changes) - names
    if unknown:
        raise KeyError(f"unknown filter(s) {sorted(unknown)}; expected some of {sorted(names)}")
    return replace(filters, **changes)
