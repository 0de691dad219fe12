"""Synthetic demo incidents in the flat format, generated from a documented planted truth.

Corridors, person mixes, the online-recruitment rise and the 2020 dip are the plain data of
:mod:`turquesa_geo.demo.truth` (described in ``data/DEMO.md``); ``planted=False`` gives a stationary control.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from turquesa_geo import columns as col
from turquesa_geo import vocab
from turquesa_geo.demo.truth import (
    BOTH_SHARE,
    CYBERCRIME_SHARE_OFFLINE,
    CYBERCRIME_SHARE_ONLINE,
    DEMO_CORRIDORS,
    DEMO_END,
    DEMO_PLACES,
    DEMO_SOURCES,
    DEMO_START,
    EMPTY_TRANSIT_SHARE,
    FRAUD_TYPE_MIX,
    JITTER_DEGREES,
    LARGE_GROUP_LOG_MEDIAN,
    LARGE_GROUP_MIN,
    NETWORK_SHARES,
    ONLINE_RECRUITMENT,
    PANDEMIC_FACTORS,
    PERSON_CELLS,
    PLATFORM_MIX,
    SUSPECT_CELLS,
    SUSPECT_UNKNOWN_SHARE,
    TRUTH_CORRIDOR,
    TWO_POINT_SHARE,
    VOLUME_GROWTH_PER_YEAR,
    WOMEN_AND_GIRLS,
    Corridor,
    Mix,
    online_share,
)

__all__ = [
    "generate_demo",
    "iter_demo_chunks",
    "write_demo",
]

#: A mix of values (a code, or several codes joined by ``;``) and their shares.
_CRIME_CODES = ("trafficking", "smuggling", "both")
_TRAFFICKING, _SMUGGLING, _BOTH = range(len(_CRIME_CODES))
_LINKED_FLAGS = ("drugs", "firearms", "document_fraud", "cybercrime", "illicit_goods")
_ID_PREFIX = "DEMO-"
_MIN_ID_DIGITS = 7
_WRITERS = (".csv", ".parquet")
_DEFAULT_CHUNK_ROWS = 500_000
#: Flat column of each multi-valued vocabulary.
_COLUMN_OF: dict[str, str] = {vocabulary: name for name, vocabulary in col.MULTI_VALUE_COLUMNS.items()}


# ---------------------------------------------------------------- lookup tables


@dataclass(frozen=True)
class _Categorical:
    """Per-group mixes flattened for one vectorised draw: group g's cumulative shares are shifted by g."""

    values: tuple[str, ...]
    cdf: np.ndarray
    codes: np.ndarray
    last: np.ndarray


def _categorical(mixes: Sequence[Mix]) -> _Categorical:
    """Flatten one mix per group; value index 0 is always the empty string."""
    values: dict[str, int] = {"": 0}
    cdf_parts, code_parts, last = [], [], []
    for group, mix in enumerate(mixes):
        mix = mix or (("", 1.0),)
        shares = np.array([share for _, share in mix], dtype=float)
        cumulative = np.cumsum(shares / shares.sum())
        cumulative[-1] = 1.0
        cdf_parts.append(group + cumulative)
        code_parts.append([values.setdefault(value, len(values)) for value, _ in mix])
        last.append(sum(len(part) for part in cdf_parts) - 1)
    return _Categorical(
        values=tuple(values),
        cdf=np.concatenate(cdf_parts),
        codes=np.concatenate(code_parts).astype(np.int32),
        last=np.array(last),
    )


def _draw(rng: np.random.Generator, table: _Categorical, group: np.ndarray) -> np.ndarray:
    """Draw one value index per row from the mix of the row's group."""
    position = np.searchsorted(table.cdf, group + rng.random(len(group)), side="right")
    # g + u can round up to g + 1 when u is within 2**-53 of 1: stay in the group.
    return table.codes[np.minimum(position, table.last[group])]


