"""The briefing pack: a marked, multi-page PDF built from the current view, drawn offline with matplotlib.

Pages: cover; the corridor map (:mod:`turquesa_geo.maps.static`); the top corridors;
key figures with change, and apart from them the period's deaths and disappearances during
migration (IOM Missing Migrants Project incidents: neither trafficking nor smuggling cases);
when there are any, a page of those by country; modus-operandi trends; gender and age;
emerging signals; data notes. Every page carries the handling marking at top and bottom, the page
number and the link that reopens the view; the PDF's metadata carry title, marking
and data version. Every count goes through the export's audience
(:class:`~turquesa_geo.exports.marking.Audience`): under its threshold nothing is drawn or
printed, and for external audiences counts are rounded down to a multiple of 5.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from turquesa_geo.charts import OKABE_ITO
from turquesa_geo.countries import country_name
from turquesa_geo.exports.marking import TLP_MEANING, ExportContext
from turquesa_geo.exports.tables import corridor_extract
from turquesa_geo.i18n import N_, bilingual, gettext, regroup
from turquesa_geo.maps.static import map_figure
from turquesa_geo.outcomes import OUTCOME_SOURCE
from turquesa_geo.vocab import label

__all__ = ["A4_LANDSCAPE", "PACK_TREND_DIMENSIONS", "PackData", "pack_pages", "pack_pdf"]

A4_LANDSCAPE = (11.69, 8.27)
PACK_TREND_DIMENSIONS = ("recruitment_method", "exploitation_form", "transport_mode", "platform")
_DIMENSION_NAMES = {
    "recruitment_method": N_("Recruitment method"),
    "exploitation_form": N_("Form of exploitation"),
    "transport_mode": N_("Transport mode"),
    "platform": N_("Online platform"),
}
_LINE_STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1)))
_MARKERS = ("o", "s", "^", "D", "v", "P")
_SEX_AGE = (
    ("female", "adult", N_("Women"), OKABE_ITO[1], ""),
    ("female", "minor", N_("Girls"), OKABE_ITO[1], "///"),
    ("male", "adult", N_("Men"), OKABE_ITO[0], ""),
    ("male", "minor", N_("Boys"), OKABE_ITO[0], "///"),
    ("transgender", None, N_("Transgender / non-conforming"), OKABE_ITO[2], "..."),
    ("unknown", None, N_("Unknown sex"), "#999999", "xx"),
)


@dataclass(frozen=True)
class PackData:
    """What the pack draws, already aggregated (the app and the CLI fill it from their caches)."""

    view: object  # turquesa_geo.corridors.CorridorView
    figures: object  # turquesa_geo.trends.KeyFigures
    trends: dict[str, pd.DataFrame]  # dimension -> modus_series (period, code, cases, reporting, share)
    persons: pd.DataFrame  # gender.persons_by(..., "none"): role, gender, age_group, persons
    signals: pd.DataFrame  # signals.signal_table: kind, what, direction, reason, q_value
    #: The period's deaths and disappearances during migration by country (outcomes.outcomes(..., ("country",))):
    #: their own measure, printed apart from the case figures; None or no row: none.
    outcomes: pd.DataFrame | None = None

    @property
    def has_outcomes(self) -> bool:
        """True when the period holds any incident of deaths and disappearances."""
        return self.outcomes is not None and int(self.outcomes["incidents"].sum()) > 0


def _guide(fig: Figure, text: str, y: float = 0.885) -> None:
    """The page's one-line reading guide, wrapped to the page width."""
    fig.text(0.04, y, textwrap.fill(text, 190), fontsize=8.5, color="#444444", va="top", linespacing=1.4)


