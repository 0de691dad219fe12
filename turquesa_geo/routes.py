"""Probable routes of trafficking and smuggling cases, reconstructed from partial records.

Complete records (with a transit) teach a corridor graph; partial ones get the gaps between their known points filled.

The functions work on distinct route signatures with case counts, not on cases: the caller
aggregates cases into :data:`SIGNATURE_COLUMNS` plus :data:`CASES` (in DuckDB), calls
:func:`reconstruct_routes`, and aggregates the routes back with :func:`route_legs` or SQL.

Rules
-----
- **Known points** (:func:`known_points`): start = origin, else nationality; then the transit
  countries; then the detection country when it is not already in the sequence and differs
  from the end (a detection place between start and end is a waypoint); end = destination,
  else the detection country, unless the start or the transit already places it (a record
  detected on the way, with no destination: the route ends at its last known point, never
  turning back).
  Consecutive duplicates collapse, except that a record whose origin and destination are
  the same country keeps both (a domestic journey has one leg).
- **Complete records** are those with a non-empty transit. They pass unchanged
  (``route_status`` 'observed', confidence 1.0) and they alone teach the graph.
- **Stretches**: each pair of consecutive known points (a, b) of a partial record is looked
  up among complete records where a comes before b, in the most specific group that has
  any: same journey start and end as the record, then same start, then same end, then all.
  The most frequent intermediate sequence (by cases; ties go to the lexicographically
  smallest, the direct leg first) is chosen; its share in that group is the stretch's
  confidence. Legs of a filled stretch are marked inferred ('1').
- **Unresolved**: when no complete record links a and b, the leg stays direct, as reported
  (inferred '0'), and the stretch's confidence is :data:`UNRESOLVED_CONFIDENCE`.
  A record with fewer than two known points is unresolved with that confidence.
- A record's confidence is the product of its stretches' confidences; its status is
  'unresolved' when any stretch is, else 'completed'.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from turquesa_geo import columns as col

__all__ = [
    "CASES",
    "COMPLETED",
    "CONFIDENCE",
    "FROM_ISO3",
    "INFERRED",
    "LEGS_INFERRED",
    "LEG_INDEX",
    "N_INFERRED",
    "OBSERVED",
    "ROUTE",
    "ROUTE_COLUMNS",
    "ROUTE_SEPARATOR",
    "ROUTE_STATUS",
    "ROUTE_STATUSES",
    "SIGNATURE_COLUMNS",
    "TO_ISO3",
    "UNRESOLVED",
    "UNRESOLVED_CONFIDENCE",
    "CorridorGraph",
    "known_points",
    "learn_corridor_graph",
    "reconstruct_routes",
    "resolve_route",
    "route_legs",
    "signature_points",
]

SIGNATURE_COLUMNS: tuple[str, ...] = (col.NATIONALITY, col.ORIGIN, col.TRANSIT, col.DESTINATION, col.DETECTION_COUNTRY)
#: The measure column counting the cases of each signature (the weight when learning).
CASES = "cases"

ROUTE = "route"
LEGS_INFERRED = "legs_inferred"
N_INFERRED = "n_inferred"
CONFIDENCE = "confidence"
ROUTE_STATUS = "route_status"
#: Columns that :func:`reconstruct_routes` adds, in order.
ROUTE_COLUMNS: tuple[str, ...] = (ROUTE, LEGS_INFERRED, N_INFERRED, CONFIDENCE, ROUTE_STATUS)

FROM_ISO3 = "from_iso3"
TO_ISO3 = "to_iso3"
LEG_INDEX = "leg_index"
INFERRED = "inferred"

OBSERVED = "observed"
COMPLETED = "completed"
UNRESOLVED = "unresolved"
ROUTE_STATUSES: tuple[str, ...] = (OBSERVED, COMPLETED, UNRESOLVED)

#: Confidence of a stretch that no complete record links: even odds that the direct
#: leg as reported is the whole story.
UNRESOLVED_CONFIDENCE = 0.5

ROUTE_SEPARATOR = col.TRANSIT_SEPARATOR

Route = tuple[str, ...]
#: (journey start or '' for any, journey end or '' for any, from country, to country).
_ScopeKey = tuple[str, str, str, str]


# ---------------------------------------------------------------- known points


def _clean(value: object) -> str | None:
    """A country code, or None for None, NaN, pd.NA and blank text."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _split_transit(transit: str | None) -> Route:
    if not transit:
        return ()
    return tuple(part.strip() for part in transit.split(ROUTE_SEPARATOR) if part.strip())