@dataclass(frozen=True)
class _Tables:
    """Every per-corridor lookup the generator needs, built once from the plain data above."""

    countries: tuple[str, ...]
    corridor_cdf: np.ndarray
    crime: np.ndarray
    destination: np.ndarray
    transit: _Categorical
    origin: _Categorical
    origin_country: np.ndarray
    place: _Categorical
    place_country: np.ndarray
    place_lon: np.ndarray
    place_lat: np.ndarray
    person_mix: np.ndarray
    suspect_mix: np.ndarray
    group_mean: np.ndarray
    large_group_share: np.ndarray
    suspects_mean: np.ndarray
    transport: _Categorical
    concealment: _Categorical
    document_fraud: _Categorical
    recruitment: _Categorical
    control: _Categorical
    exploitation: _Categorical
    exploitation_sexual: np.ndarray
    platform: _Categorical
    linked_share: np.ndarray
    linked_values: tuple[str, ...]
    source: _Categorical
    source_regional: np.ndarray
    source_country: np.ndarray


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    countries = (
        "",
        *sorted(
            {c for k in DEMO_CORRIDORS for c in (*k.route, *(o for o, _ in k.origin_mix))}
            | {p.iso3 for p in DEMO_PLACES}
        ),
    )
    weights = np.array([k.weight for k in DEMO_CORRIDORS])
    return _Tables(
        countries=countries,
        corridor_cdf=np.cumsum(weights / weights.sum()),
        crime=np.array([_CRIME_CODES.index(k.crime_type) for k in DEMO_CORRIDORS]),
        **_geography_tables(countries),
        **_people_tables(),
        **_modus_tables(),
        **_source_tables(countries),
    )


def _geography_tables(countries: tuple[str, ...]) -> dict[str, object]:
    """Routes and detection places; country columns hold indices into ``countries``."""
    index = {code: i for i, code in enumerate(countries)}
    origins = _categorical([k.origin_mix or ((k.origin, 1.0),) for k in DEMO_CORRIDORS])
    places = _categorical([k.detection for k in DEMO_CORRIDORS])
    by_name = {p.name: p for p in DEMO_PLACES}
    placed = [by_name.get(name) for name in places.values]
    return {
        "destination": np.array([index[k.destination] for k in DEMO_CORRIDORS]),
        "transit": _categorical([((col.TRANSIT_SEPARATOR.join(k.transits), 1.0),) for k in DEMO_CORRIDORS]),
        "origin": origins,
        "origin_country": np.array([index[code] for code in origins.values]),
        "place": places,
        "place_country": np.array([index[p.iso3] if p else 0 for p in placed]),
        "place_lon": np.array([p.lon if p else np.nan for p in placed]),
        "place_lat": np.array([p.lat if p else np.nan for p in placed]),
    }


def _people_tables() -> dict[str, object]:
    return {
        "person_mix": np.array([k.person_mix for k in DEMO_CORRIDORS]),
        "suspect_mix": np.array([_suspect_mix(k) for k in DEMO_CORRIDORS]),
        "group_mean": np.array([k.group_mean for k in DEMO_CORRIDORS]),
        "large_group_share": np.array([k.large_group_share for k in DEMO_CORRIDORS]),
        "suspects_mean": np.array([k.suspects_mean for k in DEMO_CORRIDORS]),
    }


def _modus_tables() -> dict[str, object]:
    """Mixes of the multi-valued columns; the recruitment table's last group is online recruitment."""
    exploitation = _categorical([k.exploitation for k in DEMO_CORRIDORS])
    return {
        "transport": _categorical([k.transport for k in DEMO_CORRIDORS]),
        "concealment": _categorical([k.concealment for k in DEMO_CORRIDORS]),
        "document_fraud": _categorical([_fraud_mix(k) for k in DEMO_CORRIDORS]),
        "recruitment": _categorical([*(k.recruitment for k in DEMO_CORRIDORS), ONLINE_RECRUITMENT]),
        "control": _categorical([k.control for k in DEMO_CORRIDORS]),
        "exploitation": exploitation,
        "exploitation_sexual": np.array(["sexual" in v.split(col.MULTI_SEPARATOR) for v in exploitation.values]),
        "platform": _categorical([PLATFORM_MIX]),
        "linked_share": np.array([[k.drugs_share, k.firearms_share, k.illicit_goods_share] for k in DEMO_CORRIDORS]),
        "linked_values": _linked_crime_values(),
    }


def _suspect_mix(corridor: Corridor) -> tuple[float, float, float]:
    known = 1.0 - SUSPECT_UNKNOWN_SHARE
    return known * corridor.suspect_female_share, known * (1 - corridor.suspect_female_share), SUSPECT_UNKNOWN_SHARE


def _fraud_mix(corridor: Corridor) -> Mix:
    share = corridor.document_fraud_share
    return (("none", 1.0 - share), *((kind, share * part) for kind, part in FRAUD_TYPE_MIX))