def _page(context: ExportContext, number: int, total: int, title: str, guide: str | None = None) -> Figure:
    """An A4 landscape page with banners, title, reading guide, page number and the view's link.

    ``title`` and ``guide`` are English message ids, printed in each of the export's languages.
    """
    fig = Figure(figsize=A4_LANDSCAPE)
    if guide:
        _guide(fig, bilingual(guide, context.langs))
    fg, bg = context.marking.colours
    for y, va in ((0.985, "top"), (0.015, "bottom")):
        fig.text(
            0.5,
            y,
            f"  {context.banner}  ",
            ha="center",
            va=va,
            fontsize=11,
            fontweight="bold",
            color=fg,
            bbox=dict(facecolor=bg, edgecolor=bg, boxstyle="square,pad=0.3"),
            gid="marking",
        )
    fig.text(0.04, 0.925, bilingual(title, context.langs), fontsize=17, fontweight="bold", color="#222222", va="top")
    fig.text(0.96, 0.045, f"{number} / {total}", ha="right", fontsize=9, color="#444444", gid="page-number")
    link = context.view_url or "—"
    fig.text(0.04, 0.045, bilingual(N_("View"), context.langs) + f": {link[:150]}", fontsize=7, color="#444444")
    fig.text(
        0.04,
        0.065,
        bilingual(N_("Data version"), context.langs) + f" {context.data_version} · "
        f"{context.period_text()} · {context.filters_text[:140]}",
        fontsize=7,
        color="#444444",
    )
    return fig


def _cover(context: ExportContext, total: int) -> Figure:
    fig = _page(context, 1, total, N_("Corridor briefing"))
    lines = [
        *context.footer_lines(),
        bilingual(N_("Handling"), context.langs)
        + f": {context.marking.text} — "
        + (bilingual(TLP_MEANING[context.marking.tlp], context.langs) if context.marking.tlp else ""),
        bilingual(N_("Prepared by"), context.langs) + f": {context.user or '—'} · Turquesa",
    ]
    y = 0.82
    for line in lines:
        wrapped = textwrap.fill(line, 130)
        fig.text(0.06, y, wrapped, fontsize=11, color="#222222", va="top", linespacing=1.4)
        y -= 0.035 * (wrapped.count("\n") + 1) + 0.03
    return fig


def _table(fig: Figure, rect: tuple[float, float, float, float], frame: pd.DataFrame, widths: list[float]) -> None:
    ax = fig.add_axes(rect)
    ax.axis("off")
    if frame.empty:
        ax.text(0, 1, "—", va="top")
        return
    cells = [
        ["" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v) for v in row]
        for row in frame.astype(object).itertuples(index=False)
    ]
    table = ax.table(
        cellText=cells, colLabels=list(frame.columns), colWidths=widths, loc="upper left", cellLoc="left", colLoc="left"
    )
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1, 1.35)
    header_lines = max(str(c).count("\n") + 1 for c in frame.columns)
    for (row, _), cell in table.get_celld().items():
        cell.set_edgecolor("#cccccc")
        if row == 0:
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#eeeeee")
            cell.set_height(cell.get_height() * header_lines)


def _h(context: ExportContext, message: str) -> str:
    """A column heading: one language per line, so bilingual headings fit their column."""
    return bilingual(message, context.langs, sep="\n")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _corridor_page(context: ExportContext, data: PackData, number: int, total: int) -> Figure:
    fig = _page(
        context,
        number,
        total,
        N_("Top corridors"),
        N_(
            "How to read: one row per rebuilt route, largest first; change compares with the "
            "previous period of the same length; blank where a count is protected."
        ),
    )
    table = corridor_extract(data.view.corridors, context.audience, context.langs[0]).head(15)
    shown = pd.DataFrame(
        {
            "#": table["rank"],
            _h(context, N_("Corridor")): [_short(c, 105) for c in table["corridor"]],
            _h(context, N_("Cases")): table["cases"],
            _h(context, N_("Change %")): table["change_pct"],
            _h(context, N_("Persons")): table["persons"],
            _h(context, N_("Women & girls %")): table["women_girls_pct"],
            _h(context, N_("Inferred %")): table["inferred_pct"],
        }
    )
    _table(fig, (0.04, 0.10, 0.92, 0.74), shown, [0.03, 0.57, 0.07, 0.07, 0.07, 0.11, 0.08])
    return fig


