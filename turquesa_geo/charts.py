"""Plotly figures with a title, a legend and a one-line reading guide, legible in greyscale.

Colours come from the Okabe-Ito palette (safe for colour-blind readers); every
series also gets its own bar pattern so a greyscale print keeps them apart.
"""

from __future__ import annotations

import itertools

import pandas as pd
import plotly.graph_objects as go

from turquesa_geo.countries import country_name
from turquesa_geo.i18n import N_, format_month, translator
from turquesa_geo.privacy import format_count
from turquesa_geo.trends import PANDEMIC, band_label
from turquesa_geo.vocab import label

__all__ = [
    "CRIME_STYLE",
    "OKABE_ITO",
    "SEX_AGE_SEGMENTS",
    "band_figure",
    "cases_by_year_figure",
    "corridor_sankey",
    "linked_crimes_figure",
    "sex_age_figure",
    "trend_figure",
]

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")

#: Colour and bar pattern per crime type.
CRIME_STYLE: dict[str, tuple[str, str]] = {
    "trafficking": ("#D55E00", ""),
    "smuggling": ("#0072B2", "/"),
    "both": ("#E69F00", "x"),
}

#: Plotly's decimal and thousands separators per language (1,234.5 · 1.234,5 · 1 234,5).
SEPARATORS = {"en": ".,", "es": ",.", "pt": ",.", "fr": ", "}

FONT = dict(family="DejaVu Sans, Arial, sans-serif", size=13, color="#222222")


def cases_by_year_figure(frame: pd.DataFrame, *, title: str, how_to_read: str, lang: str = "en") -> go.Figure:
    """Stacked bars of cases per year and crime type.

    ``frame`` has columns crime_type, year and cases, where suppressed small
    counts are missing (they are left out of the bars, and the guide says so).
    """
    _ = translator(lang).gettext
    figure = go.Figure()
    for crime, (colour, pattern) in CRIME_STYLE.items():
        part = frame[frame["crime_type"] == crime]
        if part.empty:
            continue
        figure.add_trace(
            go.Bar(
                x=part["year"].to_numpy(),
                y=part["cases"].astype("float64").to_numpy(),
                name=label("crime_type", crime, lang),
                marker=dict(color=colour, pattern=dict(shape=pattern, fgcolor="#ffffff", solidity=0.3)),
                hovertemplate="%{x}: %{y:,} " + _("cases") + "<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        font=FONT,
        separators=SEPARATORS.get(lang, ".,"),
        template="simple_white",
        height=380,
        margin=dict(t=80, b=60, l=60, r=20),
        title=dict(text=f"{title}<br><sup>{how_to_read}</sup>", x=0, xanchor="left"),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1, title_text=""),
        xaxis=dict(title=_("Year"), dtick=1),
        yaxis=dict(title=_("Cases"), separatethousands=True),
    )
    return figure


def corridor_sankey(
    corridors: pd.DataFrame, *, title: str, how_to_read: str, lang: str = "en", k: int = 5, top: int = 15
) -> go.Figure:
    """Origin → first transit country → destination for the top corridors (cases; small cells left out)."""
    rows = corridors[corridors["cases"] >= k].head(top)
    _ = translator(lang).gettext
    stages = {"origin": _("origin"), "transit": _("via"), "destination": _("to")}
    nodes: dict[tuple[str, str], int] = {}
    links: dict[tuple[int, int], int] = {}

    def node(stage: str, iso3: str) -> int:
        return nodes.setdefault((stage, iso3), len(nodes))

    for route, cases in zip(rows["route"], rows["cases"]):
        parts = route.split(">")
        middle = parts[1] if len(parts) > 2 else "direct"
        chain = [node("origin", parts[0]), node("transit", middle), node("destination", parts[-1])]
        for a, b in itertools.pairwise(chain):
            links[(a, b)] = links.get((a, b), 0) + int(cases)
    names = [
        _("direct, no transit country") if iso == "direct" else f"{country_name(iso, lang)} ({stages[stage]})"
        for (stage, iso) in nodes
    ]
    colours = [
        CRIME_STYLE["smuggling"][0]
        if stage == "origin"
        else "#999999"
        if stage == "transit"
        else CRIME_STYLE["trafficking"][0]
        for (stage, _iso) in nodes
    ]
    figure = go.Figure(
        go.Sankey(
            node=dict(label=names, color=colours, pad=12, thickness=14, line=dict(color="#ffffff", width=0.5)),
            link=dict(
                source=[a for a, _ in links],
                target=[b for _, b in links],
                value=list(links.values()),
                color="rgba(120,120,120,0.35)",
                hovertemplate="%{source.label} → %{target.label}: %{value:,} " + _("cases") + "<extra></extra>",
            ),
        )
    )
    figure.update_layout(
        font=FONT,
        separators=SEPARATORS.get(lang, ".,"),
        height=460,
        margin=dict(t=80, b=20, l=10, r=10),
        title=dict(text=f"{title}<br><sup>{how_to_read}</sup>", x=0, xanchor="left"),
    )
    return figure