def _linked_crime_values() -> tuple[str, ...]:
    """Linked-crimes text for every bit mask over _LINKED_FLAGS, codes in vocabulary order."""
    order = vocab.codes("linked_crime")
    values = []
    for mask in range(2 ** len(_LINKED_FLAGS)):
        present = {flag for bit, flag in enumerate(_LINKED_FLAGS) if mask >> bit & 1}
        values.append(col.MULTI_SEPARATOR.join(code for code in order if code in present))
    return tuple(values)


def _source_tables(countries: tuple[str, ...]) -> dict[str, object]:
    """Source mixes per (country index, crime index) group; see NETWORK_SHARES."""
    mixes = []
    for country in countries:
        for crime in _CRIME_CODES:
            candidates = [s for s in DEMO_SOURCES if s.iso3 in (None, country)]
            shares = NETWORK_SHARES[crime]
            per_network = {n: sum(s.network == n for s in candidates) for n in shares}
            mixes.append(
                tuple(
                    (s.name, shares.get(s.network, 0.0) / per_network[s.network])
                    for s in candidates
                    if shares.get(s.network, 0.0) > 0
                )
            )
    source = _categorical(mixes)
    by_name = {s.name: s for s in DEMO_SOURCES}
    regional = np.array([v == "" or by_name[v].iso3 is None for v in source.values])
    country_of = np.array([countries.index(by_name[v].iso3) if v and by_name[v].iso3 else 0 for v in source.values])
    return {"source": source, "source_regional": regional, "source_country": country_of}


@cache
def _days() -> np.ndarray:
    return np.arange(np.datetime64(DEMO_START), np.datetime64(DEMO_END) + 1, dtype="datetime64[D]")


@cache
def _day_text() -> pa.Array:
    return pa.array(_days().astype(str), type=pa.large_string())


@lru_cache(maxsize=2)
def _day_cdf(planted: bool) -> np.ndarray:
    """Cumulative share of cases by day: trend and pandemic factors when planted, flat otherwise."""
    days = _days()
    weights = np.ones(len(days))
    if planted:
        years = (days - days[0]).astype(float) / 365.25
        weights = (1 + VOLUME_GROWTH_PER_YEAR) ** years
        for first, last, factor in PANDEMIC_FACTORS:
            weights[(days >= np.datetime64(first)) & (days <= np.datetime64(last))] *= factor
    cdf = np.cumsum(weights / weights.sum())
    cdf[-1] = 1.0
    return cdf


# ---------------------------------------------------------------- one chunk


def _draw_corridor_and_day(rng: np.random.Generator, n: int, planted: bool) -> tuple[np.ndarray, np.ndarray]:
    corridor = np.searchsorted(_tables().corridor_cdf, rng.random(n), side="right")
    day = np.searchsorted(_day_cdf(planted), rng.random(n), side="right")
    # Guard the u -> 1 rounding edge as in _draw.
    return np.minimum(corridor, len(DEMO_CORRIDORS) - 1), np.minimum(day, len(_days()) - 1)


def _draw_crime(rng: np.random.Generator, corridor: np.ndarray) -> np.ndarray:
    both = rng.random(len(corridor)) < BOTH_SHARE
    return np.where(both, _BOTH, _tables().crime[corridor])


def _route_codes(rng: np.random.Generator, corridor: np.ndarray) -> dict[str, np.ndarray]:
    """Country and transit indices; a third of transit corridors' records lose their transit."""
    t = _tables()
    nationality = t.origin_country[_draw(rng, t.origin, corridor)]
    transit = _draw(rng, t.transit, corridor)
    completeness = rng.random(len(corridor))
    two_point = completeness < TWO_POINT_SHARE
    no_transit = completeness < EMPTY_TRANSIT_SHARE
    return {
        col.NATIONALITY: nationality,
        col.ORIGIN: np.where(two_point, 0, nationality),
        col.TRANSIT: np.where(no_transit, 0, transit),
        col.DESTINATION: np.where(two_point, 0, t.destination[corridor]),
    }


def _detection(rng: np.random.Generator, corridor: np.ndarray) -> dict[str, np.ndarray]:
    t = _tables()
    place = _draw(rng, t.place, corridor)
    jitter = rng.uniform(-JITTER_DEGREES, JITTER_DEGREES, size=(2, len(corridor)))
    return {
        col.DETECTION_COUNTRY: t.place_country[place],
        col.PLACE: place,
        col.LON: np.round(t.place_lon[place] + jitter[0], 4),
        col.LAT: np.round(t.place_lat[place] + jitter[1], 4),
    }


