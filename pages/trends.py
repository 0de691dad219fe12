"""Modus-operandi trends: how recruitment, control, exploitation and movement change over time."""

import streamlit as st

from turquesa_geo.charts import band_figure, trend_figure
from turquesa_geo.corridors import corridor_name
from turquesa_geo.countries import country_name
from turquesa_geo.filters import history_until
from turquesa_geo.i18n import N_, format_date
from turquesa_geo.outcomes import OUTCOME_SOURCE
from turquesa_geo.privacy import SMALL_CELL_K
from turquesa_geo.references import as_trend_series, series_table, yearly_series
from turquesa_geo.trends import TREND_DIMENSIONS, band_table, dating_notes, yearly_change
from turquesa_geo.vocab import dimension_name, label
from turquesa_ui.data import (
    modus_bands,
    modus_series,
    modus_series_by_corridor,
    outcome_series,
    reference_counts,
    reference_sources,
    series_dating,
)
from turquesa_ui.export_panel import export_panel
from turquesa_ui.filters import analysis_filters
from turquesa_ui.glossary_links import glossary_links
from turquesa_ui.lang import current_lang, tr
from turquesa_ui.reference_panels import encounter_trends
from turquesa_ui.state import run_inside_app

run_inside_app()
lang = current_lang()
_ = tr(lang)

FREQ_LABELS = {"M": N_("Monthly"), "Q": N_("Quarterly"), "Y": N_("Yearly")}
MEASURE_LABELS = {"share": N_("Share %"), "cases": N_("Cases")}
SPLIT_LABELS = {"none": N_("No split"), "crime_type": N_("Crime type"), "corridor": N_("Corridor")}

st.title(_("Modus-operandi trends"))
glossary_links("exploitation", "control_methods", "signals", lang=lang)
filters, period = analysis_filters("trends", reference=True)
export_panel(filters, (filters.start or period[0], filters.end or period[1]), "trends")
st.caption(
    _(
        "Trends run over the whole history up to the end of the chosen period; the last year may be partial "
        "(data until {day})."
    ).format(day=format_date(period[1], lang))
)
c1, c2, c3, c4 = st.columns([1.3, 1.7, 1.2, 1.9])
dimension = c1.selectbox(
    _("Dimension"), TREND_DIMENSIONS, key="trend_dimension", format_func=lambda d: dimension_name(d, lang)
)
freq = c2.segmented_control(
    _("Period"), list(FREQ_LABELS), key="trend_freq", default="Y", format_func=lambda f: _(FREQ_LABELS[f])
)
measure = c3.segmented_control(
    _("Show"), list(MEASURE_LABELS), key="trend_measure", default="share", format_func=lambda m: _(MEASURE_LABELS[m])
)
split = (
    c4.segmented_control(
        _("Split by"), list(SPLIT_LABELS), key="trend_split", default="none", format_func=lambda s: _(SPLIT_LABELS[s])
    )
    or "none"
)


def split_series(freq: str):
    """The series of the chosen dimension and split at ``freq`` (a case dated only to a year is in yearly ones)."""
    if split == "corridor":
        return modus_series_by_corridor(history_until(filters), dimension, freq)
    return modus_series(history_until(filters), dimension, freq, "crime_type" if split == "crime_type" else None)


series = split_series(freq or "Y")
bands = modus_bands(history_until(filters), dimension)
for note in dating_notes(series_dating(history_until(filters)), freq or "Y", lang, bands_shown=not bands.empty):
    st.caption(note)
if series.empty:
    st.info(_("No case in this selection reports this dimension; try another dimension or widen the filters."))
# Corridors: the six largest, one chart each.
groups = (
    [None]
    if split == "none"
    else list(series.groupby("group")["cases"].sum().nlargest(6).index)
    if split == "corridor"
    else sorted(series["group"].dropna().unique())
)
title = dimension_name(dimension, lang)
for group in groups:
    part = series if group is None else series[series["group"] == group]
    heading = (
        title
        if group is None
        else _("{dimension} on {corridor}").format(dimension=title, corridor=corridor_name(group, lang))
        if split == "corridor"
        else f"{title}: {label('crime_type', group, lang)}"
    )
    st.plotly_chart(
        trend_figure(
            part,
            measure=measure or "share",
            vocabulary=dimension,
            title=heading,
            lang=lang,
            how_to_read=_(
                "Each line is one category (the six most frequent); the grey band is the COVID-19 pandemic "
                "(March 2020 to December 2021); points built on fewer than 5 cases are left out."
            ),
        ),
        width="stretch",
        config={"displaylogo": False},
        key=f"trend_{group}",
    )