def _points(
    nationality: str | None, origin: str | None, transits: Route, destination: str | None, detection: str | None
) -> Route:
    """Known points from cleaned values (see the module rules)."""
    start = origin or nationality
    sequence = [point for point in (start, *transits) if point]
    # Detected at the start or in a transit country, with no destination: on the way, not at the end.
    end = destination or (detection if detection not in sequence else None)
    if detection and detection not in sequence and detection != end:
        sequence.append(detection)
    if end:
        sequence.append(end)
    collapsed = [point for index, point in enumerate(sequence) if index == 0 or point != sequence[index - 1]]
    if len(collapsed) == 1 and origin and origin == destination:
        return (origin, origin)
    return tuple(collapsed)


def signature_points(
    nationality: str, origin: str, transit: str, destination: str, detection: str
) -> tuple[Route, bool]:
    """Known points of a cleaned signature ('' = missing) and whether it is complete (has transits)."""
    transits = _split_transit(transit)
    points = _points(nationality or None, origin or None, transits, destination or None, detection or None)
    return points, bool(transits)


def known_points(
    origin: object, transit: object, destination: object, nationality: object = None, detection_country: object = None
) -> tuple[str, ...]:
    """Return the ordered observed waypoints of one record.

    Parameters
    ----------
    origin, destination, nationality, detection_country : str or None
        ISO-3 codes; None, NaN and blank text mean "not recorded".
    transit : str or None
        Transit countries in order, joined by ``>``.

    Returns
    -------
    tuple of str
        Start (origin, else nationality), transits, the detection country when it is a new
        waypoint before the end, and the end (destination, else the detection country
        unless it is the start or a transit country: then the last of those).

    Examples
    --------
    >>> known_points("VEN", None, "USA", "VEN", "PAN")
    ('VEN', 'PAN', 'USA')
    >>> known_points("", float("nan"), None, "HTI", "DOM")
    ('HTI', 'DOM')
    >>> known_points("VEN", "COL>PAN", "USA", "VEN", "PAN")
    ('VEN', 'COL', 'PAN', 'USA')
    >>> known_points("VEN", "COL>PAN>CRI", None, "VEN", "COL")
    ('VEN', 'COL', 'PAN', 'CRI')
    >>> known_points("VEN", "", "VEN", "VEN", "VEN")
    ('VEN', 'VEN')
    >>> known_points(None, None, None, "HTI", "HTI")
    ('HTI',)
    >>> known_points(None, None, None)
    ()
    """
    cleaned_transit = _clean(transit)
    return _points(
        _clean(nationality),
        _clean(origin),
        _split_transit(cleaned_transit),
        _clean(destination),
        _clean(detection_country),
    )


# ---------------------------------------------------------------- the corridor graph


_ANY = ""  # wildcard journey start or end in the stretch table
_STRETCH_KEY = ("start", "end", FROM_ISO3, TO_ISO3)
_INTERMEDIATE = "intermediate"


def _scopes(start: str | None, end: str | None, a: str, b: str) -> Iterable[_ScopeKey]:
    """Evidence groups for the stretch a..b, most specific first."""
    if start and end:
        yield (start, end, a, b)
    if start:
        yield (start, _ANY, a, b)
    if end:
        yield (_ANY, end, a, b)
    yield (_ANY, _ANY, a, b)