def _online(rng: np.random.Generator, corridor: np.ndarray, day: np.ndarray, planted: bool) -> np.ndarray:
    """Which records were recruited online: the regional curve, plus corridor surges when planted."""
    share = online_share(_days(), planted)[day]
    if planted:
        for index, corridor_def in enumerate(DEMO_CORRIDORS):
            if corridor_def.online_surge:
                first, surge = corridor_def.online_surge
                late = (corridor == index) & (_days()[day] >= np.datetime64(first))
                share = np.where(late, surge, share)
    return rng.random(len(corridor)) < share


def _modus_operandi(
    rng: np.random.Generator, corridor: np.ndarray, crime: np.ndarray, online: np.ndarray
) -> dict[str, np.ndarray]:
    """Value indices per multi-valued vocabulary; victim-context values stay empty for smuggling."""
    t = _tables()
    exploited = crime != _SMUGGLING
    recruitment_group = np.where(online, len(DEMO_CORRIDORS), corridor)
    codes = {
        "transport_mode": _draw(rng, t.transport, corridor),
        "recruitment_method": _draw(rng, t.recruitment, recruitment_group) * exploited,
        "control_method": _draw(rng, t.control, corridor) * exploited,
        "exploitation_form": _draw(rng, t.exploitation, corridor) * exploited,
        "concealment": _draw(rng, t.concealment, corridor),
        "platform": _draw(rng, t.platform, np.zeros_like(corridor)) * (online & exploited),
        "document_fraud": _draw(rng, t.document_fraud, corridor),
    }
    codes["linked_crime"] = _linked_crimes(rng, corridor, codes["document_fraud"], online & exploited)
    return codes


def _linked_crimes(rng: np.random.Generator, corridor: np.ndarray, fraud: np.ndarray, online: np.ndarray) -> np.ndarray:
    """Bit mask over _LINKED_FLAGS; document fraud follows the document_fraud column."""
    t = _tables()
    drawn = rng.random((len(corridor), 3)) < t.linked_share[corridor]
    cyber = rng.random(len(corridor)) < np.where(online, CYBERCRIME_SHARE_ONLINE, CYBERCRIME_SHARE_OFFLINE)
    has_fraud = fraud != t.document_fraud.values.index("none")
    flags = (drawn[:, 0], drawn[:, 1], has_fraud, cyber, drawn[:, 2])
    return sum(flag.astype(np.int32) << bit for bit, flag in enumerate(flags))


def _split_cells(rng: np.random.Generator, total: np.ndarray, mix: np.ndarray) -> list[np.ndarray]:
    """Multinomial split of each row's total over the columns of ``mix`` by sequential binomials."""
    remaining = total.astype(np.int64)
    left = np.ones(len(total))
    counts = []
    for cell in range(mix.shape[1] - 1):
        share = np.clip(np.divide(mix[:, cell], left, out=np.zeros(len(total)), where=left > 0), 0.0, 1.0)
        drawn = rng.binomial(remaining, share)
        counts.append(drawn)
        remaining = remaining - drawn
        left = left - mix[:, cell]
    return [*counts, remaining]


