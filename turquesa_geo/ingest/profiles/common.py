"""Import profiles: the public files analysts already use, mapped to the canonical model.

A profile is a small declarative mapping from a source's columns and codes to the
flat incident format (see :mod:`turquesa_geo.columns`), plus the few transformations
the source needs. Case-level profiles (IOM Missing Migrants, CTDC) turn each source
row into exactly one flat row with the same line number, and the flat importer then
validates, quarantines, reconciles and upserts it as it does any file. Aggregate
profiles (UNODC GLOTIP) write counts, not cases (see :mod:`turquesa_geo.ingest.profiles.glotip`).

Every profile also knows the columns that mark its files, so that a file given the
wrong profile is refused with the name of the profile it looks like (the registry,
:mod:`turquesa_geo.ingest.profiles`, holds every profile and does that check).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from turquesa_geo.countries import resolve_country
from turquesa_geo.i18n import N_, gettext
from turquesa_geo.ingest.parsing import parse_date

__all__ = [
    "FLAT_PROFILE",
    "MAX_PERSONS",
    "MIN_MARKER_SHARE",
    "PROBLEM_COLUMNS",
    "Mapping",
    "Profile",
    "allocate_persons",
    "as_text",
    "clean_text",
    "content_ids",
    "coordinate_precision",
    "first_column",
    "flag_set",
    "flag_tuples",
    "is_missing",
    "iso_dates",
    "marker_score",
    "note_text",
    "parse_coordinates",
    "quoted_cell",
    "repeated_rows",
    "resolve_countries",
    "text_array",
    "text_map",
    "whole_numbers",
]

#: How much of a profile's marker columns a file must have to be taken as that profile.
MIN_MARKER_SHARE = 0.5

#: The largest count a profile passes on as a number (the importer's own limit: a 32-bit count).
MAX_PERSONS = 2_147_483_647


@dataclass
class Mapping:
    """What a case profile made of a file: flat rows, and what it could not map.

    ``flat`` has one row per source row, the source's ``_line``, and flat-format text
    columns. ``used`` are the source columns read; the others are reported as ignored.
    ``unmapped`` lists, per source column, codes that were not understood (the row is
    kept; the code is left out); ``notes`` say in words what could not be mapped.
    """

    flat: pd.DataFrame
    used: set[str] = field(default_factory=set)
    unmapped: dict[str, list[str]] = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)

    def note(self, message: str, **params: object) -> None:
        """Say in words what could not be mapped: an English message id (mark it ``N_``) and its values.

        Notes stay data until shown (:func:`note_text`), so each reader gets them in their language.
        """
        self.notes.append({"message": message, "params": params})

    def not_understood(self, column: str, values: Iterable[str]) -> None:
        """Record codes of ``column`` that were not understood (sorted, without repeats)."""
        found = sorted({str(v) for v in values if v is not None and str(v).strip()})
        if found:
            self.unmapped[column] = sorted(set(self.unmapped.get(column, [])) | set(found))


@dataclass(frozen=True)
class Profile:
    """One importable source format.

    ``markers`` are groups of alternative column names (normalised to snake case, as
    the readers give them); a file has a group when it has any of its names.
    """

    name: str
    title: str
    source: str
    kind: str  # "cases" or "aggregates"
    markers: tuple[tuple[str, ...], ...]
    to_flat: Callable[[pd.DataFrame], Mapping] | None = None
    #: Header names of a first cell that may carry a preamble (terms of use) before the name.
    first_cell_names: tuple[str, ...] = ()
    #: Of an aggregate profile: the staged cells to (accepted counts, problems, mapping report); the
    #: accepted counts carry their doubts in ``flags`` (a tuple of rule names) and, when one count stands
    #: for several rows of the file, how many in ``rows`` (see :mod:`turquesa_geo.ingest.counts`).
    to_counts: Callable[[pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame, Mapping]] | None = None
    #: Every quarantine and flag rule of the format and what it means (English message ids).
    rules: dict[str, str] = field(default_factory=dict, hash=False)


#: The native flat incident format, as a profile: its markers tell a flat file from a public one.
FLAT_PROFILE = Profile(
    "flat", N_("Turquesa flat incident format"), "", "cases", (("incident_id",), ("date",), ("crime_type",))
)


def marker_score(p: Profile, columns: Iterable[str]) -> float:
    """Share of ``p``'s marker groups that ``columns`` has (0 to 1).

    >>> marker_score(FLAT_PROFILE, ["incident_id", "date", "place"])
    0.6666666666666666
    """
    have = set(columns)
    return sum(1 for group in p.markers if have.intersection(group)) / len(p.markers)


def note_text(note: dict, lang: str = "en") -> str:
    """A profile's note (see :meth:`Mapping.note`) in ``lang``.

    >>> note_text({"message": "{n} incident(s) name several countries of origin", "params": {"n": 2}})
    '2 incident(s) name several countries of origin'
    """
    message = note["message"]  # a message id marked N_ where the note was made
    return gettext(lang, message).format(**note["params"])


# --- transformations shared by the profiles ------------------------------------------


def text_array(values: Iterable[object]) -> pa.Array:
    """An Arrow string array of ``values``: None and NaN as null, anything else as its text.

    >>> text_array(["a", None, float("nan"), 3]).to_pylist()
    ['a', None, None, '3']
    """
    return pa.array([None if v is None or v != v else str(v) for v in values], pa.string())


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The staged cells as Python objects: text, and None for blank (whatever pandas' string dtype)."""
    return frame.astype(object).where(frame.notna(), None)


