"""What a store without cases holds, on the Store page: the sentence, and its reference counts by source and year.

A store of published aggregate counts only (UNODC GLOTIP...) is not empty: the page says so and shows them.
"""

from __future__ import annotations

import streamlit as st

from turquesa_geo.i18n import gettext
from turquesa_geo.references import INDICATOR_LABELS
from turquesa_geo.store.inventory import holdings_text, reference_summary
from turquesa_ui.data import reference_inventory, store_holdings
from turquesa_ui.filters import EMPTY_STORE
from turquesa_ui.lang import tr
from turquesa_ui.text import md

__all__ = ["holdings_notice"]


def holdings_notice(lang: str) -> None:
    """Say what the store holds (the empty-store hint when nothing), and draw its reference counts if any."""
    holdings = store_holdings()
    if holdings.empty:
        st.info(gettext(lang, EMPTY_STORE))
        return
    st.info(holdings_text(holdings, lang, md))
    if holdings.references:
        _reference_tables(lang)


def _reference_tables(lang: str) -> None:
    """The stored reference counts per source and indicator, then per year, as published."""
    _ = tr(lang)
    by_year = reference_inventory()
    st.subheader(_("Reference counts"))
    st.caption(
        _(
            "How to read: published aggregate counts (not cases), as the source published them. Rows are the "
            "stored values, censored those published as <5 (never a number); the known total adds the "
            "countries' own totals of both sexes and all ages (regions left out: they hold their countries) and "
            "leaves out the totals published as <5, counted apart."
        )
    )
    columns = {
        "source": _("Source"),
        "indicator": _("Indicator"),
        "year": st.column_config.NumberColumn(_("Year"), format="%d"),
        "first_year": st.column_config.NumberColumn(_("From"), format="%d"),
        "last_year": st.column_config.NumberColumn(_("To"), format="%d"),
        "rows": _("Values"),
        "censored": _("Censored (<5)"),
        "known_total": _("Known total"),
        "total_censored": _("Totals censored"),
    }
    for frame in (reference_summary(by_year), by_year):
        named = frame.assign(indicator=[_indicator(i, lang) for i in frame["indicator"]])
        st.dataframe(named, hide_index=True, placeholder="–", width="stretch", column_config=columns)


def _indicator(code: str, lang: str) -> str:
    """An indicator's name in ``lang``; a code of another source, as stored."""
    return gettext(lang, INDICATOR_LABELS[code]) if code in INDICATOR_LABELS else code
