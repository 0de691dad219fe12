"""Plotly figures: each has a title, a legend (or labelled nodes) and a one-line reading guide, in the language."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from turquesa_geo.charts import (
    CRIME_STYLE,
    OKABE_ITO,
    band_figure,
    cases_by_year_figure,
    corridor_sankey,
    linked_crimes_figure,
    sex_age_figure,
    trend_figure,
)

TITLE, GUIDE = "A title", "How to read: one line."

YEARS = pd.DataFrame(
    [("trafficking", 2023, 12.0), ("trafficking", 2024, None), ("smuggling", 2024, 40.0)],
    columns=["crime_type", "year", "cases"],
)
CORRIDORS = pd.DataFrame(
    [("VEN>COL>PAN>USA", 40), ("VEN>COL", 12), ("HTI>DOM", 3)],
    columns=["route", "cases"],
)
SERIES = pd.DataFrame(
    [
        (pd.Timestamp("2023-01-01"), "internet", 10, 20, 50.0),
        (pd.Timestamp("2024-01-01"), "internet", 3, 20, 15.0),
        (pd.Timestamp("2023-01-01"), "job_offer", 8, 20, 40.0),
        (pd.Timestamp("2024-01-01"), "job_offer", 9, 20, 45.0),
    ],
    columns=["period", "code", "cases", "reporting", "share"],
)
PERSONS = pd.DataFrame(
    [("victim", "female", "adult", 12), ("victim", "female", "minor", 3), ("victim", "male", "adult", 7)],
    columns=["role", "gender", "age_group", "persons"],
)
LINKED = pd.DataFrame(
    [
        ("Venezuela → Colombia", "drugs", 9),
        ("Venezuela → Colombia", "firearms", 2),
        ("Haiti → Dominican Republic", "drugs", 6),
    ],
    columns=["corridor", "code", "cases"],
)

BAND_2014, BAND_2019 = (dt.date(2014, 1, 1), dt.date(2018, 12, 31)), (dt.date(2019, 1, 1), dt.date(2020, 12, 31))
BANDS = pd.DataFrame(
    [
        (*BAND_2014, "job_offer", 40, 60, 66.7),
        (*BAND_2014, "internet", 3, 60, 5.0),
        (*BAND_2019, "job_offer", 12, 20, 60.0),
        (*BAND_2019, "internet", 8, 20, 40.0),
    ],
    columns=["first_day", "last_day", "code", "cases", "reporting", "share"],
)


def _figures(lang: str = "en") -> dict:
    common = dict(title=TITLE, how_to_read=GUIDE, lang=lang)
    return {
        "cases_by_year": cases_by_year_figure(YEARS, **common),
        "sankey": corridor_sankey(CORRIDORS, **common),
        "trend": trend_figure(SERIES, measure="cases", vocabulary="recruitment_method", **common),
        "sex_age": sex_age_figure(PERSONS, category="role", **common),
        "linked": linked_crimes_figure(LINKED, **common),
        "band": band_figure(BANDS, measure="cases", vocabulary="recruitment_method", **common),
    }


@pytest.mark.parametrize("name", ["cases_by_year", "sankey", "trend", "sex_age", "linked", "band"])
def test_every_figure_has_a_title_and_a_reading_guide(name):
    figure = _figures()[name]
    assert figure.layout.title.text == "A title<br><sup>How to read: one line.</sup>"


def test_bar_and_line_figures_name_their_series_for_the_legend():
    figures = _figures()
    assert [t.name for t in figures["cases_by_year"].data] == ["Trafficking in persons", "Smuggling of migrants"]
    # Lines in order of cases over the period: job offer 17, internet 13.
    assert [t.name for t in figures["trend"].data] == [
        "Job offer / advertisement",
        "Internet (social media, online advertisement)",
    ]
    assert [t.name for t in figures["sex_age"].data] == [
        "Women",
        "Girls",
        "Men",
        "Boys",
        "Transgender / non-conforming",
        "Sex unknown",
    ]
    assert [t.name for t in figures["linked"].data] == ["Drug trafficking", "Firearms trafficking"]


def test_the_sankey_labels_its_nodes_and_leaves_small_corridors_out():
    sankey = _figures()["sankey"].data[0]
    assert list(sankey.node.label) == [
        "Venezuela (origin)",
        "Colombia (via)",
        "United States (to)",
        "direct, no transit country",
        "Colombia (to)",
    ]
    assert list(sankey.link.value) == [40, 40, 12, 12]  # HTI>DOM (3 cases) is under k = 5


def test_small_cells_leave_gaps_not_small_numbers():
    figures = _figures()
    years = figures["cases_by_year"].data[0]
    assert list(years.x) == [2023, 2024] and years.y[0] == 12.0 and pd.isna(years.y[1])  # suppressed upstream
    job_offer, internet = figures["trend"].data
    assert list(job_offer.y) == [8.0, 9.0]
    assert internet.y[0] == 10.0 and pd.isna(internet.y[1])  # 3 cases in 2024: not drawn
    women, girls, men, *_rest = figures["sex_age"].data
    assert list(women.x) == [12.0] and pd.isna(girls.x[0]) and list(men.x) == [7.0]  # 3 girls: under k


def test_colours_and_patterns_survive_greyscale():
    bars = _figures()["cases_by_year"].data
    assert bars[0].marker.color == CRIME_STYLE["trafficking"][0] and bars[1].marker.pattern.shape == "/"
    lines = _figures()["trend"].data
    assert [line.line.color for line in lines] == list(OKABE_ITO[:2]) and lines[0].line.dash != lines[1].line.dash


def test_figures_speak_the_language():
    figures = _figures("es")
    assert [t.name for t in figures["cases_by_year"].data] == ["Trata de personas", "Tráfico ilícito de migrantes"]
    assert figures["cases_by_year"].layout.xaxis.title.text == "Año"
    assert figures["cases_by_year"].layout.separators == ",."
    assert list(figures["sankey"].data[0].node.label)[:2] == ["Venezuela (origen)", "Colombia (vía)"]


def test_a_band_is_one_bar_across_its_years_labelled_for_the_whole_band():
    first, second = _figures()["band"].data
    assert (first.name, second.name) == ("2014–2018", "2019–2020")  # the legend names the bands
    # 2014-2018: internet (3 cases) is under k = 5, not drawn; job offer spans the five years, 1 826 days.
    assert list(first.y) == ["Job offer / advertisement"] and list(first.text) == ["40"]
    assert list(first.base) == [pd.Timestamp("2014-01-01")] and list(first.x) == [1826 * 86_400_000]
    assert list(second.y) == ["Job offer / advertisement", "Internet (social media, online advertisement)"]
    assert list(second.text) == ["12", "8"] and list(second.x) == [731 * 86_400_000] * 2
    assert first.marker.pattern.shape != second.marker.pattern.shape  # apart in greyscale
    assert first.orientation == "h" and _figures()["band"].layout.xaxis.type == "date"
    shares = band_figure(BANDS, measure="share", vocabulary="recruitment_method", title=TITLE, how_to_read=GUIDE)
    assert list(shares.data[1].text) == ["60%", "40%"]
    assert band_figure(BANDS.head(0), measure="cases", vocabulary="platform", title=TITLE, how_to_read=GUIDE).data == ()
