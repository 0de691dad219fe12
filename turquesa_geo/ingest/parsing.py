"""Parsers for the text values of incident files: dates, coordinates, lists, routes.

They work on the distinct values of a column, so a million-row file costs a few
thousand parses. Date order (day-first or month-first) is decided once per file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from turquesa_geo.countries import resolve_country
from turquesa_geo.i18n import N_, LocalizedError
from turquesa_geo.vocab import normalize_key, resolve_term, term_key

__all__ = [
    "MULTI_SPLIT",
    "DateOrderError",
    "ParsedList",
    "ParsedRoute",
    "decide_date_order",
    "parse_date",
    "parse_dates",
    "parse_multi",
    "parse_partial_date",
    "parse_route",
]

MULTI_SPLIT = re.compile(r"[;|]")
ROUTE_SPLIT = re.compile(r"\s*(?:>|→)\s*")

_MONTHS = {
    # English, Spanish, Portuguese and French abbreviations and names (accents folded).
    **dict.fromkeys(["jan", "january", "ene", "enero", "janeiro", "janv", "janvier"], 1),
    **dict.fromkeys(["feb", "february", "febrero", "fev", "fevereiro", "fevr", "fevrier"], 2),
    **dict.fromkeys(["mar", "march", "marzo", "marco", "mars"], 3),
    **dict.fromkeys(["apr", "april", "abr", "abril", "avr", "avril"], 4),
    **dict.fromkeys(["may", "mayo", "mai", "maio"], 5),
    **dict.fromkeys(["jun", "june", "junio", "junho", "juin"], 6),
    **dict.fromkeys(["jul", "july", "julio", "julho", "juil", "juillet"], 7),
    **dict.fromkeys(["aug", "august", "ago", "agosto", "aout"], 8),
    **dict.fromkeys(["sep", "sept", "september", "septiembre", "set", "setembro", "septembre"], 9),
    **dict.fromkeys(["oct", "october", "octubre", "out", "outubro", "octobre"], 10),
    **dict.fromkeys(["nov", "november", "noviembre", "novembro", "novembre"], 11),
    **dict.fromkeys(["dec", "december", "dic", "diciembre", "dez", "dezembro", "decembre"], 12),
}

_WEEKDAY_PREFIX = re.compile(r"^[A-Za-zÀ-ÿ]{2,9}\.?,\s*")
_TIME_SUFFIX = re.compile(r"(?:[ T]+-?\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)$")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})$")
_DAY_MONTHNAME = re.compile(r"^(\d{1,2})[-/. ]+(?:de\s+)?([^\W\d_]+)\.?[-/. ,]+(?:de\s+)?(\d{4}|\d{2})$")
_MONTHNAME_DAY = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_MONTHNAME_YEAR = re.compile(r"^([^\W\d_]+)\.?[-/. ,]+(?:(?:de|del|of)\s+)?(\d{4})$")
#: Years a date known only to its year or month may have.
_PARTIAL_YEARS = range(1900, 2101)


class DateOrderError(LocalizedError, ValueError):
    """The day/month order of a file's dates cannot be decided (its message can be read in any language)."""


def _clean_date(text: str) -> str:
    text = text.strip()
    text = _WEEKDAY_PREFIX.sub("", text)
    text = _TIME_SUFFIX.sub("", text)
    return text.strip()


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit years: incident files hold no dates before 1930 or after 2029.
        year += 2000 if year < 30 else 1900
    return year