@dataclass(frozen=True, eq=False)
class CorridorGraph:
    """What complete records say about how countries are linked.

    Attributes
    ----------
    transitions : dict
        ``(a, b)`` -> cases of complete routes that go from a straight to b.
    stretches : DataFrame
        Index ``(start, end, from_iso3, to_iso3)``, columns ``intermediate`` (codes joined by
        ``>``, '' for a direct leg) and ``cases``: how complete routes with that journey start
        and end went from a to b (a before b); '' in ``start`` or ``end`` pools all routes.
    best : dict
        ``(start, end, a, b)`` -> (most frequent intermediate sequence joined by ``>``, its
        share of cases).
    complete_cases : float
        Cases of the complete records learnt from.

    Examples
    --------
    >>> graph = CorridorGraph.from_routes({("VEN", "COL", "PAN"): 3.0})
    >>> graph.transitions[("VEN", "COL")], graph.most_probable("VEN", "PAN")
    (3.0, (('COL',), 1.0))
    >>> graph.most_probable("PAN", "VEN") is None
    True
    """

    transitions: dict[tuple[str, str], float] = field(default_factory=dict)
    stretches: pd.DataFrame = field(default_factory=lambda: _stretch_table({}))
    best: dict[_ScopeKey, tuple[str, float]] = field(default_factory=dict)
    complete_cases: float = 0.0

    @classmethod
    def from_routes(cls, routes: dict[Route, float]) -> CorridorGraph:
        """Build the graph from complete routes (their known points) and their cases."""
        transitions: dict[tuple[str, str], float] = defaultdict(float)
        for route, cases in routes.items():
            for pair in pairwise(route):
                transitions[pair] += cases
        stretches = _stretch_table(routes)
        return cls(dict(transitions), stretches, _best_sequences(stretches), float(sum(routes.values())))

    def sequences(self, a: str, b: str, start: str | None = None, end: str | None = None) -> dict[Route, float]:
        """Cases per intermediate sequence from a to b, in the most specific group with evidence."""
        for key in _scopes(start, end, a, b):
            if key in self.best:
                found = self.stretches.loc[[key]]
                return {_split_transit(seq): float(n) for seq, n in zip(found[_INTERMEDIATE], found[CASES])}
        return {}

    def most_probable(
        self, a: str, b: str, start: str | None = None, end: str | None = None
    ) -> tuple[Route, float] | None:
        """The most frequent intermediate sequence from a to b and its share, or None without evidence.

        Ties go to the lexicographically smallest sequence (codes joined by ``>``), so the
        direct leg wins a tie.
        """
        for key in _scopes(start, end, a, b):
            found = self.best.get(key)
            if found is not None:
                return _split_transit(found[0]), found[1]
        return None


def _shortest_stretches(route: Route) -> dict[tuple[str, str], Route]:
    """For each ordered pair (a, b) of a route, the countries between its closest occurrences."""
    stretches: dict[tuple[str, str], Route] = {}
    for gap in range(1, len(route)):
        for i in range(len(route) - gap):
            stretches.setdefault((route[i], route[i + gap]), route[i + 1 : i + gap])
    return stretches


def _stretch_table(routes: dict[Route, float]) -> pd.DataFrame:
    """Cases per (start, end, a, b, intermediate), with journey start and end also pooled ('')."""
    records = [
        (route[0], route[-1], a, b, ROUTE_SEPARATOR.join(intermediate), cases)
        for route, cases in routes.items()
        for (a, b), intermediate in _shortest_stretches(route).items()
    ]
    frame = pd.DataFrame.from_records(records, columns=[*_STRETCH_KEY, _INTERMEDIATE, CASES])
    frame = frame.astype({name: "str" for name in (*_STRETCH_KEY, _INTERMEDIATE)} | {CASES: "float64"})
    scoped = pd.concat([frame, frame.assign(end=_ANY), frame.assign(start=_ANY), frame.assign(start=_ANY, end=_ANY)])
    summed = scoped.groupby([*_STRETCH_KEY, _INTERMEDIATE], sort=False)[CASES].sum().reset_index()
    # Most cases first, then lexicographic: the first row of each key is its choice.
    ordered = summed.sort_values([*_STRETCH_KEY, CASES, _INTERMEDIATE], ascending=[True] * 4 + [False, True])
    return ordered.set_index(list(_STRETCH_KEY))


def _best_sequences(stretches: pd.DataFrame) -> dict[_ScopeKey, tuple[str, float]]:
    total = stretches.groupby(level=list(range(len(_STRETCH_KEY))), sort=False)[CASES].transform("sum")
    first = ~stretches.index.duplicated(keep="first")
    chosen = stretches[first]
    shares = chosen[CASES].to_numpy() / total.to_numpy()[first]
    return dict(zip(chosen.index.tolist(), zip(chosen[_INTERMEDIATE].tolist(), shares.tolist())))


def learn_corridor_graph(signatures: pd.DataFrame, weight: str = CASES) -> CorridorGraph:
    """Learn a corridor graph from the complete records (non-empty transit) of a signature frame.

    Parameters
    ----------
    signatures : DataFrame
        :data:`SIGNATURE_COLUMNS` and ``weight``; other columns are ignored.
    weight : str
        Column with the cases of each signature.

    Returns
    -------
    CorridorGraph

    Examples
    --------
    >>> frame = pd.DataFrame({"nationality": ["VEN", "VEN"], "origin": ["VEN", "VEN"],
    ...                       "transit": ["COL>PAN", None], "destination": ["USA", "USA"],
    ...                       "detection_country": ["PAN", "MEX"], "cases": [4, 7]})
    >>> graph = learn_corridor_graph(frame)
    >>> graph.complete_cases, graph.most_probable("VEN", "USA")
    (4.0, (('COL', 'PAN'), 1.0))
    """
    _check_columns(signatures, (*SIGNATURE_COLUMNS, weight), "signatures")
    clean = _clean_signatures(signatures)
    complete = clean[col.TRANSIT] != ""
    routes: dict[Route, float] = defaultdict(float)
    rows = clean[complete]
    for *values, cases in zip(
        *(rows[name].to_numpy() for name in SIGNATURE_COLUMNS), signatures.loc[complete, weight].to_numpy()
    ):
        points, is_complete = signature_points(*values)
        if is_complete and len(points) >= 2 and cases > 0:
            routes[points] += float(cases)
    return CorridorGraph.from_routes(dict(routes))


