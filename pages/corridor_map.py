"""Corridor map: probable routes rebuilt from partial records, drawn as flows between countries."""

from dataclasses import replace

import streamlit as st

from turquesa_geo.charts import corridor_sankey, linked_crimes_figure
from turquesa_geo.corridors import corridor_name, corridor_table
from turquesa_geo.i18n import format_number, ngettext
from turquesa_geo.maps.deck import corridor_deck, map_legend
from turquesa_geo.outcomes import outcomes_by_country, precision_shares, quality_shares
from turquesa_geo.privacy import SMALL_CELL_K, format_guarded_total
from turquesa_geo.references import citizenship_flows, flows_table
from turquesa_geo.vocab import codes
from turquesa_ui.data import (
    corridor_view,
    map_reference_flows,
    modus_series_by_corridor,
    outcome_places,
    outcomes,
    reference_counts,
    reference_sources,
)
from turquesa_ui.export_panel import export_panel
from turquesa_ui.filters import analysis_filters, period_caption
from turquesa_ui.glossary_links import glossary_links
from turquesa_ui.lang import current_lang, tr
from turquesa_ui.reference_panels import reference_flow_tables
from turquesa_ui.state import run_inside_app

run_inside_app()
lang = current_lang()
_ = tr(lang)

st.title(_("Corridor map"))
glossary_links("corridor", "inferred_route", "small_cells", lang=lang)
filters, period = analysis_filters("corridor_map", reference=True)
view = corridor_view(filters)
st.caption(period_caption(filters, view.period, view.previous))
export_panel(filters, view.period, "corridor_map")

m = st.columns(4)
# Totals of a filtered view are guarded like the Overview's: exact totals of neighbouring filters
# (all crime types, all but one) would differ by the small count of the one left out.
m[0].metric(
    _("Cases"),
    format_guarded_total(view.total_cases, lang=lang),
    help=_("Rounded to the nearest 5 (counts under 5 show as <5)"),
)
m[1].metric(_("Corridors"), format_number(len(view.corridors), lang))
m[2].metric(_("Legs drawn"), format_number(len(view.legs), lang))
m[3].metric(_("Hubs"), format_number(len(view.hubs), lang))

st.subheader(_("Flows between countries"))
st.caption(
    _(
        "How to read: each line is a leg between two countries, as wide as its number of cases; arrowheads "
        "point from origin to destination; dashed orange legs were not reported but inferred from complete "
        "records of the same corridor. Hover a line or a circle for its figures."
    )
)
show_linked = st.toggle(
    _(
        "Show the legs of cases with linked crimes (drugs, firearms, document fraud, cybercrime, "
        "illicit goods, terrorism)"
    ),
    key="show_linked",
)
linked_view = corridor_view(replace(filters, linked_crimes=tuple(codes("linked_crime")))) if show_linked else None
has_reference = not reference_sources().empty
show_reference = has_reference and st.toggle(
    _("Show reference flows of public sources (UNODC GLOTIP victims, US CBP encounters, US TIP report routes)"),
    key="show_reference",
    value=True,
)
reference = citizenship_flows(reference_counts(filters, "detected_victims", "citizenship")) if show_reference else None
deaths = outcomes(filters)
show_deaths = not deaths.empty and st.toggle(
    _("Show where migrants died or went missing (IOM Missing Migrants Project; not cases)"),
    key="show_deaths",
    value=True,
)
places = outcome_places(filters)[0] if show_deaths else None
st.pydeck_chart(
    corridor_deck(
        view.legs,
        view.hubs,
        lang=lang,
        linked_legs=linked_view.legs if linked_view else None,
        reference_flows=map_reference_flows(filters) if show_reference else None,
        outcome_places=places,
    ),
    height=640,
    width="stretch",
    key="corridor_map",
)
shown_keys = {"reference": show_reference, "outcomes": show_deaths}
st.markdown("  \n".join(f"- {text}" for key, text in map_legend(lang).items() if shown_keys.get(key, True)))
if view.hidden_flows:
    # Guarded: an exact sum would pin the legs when they are all 1 or all 4 (3 legs, 12 cases).
    hidden = format_guarded_total(view.hidden_cases, lang=lang)
    # TRANSLATORS: English keeps the plural for one leg too; other languages give their singular.
    note = (
        ngettext(
            lang,
            "{legs} smaller legs (about {cases} cases) are not drawn",
            "{legs} smaller legs (about {cases} cases) are not drawn",
            view.hidden_flows,
        )
        if view.hidden_cases >= SMALL_CELL_K
        else ngettext(
            lang,
            "{legs} smaller legs ({cases} cases) are not drawn",
            "{legs} smaller legs ({cases} cases) are not drawn",
            view.hidden_flows,
        )
    )
    st.caption(
        note.format(legs=format_number(view.hidden_flows, lang), cases=hidden)
        + ": "
        + _("legs under {k} cases are never shown, and at most {limit} legs are drawn.").format(
            k=SMALL_CELL_K, limit=format_number(2000, lang)
        )
    )

if view.unplaced_cases:
    st.caption(
        _(
            "{cases} cases name no country (records that give UN regions only, or no place at all): they count "
            "in the cases above and on the trends and gender pages, but are on no corridor."
        ).format(cases=format_guarded_total(view.unplaced_cases, lang=lang))
    )