if not bands.empty:
    st.subheader(_("Cases dated only to a band of years"))
    st.plotly_chart(
        band_figure(
            bands,
            measure=measure or "share",
            vocabulary=dimension,
            lang=lang,
            title=_("{dimension}: cases dated only to a band of years").format(dimension=title),
            how_to_read=_(
                "Each bar spans the years a source dates these cases to; its label counts the whole band, "
                "not one year. Bars on fewer than 5 cases are left out."
            ),
        ),
        width="stretch",
        config={"displaylogo": False},
        key="trend_bands",
    )
    st.dataframe(
        band_table(bands, dimension, lang=lang),
        hide_index=True,
        placeholder="–",
        width="stretch",
        column_config={
            "band": _("Band of years"),
            "category": _("Category"),
            "cases": _("Cases"),
            "share": st.column_config.NumberColumn(_("Share %"), format="%.0f%%"),
        },
    )

st.subheader(_("Year-on-year change"))
st.caption(
    _(
        "How to read: cases per year and category, and the change against the year before; changes built on "
        "fewer than 5 cases are left blank."
    )
)
st.dataframe(
    yearly_change(series if (freq or "Y") == "Y" else split_series("Y"), dimension, lang=lang),
    hide_index=True,
    placeholder="–",
    width="stretch",
    column_config={
        "group": _(SPLIT_LABELS[split]) if split != "none" else None,
        "category": _("Category"),
        "year": st.column_config.NumberColumn(_("Year"), format="%d"),
        "cases": _("Cases"),
        "cases_prev": _("Year before"),
        "change_pct": st.column_config.NumberColumn(_("Change %"), format="%+d%%"),
    },
)

if "detected_victims" in set(reference_sources()["indicator"]):
    st.subheader(_("Reference counts: detected victims by form of exploitation"))
    st.caption(
        _(
            "How to read: aggregate counts published by country and year (UNODC GLOTIP), not cases, for the "
            "years of the chosen history and the detecting countries selected as destination; they are never "
            "added to the case trends above. Values published as <5 are left out of the lines and counted in "
            "the table; years under {k} victims leave a gap."
        ).format(k=SMALL_CELL_K)
    )
    forms = yearly_series(reference_counts(history_until(filters), "detected_victims", "exploitation_form"))
    if forms.empty:
        st.info(
            _(
                "No reference counts by form of exploitation for this selection (they are not split by transit, "
                "origin, modus operandi or linked crimes)."
            )
        )
    else:
        st.plotly_chart(
            trend_figure(
                as_trend_series(forms),
                measure="cases",
                vocabulary="exploitation_form",
                unit=_("victims"),
                lang=lang,
                title=_("Detected victims by form of exploitation (reference counts)"),
                y_title=_("Detected victims"),
                how_to_read=_(
                    "One line per form of exploitation, summed over the selected detecting countries; the "
                    "grey band is the COVID-19 pandemic."
                ),
            ),
            width="stretch",
            config={"displaylogo": False},
            key="trend_reference",
        )
        st.dataframe(
            series_table(forms, "exploitation_form", lang),
            hide_index=True,
            placeholder="–",
            width="stretch",
            column_config={
                "year": st.column_config.NumberColumn(_("Year"), format="%d"),
                "category": _("Form of exploitation"),
                "value": _("Detected victims"),
            },
        )
    citizens = yearly_series(reference_counts(history_until(filters), "detected_victims", "citizenship"))
    if not citizens.empty:
        st.plotly_chart(
            trend_figure(
                as_trend_series(citizens),
                measure="cases",
                vocabulary="exploitation_form",
                unit=_("victims"),
                lang=lang,
                category_labels={c: country_name(c, lang) if len(c) == 3 else c for c in citizens["category"]},
                title=_("Detected victims by citizenship (reference counts)"),
                y_title=_("Detected victims"),
                how_to_read=_(
                    "One line per citizenship (the six largest), summed over the selected detecting "
                    "countries; citizens detected at home included."
                ),
            ),
            width="stretch",
            config={"displaylogo": False},
            key="trend_reference_citizenship",
        )

encounter_trends(history_until(filters), lang)

# Deaths and disappearances: their own measure, beside the cases' series, never in them.
deaths = outcome_series(history_until(filters), "M" if freq == "M" else "Y")
if not deaths.empty:
    st.subheader(_(OUTCOME_SOURCE))
    st.plotly_chart(
        trend_figure(
            deaths,
            measure="cases",
            vocabulary="crime_type",
            unit=_("persons"),
            lang=lang,
            k=SMALL_CELL_K,
            category_labels={"dead": _("Dead"), "missing": _("Missing")},
            title=_("Dead and missing migrants per period (IOM Missing Migrants Project)"),
            y_title=_("Persons"),
            how_to_read=_(
                "Two lines: the dead and the missing in incidents during migration; they are not cases of "
                "trafficking or smuggling and are in no other series. A period of fewer than {k} incidents is not drawn."
            ).format(k=SMALL_CELL_K),
        ),
        width="stretch",
        config={"displaylogo": False},
        key="trend_outcomes",
    )