# ---------------------------------------------------------------- reconstruction


def _check_columns(frame: pd.DataFrame, required: Sequence[str], name: str) -> None:
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} lacks columns {missing}; expected at least {list(required)}, got {list(frame.columns)}"
        )


def _clean_signatures(frame: pd.DataFrame) -> pd.DataFrame:
    """The signature columns as stripped text, '' where missing (None, NaN, pd.NA, blank)."""
    clean = {}
    for name in SIGNATURE_COLUMNS:
        values = frame[name].astype(object)
        clean[name] = values.where(values.notna(), "").astype(str).str.strip()
    return pd.DataFrame(clean, index=frame.index)


def _distinct(clean: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Codes of each row's signature and the distinct signatures, in order of first appearance."""
    key = clean[SIGNATURE_COLUMNS[0]]
    for name in SIGNATURE_COLUMNS[1:]:
        key = key + "\x1f" + clean[name]
    codes, _ = pd.factorize(key)
    first = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())
    return codes, clean.iloc[first]


def resolve_route(points: Route, graph: CorridorGraph, memo: dict) -> tuple[str, str, int, float, str]:
    """Route, inferred flags, inferred count, confidence and status of one partial record."""
    if len(points) < 2:
        return ROUTE_SEPARATOR.join(points), "", 0, UNRESOLVED_CONFIDENCE, UNRESOLVED
    start, end = points[0], points[-1]
    route, flags, confidence, unresolved = [start], [], 1.0, False
    for a, b in pairwise(points):
        key = (start, end, a, b)
        if key not in memo:
            memo[key] = graph.most_probable(a, b, start, end)
        found = memo[key]
        if found is None:
            intermediate, share, unresolved = (), UNRESOLVED_CONFIDENCE, True
        else:
            intermediate, share = found
        route.extend((*intermediate, b))
        flags.append("1" * (len(intermediate) + 1) if intermediate else "0")
        confidence *= share
    legs = "".join(flags)
    return (ROUTE_SEPARATOR.join(route), legs, legs.count("1"), confidence, UNRESOLVED if unresolved else COMPLETED)


def _reconstruct_distinct(distinct: pd.DataFrame, graph: CorridorGraph) -> pd.DataFrame:
    """One reconstructed route per distinct signature (a loop over signatures, not cases)."""
    memo: dict = {}
    results = []
    for values in zip(*(distinct[name].to_numpy() for name in SIGNATURE_COLUMNS)):
        points, is_complete = signature_points(*values)
        if is_complete:
            results.append((ROUTE_SEPARATOR.join(points), "0" * max(len(points) - 1, 0), 0, 1.0, OBSERVED))
        else:
            results.append(resolve_route(points, graph, memo))
    return pd.DataFrame.from_records(results, columns=list(ROUTE_COLUMNS))


def _typed(routes: pd.DataFrame) -> pd.DataFrame:
    return routes.astype(
        {ROUTE: "str", LEGS_INFERRED: "str", N_INFERRED: "int64", CONFIDENCE: "float64", ROUTE_STATUS: "str"}
    )


