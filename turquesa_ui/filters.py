"""The filter sidebar: widgets built from the library's declarative filter list, kept in the URL."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from turquesa_geo.countries import country_name
from turquesa_geo.filters import (
    FILTER_FIELDS,
    Filters,
    add_months,
    describe,
    fit_to_store,
    from_query_params,
    to_query_params,
)
from turquesa_geo.i18n import N_, format_date, gettext
from turquesa_geo.ingest.flat import FLAG_RULES
from turquesa_geo.privacy import SMALL_CELL_K
from turquesa_geo.store.inventory import holdings_text
from turquesa_geo.store.rollups import whole_months
from turquesa_geo.vocab import codes, dimension_name, label
from turquesa_ui.data import filter_choices, store_holdings, store_period
from turquesa_ui.lang import URL_KEY, current_lang, tr
from turquesa_ui.text import md

KEY_PREFIX = "flt_"


#: Session-state key of the current filters as URL parameters: shared by every page.
STATE = "filter_params"


PAGE = "filter_page"


def _widget_choices(choices: dict[str, list[str]]) -> dict[str, list[str]]:
    """The options of each store-dependent filter widget, by filter name."""
    by_kind = {
        "countries": choices["countries"],
        "modus": choices["modus"],
        "text": choices["sources"],
        "rules": choices["flag_rules"],
    }
    return {f.name: by_kind[f.kind] for f in FILTER_FIELDS if f.kind in by_kind}


def _seed_widgets(period: tuple[dt.date, dt.date], page: str, choices: dict[str, list[str]], lang: str) -> None:
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
        filters, problems = from_query_params(dict(st.query_params), lang, flag_rules=FLAG_RULES)
        for problem in problems:
            st.toast(gettext(lang, "Ignored filter from the link: {problem}").format(problem=md(problem)))
        st.session_state[STATE] = to_query_params(filters)
    filters, _ = from_query_params(st.session_state[STATE])
    # Bounds in whole months: the months that hold the store's first and last case.
    filters, notes = fit_to_store(filters, whole_months(*period), _widget_choices(choices), lang)
    for note in notes:
        st.toast(gettext(lang, "Filter adjusted: {note}").format(note=md(note)))
    st.session_state[STATE] = to_query_params(filters)
    for f in FILTER_FIELDS:
        key = KEY_PREFIX + f.name
        if f.kind == "date" or key in st.session_state:
            continue
        value = getattr(filters, f.name)
        if f.kind == "toggle":
            st.session_state[key] = value
        else:
            st.session_state[key] = [f"{d}:{c}" for d, c in value] if f.kind == "modus" else list(value)
    if KEY_PREFIX + "period" not in st.session_state:
        default = default_period(period)
        st.session_state[KEY_PREFIX + "period"] = (filters.start or default[0], filters.end or default[1])


def _modus_label(option: str, lang: str) -> str:
    dimension, code = option.split(":", 1)
    return f"{dimension_name(dimension, lang)}: {label(dimension, code, lang)}"


def default_period(period: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """The last twelve whole months of data (or all of it when shorter): what a manager asks first.

    Whole months are what the rollups answer at once (see turquesa_geo.store.rollups).
    """
    first, last = whole_months(*period)
    return max(first, add_months(last, -11)), last


def filter_sidebar(
    choices: dict[str, list[str]], period: tuple[dt.date, dt.date], page: str, lang: str = "en"
) -> Filters:
    """Draw the filters in the sidebar and return the selection; the URL follows every change."""
    _seed_widgets(period, page, choices, lang)
    _ = tr(lang)
    values: dict[str, object] = {}
    with st.sidebar:
        st.header(_("Filters"))
        first, last = whole_months(*period)
        chosen = st.date_input(
            _("Period"),
            min_value=first,
            max_value=last,
            key=KEY_PREFIX + "period",
            format="YYYY-MM-DD" if lang == "en" else "DD/MM/YYYY",
        )
        if isinstance(chosen, (tuple, list)) and len(chosen) == 2:
            values["start"], values["end"] = chosen
        for f in FILTER_FIELDS:
            if f.kind == "date":
                continue
            if f.kind == "toggle":
                values[f.name] = st.checkbox(_(f.label), key=KEY_PREFIX + f.name, help=_(f.help))
                continue
            if f.kind == "countries":
                options, fmt = choices["countries"], lambda c: f"{country_name(c, lang)} ({c})"
            elif f.kind == "modus":
                options, fmt = choices["modus"], lambda o: _modus_label(o, lang)
            elif f.kind == "text":
                options, fmt = choices["sources"], str
            elif f.kind == "rules":
                if not choices["flag_rules"]:
                    continue  # no stored case is flagged: nothing to pick
                options, fmt = choices["flag_rules"], str
            else:
                options, fmt = codes(f.vocabulary), lambda c, v=f.vocabulary: label(v, c, lang)
            picked = st.multiselect(
                _(f.label),
                options,
                key=KEY_PREFIX + f.name,
                format_func=fmt,
                help=_(f.help) if f.help else None,
                placeholder=_("Choose options"),
            )
            values[f.name] = tuple(tuple(p.split(":", 1)) for p in picked) if f.kind == "modus" else tuple(picked)
        filters = Filters(**values)
        if filters.flag_rules_filtered():
            st.caption(_(SLOWER_BY_RULE))
    st.session_state[STATE] = to_query_params(filters)
    st.query_params.from_dict({**st.session_state[STATE], URL_KEY: lang})
    return filters


#: Under the filters when a flag rule is named: such filters are not in the rollups.
SLOWER_BY_RULE = N_(
    "Filters on named flag rules read the case tables, not the monthly summaries: each change takes longer on "
    'a large store. "Exclude flagged cases" stays fast.'
)

EMPTY_STORE = N_("The store is empty. Import files on the **Import files** page, or run `turquesa demo`.")
#: After what a store without dated cases holds, on a page that shows reference data.
REFERENCE_SHOWN = N_(
    "This page shows the reference data it can (published counts, never added to cases); it has no case with a "
    "known date to show: import case files on the **Import files** page."
)
#: After what a store without dated cases holds, on a page of cases only.
REFERENCE_ELSEWHERE = N_(
    "This page counts cases only. The reference data are shown on the **Corridor map**, **Modus-operandi "
    "trends**, **Gender and age** and **Store and imports** pages; import case files on the **Import files** page."
)


def analysis_filters(page: str, reference: bool = False) -> tuple[Filters, tuple[dt.date, dt.date]]:
    """The guard and sidebar every analysis page starts with.

    Returns the filters and the store's first and last case date. A store with no dated case
    is not shown as empty when it holds reference data (published aggregate counts): the page
    says what the store holds, and a page that shows reference data (``reference``) goes on
    with the years of the reference data as its period; any other page stops there. A store of
    dated incidents of deaths and disappearances and no case says so, and goes on.
    """
    lang = current_lang()
    period = store_period()
    if period is None:
        period = _without_cases(lang, reference)
    elif not (holdings := store_holdings()).cases:
        # Dated incidents of deaths and disappearances, no case: the page goes on (it shows them where it can),
        # saying first that they are what the store holds.
        st.info(holdings_text(holdings, lang, md))
    return filter_sidebar(filter_choices(), period, page=page, lang=lang), period


def _without_cases(lang: str, reference: bool) -> tuple[dt.date, dt.date]:
    """Say what a store with no dated case holds; the reference data's years for a page that shows them, else stop."""
    holdings = store_holdings()
    if holdings.empty:
        st.info(gettext(lang, EMPTY_STORE))
        st.stop()
    years = holdings.reference_period()
    if years is None:  # cases, none with a known date, and no reference data: the sentence says it all
        st.info(holdings_text(holdings, lang, md))
        st.stop()
    st.info(
        holdings_text(holdings, lang, md) + " " + gettext(lang, REFERENCE_SHOWN if reference else REFERENCE_ELSEWHERE)
    )
    if not reference:
        st.stop()
    return years


def period_caption(filters: Filters, view_period, previous) -> str:
    """The line under a page title: filters in words, the period, the comparison period."""
    lang = current_lang()
    _ = tr(lang)
    text = (
        f"{md(describe(filters, lang, with_period=False))} · "
        f"{format_date(view_period[0], lang)} – {format_date(view_period[1], lang)}"
    )
    if previous:
        text += " · " + _("change against {start} – {end}").format(
            start=format_date(previous[0], lang), end=format_date(previous[1], lang)
        )
    return text + " · " + _("counts under {k} show as <{k}").format(k=SMALL_CELL_K)
