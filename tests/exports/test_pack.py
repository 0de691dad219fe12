"""The briefing pack: eight marked, numbered pages built from the view, protected for its audience."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest
from conftest import GOOD_ROWS, csv_text, run_import
from matplotlib.text import Text

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
