"""Cooperation: who else works on a corridor — reporting countries, networks and their points of contact."""

import streamlit as st

from turquesa_geo.cooperation import (
    corridor_matrix,
    quarter_label,
    reporters_by_place,
    shared_corridors,
)
from turquesa_geo.countries import country_name
from turquesa_geo.privacy import SMALL_CELL_K, TOTAL_LABEL, format_guarded_total
from turquesa_geo.vocab import codes, label
from turquesa_ui.data import contacts, cooperation_reporters
from turquesa_ui.filters import analysis_filters, period_caption
from turquesa_ui.glossary_links import glossary_links
from turquesa_ui.state import run_inside_app

run_inside_app()

st.title("Cooperation")
glossary_links("networks", "corridor", "small_cells")
filters, period = analysis_filters("cooperation")
reporters = cooperation_reporters(filters)
view_period = (filters.start or period[0], filters.end or period[1])
st.caption(period_caption(filters, view_period, None))

c1, c2 = st.columns([1, 2])
by = c1.segmented_control("Shared between", ["reporting_country", "network"], key="coop_by", default="reporting_country",
                          format_func={"reporting_country": "Countries", "network": "Networks"}.get) or "reporting_country"
networks = c2.multiselect("Source networks", codes("network"), key="coop_networks", format_func=lambda n: label("network", n),
                          help="Keep only the cases reported through these networks (e.g. ISON, HTEG, REDTRAM)")
if networks:
    reporters = reporters[reporters["network"].isin(networks)]


def _corridor(route: str) -> str:
    return " → ".join(country_name(c) for c in route.split(">"))


def _who(code: str) -> str:
    return country_name(code) if by == "reporting_country" else label("network", code)


st.subheader("Shared corridors")
st.caption("How to read: corridors where two or more reporting countries (or networks) hold cases in the same quarter "
           f"— candidates for a joint investigation or a coordination meeting; latest quarter first. A reporter is "
           f"listed only with at least {SMALL_CELL_K} cases on the corridor in that quarter; cases are rounded to the "
           "nearest 5.")
shared = shared_corridors(reporters, by=by)
if shared.empty:
    st.info("No corridor is shared in this period: no two reporters hold enough cases on the same corridor in the same "
            "quarter.")
else:
    st.dataframe({
        "Corridor": [_corridor(r) for r in shared["route"]],
        "Quarter": [quarter_label(q) for q in shared["quarter"]],
        "Reported by": [", ".join(_who(c) for c in r) for r in shared["reporters"]],
        "Reporters": shared["n_reporters"].tolist(),
        "Cases": [format_guarded_total(int(v)) for v in shared["cases"]],
        "Last case": [f"{d:%d %b %Y}" for d in shared["last_case"]],
    }, hide_index=True, width="stretch")

st.subheader("Corridors by reporting country")
st.caption(f"How to read: cases of each of the largest corridors held by each reporting country over the period, "
           f"with totals; counts under {SMALL_CELL_K} read <{SMALL_CELL_K}, and a cell marked · is hidden too so "
           "that no small count can be worked out from the totals.")
matrix = corridor_matrix(reporters)
if matrix is not None:
    shown = matrix.display()
    shown.index = [_corridor(r) if r != TOTAL_LABEL else r for r in shown.index]
    shown.columns = [country_name(c) if c not in ("—", TOTAL_LABEL) else ("Not stated" if c == "—" else c)
                     for c in shown.columns]
    st.dataframe(shown, width="stretch")

st.subheader("Who reports on each hub and leg")
st.caption(f"How to read: for each country on a route (hub) and each leg between two countries, the reporters "
           f"(country and network) holding at least {SMALL_CELL_K} cases on corridors through it.")
places = reporters_by_place(reporters)
if not places.empty:
    hubs = places[places["kind"] == "hub"].head(20)
    st.dataframe({
        "Hub": [country_name(p) for p in hubs["place"]],
        "Reporters": ["; ".join(f"{country_name(c) if c else 'Not stated'} ({label('network', n) if n else '—'})"
                                for c, n in r) for r in hubs["reporters"]],
        "Cases": [format_guarded_total(int(v)) for v in hubs["cases"]],
    }, hide_index=True, width="stretch")

st.subheader("Points of contact")
st.caption("How to read: offices and channels of the countries on the shared corridors, from the deployment's "
           "contacts file (roles and offices, no personal names).")
directory = contacts()
countries = {c for r in shared["route"] for c in r.split(">")} if not shared.empty else set()
listed = directory[directory["country"].isin(countries)] if countries else directory
if listed.empty:
    st.info("No point of contact is listed for these countries (the deployment edits data/contacts.csv).")
else:
    st.dataframe({"Country": [country_name(c) for c in listed["country"]],
                  "Network": [label("network", n) if n in codes("network") else n for n in listed["network"]],
                  "Role": listed["role"].tolist(), "Office": listed["office"].tolist(),
                  "Channel": listed["channel"].tolist()}, hide_index=True, width="stretch")