def _figures_page(context: ExportContext, data: PackData, number: int, total: int) -> Figure:
    fig = _page(context, number, total, N_("Key figures"))
    f, audience, lang = data.figures, context.audience, context.langs[0]
    rows = [
        (bilingual(N_("Cases"), context.langs), f.cases, f.cases_prev),
        (bilingual(N_("Victims"), context.langs), f.victims, f.victims_prev),
        (bilingual(N_("Smuggled migrants"), context.langs), f.migrants, f.migrants_prev),
        (bilingual(N_("Suspects"), context.langs), f.suspects, f.suspects_prev),
    ]
    frame = pd.DataFrame(
        {
            _h(context, N_("Figure")): [r[0] for r in rows],
            _h(context, N_("This period")): [regroup(audience.format_total(r[1]), lang) for r in rows],
            _h(context, N_("Previous period")): [
                "—" if r[2] is None else regroup(audience.format_total(r[2]), lang) for r in rows
            ],
            _h(context, N_("Change")): [_change(r[1], r[2], context) for r in rows],
        }
    )
    _table(fig, (0.04, 0.45, 0.7, 0.40), frame, [0.4, 0.2, 0.2, 0.2])
    share = (
        None
        if not f.known_sex or audience.count(f.women_girls) is None or audience.count(f.known_sex) is None
        else 100 * f.women_girls / f.known_sex
    )  # a share (not a count), shown only when both counts are
    fig.text(
        0.04,
        0.38,
        bilingual(N_("Women and girls among victims and migrants of known sex"), context.langs)
        + f": {'—' if share is None else f'{share:.0f}%'}",
        fontsize=11,
    )
    if data.has_outcomes:
        _outcome_figures(fig, data.outcomes, context)
    return fig


#: Under the heading of the deaths and disappearances: what they are, and that no case figure holds them.
_OUTCOMES_APART = N_(
    "Incidents in which migrants died or went missing: neither trafficking nor smuggling cases, and in none of "
    "the figures above."
)
#: The figures of the deaths and disappearances, in order: (column of outcomes.outcomes, heading).
_OUTCOME_FIGURES = (("incidents", N_("Incidents")), ("dead", N_("Dead")), ("missing", N_("Missing")))


def _outcome_figures(fig: Figure, outcomes: pd.DataFrame, context: ExportContext) -> None:
    """The period's incidents, dead and missing under their own heading, below the case figures (guarded
    totals, as the case figures are)."""
    lang = context.langs[0]
    heading = textwrap.fill(bilingual(OUTCOME_SOURCE, context.langs), 100)
    fig.text(0.04, 0.34, heading, fontsize=11, fontweight="bold", va="top", linespacing=1.3)
    guide_y = 0.34 - 0.028 * (heading.count("\n") + 1)
    _guide(fig, bilingual(_OUTCOMES_APART, context.langs), y=guide_y)
    frame = pd.DataFrame(
        {
            _h(context, N_("Figure")): [bilingual(name, context.langs) for _, name in _OUTCOME_FIGURES],
            _h(context, N_("This period")): [
                regroup(context.audience.format_total(int(outcomes[column].sum())), lang)
                for column, _ in _OUTCOME_FIGURES
            ],
        }
    )
    top = guide_y - 0.035
    _table(fig, (0.04, 0.09, 0.5, top - 0.09), frame, [0.6, 0.4])


def _outcomes_page(context: ExportContext, data: PackData, number: int, total: int) -> Figure:
    """Deaths and disappearances during migration by country of the incident, most dead first."""
    fig = _page(
        context,
        number,
        total,
        N_("Deaths and disappearances during migration"),
        N_(
            "How to read: incidents in which migrants died or went missing (IOM Missing Migrants Project), by "
            "country of the incident; neither trafficking nor smuggling cases, never added to the case figures; "
            "women and girls, men and boys and children are among the dead and missing."
        ),
    )
    lang, audience = context.langs[0], context.audience
    rows = data.outcomes.sort_values(
        ["dead", "missing", "incidents", "country"], ascending=[False, False, False, True], na_position="last"
    ).head(18)
    at_sea = gettext(lang, "At sea or unknown")
    columns = {
        _h(context, N_("Country of the incident")): [
            at_sea if pd.isna(c) else _short(country_name(c, lang), 60) for c in rows["country"]
        ]
    }
    for column, heading in (
        ("incidents", N_("Incidents")),
        ("dead", N_("Dead")),
        ("missing", N_("Missing")),
        ("survivors", N_("Survivors")),
        ("women_girls", N_("Women and girls")),
        ("men_boys", N_("Men and boys")),
        ("children", N_("Children")),
    ):
        columns[_h(context, heading)] = [regroup(audience.format(int(v)), lang) for v in rows[column]]
    _table(fig, (0.04, 0.12, 0.92, 0.70), pd.DataFrame(columns), [0.22, 0.1, 0.1, 0.11, 0.12, 0.12, 0.12, 0.11])
    return fig


