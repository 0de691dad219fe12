"""Cached reads of the store for the pages, keyed on small values (filters, data version)."""

from __future__ import annotations

import streamlit as st

from turquesa_geo import corridors, summary
from turquesa_geo.filters import Filters, from_query_params, to_query_params
from turquesa_ui.store import current_data_version, store_cursor


@st.cache_resource(show_spinner=False, max_entries=4)
def _graph(version: str):
    return corridors.corridor_graph(store_cursor())


@st.cache_data(show_spinner=False, max_entries=8)
def _choices(version: str) -> dict[str, list[str]]:
    return summary.store_choices(store_cursor())


@st.cache_data(show_spinner=False, max_entries=8)
def _period(version: str):
    return corridors.store_period(store_cursor())


@st.cache_data(show_spinner="Rebuilding routes…", max_entries=64)
def _view(version: str, key: tuple[tuple[str, str], ...]) -> corridors.CorridorView:
    filters, _ = from_query_params(dict(key))
    return corridors.corridor_view(store_cursor(), filters, graph=_graph(version))


def store_period():
    """First and last case date (None for an empty store)."""
    return _period(current_data_version())


def filter_choices() -> dict[str, list[str]]:
    """Countries, sources and modus-operandi codes present in the store."""
    return _choices(current_data_version())


def corridor_view(filters: Filters) -> corridors.CorridorView:
    """The corridor view for the filters, cached per data version and filter values."""
    return _view(current_data_version(), tuple(sorted(to_query_params(filters).items())))
