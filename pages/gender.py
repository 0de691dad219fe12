"""Gender and age: who the victims, smuggled migrants and suspects are, and how that changes."""

from dataclasses import replace

import streamlit as st

from turquesa_geo.charts import sex_age_figure, trend_figure
from turquesa_geo.countries import country_name
from turquesa_geo.filters import history_until
from turquesa_geo.gender import SPLITS, women_girls_series, women_girls_table
from turquesa_geo.i18n import N_
from turquesa_geo.references import SEX_AGE_GROUPS, as_sex_age_frame, sex_age_series, sex_age_table
from turquesa_geo.trends import dating_notes
from turquesa_geo.vocab import codes, label
from turquesa_ui.data import (
    outcome_totals,
    persons_by,
    persons_by_corridor,
    reference_counts,
    reference_sources,
    series_dating,
    women_girls_by_band,
    women_girls_share,
)
from turquesa_ui.export_panel import export_panel
from turquesa_ui.filters import analysis_filters
from turquesa_ui.glossary_links import glossary_links
from turquesa_ui.lang import current_lang, tr
from turquesa_ui.state import run_inside_app

run_inside_app()
lang = current_lang()
_ = tr(lang)

SPLIT_LABELS = {
    "none": N_("Role"),
    "crime_type": N_("Crime type"),
    "nationality": N_("Nationality"),
    "exploitation_form": N_("Form of exploitation"),
    "corridor": N_("Corridor"),
}
#: Chart titles per split: "Victims by nationality" (the role's plural comes first).
SPLIT_TITLES = {
    "crime_type": {
        "victim": N_("Victims by crime type"),
        "migrant": N_("Smuggled migrants by crime type"),
        "suspect": N_("Suspects by crime type"),
    },
    "nationality": {
        "victim": N_("Victims by nationality"),
        "migrant": N_("Smuggled migrants by nationality"),
        "suspect": N_("Suspects by nationality"),
    },
    "exploitation_form": {
        "victim": N_("Victims by form of exploitation"),
        "migrant": N_("Smuggled migrants by form of exploitation"),
        "suspect": N_("Suspects by form of exploitation"),
    },
    "corridor": {
        "victim": N_("Victims by corridor"),
        "migrant": N_("Smuggled migrants by corridor"),
        "suspect": N_("Suspects by corridor"),
    },
}

st.title(_("Gender and age"))
glossary_links("trafficking", "smuggling", "victim_rights", "migrant_rights", "small_cells", lang=lang)
filters, period = analysis_filters("gender", reference=True)
shown_period = (filters.start or period[0], filters.end or period[1])
export_panel(filters, shown_period, "gender")
if outcome_totals(replace(filters, start=shown_period[0], end=shown_period[1]))["incidents"]:
    st.caption(
        _(
            "Deaths and disappearances during migration (IOM) are not in these counts; the corridor map lists the "
            "dead and missing by sex."
        )
    )
c1, c2 = st.columns(2)
split = (
    c1.segmented_control(
        _("Split by"), list(SPLITS), key="gender_split", default="none", format_func=lambda s: _(SPLIT_LABELS[s])
    )
    or "none"
)
role = (
    c2.segmented_control(
        _("Persons"), codes("role"), key="gender_role", default="victim", format_func=lambda r: label("role", r, lang)
    )
    or "victim"
)

frame = persons_by_corridor(filters) if split == "corridor" else persons_by(filters, split)
if split != "none":
    frame = frame[frame["role"] == role]
names = (
    {c: country_name(c, lang) for c in frame["category"].unique()}
    if split == "nationality"
    else {c: label(split, c, lang) for c in frame["category"].unique()}
    if split in ("crime_type", "exploitation_form")
    else {}
)
category = "role" if split == "none" else "category"
if split == "none":
    names = {r: label("role", r, lang) for r in codes("role")}
