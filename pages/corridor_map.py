"""Corridor map: probable routes rebuilt from partial records, drawn as flows between countries."""

from dataclasses import replace

import streamlit as st

from turquesa_geo.aggregates import citizenship_flows, flows_table
from turquesa_geo.charts import corridor_sankey, linked_crimes_figure
from turquesa_geo.corridors import corridor_table
from turquesa_geo.countries import country_name
from turquesa_geo.maps import MAP_LEGEND, corridor_deck
from turquesa_geo.outcomes import outcomes_by_country, precision_shares, quality_shares
from turquesa_geo.privacy import SMALL_CELL_K, format_guarded_total
from turquesa_geo.vocab import codes
from turquesa_ui.data import (corridor_view, modus_series_by_corridor, outcomes, reference_counts,
                              reference_sources)
from turquesa_ui.export_panel import export_panel
from turquesa_ui.filters import analysis_filters, period_caption
from turquesa_ui.glossary_links import glossary_links
from turquesa_ui.state import run_inside_app

run_inside_app()

st.title("Corridor map")
glossary_links("corridor", "inferred_route", "small_cells")
filters, period = analysis_filters("corridor_map")
view = corridor_view(filters)
st.caption(period_caption(filters, view.period, view.previous))
export_panel(filters, view.period, "corridor_map")

m = st.columns(4)
# Totals of a filtered view are guarded like the Overview's: exact totals of neighbouring filters
# (all crime types, all but one) would differ by the small count of the one left out.
m[0].metric("Cases", format_guarded_total(view.total_cases),
            help="Rounded to the nearest 5 (counts under 5 show as <5)")
m[1].metric("Corridors", f"{len(view.corridors):,}")
m[2].metric("Legs drawn", f"{len(view.legs):,}")
m[3].metric("Hubs", f"{len(view.hubs):,}")

st.subheader("Flows between countries")
st.caption("How to read: each line is a leg between two countries, as wide as its number of cases; arrowheads "
           "point from origin to destination; dashed orange legs were not reported but inferred from complete "
           "records of the same corridor. Hover a line or a circle for its figures.")
show_linked = st.toggle("Show the legs of cases with linked crimes (drugs, firearms, document fraud, cybercrime, "
                        "illicit goods, terrorism)", key="show_linked")
linked_view = corridor_view(replace(filters, linked_crimes=tuple(codes("linked_crime")))) if show_linked else None
has_reference = not reference_sources().empty
show_reference = has_reference and st.toggle(
    "Show reference flows: detected victims by citizenship from aggregate counts (UNODC GLOTIP)",
    key="show_reference", value=True)
reference = citizenship_flows(reference_counts(filters, "detected_victims", "citizenship")) if show_reference else None
st.pydeck_chart(corridor_deck(view.legs, view.hubs, linked_legs=linked_view.legs if linked_view else None,
                              reference_flows=reference),
                height=640, width="stretch", key="corridor_map")
st.markdown("  \n".join(f"- {text}" for key, text in MAP_LEGEND.items() if key != "reference" or show_reference))
if view.hidden_flows:
    # Guarded: an exact sum would pin the legs when they are all 1 or all 4 (3 legs, 12 cases).
    about = "about " if view.hidden_cases >= SMALL_CELL_K else ""
    st.caption(f"{view.hidden_flows:,} smaller legs ({about}{format_guarded_total(view.hidden_cases)} cases) are not "
               f"drawn: legs under {SMALL_CELL_K} cases are never shown, and at most 2,000 legs are drawn.")

if view.unplaced_cases:
    st.caption(f"{format_guarded_total(view.unplaced_cases)} cases name no country (records that give UN regions "
               "only, or no place at all): they count in the cases above and on the trends and gender pages, but "
               "are on no corridor.")

st.subheader("Corridors, ranked")
st.caption("How to read: one row per rebuilt route, largest first. Change compares with the previous period of the "
           f"same length; shares are hidden when built on fewer than {SMALL_CELL_K} cases or persons.")