def is_missing(value: object) -> bool:
    """True for a cell that holds nothing: None, NaN or pandas' NA (never for text, even ``"nan"``).

    >>> [is_missing(v) for v in (None, float("nan"), pd.NA, "", "nan", 0)]
    [True, True, True, False, False, False]
    """
    return value is None or value is pd.NA or (isinstance(value, float) and bool(np.isnan(value)))


_SPACES = re.compile(r"\s+")


def clean_text(values: pd.Series) -> pd.Series:
    """Text as a reader should see it: HTML entities decoded, whitespace and newlines collapsed, blank as None.

    >>> clean_text(pd.Series(["Pac&iacute;fico &amp; Dari&eacute;n\\n", "  ", None])).tolist()
    ['Pacífico & Darién', None, None]
    """

    def one(value: object) -> str | None:
        if is_missing(value):
            return None
        text = _SPACES.sub(" ", html.unescape(str(value))).strip()
        return text or None

    return _per_distinct(values, one)


def _per_distinct(values: pd.Series, function: Callable[[object], object]) -> pd.Series:
    """``function`` applied once per distinct value (public files repeat their values a lot).

    Always an object column of the values ``function`` returns: ``Series.map`` would let
    pandas 3 infer a ``str`` column and turn every None into NaN.
    """
    distinct = pd.unique(values.dropna())
    lookup = {value: function(value) for value in distinct}
    blank = function(None)
    return pd.Series(
        [blank if missing else lookup.get(v) for v, missing in zip(values, values.isna().to_numpy())],
        index=values.index,
        dtype=object,
    )


def text_map(values: pd.Series, function: Callable[[object], object]) -> pd.Series:
    """``function`` of each present value (once per distinct one), None where the value is missing.

    The profiles' way to transform cells: the result holds Python values and None, never
    NaN, whatever pandas infers (``Series.map`` returning text and None gives a ``str``
    column of NaN under pandas 3, and text code then trips on a float).

    >>> text_map(pd.Series(["8.5", None, float("nan")], dtype=object), lambda t: t + "0").tolist()
    ['8.50', None, None]
    >>> text_map(pd.Series([("8", "9"), None], dtype=object), lambda p: p[0]).tolist()
    ['8', None]
    """
    return _per_distinct(values, lambda value: None if is_missing(value) else function(value))


