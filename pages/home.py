"""Landing page: what the store holds (cases by crime type and year, sources, imports)."""

import streamlit as st

from turquesa_geo import summary
from turquesa_geo.aggregates import INDICATOR_LABELS, reference_sources
from turquesa_geo.charts import cases_by_year_figure
from turquesa_geo.privacy import (
    SECONDARY_MARK,
    SMALL_CELL_K,
    format_count,
    protect_long,
    protected_total,
)
from turquesa_ui.filters import EMPTY_STORE
from turquesa_ui.state import run_inside_app
from turquesa_ui.store import current_data_version, store_cursor

run_inside_app()


@st.cache_data(show_spinner=False)
def load(version: str):
    con = store_cursor()
    return (summary.store_totals(con), summary.cases_by_crime_year(con), summary.sources(con),
            summary.recent_imports(con), reference_sources(con))


st.title("Turquesa: what the store holds")
st.caption("Cases of trafficking in persons and smuggling of migrants, by the sources that reported them. "
           f"Counts from 1 to {SMALL_CELL_K - 1} are shown as <{SMALL_CELL_K} to protect victims; "
           f"{SECONDARY_MARK} marks a count hidden so that such a count cannot be worked out from a total.")
totals, by_year, sources, imports, references = load(current_data_version())
if totals["cases"] == 0:
    st.info(EMPTY_STORE)
    st.stop()

# The cases total sits beside two breakdowns of it (crime type and year, sources): each is protected
# with its margins, so the total minus the shown cells never gives a hidden one back.
by_year_total = protected_total(by_year, "cases", "crime_type", "year")
cols = st.columns(5)
cols[0].metric("Cases", by_year_total if by_year_total == protected_total(sources, "cases") else SECONDARY_MARK,
               help=f"{SECONDARY_MARK} when showing it would give away a count under {SMALL_CELL_K}")
cols[1].metric("Victims", format_count(totals["victims"]))
cols[2].metric("Smuggled migrants", format_count(totals["migrants"]))
cols[3].metric("Suspects", format_count(totals["suspects"]))
cols[4].metric("Imports", f"{totals['imports']:,}", help=f"{totals['quarantined']:,} rows in quarantine")

st.plotly_chart(
    cases_by_year_figure(
        protect_long(by_year, "cases", "crime_type", "year", text=False), title="Cases per year, by crime type",
        how_to_read=f"Each bar is one year; its parts are crime types. Years with fewer than {SMALL_CELL_K} "
                    "cases of a type leave that part out, and so may another part that would give it away."),
    width="stretch", config={"displaylogo": False},
)
left, right = st.columns([3, 2])
with left:
    st.subheader("Reporting sources")
    st.dataframe(protect_long(sources, "cases"), hide_index=True, width="stretch", column_config={
        "source": "Source", "network": "Network", "cases": "Cases",
        "first_case": st.column_config.DateColumn("First case"), "last_case": st.column_config.DateColumn("Last case"),
    })
with right:
    st.subheader("Last imports")
    st.dataframe(imports, hide_index=True, width="stretch",
                 column_order=["import_id", "file_name", "rows_read", "rows_accepted", "rows_quarantined",
                               "rows_updated", "finished"],
                 column_config={"import_id": "Import", "file_name": "File", "rows_read": "Read",
                                "rows_accepted": "Accepted", "rows_quarantined": "Quarantined",
                                "rows_updated": "Updated", "finished": st.column_config.DatetimeColumn("Finished")})

if not references.empty:
    st.subheader("Reference counts")
    st.caption("How to read: aggregate counts published by country and year (e.g. UNODC GLOTIP), imported beside "
               "the cases and never added to them: one row per source and indicator, with the years covered and the "
               "number of published values.")
    st.dataframe(references.assign(indicator=references["indicator"].map(INDICATOR_LABELS)), hide_index=True,
                 width="stretch", column_config={
                     "source": "Source", "indicator": "Indicator",
                     "first_year": st.column_config.NumberColumn("From", format="%d"),
                     "last_year": st.column_config.NumberColumn("To", format="%d"), "rows": "Values"})
