"""Modus-operandi trends: how recruitment, control, exploitation and movement change over time."""

import streamlit as st

from turquesa_geo.aggregates import as_trend_series, series_table, yearly_series
from turquesa_geo.charts import trend_figure
from turquesa_geo.countries import country_name
from turquesa_geo.privacy import SMALL_CELL_K
from turquesa_geo.filters import history_until
from turquesa_geo.trends import TREND_DIMENSIONS, yearly_change
from turquesa_geo.vocab import label
from turquesa_ui.data import (coarse_dates, modus_series, modus_series_by_corridor, reference_counts,
                              reference_sources)
from turquesa_ui.export_panel import export_panel
from turquesa_ui.filters import analysis_filters
from turquesa_ui.glossary_links import glossary_links
from turquesa_ui.state import run_inside_app
from turquesa_ui.text import md

run_inside_app()

FREQ_LABELS = {"M": "Monthly", "Q": "Quarterly", "Y": "Yearly"}
MEASURE_LABELS = {"share": "Share %", "cases": "Cases"}
SPLIT_LABELS = {"none": "No split", "crime_type": "Crime type", "corridor": "Corridor"}

st.title("Modus-operandi trends")
glossary_links("exploitation", "control_methods", "signals")
filters, period = analysis_filters("trends")
export_panel(filters, (filters.start or period[0], filters.end or period[1]), "trends")
st.caption("Trends run over the whole history up to the end of the chosen period; the last year may be partial "
           f"(data until {period[1]:%d %b %Y}).")
c1, c2, c3, c4 = st.columns([1.3, 1.7, 1.2, 1.9])
dimension = c1.selectbox("Dimension", TREND_DIMENSIONS, key="trend_dimension",
                         format_func=lambda d: d.replace("_", " ").capitalize())
freq = c2.segmented_control("Period", list(FREQ_LABELS), key="trend_freq", default="Y", format_func=FREQ_LABELS.get)
measure = c3.segmented_control("Show", list(MEASURE_LABELS), key="trend_measure", default="share",
                               format_func=MEASURE_LABELS.get)
split = c4.segmented_control("Split by", list(SPLIT_LABELS), key="trend_split", default="none",
                             format_func=SPLIT_LABELS.get) or "none"

if split == "corridor":
    series = modus_series_by_corridor(history_until(filters), dimension, freq or "Y")
else:
    series = modus_series(history_until(filters), dimension, freq or "Y", "crime_type" if split == "crime_type" else None)
coarse = coarse_dates()
if coarse and freq in ("M", "Q"):
    st.caption("Some sources give only the year of a case, or a period of years (" + ", ".join(md(s) for s in coarse)
               + "): their cases are dated 1 January, so read them by year.")
if series.empty:
    st.info("No case in this selection reports this dimension; try another dimension or widen the filters.")
# Corridors: the six largest, one chart each.
groups = ([None] if split == "none" else
          list(series.groupby("group")["cases"].sum().nlargest(6).index) if split == "corridor"
          else sorted(series["group"].dropna().unique()))
title = dimension.replace("_", " ").capitalize()
for group in groups:
    part = series if group is None else series[series["group"] == group]
    heading = (title if group is None else f"{title} on {group}" if split == "corridor"
               else f"{title}: {label('crime_type', group)}")
    st.plotly_chart(trend_figure(
        part, measure=measure or "share", vocabulary=dimension, title=heading,
        how_to_read="Each line is one category (the six most frequent); the grey band is the COVID-19 pandemic "
                    "(March 2020 to December 2021); points built on fewer than 5 cases are left out."),
        width="stretch", config={"displaylogo": False}, key=f"trend_{group}")

st.subheader("Year-on-year change")
st.caption("How to read: cases per year and category, and the change against the year before; changes built on "
           "fewer than 5 cases are left blank.")
st.dataframe(yearly_change(series, dimension), hide_index=True, width="stretch", column_config={
                 "group": SPLIT_LABELS[split] if split != "none" else None, "category": "Category",
                 "year": st.column_config.NumberColumn("Year", format="%d"),
                 "cases": "Cases", "cases_prev": "Year before",
                 "change_pct": st.column_config.NumberColumn("Change %", format="%+d%%")})

if not reference_sources().empty:
    st.subheader("Reference counts: detected victims by form of exploitation")
    st.caption("How to read: aggregate counts published by country and year (UNODC GLOTIP), not cases, for the "
               "years of the chosen history and the detecting countries selected as destination; they are never "
               "added to the case trends above. Values published as <5 are left out of the lines and counted in the "
               f"table; years under {SMALL_CELL_K} victims leave a gap.")
    forms = yearly_series(reference_counts(history_until(filters), "detected_victims", "exploitation_form"))
    if forms.empty:
        st.info("No reference counts by form of exploitation for this selection (they are not split by transit, "
                "origin, modus operandi or linked crimes).")
    else:
        st.plotly_chart(trend_figure(
            as_trend_series(forms), measure="cases", vocabulary="exploitation_form", unit="victims",
            title="Detected victims by form of exploitation (reference counts)", y_title="Detected victims",
            how_to_read="One line per form of exploitation, summed over the selected detecting countries; the "
                        "grey band is the COVID-19 pandemic."),
            width="stretch", config={"displaylogo": False}, key="trend_reference")
        st.dataframe(series_table(forms, "exploitation_form"), hide_index=True, width="stretch", column_config={
            "year": st.column_config.NumberColumn("Year", format="%d"), "category": "Form of exploitation",
            "value": "Detected victims"})
    citizens = yearly_series(reference_counts(history_until(filters), "detected_victims", "citizenship"))
    if not citizens.empty:
        st.plotly_chart(trend_figure(
            as_trend_series(citizens), measure="cases", vocabulary="exploitation_form", unit="victims",
            category_labels={c: country_name(c) if len(c) == 3 else c for c in citizens["category"]},
            title="Detected victims by citizenship (reference counts)", y_title="Detected victims",
            how_to_read="One line per citizenship (the six largest), summed over the selected detecting countries; "
                        "citizens detected at home included."),
            width="stretch", config={"displaylogo": False}, key="trend_reference_citizenship")