def iso_dates(values: pd.Series, order: str) -> pd.Series:
    """Dates written as ISO ``YYYY-MM-DD``; a text that is no date is kept as written.

    ``order`` ('dmy' or 'mdy') settles numeric dates; month names, weekday prefixes and
    time suffixes are understood (``13-Jan-20``, ``Thu, 01/01/2026 - 12:00``).

    >>> iso_dates(pd.Series(["13-Jan-20", "Thu, 02/01/2026 - 12:00", "2019-05-04", "soon"]), "mdy").tolist()
    ['2020-01-13', '2026-02-01', '2019-05-04', 'soon']
    """

    def one(value: object) -> str:
        parsed = parse_date(str(value), order)
        return parsed.isoformat() if parsed else str(value)

    return text_map(values, one)


_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_LAT_LON = re.compile(rf"^\s*\(?\s*({_NUMBER})\s*[,;\s]\s*({_NUMBER})\s*\)?\s*$")
_WKT_POINT = re.compile(rf"^\s*POINT\s*\(\s*({_NUMBER})\s+({_NUMBER})\s*\)\s*$", re.IGNORECASE)


def parse_coordinates(text: str | None) -> tuple[str, str] | None:
    """(lat, lon) texts of a ``"lat, lon"`` field (or a WKT ``POINT (lon lat)``), digits kept as written.

    >>> parse_coordinates("8.5, -77.3"), parse_coordinates("POINT (-77.3 8.5)"), parse_coordinates("n/a")
    (('8.5', '-77.3'), ('8.5', '-77.3'), None)
    """
    if not isinstance(text, str):
        return None
    if match := _WKT_POINT.match(text):
        return match.group(2), match.group(1)
    if match := _LAT_LON.match(text):
        return match.group(1), match.group(2)
    return None


def coordinate_precision(lat: str | None, lon: str | None) -> str:
    """The location-precision code of a point from the decimals its source kept.

    Whole degrees when neither coordinate shows a decimal (as the importer's
    ``rounded_coordinates`` rule); otherwise the coarsest coordinate that shows decimals
    decides (``19.0, -71.7`` is a point to a tenth of a degree whose latitude ends in 0).
    A missing half of the point (None, or a NaN that pandas put in its place) leaves the
    country only.

    >>> coordinate_precision("9", "-79.0"), coordinate_precision("8.52", "-77.3"), coordinate_precision("8.521", "-77.3111")
    ('whole_degree', 'approximate', 'exact')
    >>> coordinate_precision("19.0", "-71.7"), coordinate_precision("8.5", float("nan")), coordinate_precision(None, None)
    ('approximate', 'country', 'country')
    """
    if not isinstance(lat, str) or not isinstance(lon, str):
        return "country"
    decimals = []
    for text in (lat, lon):
        _whole, _, fraction = text.replace(",", ".").partition(".")
        decimals.append(len(fraction.rstrip("0")))
    shown = [d for d in decimals if d > 0]
    if not shown:
        return "whole_degree"
    return "approximate" if min(shown) <= 2 else "exact"


_TRUE = frozenset({"1", "1.0", "true", "yes", "y", "x", "si", "sí"})


def flag_set(values: pd.Series) -> pd.Series:
    """True where a flag column is set (``1``, ``true``, ``yes``); ``0``, ``-99`` and blank are not.

    >>> flag_set(pd.Series(["1", "0", "-99", None, "True"])).tolist()
    [True, False, False, False, True]
    """
    return values.fillna("").astype(str).str.strip().str.lower().isin(_TRUE)