st.subheader(_("Corridors, ranked"))
st.caption(
    _(
        "How to read: one row per rebuilt route, largest first. Change compares with the previous period of the "
        "same length; shares are hidden when built on fewer than {k} cases or persons."
    ).format(k=SMALL_CELL_K)
)
st.dataframe(
    corridor_table(view.corridors, lang=lang, top=100),
    hide_index=True,
    placeholder="–",
    width="stretch",
    column_config={
        "rank": "#",
        "corridor": st.column_config.TextColumn(_("Corridor"), width="large"),
        "route": st.column_config.TextColumn(_("Route (ISO)"), width="small"),
        "cases": _("Cases"),
        "change_pct": st.column_config.NumberColumn(_("Change %"), format="%+d%%"),
        "persons": _("Persons"),
        "women_girls_pct": st.column_config.NumberColumn(_("Women & girls %"), format="%d%%"),
        "inferred_pct": st.column_config.NumberColumn(_("Inferred %"), format="%d%%"),
    },
)

if show_reference and "detected_victims" in set(reference_sources()["indicator"]):
    st.subheader(_("Reference flows: detected victims by citizenship"))
    st.caption(
        _(
            "How to read: aggregate counts published by country and year (UNODC GLOTIP), not cases: victims of "
            "one citizenship detected in another country, summed over the years of the period. They are never "
            "added to the case figures above. Values published as <5 are left out of sums and counted; sums "
            "under {k} read <{k}."
        ).format(k=SMALL_CELL_K)
    )
    if reference is None or reference.empty:
        covered = reference_sources()
        st.info(
            _(
                "No reference counts by citizenship for this selection. The store's aggregate counts cover "
                "{first}–{last}; widen the period, or clear filters they are not split by (transit, modus "
                "operandi, linked crimes)."
            ).format(first=int(covered["first_year"].min()), last=int(covered["last_year"].max()))
        )
    else:
        st.dataframe(
            flows_table(reference, lang),
            hide_index=True,
            placeholder="–",
            width="stretch",
            column_config={
                "citizenship": _("Citizenship"),
                "detected_in": _("Detected in"),
                "years": _("Years"),
                "victims": _("Victims"),
            },
        )

if show_reference:
    reference_flow_tables(filters, lang)

if not deaths.empty:
    st.subheader(_("Deaths and disappearances on these routes"))
    st.caption(
        _(
            "How to read: incidents that report dead or missing migrants (IOM Missing Migrants Project), by "
            "country of the incident; women and girls, men and boys and children are among the dead and "
            "missing (children may also be counted in the sexes). Counts under {k} read <{k}; no incident is "
            "shown alone."
        ).format(k=SMALL_CELL_K)
    )
    st.dataframe(
        outcomes_by_country(deaths, lang),
        hide_index=True,
        placeholder="–",
        width="stretch",
        column_config={
            "country": _("Country of the incident"),
            "incidents": _("Incidents"),
            "dead": _("Dead"),
            "missing": _("Missing"),
            "survivors": _("Survivors"),
            "women_girls": _("Women and girls"),
            "men_boys": _("Men and boys"),
            "children": _("Children"),
        },
    )
    p1, p2 = st.columns(2)
    blank = _("left blank under {k} incidents").format(k=SMALL_CELL_K)
    p1.markdown("**" + _("How exact the points are") + "**")
    p1.dataframe(
        precision_shares(deaths, lang),
        hide_index=True,
        placeholder="–",
        width="stretch",
        column_config={
            "location_precision": _("Location precision"),
            "incidents": _("Incidents"),
            "share": st.column_config.TextColumn(_("Share"), help=blank),
        },
    )
    p2.markdown("**" + _("Source quality, as graded by the source") + "**")
    p2.dataframe(
        quality_shares(deaths, lang),
        hide_index=True,
        placeholder="–",
        width="stretch",
        column_config={
            "source_quality": _("Source quality"),
            "incidents": _("Incidents"),
            "share": st.column_config.TextColumn(_("Share"), help=blank),
        },
    )

if show_linked:  # on demand: the split by corridor reads the case tables (about 0.5 s at 1M cases)
    st.subheader(_("Linked crimes by corridor"))
    linked = modus_series_by_corridor(filters, "linked_crime", "Y")
    if linked.empty:
        st.info(_("No case on these corridors is flagged with a linked crime."))
    else:
        by_corridor = linked.groupby(["group", "code"], as_index=False)["cases"].sum()
        by_corridor["corridor"] = [corridor_name(r, lang) for r in by_corridor["group"]]
        st.plotly_chart(
            linked_crimes_figure(
                by_corridor,
                title=_("Cases flagged with linked crimes, by corridor"),
                lang=lang,
                how_to_read=_(
                    "One bar per corridor (the ten with most), split by linked crime; a case can carry several; "
                    "parts under {k} cases are not drawn."
                ).format(k=SMALL_CELL_K),
            ),
            width="stretch",
            config={"displaylogo": False},
        )

st.plotly_chart(
    corridor_sankey(
        view.corridors,
        title=_("Origin → first transit country → destination"),
        lang=lang,
        how_to_read=_("Bands are as wide as their cases; the top 15 corridors with at least 5 cases."),
    ),
    width="stretch",
    config={"displaylogo": False},
)
