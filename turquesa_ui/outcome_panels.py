"""Deaths and disappearances during migration beside the case figures: a titled row of guarded totals.

They are IOM Missing Migrants Project incidents, neither trafficking nor smuggling cases: the
row stands apart from the case figures, under the measure's own name, and says so in words.
"""

from __future__ import annotations

import streamlit as st

from turquesa_geo.filters import Filters
from turquesa_geo.i18n import N_
from turquesa_geo.outcomes import OUTCOME_SOURCE, outcome_totals_text
from turquesa_ui.data import outcome_totals
from turquesa_ui.lang import tr

__all__ = ["NOT_IN_CASES", "outcome_figures"]

#: Under the row: what the figures are, and that no case count holds them.
NOT_IN_CASES = N_(
    "How to read: incidents in which migrants died or went missing, as the IOM Missing Migrants Project records "
    "them. They are neither trafficking nor smuggling cases and are not in the case counts. Totals are rounded to "
    "the nearest 5 (counts under 5 show as <5)."
)
#: The figures of the row, in order: (key of :func:`turquesa_geo.outcomes.outcome_totals`, label).
FIGURES = (("incidents", N_("Incidents")), ("dead", N_("Dead")), ("missing", N_("Missing")))


def outcome_figures(filters: Filters, lang: str) -> bool:
    """Draw the row of the selected incidents, dead and missing (guarded totals) with its reading line.

    Draws nothing and returns False when the filters select no incident.
    """
    totals = outcome_totals(filters)
    if not totals["incidents"]:
        return False
    _ = tr(lang)
    shown = outcome_totals_text(totals, lang)
    st.subheader(_(OUTCOME_SOURCE))
    # Five columns, as the rows of case figures have: the metrics line up with theirs.
    for col, (key, name) in zip(st.columns(5), FIGURES):
        col.metric(_(name), shown[key], help=_("Rounded to the nearest 5 (counts under 5 show as <5)"))
    st.caption(_(NOT_IN_CASES))
    return True