def content_ids(frame: pd.DataFrame, prefix: str) -> pd.Series:
    """Stable ids for rows that carry none: a digest of the row's content and its occurrence.

    Identical rows are different persons in victim-level data, so the n-th copy of a
    content gets ``-n``; a later release of the file keeps the ids of rows it repeats.

    >>> content_ids(pd.DataFrame({"a": ["x", "x", "y"]}), "t").str.len().tolist()
    [20, 20, 20]
    >>> ids = content_ids(pd.DataFrame({"a": ["x", "x", "y"]}), "t"); ids[0] != ids[1], ids[0][:-1] == ids[1][:-1]
    (True, True)
    """
    digests = pd.util.hash_pandas_object(frame.fillna(""), index=False).astype("uint64")
    occurrence = digests.groupby(digests).cumcount() + 1
    return prefix + "-" + digests.map(lambda d: f"{d:016x}") + "-" + occurrence.astype(str)


_NOT_A_COUNTRY = frozenset({"unknown", "mixed", "n/a", "na", "-99", "00", "", "not known", "undetermined"})


def resolve_countries(values: pd.Series, separator: str = ",") -> tuple[pd.Series, pd.Series, set[str]]:
    """(single ISO3 or None, number of countries named, texts not understood) of a multi-valued country field.

    A cell naming one country resolves to it; a cell naming several resolves to none
    (a route needs one origin), and its count tells how many were named.

    >>> iso, n, bad = resolve_countries(pd.Series(["Guatemala", "Honduras, El Salvador", "Unknown", "Atlantis"]))
    >>> iso.tolist(), n.tolist(), sorted(bad)
    (['GTM', None, None, None], [1, 2, 0, 0], ['Atlantis'])
    """
    bad: set[str] = set()

    def one(value: object) -> tuple[str | None, int]:
        if value is None:
            return None, 0
        found = []
        for token in str(value).split(separator):
            token = token.strip()
            if token.lower() in _NOT_A_COUNTRY:
                continue
            iso = resolve_country(token)
            if iso is None:
                bad.add(token)
            elif iso not in found:
                found.append(iso)
        return (found[0] if len(found) == 1 else None), len(found)

    pairs = _per_distinct(values, one)
    isos = pd.Series([p[0] for p in pairs], index=values.index, dtype=object)
    return isos, pd.Series([p[1] for p in pairs], index=values.index, dtype="int64"), bad


def first_column(frame: pd.DataFrame, names: Iterable[str], used: set[str]) -> pd.Series:
    """The first of ``names`` the frame has (noted in ``used``), else a column of None."""
    for name in names:
        if name in frame.columns:
            used.add(name)
            return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def whole_numbers(values: pd.Series) -> pd.Series:
    """Numbers of count cells written as text (``"3"``, ``"3.0"``, ``"-2"``); anything else as NaN.

    Blank, other text, fractions, infinities and counts beyond :data:`MAX_PERSONS` are
    not counts (the importer leaves them as not reported, flag ``bad_count``): a
    profile must not turn them into persons. Negative counts pass (IOM's adjustments).

    >>> whole_numbers(pd.Series(["3", "3.0", "-2", "1.5", "inf", "3e9", "two", None], dtype=object)).tolist()
    [3.0, 3.0, -2.0, nan, nan, nan, nan, nan]
    """
    numbers = pd.to_numeric(values.astype(object).where(values.notna(), None), errors="coerce").astype("float64")
    whole = np.isfinite(numbers) & (numbers == np.floor(numbers)) & (numbers.abs() <= MAX_PERSONS)
    return numbers.where(whole)