#: Line styles that stay distinct in greyscale print, cycled with the colours.
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
MARKERS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down")


def _pandemic_band(figure: go.Figure, lang: str = "en") -> None:
    figure.add_vrect(
        x0=PANDEMIC[0],
        x1=PANDEMIC[1],
        fillcolor="#999999",
        opacity=0.15,
        line_width=0,
        annotation_text="COVID-19",
        annotation_position="top left",
        annotation_font=dict(size=11, color="#555555"),
    )


def trend_figure(
    series: pd.DataFrame,
    *,
    measure: str,
    title: str,
    how_to_read: str,
    vocabulary: str,
    lang: str = "en",
    k: int = 5,
    top: int = 6,
    y_title: str | None = None,
    unit: str | None = None,
    category_labels: dict[str, str] | None = None,
) -> go.Figure:
    """One line per code over time (the ``top`` codes by cases); small cells leave gaps.

    ``measure`` is "cases" or "share"; ``unit`` names what is counted in the hover text
    (translated "cases" by default). Lines are named by ``category_labels`` when given,
    else by the vocabulary's labels. A point built on fewer than k cases (or a share
    whose reporting base is under k) is not drawn.
    """
    _ = translator(lang).gettext
    totals = series.groupby("code")["cases"].sum().sort_values(ascending=False)
    figure = go.Figure()
    for i, code in enumerate(totals.index[:top]):
        part = series[series["code"] == code].sort_values("period")
        hidden = ((part["cases"] >= 1) & (part["cases"] < k)) | (part["reporting"] < k)
        values = part[measure].astype("float64").mask(hidden)
        figure.add_trace(
            go.Scatter(
                x=part["period"].to_numpy(),
                y=values.to_numpy(),
                mode="lines+markers",
                name=category_labels.get(code, code) if category_labels else label(vocabulary, code, lang),
                line=dict(color=OKABE_ITO[i % len(OKABE_ITO)], dash=DASHES[i % len(DASHES)], width=2.5),
                marker=dict(symbol=MARKERS[i % len(MARKERS)], size=7),
                hovertemplate="%{x|%Y-%m}: %{y:,}"
                + ("%" if measure == "share" else " " + (unit or _("cases")))
                + "<extra>%{fullData.name}</extra>",
            )
        )
    _pandemic_band(figure, lang)
    figure.update_layout(
        font=FONT,
        separators=SEPARATORS.get(lang, ".,"),
        template="simple_white",
        height=420,
        margin=dict(t=90, b=50, l=60, r=20),
        title=dict(text=f"{title}<br><sup>{how_to_read}</sup>", x=0, xanchor="left"),
        legend=dict(orientation="h", yanchor="top", y=-0.15, x=0, title_text=""),
        yaxis=dict(
            title=y_title or (_("Share of cases reporting it (%)") if measure == "share" else _("Cases")),
            rangemode="tozero",
            separatethousands=True,
        ),
        xaxis=dict(title=None, **_time_ticks(series["period"], lang)),
    )
    return figure


#: Bar patterns of the bands of a band figure, in order: bands stay apart in greyscale.
BAND_PATTERNS = ("", "/", "x", ".", "\\", "+", "-", "|")