st.dataframe(corridor_table(view.corridors, top=100), hide_index=True, width="stretch", column_config={
    "rank": "#", "corridor": st.column_config.TextColumn("Corridor", width="large"),
    "route": st.column_config.TextColumn("Route (ISO)", width="small"), "cases": "Cases",
    "change_pct": st.column_config.NumberColumn("Change %", format="%+d%%"), "persons": "Persons",
    "women_girls_pct": st.column_config.NumberColumn("Women & girls %", format="%d%%"),
    "inferred_pct": st.column_config.NumberColumn("Inferred %", format="%d%%")})

if show_reference:
    st.subheader("Reference flows: detected victims by citizenship")
    st.caption("How to read: aggregate counts published by country and year (UNODC GLOTIP), not cases: victims of "
               "one citizenship detected in another country, summed over the years of the period. They are never "
               f"added to the case figures above. Values published as <5 are left out of sums and counted; sums "
               f"under {SMALL_CELL_K} read <{SMALL_CELL_K}.")
    if reference is None or reference.empty:
        covered = reference_sources()
        st.info(f"No reference counts by citizenship for this selection. The store's aggregate counts cover "
                f"{int(covered['first_year'].min())}–{int(covered['last_year'].max())}; widen the period, or clear "
                "filters they are not split by (transit, modus operandi, linked crimes).")
    else:
        st.dataframe(flows_table(reference), hide_index=True, width="stretch", column_config={
            "citizenship": "Citizenship", "detected_in": "Detected in", "years": "Years", "victims": "Victims"})

deaths = outcomes(filters)
if not deaths.empty:
    st.subheader("Deaths and disappearances on these routes")
    st.caption("How to read: incidents that report dead or missing migrants (IOM Missing Migrants Project), by "
               "country of the incident; women and girls, men and boys and children are among the dead and missing "
               f"(children may also be counted in the sexes). Counts under {SMALL_CELL_K} read <{SMALL_CELL_K}; "
               "no incident is shown alone.")
    st.dataframe(outcomes_by_country(deaths), hide_index=True, width="stretch", column_config={
        "country": "Country of the incident", "incidents": "Incidents", "dead": "Dead", "missing": "Missing",
        "survivors": "Survivors", "women_girls": "Women and girls", "men_boys": "Men and boys",
        "children": "Children"})
    p1, p2 = st.columns(2)
    p1.markdown("**How exact the points are**")
    p1.dataframe(precision_shares(deaths), hide_index=True, width="stretch", column_config={
        "location_precision": "Location precision", "incidents": "Incidents",
        "share": st.column_config.NumberColumn("Share", format="%d%%", help="left blank under 5 incidents")})
    p2.markdown("**Source quality, as graded by the source**")
    p2.dataframe(quality_shares(deaths), hide_index=True, width="stretch", column_config={
        "source_quality": "Source quality", "incidents": "Incidents",
        "share": st.column_config.NumberColumn("Share", format="%d%%", help="left blank under 5 incidents")})

if show_linked:  # on demand: the split by corridor reads the case tables (about 0.5 s at 1M cases)
    st.subheader("Linked crimes by corridor")
    linked = modus_series_by_corridor(filters, "linked_crime", "Y")
    if linked.empty:
        st.info("No case on these corridors is flagged with a linked crime.")
    else:
        by_corridor = linked.groupby(["group", "code"], as_index=False)["cases"].sum()
        by_corridor["corridor"] = [" → ".join(country_name(c) for c in r.split(">")) for r in by_corridor["group"]]
        st.plotly_chart(linked_crimes_figure(
            by_corridor, title="Cases flagged with linked crimes, by corridor",
            how_to_read="One bar per corridor (the ten with most), split by linked crime; a case can carry several; "
                        f"parts under {SMALL_CELL_K} cases are not drawn."), width="stretch",
            config={"displaylogo": False})

st.plotly_chart(corridor_sankey(
    view.corridors, title="Origin → first transit country → destination",
    how_to_read="Bands are as wide as their cases; the top 15 corridors with at least 5 cases."),
    width="stretch", config={"displaylogo": False})