def allocate_persons(
    total: pd.Series, females: pd.Series, males: pd.Series, children: pd.Series
) -> dict[tuple[str, str], pd.Series]:
    """Spread persons reported as marginals (women and girls, men and boys, children) over sex × age cells.

    Sources like IOM's give the number of females, of males and of children among
    ``total`` persons, where children may or may not be counted in the sexes. Nothing
    is invented:

    - when females + males + children <= total, the three are taken as disjoint:
      children go to (unknown sex, minor), and the rest of ``total`` to (unknown, unknown);
    - otherwise the children are among the sexes: if only one sex is reported and it
      holds them, they are that sex's minors; if both are, the sexes keep unknown age;
    - a sex reported above ``total`` makes ``total`` the larger sum.

    Returns the count of each (gender, age group) cell; the cells of a row add up to
    max(total, females + males).

    >>> cells = allocate_persons(*(pd.Series([v]) for v in (3, 1, 1, 1)))
    >>> {k: int(v[0]) for k, v in cells.items() if v[0]}
    {('female', 'unknown'): 1, ('male', 'unknown'): 1, ('unknown', 'minor'): 1}
    >>> cells = allocate_persons(*(pd.Series([v]) for v in (2, 0, 2, 1)))
    >>> {k: int(v[0]) for k, v in cells.items() if v[0]}
    {('male', 'unknown'): 1, ('male', 'minor'): 1}
    """
    f, m, c = (s.fillna(0).clip(lower=0) for s in (females, males, children))
    t = pd.concat([total.fillna(0).clip(lower=0), f + m], axis=1).max(axis=1)
    disjoint = f + m + c <= t
    boys_only = ~disjoint & (f == 0) & (c <= m)
    girls_only = ~disjoint & (m == 0) & (c <= f)
    zero = pd.Series(0, index=t.index)
    cells = {
        ("female", "unknown"): f.where(~girls_only, f - c),
        ("female", "minor"): c.where(girls_only, zero),
        ("male", "unknown"): m.where(~boys_only, m - c),
        ("male", "minor"): c.where(boys_only, zero),
        ("unknown", "minor"): c.where(disjoint, zero),
        ("unknown", "unknown"): (t - f - m - c).where(disjoint, t - f - m),
    }
    return {key: value.astype("int64") for key, value in cells.items()}


# --- aggregate profiles: problems, flags and repeats ---------------------------------------

#: Columns of an aggregate profile's problems: one row per (line, rule), each quarantining its line.
PROBLEM_COLUMNS: tuple[str, ...] = ("line", "column_name", "rule", "value", "message")


def flag_tuples(odd: dict[str, Iterable[bool]], length: int) -> list[tuple[str, ...]]:
    """Per row, the rules (keys of ``odd``, in their order) whose flag is set; () for none.

    >>> flag_tuples({"unknown_sex": [False, True], "unknown_age_band": [True, True]}, 2)
    [('unknown_age_band',), ('unknown_sex', 'unknown_age_band')]
    >>> flag_tuples({}, 2)
    [(), ()]
    """
    columns = [(rule, list(set_)) for rule, set_ in odd.items()]
    return [tuple(rule for rule, set_ in columns if set_[i]) for i in range(length)]


def repeated_rows(keys: pd.DataFrame, lines: pd.Series) -> list[tuple[int, int]]:
    """(line, line of its first occurrence) of every row whose ``keys`` an earlier row already has.

    >>> repeated_rows(pd.DataFrame({"k": ["a", "b", "a"]}), pd.Series([2, 3, 4]))
    [(4, 2)]
    """
    filled = keys.astype(object).where(keys.notna(), "\x00")  # None repeats None, and differs from any text
    group = filled.groupby(list(filled.columns), sort=False, dropna=False).ngroup()
    firsts = group.drop_duplicates()
    first_line = dict(zip(firsts.to_numpy(), lines.loc[firsts.index].to_numpy()))
    later = group[group.duplicated()]
    return [(int(lines.loc[i]), int(first_line[g])) for i, g in zip(later.index, later.to_numpy())]


def quoted_cell(value: str | None) -> str:
    """A cell as a quarantine message quotes it: its text in quotes, or "(empty)".

    >>> quoted_cell("XYZ"), quoted_cell(None)
    ("'XYZ'", '(empty)')
    """
    return "(empty)" if value is None else repr(value)
