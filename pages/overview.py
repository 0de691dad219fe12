"""Overview for managers: key figures and their change, deaths and disappearances apart, the top corridors, the
gender picture."""

from dataclasses import replace

import streamlit as st

from turquesa_geo.corridors import corridor_table
from turquesa_geo.i18n import format_month
from turquesa_geo.privacy import (
    SMALL_CELL_K,
    format_change,
    format_guarded_total,
    guard_total,
)
from turquesa_geo.signals import signal_baseline, signal_table
from turquesa_ui.data import corridor_view, emerging_signals, key_figures, undated_note
from turquesa_ui.filters import analysis_filters, period_caption
from turquesa_ui.glossary_links import glossary_links
from turquesa_ui.lang import current_lang, tr
from turquesa_ui.outcome_panels import outcome_figures
from turquesa_ui.state import run_inside_app

run_inside_app()
lang = current_lang()
_ = tr(lang)

st.title(_("Overview"))
glossary_links("signals", "small_cells", "corridor", lang=lang)
filters, period = analysis_filters("overview")
view = corridor_view(filters)
figures = key_figures(filters, view.period)
st.caption(period_caption(filters, view.period, view.previous))
if note := undated_note(filters, lang):
    st.caption(note)

cols = st.columns(5)
for col, (name, now, before) in zip(
    cols,
    [
        (_("Cases"), figures.cases, figures.cases_prev),
        (_("Victims"), figures.victims, figures.victims_prev),
        (_("Smuggled migrants"), figures.migrants, figures.migrants_prev),
        (_("Suspects"), figures.suspects, figures.suspects_prev),
    ],
):
    # Totals of filtered views are guarded (rounded to 5) so neighbouring filters cannot be
    # subtracted to recover a small count; the change is computed from the guarded values.
    shown, shown_before = guard_total(now), None if before is None else guard_total(before)
    col.metric(
        name,
        format_guarded_total(now, lang=lang),
        format_change(shown, shown_before),
        delta_color="off",
        help=_("Rounded to the nearest 5 (counts under 5 show as <5)"),
    )
share = figures.women_girls_share
cols[4].metric(
    _("Women and girls"),
    "—" if share is None or figures.women_girls < SMALL_CELL_K else f"{share:.0f}%",
    help=_("Share of victims and smuggled migrants of known sex who are women or girls"),
)
# The period's deaths and disappearances during migration: a row of their own, never in the key figures.
outcome_figures(replace(filters, start=view.period[0], end=view.period[1]), lang)

st.subheader(_("Top corridors"))
st.caption(
    _(
        "How to read: the ten largest rebuilt routes in the period; change compares with the previous period. "
        "Open the **Corridor map** for the map and every corridor."
    )
)
st.dataframe(
    corridor_table(view.corridors, lang=lang, top=10),
    hide_index=True,
    placeholder="–",
    width="stretch",
    column_config={
        "rank": "#",
        "corridor": _("Corridor"),
        "route": None,
        "cases": _("Cases"),
        "change_pct": st.column_config.NumberColumn(_("Change %"), format="%+d%%"),
        "persons": _("Persons"),
        "women_girls_pct": st.column_config.NumberColumn(_("Women & girls %"), format="%d%%"),
        "inferred_pct": st.column_config.NumberColumn(_("Inferred %"), format="%d%%"),
    },
)

st.subheader(_("Emerging signals"))
latest = view.period
baseline = signal_baseline(latest)
st.caption(
    _(
        "How to read: what changed in the period compared with the {start} – {end} baseline, per corridor, hub, "
        "modus operandi and modus operandi on a corridor. Each change passed an exact test with false discoveries "
        "controlled at 5% (q-value); keys with fewer than 5 cases are not tested."
    ).format(start=format_month(baseline[0], lang), end=format_month(baseline[1], lang))
)
signals = signal_table(emerging_signals(filters, latest, baseline), latest, baseline, lang=lang)
if signals.empty:
    st.info(_("No emerging signal: nothing changed more than chance would explain."))
else:
    st.dataframe(
        signals.head(15),
        hide_index=True,
        placeholder="–",
        width="stretch",
        column_config={
            "kind": _("Kind"),
            "what": _("What"),
            "direction": _("Direction"),
            "reason": _("Change"),
            "q_value": st.column_config.NumberColumn(_("q-value"), format="%.1e"),
        },
    )
