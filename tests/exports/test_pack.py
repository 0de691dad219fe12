"""The briefing pack: eight marked, numbered pages built from the view, protected for its audience; a ninth of
deaths and disappearances during migration when the period holds any, never in the case figures."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest
from conftest import GOOD_ROWS, csv_text, run_import
from matplotlib.text import Text
from outcome_rows import darien_incident, mmp_csv_text, sea_incident

from turquesa_geo.corridors import corridor_view
from turquesa_geo.exports.dispatch import export_context, export_file, pack_data
from turquesa_geo.exports.marking import Marking
from turquesa_geo.exports.pack import pack_pages
from turquesa_geo.filters import Filters

PERIOD = (dt.date(2023, 12, 1), dt.date(2024, 3, 31))
FILTERS = Filters(start=PERIOD[0], end=PERIOD[1])


@pytest.fixture
def pack_store(store, write):
    # 12 smuggling cases of 12 migrants (VEN>COL>PAN>USA), 1 trafficking case of 5 victims, 1 of none.
    rows = [GOOD_ROWS[0].replace("A1,", f"S{i:02d},", 1) for i in range(12)] + [GOOD_ROWS[1], GOOD_ROWS[2]]
    run_import(store, write("cases.csv", csv_text(*rows)))
    return store


def _texts(figure) -> list[str]:
    """Every text drawn on a page, table cells included."""
    texts = [t.get_text() for t in figure.findobj(Text)]
    texts += [
        cell.get_text().get_text() for ax in figure.axes for table in ax.tables for cell in table.get_celld().values()
    ]
    return [t for t in texts if t.strip()]


def _pages(store, audience: str, langs=("en",)):
    context = export_context(
        store,
        FILTERS,
        PERIOD,
        marking=Marking("TLP:RED", "REDTRAM"),
        audience=audience,
        langs=langs,
        view_url="http://127.0.0.1:8501/corridor_map?from=2023-12-01",
    )
    view = corridor_view(store, FILTERS, k=context.audience.k)
    return pack_pages(pack_data(store, FILTERS, view), context), context


def test_every_page_is_marked_top_and_bottom_and_numbered(pack_store):
    pages, _ = _pages(pack_store, "internal")
    assert len(pages) == 8
    for number, page in enumerate(pages, start=1):
        texts = _texts(page)
        assert sum("TLP:RED · REDTRAM" in t for t in texts) >= 2, number
        assert any(t.strip() == f"{number} / 8" for t in texts), number


def test_pages_hold_the_view(pack_store):
    pages, _ = _pages(pack_store, "internal")
    cover, corridors, _figures = (" ".join(_texts(pages[i])) for i in (0, 2, 3))
    assert "Corridor briefing" in cover and "PNC" in cover and "01/12/2023 – 31/03/2024" in cover
    assert "http://127.0.0.1:8501/corridor_map?from=2023-12-01" in " ".join(_texts(pages[4]))
    assert "Venezuela → Colombia → Panama → United States" in corridors
    cells = _texts(pages[3])
    # 14 cases, 144 smuggled migrants (12 x 12), 5 victims (3 women, 2 girls), 13 suspects: totals of a
    # filtered view are guarded as on screen (nearest 5).
    assert {"15", "145", "5"} <= set(cells) and not {"14", "144", "13"} & set(cells)


def test_external_pack_prints_no_count_under_11_and_rounds_to_5(pack_store):
    pages, _ = _pages(pack_store, "external")
    figures = _texts(pages[3])
    assert "10" in figures and "140" in figures  # 12 -> 10, 144 -> 140
    numbers = [
        int(n.replace(",", ""))
        for page in pages[2:4]
        for t in _texts(page)
        for n in re.findall(r"(?<![\w./:-])\d[\d,]*(?![\w./:%-])", t)
    ]
    counts = [n for n in numbers if n > 15]  # page numbers and ranks are small; every count is >= 10
    assert counts and all(n % 5 == 0 for n in counts)
    assert not any(1 <= n < 10 for t in figures for n in [int(x) for x in re.findall(r"^\d+$", t)])


def test_bilingual_pack_has_both_languages(pack_store):
    pages, _ = _pages(pack_store, "internal", ("es", "en"))
    cover = " ".join(_texts(pages[0]))
    assert "Informe de corredores / Corridor briefing" in cover
    assert "Período / Period" in cover


def test_pack_pdf_opens_with_metadata_and_eight_pages(pack_store):
    context = export_context(pack_store, FILTERS, PERIOD, marking=Marking("TLP:AMBER"), audience="internal")
    name, data = export_file(pack_store, FILTERS, "pack", "pdf", context)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 8
    assert reader.metadata.subject == "TLP:AMBER"
    assert context.data_version in reader.metadata["/Keywords"]
    assert reader.metadata.title == "Turquesa corridor briefing"
    assert "TLP:AMBER" in reader.pages[2].extract_text()
    assert name.endswith(".pdf")


@pytest.fixture
def deaths_store(pack_store, write):
    # Beside the cases: 5 incidents in the Darién (6 dead, 3 missing, 2 women or girls, 4 men or boys, 1 child
    # each) and 1 off the Florida Keys (12 missing, 4 survivors), all in the period.
    rows = [darien_incident(f"2024.MMP90{i}") for i in range(5)] + [sea_incident("2024.MMP950")]
    run_import(pack_store, write("mmp.csv", mmp_csv_text(*rows)), profile="mmp")
    return pack_store


def test_deaths_and_disappearances_are_printed_apart_from_the_key_figures(deaths_store):
    pages, _ = _pages(deaths_store, "internal")
    assert len(pages) == 9
    for number, page in enumerate(pages, start=1):
        assert any(t.strip() == f"{number} / 9" for t in _texts(page)), number
    figures = _texts(pages[3])
    # The cases' figures are those of the store without the incidents: 14 cases, 144 smuggled migrants.
    assert {"15", "145"} <= set(figures)
    assert "Deaths and disappearances during migration (IOM Missing Migrants Project)" in figures
    # 6 incidents, 30 dead, 27 missing: guarded totals, as the case figures are.
    assert ["Incidents", "5", "Dead", "30", "Missing", "25"] == [
        t for t in figures if t in {"Incidents", "Dead", "Missing", "5", "30", "25"}
    ][-6:]
    assert not {"6", "27", "174", "171"} & set(figures)  # 144 + 30 or + 27: nothing added to the migrants


def test_the_page_of_deaths_and_disappearances_lists_them_by_country(deaths_store):
    pages, _ = _pages(deaths_store, "internal")
    page = _texts(pages[4])
    assert "Deaths and disappearances during migration" in page
    table = pages[4].axes[0].tables[0]
    rows = {}
    for (row, column), cell in table.get_celld().items():
        rows.setdefault(row, {})[column] = cell.get_text().get_text()
    assert [list(rows[r].values()) for r in sorted(rows)][1:] == [
        ["Panama", "5", "30", "15", "0", "10", "20", "5"],
        ["At sea or unknown", "<5", "0", "12", "<5", "0", "0", "0"],
    ]
    external, _ = _pages(deaths_store, "external")
    cells = [c.get_text().get_text() for c in external[4].axes[0].tables[0].get_celld().values()]
    assert {"30", "15", "20", "10", "<11"} <= set(cells) and not {"5", "12", "<5"} & set(cells)


def test_a_period_without_incidents_has_no_such_page_nor_row(deaths_store):
    march = Filters(start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31))
    context = export_context(deaths_store, march, (march.start, march.end), audience="internal")
    view = corridor_view(deaths_store, march)
    pages = pack_pages(pack_data(deaths_store, march, view), context)
    assert len(pages) == 8
    assert not any("Deaths and disappearances" in t for page in pages for t in _texts(page))
