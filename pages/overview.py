"""Overview for managers: key figures and their change, the top corridors, the gender picture."""

import streamlit as st

from turquesa_geo.corridors import corridor_table
from turquesa_geo.privacy import (
    SMALL_CELL_K,
    format_change,
    format_guarded_total,
    guard_total,
)
from turquesa_geo.trends import signal_baseline, signal_table
from turquesa_ui.data import corridor_view, emerging_signals, key_figures
from turquesa_ui.filters import analysis_filters, period_caption
from turquesa_ui.glossary_links import glossary_links
from turquesa_ui.state import run_inside_app

run_inside_app()

st.title("Overview")
glossary_links("signals", "small_cells", "corridor")
filters, period = analysis_filters("overview")
view = corridor_view(filters)
figures = key_figures(filters, view.period)
st.caption(period_caption(filters, view.period, view.previous))

cols = st.columns(5)
for col, (name, now, before) in zip(cols, [
        ("Cases", figures.cases, figures.cases_prev), ("Victims", figures.victims, figures.victims_prev),
        ("Smuggled migrants", figures.migrants, figures.migrants_prev),
        ("Suspects", figures.suspects, figures.suspects_prev)]):
    # Totals of filtered views are guarded (rounded to 5) so neighbouring filters cannot be
    # subtracted to recover a small count; the change is computed from the guarded values.
    shown, shown_before = guard_total(now), None if before is None else guard_total(before)
    col.metric(name, format_guarded_total(now), format_change(shown, shown_before), delta_color="off",
               help="Rounded to the nearest 5 (counts under 5 show as <5)")
share = figures.women_girls_share
cols[4].metric("Women and girls", "—" if share is None or figures.women_girls < SMALL_CELL_K else f"{share:.0f}%",
               help="Share of victims and smuggled migrants of known sex who are women or girls")

st.subheader("Top corridors")
st.caption("How to read: the ten largest rebuilt routes in the period; change compares with the previous period. "
           "Open the **Corridor map** for the map and every corridor.")
st.dataframe(corridor_table(view.corridors, top=10), hide_index=True, width="stretch", column_config={
    "rank": "#", "corridor": "Corridor", "route": None, "cases": "Cases",
    "change_pct": st.column_config.NumberColumn("Change %", format="%+d%%"), "persons": "Persons",
    "women_girls_pct": st.column_config.NumberColumn("Women & girls %", format="%d%%"),
    "inferred_pct": st.column_config.NumberColumn("Inferred %", format="%d%%")})

st.subheader("Emerging signals")
latest = view.period
baseline = signal_baseline(latest)
st.caption(f"How to read: what changed in the period compared with the {baseline[0]:%b %Y} – {baseline[1]:%b %Y} "
           "baseline, per corridor, hub, modus operandi and modus operandi on a corridor. Each change passed an exact "
           "test with false discoveries controlled at 5% (q-value); keys with fewer than 5 cases are not tested.")
signals = signal_table(emerging_signals(filters, latest, baseline), latest, baseline)
if signals.empty:
    st.info("No emerging signal: nothing changed more than chance would explain.")
else:
    st.dataframe(signals.head(15), hide_index=True, width="stretch", column_config={
        "kind": "Kind", "what": "What", "direction": "Direction", "reason": "Change",
        "q_value": st.column_config.NumberColumn("q-value", format="%.1e")})
