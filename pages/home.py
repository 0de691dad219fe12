"""Landing page: what the store holds (cases by crime type and year, sources, imports, flagged cases), and beside
the cases, never in them, the deaths and disappearances during migration."""

import streamlit as st

from turquesa_geo.charts import cases_by_year_figure
from turquesa_geo.filters import Filters
from turquesa_geo.i18n import format_number, gettext, regroup
from turquesa_geo.ingest.report import rule_meaning
from turquesa_geo.privacy import (
    SECONDARY_MARK,
    SMALL_CELL_K,
    format_count,
    protect_long,
    protected_total,
)
from turquesa_geo.references import INDICATOR_LABELS, reference_sources
from turquesa_geo.store import inventory
from turquesa_geo.vocab import label
from turquesa_ui.holdings import holdings_notice
from turquesa_ui.lang import current_lang, tr
from turquesa_ui.outcome_panels import outcome_figures
from turquesa_ui.state import run_inside_app
from turquesa_ui.store import current_data_version, store_cursor

run_inside_app()
lang = current_lang()
_ = tr(lang)


@st.cache_data(show_spinner=False)
def load(version: str):
    con = store_cursor()
    return (
        inventory.store_totals(con),
        inventory.cases_by_crime_year(con),
        inventory.sources(con),
        inventory.recent_imports(con),
        reference_sources(con),
        inventory.flags_by_rule(con),
    )


st.title(_("Turquesa: what the store holds"))
st.caption(
    _(
        "Cases of trafficking in persons and smuggling of migrants, by the sources that reported them. "
        "Counts from 1 to {k_minus_1} are shown as <{k} to protect victims; {mark} marks a count hidden so "
        "that such a count cannot be worked out from a total."
    ).format(k_minus_1=SMALL_CELL_K - 1, k=SMALL_CELL_K, mark=SECONDARY_MARK)
)
totals, by_year, sources, imports, references, flags = load(current_data_version())
if totals["cases"] == 0:
    # What the store holds instead: its deaths and disappearances, its reference counts, or the empty-store hint.
    holdings_notice(lang)
    outcome_figures(Filters(), lang)
    st.stop()

# The cases total sits beside two breakdowns of it (crime type and year, sources): each is protected
# with its margins, so the total minus the shown cells never gives a hidden one back.
by_year_total = protected_total(by_year, "cases", "crime_type", "year")
cols = st.columns(5)
cols[0].metric(
    _("Cases"),
    regroup(by_year_total, lang) if by_year_total == protected_total(sources, "cases") else SECONDARY_MARK,
    help=_("{mark} when showing it would give away a count under {k}").format(mark=SECONDARY_MARK, k=SMALL_CELL_K),
)
cols[1].metric(_("Victims"), format_count(totals["victims"], lang=lang))
cols[2].metric(_("Smuggled migrants"), format_count(totals["migrants"], lang=lang))
cols[3].metric(_("Suspects"), format_count(totals["suspects"], lang=lang))
cols[4].metric(
    _("Imports"),
    format_number(totals["imports"], lang),
    help=_("{n} rows in quarantine, {open} of them still open (not resolved by a later import)").format(
        n=format_number(totals["quarantined"], lang), open=format_number(totals["quarantine_open"], lang)
    ),
)

# Deaths and disappearances during migration: their own row, under their own name, never in the case totals.
outcome_figures(Filters(), lang)

st.plotly_chart(
    cases_by_year_figure(
        protect_long(by_year, "cases", "crime_type", "year", text=False),
        title=_("Cases per year, by crime type"),
        lang=lang,
        how_to_read=_(
            "Each bar is one year; its parts are crime types. Years with fewer than {k} cases of a type "
            "leave that part out, and so may another part that would give it away."
        ).format(k=SMALL_CELL_K),
    ),
    width="stretch",
    config={"displaylogo": False},
)
left, right = st.columns([3, 2])
with left:
    st.subheader(_("Reporting sources"))
    shown = protect_long(sources, "cases")
    shown["network"] = [label("network", n, lang) if isinstance(n, str) else n for n in shown["network"]]
    shown["cases"] = [regroup(v, lang) if isinstance(v, str) else v for v in shown["cases"]]
    st.dataframe(
        shown,
        hide_index=True,
        placeholder="–",
        width="stretch",
        column_config={
            "source": _("Source"),
            "network": _("Network"),
            "cases": _("Cases"),
            "first_case": st.column_config.DateColumn(_("First case")),
            "last_case": st.column_config.DateColumn(_("Last case")),
        },
    )
with right:
    st.subheader(_("Last imports"))
    st.dataframe(
        imports,
        hide_index=True,
        placeholder="–",
        width="stretch",
        column_order=[
            "import_id",
            "file_name",
            "rows_read",
            "rows_accepted",
            "rows_flagged",
            "rows_quarantined",
            "quarantine_open",
            "rows_updated",
            "finished",
        ],
        column_config={
            "import_id": _("Import"),
            "file_name": _("File"),
            "rows_read": _("Read"),
            "rows_accepted": _("Accepted"),
            "rows_flagged": _("Flagged"),
            "rows_quarantined": _("Quarantined"),
            "quarantine_open": st.column_config.NumberColumn(
                _("Still open"), help=_("Quarantined rows no later import has resolved")
            ),
            "rows_updated": _("Updated"),
            "finished": st.column_config.DatetimeColumn(_("Finished")),
        },
    )

st.subheader(_("Flagged cases"))
st.caption(
    _(
        "How to read: cases an import kept with a doubt, per import and rule, with what the rule means; a case "
        'with two doubts counts under both. They are in every count unless the filter "Exclude flagged cases" '
        "is on. Counts of rows of files, like the quarantine: shown exact."
    )
)
if flags.empty:
    st.caption(_("No stored case is flagged."))
else:
    st.dataframe(
        flags.assign(meaning=[rule_meaning(r, lang) for r in flags["rule"]]),
        hide_index=True,
        placeholder="–",
        width="stretch",
        column_config={"import_id": _("Import"), "rule": _("Rule"), "flagged": _("Flagged"), "meaning": _("Meaning")},
    )

if not references.empty:
    st.subheader(_("Reference counts"))
    st.caption(
        _(
            "How to read: aggregate counts published by country and year (e.g. UNODC GLOTIP), imported beside "
            "the cases and never added to them: one row per source and indicator, with the years covered and "
            "the number of published values."
        )
    )
    st.dataframe(
        references.assign(indicator=[gettext(lang, INDICATOR_LABELS[i]) for i in references["indicator"]]),
        hide_index=True,
        placeholder="–",
        width="stretch",
        column_config={
            "source": _("Source"),
            "indicator": _("Indicator"),
            "first_year": st.column_config.NumberColumn(_("From"), format="%d"),
            "last_year": st.column_config.NumberColumn(_("To"), format="%d"),
            "rows": _("Values"),
        },
    )
