"""Plotly figures with a title, a legend and a one-line reading guide, legible in greyscale.

Colours come from the Okabe-Ito palette (safe for colour-blind readers); every
series also gets its own bar pattern so a greyscale print keeps them apart.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .vocab import label

__all__ = ["OKABE_ITO", "CRIME_STYLE", "cases_by_year_figure", "corridor_sankey"]

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")

#: Colour and bar pattern per crime type.
CRIME_STYLE: dict[str, tuple[str, str]] = {
    "trafficking": ("#D55E00", ""),
    "smuggling": ("#0072B2", "/"),
    "both": ("#E69F00", "x"),
}

FONT = dict(family="DejaVu Sans, Arial, sans-serif", size=13, color="#222222")


def cases_by_year_figure(frame: pd.DataFrame, *, title: str, how_to_read: str, lang: str = "en") -> go.Figure:
    """Stacked bars of cases per year and crime type.

    ``frame`` has columns crime_type, year and cases, where suppressed small
    counts are missing (they are left out of the bars, and the guide says so).
    """
    figure = go.Figure()
    for crime, (colour, pattern) in CRIME_STYLE.items():
        part = frame[frame["crime_type"] == crime]
        if part.empty:
            continue
        figure.add_trace(go.Bar(
            x=part["year"].to_numpy(), y=part["cases"].astype("float64").to_numpy(), name=label("crime_type", crime, lang),
            marker=dict(color=colour, pattern=dict(shape=pattern, fgcolor="#ffffff", solidity=0.3)),
            hovertemplate="%{x}: %{y:,} cases<extra>%{fullData.name}</extra>",
        ))
    figure.update_layout(
        barmode="stack", font=FONT, template="simple_white", height=380, margin=dict(t=80, b=60, l=60, r=20),
        title=dict(text=f"{title}<br><sup>{how_to_read}</sup>", x=0, xanchor="left"),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1, title_text=""),
        xaxis=dict(title="Year", dtick=1), yaxis=dict(title="Cases", separatethousands=True),
    )
    return figure


def corridor_sankey(corridors: pd.DataFrame, *, title: str, how_to_read: str, lang: str = "en", k: int = 5,
                    top: int = 15) -> go.Figure:
    """Origin → first transit country → destination for the top corridors (cases; small cells left out)."""
    from .countries import country_name

    rows = corridors[corridors["cases"] >= k].head(top)
    stages = {"origin": "origin", "transit": "via", "destination": "to"}
    nodes: dict[tuple[str, str], int] = {}
    links: dict[tuple[int, int], int] = {}

    def node(stage: str, iso3: str) -> int:
        return nodes.setdefault((stage, iso3), len(nodes))

    for route, cases in zip(rows["route"], rows["cases"]):
        parts = route.split(">")
        middle = parts[1] if len(parts) > 2 else "direct"
        chain = [node("origin", parts[0]), node("transit", middle), node("destination", parts[-1])]
        for a, b in zip(chain, chain[1:]):
            links[(a, b)] = links.get((a, b), 0) + int(cases)
    names = [("direct" if iso == "direct" else country_name(iso, lang)) + f" ({stages[stage]})"
             for (stage, iso) in nodes]
    colours = [CRIME_STYLE["smuggling"][0] if stage == "origin" else "#999999" if stage == "transit"
               else CRIME_STYLE["trafficking"][0] for (stage, _iso) in nodes]
    figure = go.Figure(go.Sankey(
        node=dict(label=names, color=colours, pad=12, thickness=14, line=dict(color="#ffffff", width=0.5)),
        link=dict(source=[a for a, _ in links], target=[b for _, b in links], value=list(links.values()),
                  color="rgba(120,120,120,0.35)", hovertemplate="%{source.label} → %{target.label}: %{value:,} cases"
                  "<extra></extra>"),
    ))
    figure.update_layout(font=FONT, height=460, margin=dict(t=80, b=20, l=10, r=10),
                         title=dict(text=f"{title}<br><sup>{how_to_read}</sup>", x=0, xanchor="left"))
    return figure