def _role_totals(
    rng: np.random.Generator, corridor: np.ndarray, crime: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Victims, migrants and suspects per record; 'both' records split their persons between roles."""
    t = _tables()
    n = len(corridor)
    persons = 1 + rng.poisson(t.group_mean[corridor] - 1)
    large = rng.random(n) < t.large_group_share[corridor]
    large_size = LARGE_GROUP_MIN + np.rint(rng.lognormal(LARGE_GROUP_LOG_MEDIAN, 0.5, n)).astype(np.int64)
    persons = np.where(large, large_size, persons)
    victims = np.where(crime == _BOTH, 1 + rng.binomial(persons - 1, 0.5), persons * (crime == _TRAFFICKING))
    suspects = rng.poisson(t.suspects_mean[corridor])
    suspects = np.where(crime == _SMUGGLING, suspects, np.maximum(suspects, 1))
    return victims, persons - victims, suspects


def _person_counts(
    rng: np.random.Generator, corridor: np.ndarray, crime: np.ndarray, exploitation: np.ndarray
) -> dict[str, np.ndarray]:
    """Count columns by role, sex and age.

    Victims of sexual exploitation in 'both' records of smuggling corridors follow the
    women-and-girls mix; every other person follows the corridor's mix.
    """
    t = _tables()
    victims, migrants, suspects = _role_totals(rng, corridor, crime)
    mix = t.person_mix[corridor]
    sexual_on_smuggling = (crime == _BOTH) & t.exploitation_sexual[exploitation] & (t.crime[corridor] == _SMUGGLING)
    victim_mix = np.where(sexual_on_smuggling[:, None], np.array(WOMEN_AND_GIRLS), mix)
    roles = (
        ("victim", victims, PERSON_CELLS, victim_mix),
        ("migrant", migrants, PERSON_CELLS, mix),
        ("suspect", suspects, SUSPECT_CELLS, t.suspect_mix[corridor]),
    )
    counts: dict[str, np.ndarray] = {}
    for role, total, cells, role_mix in roles:
        for (gender, age), values in zip(cells, _split_cells(rng, total, role_mix)):
            counts[col.count_column(role, gender, age)] = values.astype(np.int32)
    return counts


def _source(rng: np.random.Generator, country: np.ndarray, crime: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reporting agency, and reporting country (the detection country for regional networks)."""
    t = _tables()
    source = _draw(rng, t.source, country * len(_CRIME_CODES) + crime)
    reporting = np.where(t.source_regional[source], country, t.source_country[source])
    return source, reporting


def _incident_ids(first: int, n: int, digits: int) -> pa.Array:
    """``DEMO-`` plus a zero-padded number, built as fixed-width bytes (much faster than formatting)."""
    numbers = np.arange(first, first + n, dtype=np.int64)
    powers = 10 ** np.arange(digits - 1, -1, -1, dtype=np.int64)
    digits_block = (numbers[:, None] // powers % 10 + ord("0")).astype(np.uint8)
    prefix = np.broadcast_to(np.frombuffer(_ID_PREFIX.encode(), dtype=np.uint8), (n, len(_ID_PREFIX)))
    data = np.concatenate([prefix, digits_block], axis=1).ravel()
    width = len(_ID_PREFIX) + digits
    offsets = np.arange(n + 1, dtype=np.int64) * width
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _text(values: Sequence[str], codes: np.ndarray) -> pa.Array:
    # Large strings are what pandas' "str" dtype holds: no cast on to_pandas().
    return pa.array(values, type=pa.large_string()).take(pa.array(codes))


def _chunk_table(
    rng: np.random.Generator, first_id: int, n: int, digits: int, planted: bool, with_truth: bool
) -> pa.Table:
    """Generate one chunk of ``n`` records as an Arrow table in flat-format column order."""
    t = _tables()
    corridor, day = _draw_corridor_and_day(rng, n, planted)
    crime = _draw_crime(rng, corridor)
    route = _route_codes(rng, corridor)
    where = _detection(rng, corridor)
    online = _online(rng, corridor, day, planted)
    modus = _modus_operandi(rng, corridor, crime, online)
    counts = _person_counts(rng, corridor, crime, modus["exploitation_form"])
    source, reporting = _source(rng, where[col.DETECTION_COUNTRY], crime)
    data: dict[str, pa.Array] = {
        col.INCIDENT_ID: _incident_ids(first_id, n, digits),
        col.SOURCE: _text(t.source.values, source),
        col.NETWORK: _text([_network_of(v) for v in t.source.values], source),
        col.REPORTING_COUNTRY: _text(t.countries, reporting),
        col.DATE: _day_text().take(pa.array(day)),
        col.CRIME_TYPE: _text(_CRIME_CODES, crime),
        **{name: _text(t.countries, route[name]) for name in (col.NATIONALITY, col.ORIGIN, col.DESTINATION)},
        col.TRANSIT: _text(t.transit.values, route[col.TRANSIT]),
        col.DETECTION_COUNTRY: _text(t.countries, where[col.DETECTION_COUNTRY]),
        col.LAT: pa.array(where[col.LAT]),
        col.LON: pa.array(where[col.LON]),
        col.PLACE: _text(t.place.values, where[col.PLACE]),
        **{_COLUMN_OF[vocabulary]: _text(_values_of(vocabulary), codes) for vocabulary, codes in modus.items()},
        **{name: pa.array(values) for name, values in counts.items()},
    }
    ordered = {name: data[name] for name in col.FLAT_COLUMNS if name in data}
    if with_truth:
        ordered[TRUTH_CORRIDOR] = _text([k.key for k in DEMO_CORRIDORS], corridor)
    return pa.table(ordered)


@cache
def _network_of(source_name: str) -> str:
    return next((s.network for s in DEMO_SOURCES if s.name == source_name), "")


def _values_of(vocabulary: str) -> tuple[str, ...]:
    t = _tables()
    tables = {
        "transport_mode": t.transport,
        "recruitment_method": t.recruitment,
        "control_method": t.control,
        "exploitation_form": t.exploitation,
        "concealment": t.concealment,
        "platform": t.platform,
        "document_fraud": t.document_fraud,
    }
    return t.linked_values if vocabulary == "linked_crime" else tables[vocabulary].values


# ---------------------------------------------------------------- public API


def _check_sizes(rows: int, chunk_rows: int) -> None:
    if isinstance(rows, bool) or not isinstance(rows, (int, np.integer)) or rows < 0:
        raise ValueError(f"rows must be a non-negative integer, got {rows!r}")
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, (int, np.integer)) or chunk_rows < 1:
        raise ValueError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")


def _iter_tables(rows: int, seed: int, planted: bool, chunk_rows: int, with_truth: bool) -> Iterator[pa.Table]:
    """Arrow tables of at most ``chunk_rows`` rows; chunk i draws from SeedSequence(seed, spawn_key=(i,))."""
    _check_sizes(rows, chunk_rows)
    digits = max(_MIN_ID_DIGITS, len(str(rows)))
    for index, first in enumerate(range(0, rows, chunk_rows)):
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(index,))))
        yield _chunk_table(rng, first + 1, min(chunk_rows, rows - first), digits, planted, with_truth)