def band_figure(
    bands: pd.DataFrame,
    *,
    measure: str,
    title: str,
    how_to_read: str,
    vocabulary: str,
    lang: str = "en",
    k: int = 5,
    top: int = 6,
) -> go.Figure:
    """Cases dated to a band of years: per category (the ``top`` by cases), one bar per band drawn
    across the band's years on a time axis, labelled with its cases or share of the whole band.

    ``bands`` has columns first_day, last_day, code, cases, reporting and share (see
    :func:`turquesa_geo.trends.modus_bands`); ``measure`` is "cases" or "share". A bar built on
    fewer than k cases (or a share whose reporting base is under k) is not drawn. Each band is
    a legend entry with its own pattern, so a greyscale print keeps them apart.
    """
    _ = translator(lang).gettext
    codes = bands.groupby("code")["cases"].sum().sort_values(ascending=False).index[:top]
    shown = bands[bands["code"].isin(codes) & (bands["cases"] >= k) & (bands["reporting"] >= k)]
    rows = [label(vocabulary, c, lang) for c in reversed(codes)]
    figure = go.Figure()
    spans = shown[["first_day", "last_day"]].drop_duplicates().sort_values(["first_day", "last_day"])
    for i, (first, last) in enumerate(spans.itertuples(index=False)):
        part = shown[(shown["first_day"] == first) & (shown["last_day"] == last)]
        start, end = pd.Timestamp(first), pd.Timestamp(last) + pd.Timedelta(days=1)
        text = [f"{v:.0f}%" if measure == "share" else format_count(int(v), k, lang=lang) for v in part[measure]]
        name = band_label(first, last)
        figure.add_trace(
            go.Bar(
                y=[label(vocabulary, c, lang) for c in part["code"]],
                x=[(end - start).total_seconds() * 1000] * len(part),
                base=[start] * len(part),
                orientation="h",
                name=name,
                text=text,
                textposition="inside",
                insidetextanchor="middle",
                marker=dict(
                    color=OKABE_ITO[i % len(OKABE_ITO)],
                    pattern=dict(shape=BAND_PATTERNS[i % len(BAND_PATTERNS)], fgcolor="#ffffff", solidity=0.3),
                    line=dict(color="#222222", width=1),
                ),
                hovertemplate="%{y}, " + name + ": %{text}<extra></extra>",
            )
        )
    figure.update_layout(
        barmode="overlay",
        font=FONT,
        separators=SEPARATORS.get(lang, ".,"),
        template="simple_white",
        height=max(260, 110 + 40 * len(rows)),
        margin=dict(t=90, b=50, l=10, r=20),
        title=dict(text=f"{title}<br><sup>{how_to_read}</sup>", x=0, xanchor="left"),
        legend=dict(orientation="h", yanchor="top", y=-0.15, x=0, title_text=_("Band of years")),
        xaxis=dict(type="date", title=None),
        yaxis=dict(title=None, automargin=True, categoryorder="array", categoryarray=rows),
    )
    return figure


def _time_ticks(periods: pd.Series, lang: str = "en") -> dict:
    """Ticks of a time axis written by us, in ``lang``: plotly's own month names are English only.

    Years when the series spans three years or more (or holds yearly points), else the first
    month of each quarter in words (``mar 2024``).

    >>> _time_ticks(pd.Series(pd.to_datetime(["2024-01-01", "2024-06-01"])), "es")["ticktext"]
    ['ene 2024', 'abr 2024']
    >>> _time_ticks(pd.Series(pd.to_datetime(["2019-01-01", "2021-01-01"])), "es")["ticktext"]
    ['2019', '2020', '2021']
    """
    days = pd.to_datetime(periods).dropna()
    if days.empty:
        return {}
    first, last = days.min(), days.max()
    yearly = last.year - first.year >= 2 or bool(((days.dt.month == 1) & (days.dt.day == 1)).all())
    if yearly:
        ticks = pd.date_range(f"{first.year}-01-01", f"{last.year}-01-01", freq="YS")
        text = [str(t.year) for t in ticks]
    else:
        ticks = pd.date_range(first.to_period("Q").start_time, last, freq="QS")
        text = [format_month(t.date(), lang) for t in ticks]
    return {"tickmode": "array", "tickvals": list(ticks), "ticktext": text}


#: Gender × age segments in drawing order, with colour and pattern (minors hatched).
SEX_AGE_SEGMENTS = (
    ("female", "adult", N_("Women"), "#D55E00", ""),
    ("female", "minor", N_("Girls"), "#D55E00", "/"),
    ("male", "adult", N_("Men"), "#0072B2", ""),
    ("male", "minor", N_("Boys"), "#0072B2", "/"),
    ("transgender_nonconforming", None, N_("Transgender / non-conforming"), "#009E73", "."),
    ("unknown", None, N_("Sex unknown"), "#999999", "x"),
)


