"""The public references beside GLOTIP on the pages: US CBP encounters and the routes the US TIP report names.

Each panel draws nothing when the store holds none of its source, and says so when the filters
select none of it; the figures are the source's own, never added to the cases or to one another.
"""

from __future__ import annotations

import streamlit as st

from turquesa_geo.charts import trend_figure
from turquesa_geo.encounters import (
    ENCOUNTERS,
    as_trend_series,
    citizenship_table,
    monthly_encounters,
    monthly_table,
    split_labels,
)
from turquesa_geo.filters import Filters
from turquesa_geo.i18n import N_
from turquesa_geo.privacy import SMALL_CELL_K
from turquesa_geo.reported_routes import ROUTES, routes_table
from turquesa_ui.data import encounter_counts, reference_sources, tip_routes
from turquesa_ui.lang import tr

#: What the monthly encounters may be split by (``None``: no split), as the trends page offers it.
ENCOUNTER_SPLITS = {
    "none": N_("No split"),
    "citizenship": N_("Citizenship"),
    "region": N_("Land border region"),
    "demographic": N_("Demographic"),
    "authority": N_("Title of authority"),
}


def _holds(indicator: str) -> bool:
    """True when the store holds counts of ``indicator`` (whatever the filters)."""
    sources = reference_sources()
    return bool(len(sources)) and indicator in set(sources["indicator"])


def reference_flow_tables(filters: Filters, lang: str) -> None:
    """Below the corridor map: encounters at the US border by citizenship, and the routes the TIP report names."""
    _ = tr(lang)
    if _holds(ENCOUNTERS):
        st.subheader(_("Reference flows: encounters at the US border by citizenship"))
        st.caption(
            _(
                "How to read: US CBP nationwide encounters (Border Patrol apprehensions, persons found "
                "inadmissible at the ports, Title 42 expulsions) of the months of the period, by citizenship: "
                "migrants met at the end of the northern corridor, not cases or victims, never added to the case "
                "figures or to GLOTIP's victims. OTHER is CBP's own catch-all: listed, never drawn as a country. "
                "Counts under {k} read <{k}."
            ).format(k=SMALL_CELL_K)
        )
        counts = encounter_counts(filters)
        if counts.empty:
            st.info(
                _(
                    "No encounters for this selection (encounters are not split by sex, transit, crime type, modus "
                    "operandi or linked crimes)."
                )
            )
        else:
            st.dataframe(
                citizenship_table(counts, lang),
                hide_index=True,
                width="stretch",
                column_config={
                    "citizenship": _("Citizenship"),
                    "months": _("Months"),
                    "encounters": _("Encounters"),
                },
            )
    if _holds(ROUTES):
        st.subheader(_("Reference routes: named in the US TIP report"))
        st.caption(
            _(
                "How to read: routes from origin through transit countries to destination that the US "
                "State Department's Trafficking in Persons report names (University of Denver coding), in the "
                "report years of the period; drawn dashed on the map between countries (a route with a region "
                "at one end is listed only). Times named counts report chapters and victim profiles, not "
                "persons."
            )
        )
        routes = tip_routes(filters)
        if routes.empty:
            st.info(_("No route of the TIP report for this selection."))
        else:
            st.dataframe(
                routes_table(routes, lang),
                hide_index=True,
                width="stretch",
                column_config={
                    "route": st.column_config.TextColumn(_("Route"), width="large"),
                    "years": _("Report years"),
                    "named": _("Times named"),
                    "victims": _("Victims"),
                },
            )


def encounter_trends(filters: Filters, lang: str) -> None:
    """On the trends page: encounters at the US border per month (CBP), in total or split; nothing without them."""
    if not _holds(ENCOUNTERS):
        return
    _ = tr(lang)
    st.subheader(_("Reference counts: encounters at the US border (US CBP)"))
    st.caption(
        _(
            "How to read: US CBP nationwide encounters per calendar month (CBP's fiscal year starts in October), "
            "for the months of the chosen history: migrants met at the end of the northern corridor, not cases or "
            "victims, never added to the case trends above. Months under {k} encounters leave a gap."
        ).format(k=SMALL_CELL_K)
    )
    choice = (
        st.segmented_control(
            _("Split by"),
            list(ENCOUNTER_SPLITS),
            key="encounter_split",
            default="none",
            format_func=lambda s: _(ENCOUNTER_SPLITS[s]),
        )
        or "none"
    )
    by = None if choice == "none" else choice
    monthly = monthly_encounters(encounter_counts(filters), by)
    if monthly.empty:
        st.info(
            _(
                "No encounters for this selection (encounters are not split by sex, transit, crime type, modus "
                "operandi or linked crimes)."
            )
        )
        return
    st.plotly_chart(
        trend_figure(
            as_trend_series(monthly),
            measure="cases",
            vocabulary="age_group",
            unit=_("encounters"),
            lang=lang,
            category_labels=split_labels(monthly["code"].unique(), by, lang),
            title=_("Encounters at the US border per month (reference counts)"),
            y_title=_("Encounters"),
            how_to_read=_(
                "One line per group (the six largest), or one for all encounters; the grey band is the COVID-19 pandemic."
            ),
        ),
        width="stretch",
        config={"displaylogo": False},
        key="trend_encounters",
    )
    st.dataframe(
        monthly_table(monthly, by, lang),
        hide_index=True,
        width="stretch",
        column_config={"month": _("Month"), "category": _("Category"), "encounters": _("Encounters")},
    )
