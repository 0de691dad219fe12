"""The filter sidebar: widgets built from the library's declarative filter list, kept in the URL."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from turquesa_geo.countries import country_name
from turquesa_geo.filters import (
    FILTER_FIELDS,
    Filters,
    add_months,
    fit_to_store,
    from_query_params,
    to_query_params,
)
from turquesa_geo.rollups import whole_months
from turquesa_geo.vocab import codes, label
from turquesa_ui.text import md

KEY_PREFIX = "flt_"


#: Session-state key of the current filters as URL parameters: shared by every page.
STATE = "filter_params"


PAGE = "filter_page"


def _widget_choices(choices: dict[str, list[str]]) -> dict[str, list[str]]:
    """The options of each store-dependent filter widget, by filter name."""
    by_kind = {"countries": choices["countries"], "modus": choices["modus"], "text": choices["sources"]}
    return {f.name: by_kind[f.kind] for f in FILTER_FIELDS if f.kind in by_kind}


def _seed_widgets(period: tuple[dt.date, dt.date], page: str, choices: dict[str, list[str]]) -> None:
    """Give each filter widget its value from the shared state (first run: from the URL).

    Widgets belong to a page: when another page draws them, their values are seeded
    again from the shared parameters, so a filter set on one page holds on the next.
    Values the store cannot offer (a link from another store, a period outside the
    data) are fitted to it, with a note, instead of breaking the page.
    """
    if st.session_state.get(PAGE) != page:
        for f in FILTER_FIELDS:
            st.session_state.pop(KEY_PREFIX + f.name, None)
        st.session_state.pop(KEY_PREFIX + "period", None)
        st.session_state[PAGE] = page
    if STATE not in st.session_state:
        filters, problems = from_query_params(dict(st.query_params))
        for problem in problems:
            st.toast(f"Ignored filter from the link: {md(problem)}")
        st.session_state[STATE] = to_query_params(filters)
    filters, _ = from_query_params(st.session_state[STATE])
    # Bounds in whole months: the months that hold the store's first and last case.
    filters, notes = fit_to_store(filters, whole_months(*period), _widget_choices(choices))
    for note in notes:
        st.toast(f"Filter adjusted: {md(note)}")
    st.session_state[STATE] = to_query_params(filters)
    for f in FILTER_FIELDS:
        key = KEY_PREFIX + f.name
        if f.kind == "date" or key in st.session_state:
            continue
        value = getattr(filters, f.name)
        st.session_state[key] = [f"{d}:{c}" for d, c in value] if f.kind == "modus" else list(value)
    if KEY_PREFIX + "period" not in st.session_state:
        default = default_period(period)
        st.session_state[KEY_PREFIX + "period"] = (filters.start or default[0], filters.end or default[1])


def _modus_label(option: str, lang: str) -> str:
    dimension, code = option.split(":", 1)
    return f"{dimension.replace('_', ' ').capitalize()}: {label(dimension, code, lang)}"


def default_period(period: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """The last twelve whole months of data (or all of it when shorter): what a manager asks first.

    Whole months are what the rollups answer at once (see turquesa_geo.rollups).
    """
    first, last = whole_months(*period)
    return max(first, add_months(last, -11)), last


def filter_sidebar(choices: dict[str, list[str]], period: tuple[dt.date, dt.date], page: str,
                   lang: str = "en") -> Filters:
    """Draw the filters in the sidebar and return the selection; the URL follows every change."""
    _seed_widgets(period, page, choices)
    values: dict[str, object] = {}
    with st.sidebar:
        st.header("Filters")
        first, last = whole_months(*period)
        chosen = st.date_input("Period", min_value=first, max_value=last, key=KEY_PREFIX + "period",
                               format="YYYY-MM-DD")
        if isinstance(chosen, (tuple, list)) and len(chosen) == 2:
            values["start"], values["end"] = chosen
        for f in FILTER_FIELDS:
            if f.kind == "date":
                continue
            if f.kind == "countries":
                options, fmt = choices["countries"], lambda c: f"{country_name(c, lang)} ({c})"
            elif f.kind == "modus":
                options, fmt = choices["modus"], lambda o: _modus_label(o, lang)
            elif f.kind == "text":
                options, fmt = choices["sources"], str
            else:
                options, fmt = codes(f.vocabulary), lambda c, v=f.vocabulary: label(v, c, lang)
            picked = st.multiselect(f.label, options, key=KEY_PREFIX + f.name, format_func=fmt, help=f.help or None)
            values[f.name] = (tuple(tuple(p.split(":", 1)) for p in picked) if f.kind == "modus" else tuple(picked))
    filters = Filters(**values)
    st.session_state[STATE] = to_query_params(filters)
    st.query_params.from_dict(st.session_state[STATE])
    return filters


EMPTY_STORE = "The store is empty. Import files on the **Import files** page, or run `turquesa demo`."


def analysis_filters(page: str) -> tuple[Filters, tuple[dt.date, dt.date]]:
    """The guard and sidebar every analysis page starts with: stops on an empty store.

    Returns the filters and the store's first and last case date.
    """
    from turquesa_ui.data import filter_choices, store_period

    period = store_period()
    if period is None:
        st.info(EMPTY_STORE)
        st.stop()
    return filter_sidebar(filter_choices(), period, page=page), period


def period_caption(filters: Filters, view_period, previous) -> str:
    """The line under a page title: filters in words, the period, the comparison period."""
    from turquesa_geo.filters import describe
    from turquesa_geo.privacy import SMALL_CELL_K

    text = f"{md(describe(filters, with_period=False))} · {view_period[0]:%d %b %Y} – {view_period[1]:%d %b %Y}"
    if previous:
        text += f" · change against {previous[0]:%d %b %Y} – {previous[1]:%d %b %Y}"
    return text + f" · counts under {SMALL_CELL_K} show as <{SMALL_CELL_K}"