def reconstruct_routes(signatures: pd.DataFrame, graph: CorridorGraph | None = None) -> pd.DataFrame:
    """Add the probable full route of each signature, filling gaps from complete records.

    Parameters
    ----------
    signatures : DataFrame
        :data:`SIGNATURE_COLUMNS`, and :data:`CASES` when ``graph`` is None; every other
        column (measures, crime type...) is passed through.
    graph : CorridorGraph, optional
        Learnt elsewhere; by default learnt from ``signatures`` themselves.

    Returns
    -------
    DataFrame
        The input with :data:`ROUTE_COLUMNS` added: ``route`` (codes joined by ``>``),
        ``legs_inferred`` (one '0'/'1' per leg, '1' = inferred), ``n_inferred``,
        ``confidence`` in [0, 1] and ``route_status`` ('observed', 'completed' or
        'unresolved'); see the module rules.

    Examples
    --------
    >>> frame = pd.DataFrame({"nationality": ["VEN", "VEN", "HTI"], "origin": ["VEN", "VEN", None],
    ...                       "transit": ["COL>PAN", None, None], "destination": ["USA", "USA", None],
    ...                       "detection_country": ["PAN", "PAN", "DOM"], "cases": [3, 2, 1]})
    >>> reconstruct_routes(frame)[["route", "legs_inferred", "confidence", "route_status"]]
                 route legs_inferred  confidence route_status
    0  VEN>COL>PAN>USA           000         1.0     observed
    1  VEN>COL>PAN>USA           110         1.0    completed
    2          HTI>DOM             0         0.5   unresolved
    """
    required = (*SIGNATURE_COLUMNS, CASES) if graph is None else SIGNATURE_COLUMNS
    _check_columns(signatures, required, "signatures")
    if graph is None:
        graph = learn_corridor_graph(signatures)
    codes, distinct = _distinct(_clean_signatures(signatures))
    routes = _typed(_reconstruct_distinct(distinct, graph))
    output = signatures.drop(columns=[name for name in ROUTE_COLUMNS if name in signatures.columns])
    for name in ROUTE_COLUMNS:
        output[name] = routes[name].to_numpy()[codes] if len(codes) else routes[name].to_numpy()
    return output


# ---------------------------------------------------------------- legs


def _exploded_legs(routes: pd.DataFrame) -> pd.DataFrame:
    """One row per leg: position of the route's row, leg index, from, to, inferred."""
    points = routes[ROUTE].fillna("").astype(str).reset_index(drop=True).str.split(ROUTE_SEPARATOR).explode()
    points = points[points.notna() & (points != "")]
    following = points.groupby(level=0).shift(-1)
    legs = pd.DataFrame({"row": points.index.to_numpy(), FROM_ISO3: points.to_numpy(), TO_ISO3: following.to_numpy()})
    legs[LEG_INDEX] = legs.groupby("row").cumcount()
    legs = legs[legs[TO_ISO3].notna()].reset_index(drop=True)
    # Flags are one character per leg, in the same row-then-leg order as the exploded legs.
    flags = "".join(routes[LEGS_INFERRED].fillna("").astype(str))
    if len(flags) != len(legs):
        raise ValueError(
            f"legs_inferred holds {len(flags)} flags for {len(legs)} legs: "
            "expected one '0' or '1' per leg of each route"
        )
    legs[INFERRED] = np.frombuffer(flags.encode("ascii"), dtype=np.uint8) == ord("1")
    return legs


def route_legs(routes: pd.DataFrame, measures: Sequence[str] = (CASES,), by: Sequence[str] = ()) -> pd.DataFrame:
    """Sum measures over the legs of reconstructed routes, inferred legs apart from observed ones.

    Parameters
    ----------
    routes : DataFrame
        Output of :func:`reconstruct_routes` (``route``, ``legs_inferred`` and the measures).
    measures : sequence of str
        Columns summed per leg.
    by : sequence of str
        Extra grouping columns kept in front (e.g. ``crime_type``).

    Returns
    -------
    DataFrame
        Columns ``*by``, ``from_iso3``, ``to_iso3``, ``leg_index`` (the earliest position of
        the leg in any of its routes, 0 = first leg), ``inferred`` (bool) and the summed
        measures; one row per (``*by``, from, to, inferred), sorted by them.

    Examples
    --------
    >>> frame = pd.DataFrame({"route": ["VEN>COL>PAN", "VEN>COL", "HTI"], "legs_inferred": ["01", "0", ""],
    ...                       "cases": [2, 5, 1]})
    >>> route_legs(frame)
      from_iso3 to_iso3  leg_index  inferred  cases
    0       COL     PAN          1      True      2
    1       VEN     COL          0     False      7
    """
    _check_columns(routes, (ROUTE, LEGS_INFERRED, *by, *measures), "routes")
    legs = _exploded_legs(routes)
    values = routes[[*by, *measures]].iloc[legs["row"].to_numpy()].reset_index(drop=True)
    legs = pd.concat([legs.drop(columns="row"), values], axis=1)
    keys = [*by, FROM_ISO3, TO_ISO3, INFERRED]
    summed = legs.groupby(keys, sort=True, dropna=False).agg(
        **{LEG_INDEX: (LEG_INDEX, "min")}, **{name: (name, "sum") for name in measures}
    )
    summed = summed.reset_index()
    return summed[[*by, FROM_ISO3, TO_ISO3, LEG_INDEX, INFERRED, *measures]]