def _empty_table(with_truth: bool) -> pa.Table:
    rng = np.random.Generator(np.random.PCG64(0))
    return _chunk_table(rng, 1, 0, _MIN_ID_DIGITS, True, with_truth)


def iter_demo_chunks(
    rows: int, seed: int = 7, planted: bool = True, chunk_rows: int = _DEFAULT_CHUNK_ROWS, *, with_truth: bool = False
) -> Iterator[pd.DataFrame]:
    """Yield synthetic demo incidents in the flat format, ``chunk_rows`` at a time.

    Parameters
    ----------
    rows : int
        Total number of records (0 yields nothing).
    seed : int
        Random seed; output is deterministic for (rows, seed, planted, chunk_rows).
    planted : bool
        True plants the trend, pandemic dip and online-recruitment rise of
        ``data/DEMO.md``; False gives a stationary control with the same corridors.
    chunk_rows : int
        Records per chunk; incident ids run on across chunks.
    with_truth : bool
        Add the column :data:`TRUTH_CORRIDOR` with each record's corridor key.

    >>> [len(frame) for frame in iter_demo_chunks(5, chunk_rows=2)]
    [2, 2, 1]
    """
    for table in _iter_tables(rows, seed, planted, chunk_rows, with_truth):
        yield table.to_pandas()


def generate_demo(rows: int = 20_000, seed: int = 7, planted: bool = True, *, with_truth: bool = False) -> pd.DataFrame:
    """Return ``rows`` synthetic demo incidents in the flat format as one frame.

    See :func:`iter_demo_chunks` for the parameters.

    >>> frame = generate_demo(3, seed=1)
    >>> frame["incident_id"].tolist()
    ['DEMO-0000001', 'DEMO-0000002', 'DEMO-0000003']
    >>> generate_demo(0).shape[0]
    0
    """
    tables = list(_iter_tables(rows, seed, planted, _DEFAULT_CHUNK_ROWS, with_truth)) or [_empty_table(with_truth)]
    return pa.concat_tables(tables).to_pandas()


def write_demo(
    path: str | Path,
    rows: int,
    seed: int = 7,
    planted: bool = True,
    *,
    chunk_rows: int = _DEFAULT_CHUNK_ROWS,
    with_truth: bool = False,
) -> Path:
    """Write ``rows`` synthetic demo incidents to a CSV or Parquet file, chunk by chunk.

    Parameters
    ----------
    path : str or Path
        Target file ending in ``.csv`` or ``.parquet``; it is overwritten.
    rows, seed, planted, chunk_rows, with_truth
        As in :func:`iter_demo_chunks`.

    Returns
    -------
    Path
        The written file.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in _WRITERS:
        raise ValueError(f"cannot write demo data to {str(target)!r}: the name must end in one of {_WRITERS}")
    _check_sizes(rows, chunk_rows)  # before the file is opened, so a bad call leaves no file behind
    tables = _iter_tables(rows, seed, planted, chunk_rows, with_truth)
    schema = _empty_table(with_truth).schema
    writer = (
        pa_csv.CSVWriter(str(target), schema, write_options=pa_csv.WriteOptions(quoting_style="needed"))
        if suffix == ".csv"
        else pq.ParquetWriter(str(target), schema)
    )
    with writer:
        for table in tables:
            writer.write_table(table)
    return target