def decide_date_order(values: Iterable[str]) -> str | None:
    """Decide whether a file's numeric dates are day-first ('dmy') or month-first ('mdy').

    Returns None when no value needs the decision (e.g. all ISO). Raises
    :class:`DateOrderError` when the values disagree or never tell.

    >>> decide_date_order(["2020-01-31", "13/02/2021", "01/02/2021"])
    'dmy'
    >>> decide_date_order(["12/31/2020", "01/02/2021"])
    'mdy'
    >>> decide_date_order(["2020-01-31"]) is None
    True
    """
    day_first = month_first = None
    undecided = None
    for value in values:
        match = _NUMERIC.match(_clean_date(value))
        if not match:
            continue
        a, b = int(match.group(1)), int(match.group(3))
        if a > 12 >= b:
            day_first = day_first or value
        elif b > 12 >= a:
            month_first = month_first or value
        elif a != b and a <= 12 and b <= 12:
            undecided = undecided or value
    if day_first and month_first:
        raise DateOrderError(
            N_(
                "dates are both day-first ({day_first!r}) and month-first ({month_first!r}); "
                "fix the file or give --date-format"
            ),
            day_first=day_first,
            month_first=month_first,
        )
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    if undecided:
        raise DateOrderError(
            N_(
                "cannot tell whether {value!r} is day-first or month-first: no date in the file has "
                "a day above 12; give --date-format (e.g. %d/%m/%Y)"
            ),
            value=undecided,
        )
    return None


def parse_date(text: str, order: str | None = None, date_format: str | None = None) -> dt.date | None:
    """Parse one date; None when the text is not a valid date.

    ``order`` ('dmy' or 'mdy') applies to numeric dates such as ``03/04/2020``;
    ``date_format`` (strptime syntax) is tried first when given. ISO dates and
    dates with month names are always understood.

    >>> parse_date("13-Jan-20")
    datetime.date(2020, 1, 13)
    >>> parse_date("Thu, 01/01/2026 - 12:00", "mdy")
    datetime.date(2026, 1, 1)
    >>> parse_date("2021-02-29") is None
    True
    >>> parse_date("03/04/2020", "dmy")
    datetime.date(2020, 4, 3)
    """
    if date_format:
        try:
            return dt.datetime.strptime(text.strip(), date_format).date()
        except ValueError:
            pass
    cleaned = _clean_date(text)
    try:
        return _parse_clean(cleaned, order)
    except ValueError:
        return None


def _parse_clean(text: str, order: str | None) -> dt.date | None:
    if match := _ISO.match(text):
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _NUMERIC.match(text):
        a, b, year = int(match.group(1)), int(match.group(3)), _year(match.group(4))
        if order is None:
            if a != b:
                return None
            order = "dmy"
        day, month = (a, b) if order == "dmy" else (b, a)
        return dt.date(year, month, day)
    if match := _DAY_MONTHNAME.match(text):
        month = _MONTHS.get(normalize_key(match.group(2)))
        return dt.date(_year(match.group(3)), month, int(match.group(1))) if month else None
    if match := _MONTHNAME_DAY.match(text):
        month = _MONTHS.get(normalize_key(match.group(1)))
        return dt.date(int(match.group(3)), month, int(match.group(2))) if month else None
    return None


def parse_partial_date(text: str) -> tuple[dt.date, str] | None:
    """A date known only to its month or year: (its first day, ``"month"`` or ``"year"``), or None.

    >>> parse_partial_date("2023")
    (datetime.date(2023, 1, 1), 'year')
    >>> parse_partial_date("mayo de 2023"), parse_partial_date("05/2023"), parse_partial_date("2023-5")
    ((datetime.date(2023, 5, 1), 'month'), (datetime.date(2023, 5, 1), 'month'), (datetime.date(2023, 5, 1), 'month'))
    >>> parse_partial_date("2023-13") is None, parse_partial_date("1492") is None, parse_partial_date("soon") is None
    (True, True, True)
    """
    cleaned = _clean_date(text)
    if match := _YEAR.match(cleaned):
        year, month, precision = int(match.group(1)), 1, "year"
    elif match := _YEAR_MONTH.match(cleaned):
        year, month, precision = int(match.group(1)), int(match.group(2)), "month"
    elif match := _MONTH_YEAR.match(cleaned):
        year, month, precision = int(match.group(2)), int(match.group(1)), "month"
    elif match := _MONTHNAME_YEAR.match(cleaned):
        year, month, precision = int(match.group(2)), _MONTHS.get(normalize_key(match.group(1)), 0), "month"
    else:
        return None
    if year not in _PARTIAL_YEARS or not 1 <= month <= 12:
        return None
    return dt.date(year, month, 1), precision