st.plotly_chart(
    sex_age_figure(
        frame,
        category=category,
        category_labels=names,
        lang=lang,
        title=_("Persons by role") if split == "none" else _(SPLIT_TITLES[split][role]),
        how_to_read=_(
            "Bars are split into women, girls (hatched), men, boys (hatched), transgender or non-conforming "
            "persons and persons of unknown sex; parts under 5 persons are not drawn."
        ),
    ),
    width="stretch",
    config={"displaylogo": False},
)

st.subheader(_("Share of women and girls over time"))
st.caption(
    _(
        "How to read: percent of victims and of smuggled migrants of known sex who are women or girls, per "
        "year, over the whole history up to the end of the period; 'unknown' counts the persons whose sex was "
        "not recorded. Counts under 5 read <5 and a share resting on one is left blank."
    )
)
band_shares = women_girls_by_band(history_until(filters), lang)
for note in dating_notes(series_dating(history_until(filters)), "Y", lang, bands_shown=not band_shares.empty):
    st.caption(note)
history = women_girls_share(history_until(filters), "Y", lang)
st.plotly_chart(
    trend_figure(
        women_girls_series(history),
        measure="share",
        vocabulary="role",
        title=_("Share of women and girls"),
        lang=lang,
        y_title=_("Women and girls among persons of known sex (%)"),
        how_to_read=_(
            "One line per role; the grey band is the COVID-19 pandemic; years resting on fewer than 5 "
            "persons are left out."
        ),
    ),
    width="stretch",
    config={"displaylogo": False},
)
shares = women_girls_table(history, lang=lang)
st.dataframe(
    shares,
    hide_index=True,
    placeholder="–",
    width="stretch",
    column_config={
        "period": st.column_config.DateColumn(_("Year"), format="YYYY"),
        "role": _("Role"),
        "known_sex": _("Persons of known sex"),
        "unknown": _("Sex unknown"),
        "share": st.column_config.NumberColumn(_("Women and girls %"), format="%.0f%%"),
    },
)

if not band_shares.empty:
    st.subheader(_("Share of women and girls per band of years"))
    st.caption(
        _(
            "How to read: persons of the cases a source dates only to a band of years (such as 2014–2018), "
            "counted once for the whole band, never spread over its years. Counts under 5 read <5 and a share "
            "resting on one is left blank."
        )
    )
    st.dataframe(
        women_girls_table(band_shares, lang=lang, key="band"),
        hide_index=True,
        placeholder="–",
        width="stretch",
        column_config={
            "band": _("Band of years"),
            "role": _("Role"),
            "known_sex": _("Persons of known sex"),
            "unknown": _("Sex unknown"),
            "share": st.column_config.NumberColumn(_("Women and girls %"), format="%.0f%%"),
        },
    )

if not reference_sources().empty:
    st.subheader(_("Reference counts: detected victims by sex and age"))
    groups = sex_age_series(reference_counts(history_until(filters), "detected_victims", "total"))
    if groups.empty:
        st.info(
            _(
                "No reference counts by sex and age for this selection (they are not split by transit, origin, "
                "modus operandi or linked crimes)."
            )
        )
    else:
        st.plotly_chart(
            sex_age_figure(
                as_sex_age_frame(groups),
                category="category",
                lang=lang,
                title=_("Detected victims by sex and age, per year (reference counts, UNODC GLOTIP)"),
                how_to_read=_(
                    "Published counts for the selected detecting countries; girls and boys hatched; values "
                    "under 5 not drawn."
                ),
            ),
            width="stretch",
            config={"displaylogo": False},
            key="gender_reference",
        )
        st.dataframe(
            sex_age_table(groups, lang=lang),
            hide_index=True,
            placeholder="–",
            width="stretch",
            column_config={
                "year": st.column_config.NumberColumn(_("Year"), format="%d"),
                **{name: _(name) for name in SEX_AGE_GROUPS.values()},
            },
        )