def _change(now: int, before: int | None, context: ExportContext) -> str:
    # From the guarded totals, as the screen does: exact ones would give the difference away.
    a, b = context.audience.total(now), None if before is None else context.audience.total(before)
    if a is None or not b:
        return "—"
    return f"{100 * (a - b) / b:+.0f}%"


def _trend_axes(fig: Figure, rect, series: pd.DataFrame, dimension: str, context: ExportContext) -> None:
    ax = fig.add_axes(rect)
    title = bilingual(_DIMENSION_NAMES.get(dimension, dimension.replace("_", " ").capitalize()), context.langs)
    ax.set_title(title, fontsize=10, loc="left")
    k = context.audience.k
    if series.empty:
        ax.text(0.5, 0.5, "—", ha="center", transform=ax.transAxes)
        ax.axis("off")
        return
    totals = series.groupby("code")["cases"].sum().sort_values(ascending=False)
    for i, code in enumerate(totals.index[:5]):
        part = series[series["code"] == code].sort_values("period")
        hidden = (part["cases"] < k) | (part["reporting"] < k)  # protected points are not drawn
        values = part["share"].astype("float64").mask(hidden)
        # Wrapped, not cut: French and Portuguese labels run longer than the panel is wide.
        ax.plot(
            pd.to_datetime(part["period"]),
            values,
            label=textwrap.fill(label(dimension, code, context.langs[0]), 38),
            color=OKABE_ITO[i % len(OKABE_ITO)],
            linestyle=_LINE_STYLES[i],
            marker=_MARKERS[i],
            markersize=3,
            linewidth=1.6,
        )
    ax.axvspan(pd.Timestamp("2020-03-01"), pd.Timestamp("2021-12-31"), color="#dddddd", zorder=0)
    ax.set_ylabel(_h(context, N_("% of cases")), fontsize=8)
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=6.5, frameon=False, loc="upper left")


def _trends_page(context: ExportContext, data: PackData, number: int, total: int) -> Figure:
    fig = _page(
        context,
        number,
        total,
        N_("Modus-operandi trends"),
        N_(
            "How to read: share of the cases reporting the dimension that show each code, per "
            "year; grey band: COVID-19 pandemic; years resting on few cases are not drawn."
        ),
    )
    rects = [(0.07, 0.50, 0.40, 0.32), (0.56, 0.50, 0.40, 0.32), (0.07, 0.11, 0.40, 0.32), (0.56, 0.11, 0.40, 0.32)]
    for rect, (dimension, series) in zip(rects, data.trends.items()):
        _trend_axes(fig, rect, series, dimension, context)
    return fig


def _gender_page(context: ExportContext, data: PackData, number: int, total: int) -> Figure:
    fig = _page(
        context,
        number,
        total,
        N_("Gender and age"),
        N_(
            "How to read: persons per role split by sex and age; hatched parts are children; "
            "protected parts are not drawn."
        ),
    )
    ax = fig.add_axes((0.22, 0.22, 0.72, 0.58))
    persons = data.persons
    roles = [r for r in ("victim", "migrant", "suspect") if r in set(persons["role"])]
    left = np.zeros(len(roles))
    for gender, age, name, colour, hatch in _SEX_AGE:
        part = persons[persons["gender"] == gender]
        if age == "minor":
            part = part[part["age_group"] == "minor"]
        elif age == "adult":
            part = part[part["age_group"] != "minor"]
        raw = [int(part.loc[part["role"] == r, "persons"].sum()) for r in roles]
        values = np.array([context.audience.count(v) or 0 for v in raw], dtype=float)
        ax.barh(
            range(len(roles)),
            values,
            left=left,
            color=colour,
            hatch=hatch,
            edgecolor="white",
            label=bilingual(name, context.langs),
        )
        left += values
    ax.set_yticks(
        range(len(roles)), ["\n".join(dict.fromkeys(label("role", r, lang) for lang in context.langs)) for r in roles]
    )
    ax.set_xlabel(bilingual(N_("Persons"), context.langs))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8, frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    return fig


