"""Cooperation: who else works on a corridor — reporting countries, networks and their points of contact."""

import streamlit as st

from turquesa_geo.cooperation import (
    contacts_missing,
    corridor_matrix,
    quarter_label,
    reporters_by_place,
    shared_cases_table,
    shared_corridors,
)
from turquesa_geo.corridors import corridor_name
from turquesa_geo.countries import country_name
from turquesa_geo.i18n import format_date, gettext, regroup
from turquesa_geo.privacy import SMALL_CELL_K, TOTAL_LABEL, format_guarded_total
from turquesa_geo.vocab import codes, label
from turquesa_ui.data import contacts, contacts_file, cooperation_reporters, cooperation_shared_cases
from turquesa_ui.filters import analysis_filters, period_caption
from turquesa_ui.glossary_links import glossary_links
from turquesa_ui.lang import current_lang, tr
from turquesa_ui.state import run_inside_app

run_inside_app()
lang = current_lang()
_ = tr(lang)

st.title(_("Cooperation"))
glossary_links("networks", "corridor", "small_cells", lang=lang)
filters, period = analysis_filters("cooperation")
reporters = cooperation_reporters(filters)
view_period = (filters.start or period[0], filters.end or period[1])
st.caption(period_caption(filters, view_period, None))

c1, c2 = st.columns([1, 2])
by = (
    c1.segmented_control(
        _("Shared between"),
        ["reporting_country", "network"],
        key="coop_by",
        default="reporting_country",
        format_func={"reporting_country": _("Countries"), "network": _("Networks")}.get,
    )
    or "reporting_country"
)
networks = c2.multiselect(
    _("Source networks"),
    codes("network"),
    key="coop_networks",
    format_func=lambda n: label("network", n, lang),
    placeholder=_("Choose options"),
    help=_("Keep only the cases reported through these networks (e.g. ISON, HTEG, REDTRAM)"),
)
if networks:
    reporters = reporters[reporters["network"].isin(networks)]
NOT_STATED = _("Not stated")


def _who(code: str) -> str:
    return country_name(code, lang) if by == "reporting_country" else label("network", code, lang)


def _count(value) -> str:
    return format_guarded_total(int(value), lang=lang)


st.subheader(_("Shared corridors"))
st.caption(
    _(
        "How to read: corridors where two or more reporting countries (or networks) hold cases in the same "
        "quarter — candidates for a joint investigation or a coordination meeting; latest quarter first. A "
        "reporter is listed only with at least {k} cases on the corridor in that quarter; cases are rounded to "
        "the nearest 5."
    ).format(k=SMALL_CELL_K)
)
shared = shared_corridors(reporters, by=by)
if shared.empty:
    st.info(
        _(
            "No corridor is shared in this period: no two reporters hold enough cases on the same corridor in the "
            "same quarter."
        )
    )
else:
    st.dataframe(
        {
            _("Corridor"): [corridor_name(r, lang) for r in shared["route"]],
            _("Quarter"): [quarter_label(q, lang) for q in shared["quarter"]],
            _("Reported by"): [", ".join(_who(c) for c in r) for r in shared["reporters"]],
            _("Reporters"): shared["n_reporters"].tolist(),
            _("Cases"): [_count(v) for v in shared["cases"]],
            _("Last case"): [format_date(d, lang) for d in shared["last_case"]],
        },
        hide_index=True,
        placeholder="–",
        width="stretch",
    )

st.subheader(_("Shared cases"))
st.caption(
    _(
        "How to read: incidents that two sources both reported (or one source in two files), found when the "
        "later file was imported: same date within a day, same detection country and crime type, same number "
        "of persons. Linked: counted once; kept both: counted by each source. Counts under {k} read <{k}, and a "
        "cell marked · is hidden too."
    ).format(k=SMALL_CELL_K)
)
shared_table = shared_cases_table(cooperation_shared_cases(filters))
if shared_table is None:
    st.info(_("No case reported twice in this period."))
else:
    shown = shared_table.display()
    if lang != "en":
        shown = shown.map(lambda v: regroup(v, lang) if isinstance(v, str) else v)
    total = gettext(lang, TOTAL_LABEL)
    shown.index = [total if a == TOTAL_LABEL else f"{a} / {b}" for a, b in shown.index]
    shown.columns = [{"linked": _("Linked: counted once"), "kept": _("Kept both")}.get(c, total) for c in shown.columns]
    st.dataframe(shown, width="stretch", placeholder="–")

st.subheader(_("Corridors by reporting country"))
st.caption(
    _(
        "How to read: cases of each of the largest corridors held by each reporting country over the period, "
        "with totals; counts under {k} read <{k}, and a cell marked · is hidden too so that no small count can "
        "be worked out from the totals."
    ).format(k=SMALL_CELL_K)
)
matrix = corridor_matrix(reporters)
if matrix is not None:
    shown = matrix.display()
    if lang != "en":
        shown = shown.map(lambda v: regroup(v, lang) if isinstance(v, str) else v)
    total = gettext(lang, TOTAL_LABEL)
    shown.index = [corridor_name(r, lang) if r != TOTAL_LABEL else total for r in shown.index]
    shown.columns = [
        country_name(c, lang) if c not in ("—", TOTAL_LABEL) else (NOT_STATED if c == "—" else total)
        for c in shown.columns
    ]
    st.dataframe(shown, width="stretch", placeholder="–")

st.subheader(_("Who reports on each hub and leg"))
st.caption(
    _(
        "How to read: for each country on a route (hub) and each leg between two countries, the reporters "
        "(country and network) holding at least {k} cases on corridors through it."
    ).format(k=SMALL_CELL_K)
)
places = reporters_by_place(reporters)
if not places.empty:
    hubs = places[places["kind"] == "hub"].head(20)
    st.dataframe(
        {
            _("Hub"): [country_name(p, lang) for p in hubs["place"]],
            _("Reporters"): [
                "; ".join(
                    f"{country_name(c, lang) if c else NOT_STATED} ({label('network', n, lang) if n else '—'})"
                    for c, n in r
                )
                for r in hubs["reporters"]
            ],
            _("Cases"): [_count(v) for v in hubs["cases"]],
        },
        hide_index=True,
        placeholder="–",
        width="stretch",
    )

st.subheader(_("Points of contact"))
st.caption(
    _(
        "How to read: offices and channels of the countries on the shared corridors, from the deployment's "
        "contacts file (roles and offices, no personal names)."
    )
)
directory = contacts()
if not contacts_file().is_file():
    st.warning(contacts_missing(contacts_file(), lang))
countries = {c for r in shared["route"] for c in r.split(">")} if not shared.empty else set()
listed = directory[directory["country"].isin(countries)] if countries else directory
if listed.empty:
    st.info(_("No point of contact is listed for these countries (the deployment edits data/contacts.csv)."))
else:
    st.dataframe(
        {
            _("Country"): [country_name(c, lang) for c in listed["country"]],
            _("Network"): [label("network", n, lang) if n in codes("network") else n for n in listed["network"]],
            _("Role"): listed["role"].tolist(),
            _("Office"): listed["office"].tolist(),
            _("Channel"): listed["channel"].tolist(),
        },
        hide_index=True,
        placeholder="–",
        width="stretch",
    )
