"""Cached reads of the store for the pages, keyed on small values (filters, data version)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from turquesa_geo import corridors, encounters, gender, references, reported_routes, signals, trends
from turquesa_geo import outcomes as outcome_tables
from turquesa_geo.cooperation import contacts_path, load_contacts, reporters_by_corridor, shared_cases
from turquesa_geo.filters import Filters, from_query_params, to_query_params
from turquesa_geo.ingest.terms import unmapped_terms
from turquesa_geo.store import inventory
from turquesa_ui.store import current_data_version, store_cursor


@st.cache_resource(show_spinner=False, max_entries=4)
def _graph(version: str):
    return corridors.corridor_graph(store_cursor())


@st.cache_data(show_spinner=False, max_entries=8)
def _choices(version: str) -> dict[str, list[str]]:
    return inventory.store_choices(store_cursor())


@st.cache_data(show_spinner=False, max_entries=8)
def _period(version: str):
    return corridors.store_period(store_cursor())


@st.cache_data(show_spinner=False, max_entries=64)
def _view(version: str, key: tuple[tuple[str, str], ...]) -> corridors.CorridorView:
    filters, _ = from_query_params(dict(key))
    return corridors.corridor_view(store_cursor(), filters, graph=_graph(version))


@st.cache_data(show_spinner=False, max_entries=4)
def _unmapped(version: str):
    return unmapped_terms(store_cursor())


def unmapped_term_table():
    """The stored terms no mapping resolves, with cases and suggestions (cached per data version: a mapping
    changes it)."""
    return _unmapped(current_data_version())


def graph_for_exports():
    """The corridor graph of the current data (cached per data version)."""
    return _graph(current_data_version())


def store_period():
    """First and last case date (None for an empty store)."""
    return _period(current_data_version())


def filter_choices() -> dict[str, list[str]]:
    """Countries, sources and modus-operandi codes present in the store."""
    return _choices(current_data_version())


def corridor_view(filters: Filters) -> corridors.CorridorView:
    """The corridor view for the filters, cached per data version and filter values."""
    return _view(current_data_version(), tuple(sorted(to_query_params(filters).items())))


def _key(filters: Filters) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(to_query_params(filters).items()))


def _filters(key: tuple[tuple[str, str], ...]) -> Filters:
    return from_query_params(dict(key))[0]


@st.cache_data(show_spinner=False, max_entries=64)
def _key_figures(version: str, key, period):
    return trends.key_figures(store_cursor(), _filters(key), period)


@st.cache_data(show_spinner=False, max_entries=64)
def _modus(version: str, key, dimension: str, freq: str, by: str | None):
    return trends.modus_series(store_cursor(), _filters(key), dimension, freq, by)


@st.cache_data(show_spinner=False, max_entries=64)
def _persons(version: str, key, split: str, freq: str | None):
    return gender.persons_by(store_cursor(), _filters(key), split, freq)


@st.cache_data(show_spinner=False, max_entries=64)
def _women_share(version: str, key, freq: str, lang: str):
    return gender.women_girls_share(store_cursor(), _filters(key), freq, lang)


def key_figures(filters: Filters, period):
    """Key figures for the filters and period, with the previous period."""
    return _key_figures(current_data_version(), _key(filters), tuple(period))


def modus_series(filters: Filters, dimension: str, freq: str, by: str | None = None):
    """A modus-operandi series (cached)."""
    return _modus(current_data_version(), _key(filters), dimension, freq, by)


def persons_by(filters: Filters, split: str, freq: str | None = None):
    """Persons by role, gender and age per split (cached)."""
    return _persons(current_data_version(), _key(filters), split, freq)


def women_girls_share(filters: Filters, freq: str, lang: str = "en"):
    """Share of women and girls per period and role, roles labelled in ``lang`` (cached)."""
    return _women_share(current_data_version(), _key(filters), freq, lang)


@st.cache_data(show_spinner=False, max_entries=32)
def _signals(version: str, key, latest, baseline):
    return signals.emerging_signals(store_cursor(), _filters(key), latest, baseline, graph=_graph(version))


def emerging_signals(filters: Filters, latest, baseline):
    """Signals of the latest period against the baseline (cached)."""
    return _signals(current_data_version(), _key(filters), tuple(latest), tuple(baseline))


@st.cache_data(show_spinner=False, max_entries=32)
def _persons_corridor(version: str, key):
    return gender.persons_by_corridor(store_cursor(), _filters(key), graph=_graph(version))


def persons_by_corridor(filters: Filters):
    """Persons by rebuilt corridor, role, gender and age (cached)."""
    return _persons_corridor(current_data_version(), _key(filters))


@st.cache_data(show_spinner=False, max_entries=32)
def _modus_corridor(version: str, key, dimension: str, freq: str):
    return trends.modus_series(store_cursor(), _filters(key), dimension, freq, "corridor", graph=_graph(version))


def modus_series_by_corridor(filters: Filters, dimension: str, freq: str):
    """A modus-operandi series split by rebuilt corridor (cached)."""
    return _modus_corridor(current_data_version(), _key(filters), dimension, freq)


@st.cache_data(show_spinner=False, max_entries=32)
def _reporters(version: str, key: tuple[tuple[str, str], ...]):
    return reporters_by_corridor(store_cursor(), _filters(key), graph=_graph(version))


def cooperation_reporters(filters: Filters):
    """Cases per quarter, corridor and reporter for the filters (cached per data version and filters)."""
    return _reporters(current_data_version(), _key(filters))


@st.cache_data(show_spinner=False, max_entries=32)
def _shared_cases(version: str, key: tuple[tuple[str, str], ...]):
    return shared_cases(store_cursor(), _filters(key))


def cooperation_shared_cases(filters: Filters):
    """Cases two sources both reported, per pair of sources and link status (cached per data version and filters)."""
    return _shared_cases(current_data_version(), _key(filters))


@st.cache_data(show_spinner=False, ttl=60)
def _contacts(path: str):
    return load_contacts(path)


def contacts_file() -> Path:
    """The deployment's contacts file: ``$TURQUESA_CONTACTS``, else data/contacts.csv of a checkout."""
    return contacts_path()