def _signals_page(context: ExportContext, data: PackData, number: int, total: int) -> Figure:
    fig = _page(
        context,
        number,
        total,
        N_("Emerging signals"),
        N_(
            "How to read: changes against the baseline that passed an exact test with false "
            "discoveries controlled at 5%."
        ),
    )
    signals = data.signals.head(12)
    if context.audience.name != "internal":
        # Reasons quote exact counts; an external pack names the signal without them.
        signals = signals.assign(reason=signals["direction"])
    frame = pd.DataFrame(
        {
            _h(context, N_("Kind")): signals["kind"],
            _h(context, N_("What")): [_short(w, 75) for w in signals["what"]],
            _h(context, N_("Change")): [_short(r, 85) for r in signals["reason"]],
        }
    )
    _table(fig, (0.04, 0.12, 0.92, 0.74), frame, [0.2, 0.4, 0.4])
    return fig


def _notes_page(context: ExportContext, number: int, total: int) -> Figure:
    fig = _page(context, number, total, N_("Data notes"))
    notes = [
        bilingual(N_("Sources"), context.langs) + ": " + (", ".join(context.sources) or "—"),
        bilingual(
            N_("Coverage: only cases reported to the sources above; absence of cases is not absence of crime."),
            context.langs,
        ),
        bilingual(
            N_(
                "Inferred legs: transit legs a record did not report, filled in from complete records of the same "
                "corridor (shown dashed)."
            ),
            context.langs,
        ),
        context.audience.notice_in(context.langs),
        bilingual(
            N_(
                "Totals of filtered views are rounded so that neighbouring filters cannot be subtracted to recover "
                "a small count."
            ),
            context.langs,
        ),
        bilingual(N_("No personal identifier is stored or shown."), context.langs),
    ]
    y = 0.84
    for note in notes:
        wrapped = textwrap.fill("• " + note, 140, subsequent_indent="  ")
        fig.text(0.05, y, wrapped, fontsize=10, va="top", linespacing=1.4)
        y -= 0.035 * (wrapped.count("\n") + 1) + 0.03
    return fig


def pack_pages(data: PackData, context: ExportContext) -> list[Figure]:
    """The pack's pages as matplotlib figures, in order (a page of deaths and disappearances after the key
    figures when the period holds any)."""
    extra = 1 if data.has_outcomes else 0
    total = 8 + extra
    map_page = map_figure(data.view.legs, data.view.hubs, context, size="print", hidden_legs=data.view.hidden_flows)
    # Inside the bottom banner (white on black), clear of the footer lines.
    map_page.text(0.985, 0.006, f"2 / {total}", ha="right", va="bottom", fontsize=8, color="#FFFFFF", gid="page-number")
    pages = [
        _cover(context, total),
        map_page,
        _corridor_page(context, data, 3, total),
        _figures_page(context, data, 4, total),
    ]
    if extra:
        pages.append(_outcomes_page(context, data, 5, total))
    return [
        *pages,
        _trends_page(context, data, 5 + extra, total),
        _gender_page(context, data, 6 + extra, total),
        _signals_page(context, data, 7 + extra, total),
        _notes_page(context, 8 + extra, total),
    ]


def pack_pdf(data: PackData, context: ExportContext) -> bytes:
    """The briefing pack as PDF bytes, with title, marking and data version in its metadata."""
    buffer = io.BytesIO()
    metadata = {
        "Title": bilingual(N_("Turquesa corridor briefing"), context.langs),
        "Subject": context.marking.text,
        "Keywords": f"{context.marking.text}; data version {context.data_version}; audience {context.audience.name}",
        "Creator": "Turquesa",
        "CreationDate": dt.datetime.combine(context.exported_at.date(), context.exported_at.time(), tzinfo=dt.UTC),
    }
    with PdfPages(buffer, metadata=metadata) as pdf:
        for figure in pack_pages(data, context):
            pdf.savefig(figure)
    return buffer.getvalue()