def sex_age_figure(
    frame: pd.DataFrame,
    *,
    category: str,
    title: str,
    how_to_read: str,
    k: int = 5,
    category_labels: dict[str, str] | None = None,
    lang: str = "en",
) -> go.Figure:
    """Horizontal stacked bars: persons per category split into women, girls, men, boys, other, unknown.

    ``frame`` has columns category, gender, age_group, persons; cells under k are not drawn
    (and the guide says so). Age unknown is shown within each sex as adult-or-unknown.
    """
    _ = translator(lang).gettext
    labels = category_labels or {}
    data = frame.copy()
    data["age_key"] = data["age_group"].where(data["age_group"] == "minor", "adult")
    figure = go.Figure()
    order = data.groupby(category)["persons"].sum().sort_values().index
    for gender, age, name, colour, pattern in SEX_AGE_SEGMENTS:
        part = data[data["gender"] == gender]
        if age is not None:
            part = part[part["age_key"] == age]
        sums = part.groupby(category)["persons"].sum().reindex(order, fill_value=0)
        sums = sums.astype("float64").mask((sums >= 1) & (sums < k))
        name = _(name)
        figure.add_trace(
            go.Bar(
                y=[labels.get(c, c) for c in order],
                x=sums.to_numpy(),
                name=name,
                orientation="h",
                marker=dict(color=colour, pattern=dict(shape=pattern, fgcolor="#ffffff", solidity=0.35)),
                hovertemplate="%{y}: %{x:,} " + _("persons") + "<extra>" + name + "</extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        font=FONT,
        separators=SEPARATORS.get(lang, ".,"),
        template="simple_white",
        height=max(300, 60 + 34 * len(order)),
        margin=dict(t=90, b=40, l=10, r=20),
        title=dict(text=f"{title}<br><sup>{how_to_read}</sup>", x=0, xanchor="left"),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, title_text="", traceorder="normal"),
        xaxis=dict(title=_("Persons"), separatethousands=True),
        yaxis=dict(title=None, automargin=True),
    )
    return figure


#: Bar patterns in turn, so stacked parts stay apart in greyscale print.
_PATTERNS = ("", "/", "x", ".", "\\", "+", "-", "|")


def linked_crimes_figure(
    frame: pd.DataFrame, *, title: str, how_to_read: str, k: int = 5, top: int = 10, lang: str = "en"
) -> go.Figure:
    """Horizontal stacked bars: cases per corridor (the ``top`` largest) split by linked crime.

    ``frame`` has columns corridor (a label), code and cases; parts under k are not drawn.
    """
    _ = translator(lang).gettext
    totals = frame.groupby("corridor")["cases"].sum().nlargest(top).sort_values()
    figure = go.Figure()
    codes = frame.groupby("code")["cases"].sum().sort_values(ascending=False).index
    for i, code in enumerate(codes):
        sums = frame[frame["code"] == code].groupby("corridor")["cases"].sum().reindex(totals.index, fill_value=0)
        sums = sums.astype("float64").mask((sums >= 1) & (sums < k))
        name = label("linked_crime", code, lang)
        figure.add_trace(
            go.Bar(
                y=list(totals.index),
                x=sums.to_numpy(),
                name=name,
                orientation="h",
                marker=dict(
                    color=OKABE_ITO[i % len(OKABE_ITO)],
                    pattern=dict(shape=_PATTERNS[i % len(_PATTERNS)], fgcolor="#ffffff", solidity=0.35),
                ),
                hovertemplate="%{y}: %{x:,} " + _("cases") + "<extra>" + name + "</extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        font=FONT,
        separators=SEPARATORS.get(lang, ".,"),
        template="simple_white",
        height=max(300, 90 + 34 * len(totals)),
        margin=dict(t=90, b=40, l=10, r=20),
        title=dict(text=f"{title}<br><sup>{how_to_read}</sup>", x=0, xanchor="left"),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, title_text=""),
        xaxis=dict(title=_("Cases"), separatethousands=True),
        yaxis=dict(title=None, automargin=True),
    )
    return figure