def contacts():
    """The deployment's points of contact (from :func:`contacts_file`), re-read every minute."""
    return _contacts(str(contacts_file()))


@st.cache_data(show_spinner=False, max_entries=64)
def _reference(version: str, key, indicator: str, dimension: str):
    return references.reference_counts(store_cursor(), _filters(key), indicator, dimension)


def reference_counts(filters: Filters, indicator: str = "detected_victims", dimension: str = "total"):
    """Aggregate reference counts (UNODC GLOTIP) the filters select (cached)."""
    return _reference(current_data_version(), _key(filters), indicator, dimension)


@st.cache_data(show_spinner=False, max_entries=32)
def _map_reference(version: str, key):
    return references.map_reference_flows(store_cursor(), _filters(key))


def map_reference_flows(filters: Filters):
    """Every source's reference flows for the corridor map (GLOTIP, CBP, TIP report routes; cached)."""
    return _map_reference(current_data_version(), _key(filters))


@st.cache_data(show_spinner=False, max_entries=32)
def _encounters(version: str, key):
    return encounters.encounter_counts(store_cursor(), _filters(key))


def encounter_counts(filters: Filters):
    """US CBP encounters by month, region, citizenship, demographic and title the filters select (cached)."""
    return _encounters(current_data_version(), _key(filters))


@st.cache_data(show_spinner=False, max_entries=32)
def _tip_routes(version: str, key):
    return reported_routes.tip_routes(store_cursor(), _filters(key))


def tip_routes(filters: Filters):
    """The routes the US TIP report names that the filters select (cached)."""
    return _tip_routes(current_data_version(), _key(filters))


@st.cache_data(show_spinner=False, max_entries=8)
def _reference_sources(version: str):
    return references.reference_sources(store_cursor())


def reference_sources():
    """Which aggregate sources the store holds (cached per data version)."""
    return _reference_sources(current_data_version())


@st.cache_data(show_spinner=False, max_entries=64)
def _outcomes(version: str, key):
    return outcome_tables.outcomes(store_cursor(), _filters(key))


def outcomes(filters: Filters):
    """Deaths and disappearances by country, location precision and source quality (cached)."""
    return _outcomes(current_data_version(), _key(filters))


@st.cache_data(show_spinner=False, max_entries=64)
def _outcome_places(version: str, key):
    return outcome_tables.outcome_places(store_cursor(), _filters(key))


def outcome_places(filters: Filters):
    """Places of deaths and disappearances for the map, and how many are too small to draw (cached)."""
    return _outcome_places(current_data_version(), _key(filters))


@st.cache_data(show_spinner=False, max_entries=64)
def _outcome_series(version: str, key, freq: str):
    return outcome_tables.outcome_series(store_cursor(), _filters(key), freq)


def outcome_series(filters: Filters, freq: str = "Y"):
    """Dead and missing per month or year (cached)."""
    return _outcome_series(current_data_version(), _key(filters), freq)


@st.cache_data(show_spinner=False, max_entries=64)
def _outcome_totals(version: str, key):
    return outcome_tables.outcome_totals(store_cursor(), _filters(key))


def outcome_totals(filters: Filters) -> dict[str, int]:
    """The selected incidents of deaths and disappearances, dead, missing, survivors... (exact; cached)."""
    return _outcome_totals(current_data_version(), _key(filters))


@st.cache_data(show_spinner=False, max_entries=8)
def _holdings(version: str) -> inventory.Holdings:
    return inventory.store_holdings(store_cursor())


def store_holdings() -> inventory.Holdings:
    """What the store holds: cases, their period, and its reference data by source (cached per data version)."""
    return _holdings(current_data_version())


@st.cache_data(show_spinner=False, max_entries=8)
def _reference_inventory(version: str):
    return inventory.reference_inventory(store_cursor())


def reference_inventory():
    """The stored reference counts per source, indicator and year (cached per data version)."""
    return _reference_inventory(current_data_version())


@st.cache_data(show_spinner=False, max_entries=64)
def _series_dating(version: str, key):
    return trends.series_dating(store_cursor(), _filters(key))


def series_dating(filters: Filters) -> trends.SeriesDating:
    """How the selected cases are dated: to a day or month, a year, a band of years, not at all (cached)."""
    return _series_dating(current_data_version(), _key(filters))


@st.cache_data(show_spinner=False, max_entries=64)
def _modus_bands(version: str, key, dimension: str):
    return trends.modus_bands(store_cursor(), _filters(key), dimension)


def modus_bands(filters: Filters, dimension: str):
    """Cases dated to a band of years, per band and code of a dimension (cached)."""
    return _modus_bands(current_data_version(), _key(filters), dimension)


@st.cache_data(show_spinner=False, max_entries=64)
def _women_band(version: str, key, lang: str):
    return gender.women_girls_by_band(store_cursor(), _filters(key), lang)


def women_girls_by_band(filters: Filters, lang: str = "en"):
    """Share of women and girls per band of years and role, of the cases dated to a band (cached)."""
    return _women_band(current_data_version(), _key(filters), lang)


def undated_note(filters: Filters, lang: str = "en") -> str | None:
    """The sentence on the selected records with no known date (None when there are none)."""
    return trends.undated_note(series_dating(filters).undated, lang)