def parse_dates(values: Iterable[str], date_format: str | None = None) -> dict[str, dt.date | None]:
    """Parse distinct date texts of one file with one decided order.

    >>> parse_dates(["13/01/2020", "02/03/2020", "bad"])
    {'13/01/2020': datetime.date(2020, 1, 13), '02/03/2020': datetime.date(2020, 3, 2), 'bad': None}
    """
    values = list(dict.fromkeys(values))
    order = None if date_format else decide_date_order(values)
    return {v: parse_date(v, order, date_format) for v in values}


@dataclass(frozen=True)
class ParsedList:
    """A multi-valued field: the codes of its known terms, and the tokens no vocabulary knows."""

    codes: tuple[str, ...]
    unknown: tuple[str, ...] = ()

    @property
    def bad_token(self) -> str | None:
        """The first unknown token, or None."""
        return self.unknown[0] if self.unknown else None


def parse_multi(vocabulary: str, text: str, mapped: Mapping[str, str] | None = None) -> ParsedList:
    """Split a ``;``-separated field and resolve each token in ``vocabulary``.

    Codes come back sorted and without repeats; unknown tokens in their order, without
    repeats. ``mapped`` (term key to code: the analyst's term map of this vocabulary)
    is consulted for tokens the vocabulary does not know.

    >>> parse_multi("transport_mode", "Aéreo; land;LAND")
    ParsedList(codes=('air', 'land'), unknown=())
    >>> parse_multi("transport_mode", "land;camel;Camel")
    ParsedList(codes=('land',), unknown=('camel',))
    >>> parse_multi("transport_mode", "land;camel", {"camel": "land"})
    ParsedList(codes=('land',), unknown=())
    >>> parse_multi("transport_mode", " ; ")
    ParsedList(codes=(), unknown=())
    """
    found: set[str] = set()
    unknown: dict[str, str] = {}
    for token in MULTI_SPLIT.split(text):
        token = token.strip()
        if not token:
            continue
        code = resolve_term(vocabulary, token) or (mapped or {}).get(term_key(token))
        if code is None:
            unknown.setdefault(term_key(token), token)
        else:
            found.add(code)
    return ParsedList(tuple(sorted(found)), tuple(unknown.values()))


@dataclass(frozen=True)
class ParsedRoute:
    """An ordered list of transit countries, and the names that are not countries."""

    countries: tuple[str, ...]
    unknown: tuple[str, ...] = ()

    @property
    def bad_token(self) -> str | None:
        """The first name that is not a country, or None."""
        return self.unknown[0] if self.unknown else None


def parse_route(text: str, mapped: Mapping[str, str] | None = None) -> ParsedRoute:
    """Split a ``>``-separated transit field into ISO-3 codes, in order.

    Repeated consecutive countries collapse to one; names that are not countries are
    left out of the route and listed apart. ``mapped`` (term key to ISO-3: the
    analyst's map of country names) is consulted for names not known.

    >>> parse_route("Colombia > PA>Costa Rica")
    ParsedRoute(countries=('COL', 'PAN', 'CRI'), unknown=())
    >>> parse_route("COL>Atlantis>PAN")
    ParsedRoute(countries=('COL', 'PAN'), unknown=('Atlantis',))
    >>> parse_route("COL>Atlantis>PAN", {term_key("Atlantis"): "CRI"}).countries
    ('COL', 'CRI', 'PAN')
    """
    codes: list[str] = []
    unknown: list[str] = []
    for token in ROUTE_SPLIT.split(text.strip()):
        token = token.strip()
        if not token:
            continue
        code = resolve_country(token) or (mapped or {}).get(term_key(token))
        if code is None:
            if token not in unknown:
                unknown.append(token)
        elif not codes or codes[-1] != code:
            codes.append(code)
    return ParsedRoute(tuple(codes), tuple(unknown))
