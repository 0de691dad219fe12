"""End to end in a real browser: Debian's Chromium against a real ``streamlit run`` server.

For every page: it loads without an error element and its screenshot goes to
``test-artifacts/``; a filter changed in the sidebar changes what the page draws;
an export downloads a file that opens. Throughout, every request the browser makes
is recorded and any to a host other than the app's own fails the suite.

In CI (``CI=true``) these tests never skip: a missing Chromium fails them.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from browser import (
    CHROMIUM,
    ERROR_SELECTORS,
    PAGES,
    ROOT,
    Egress,
    free_port,
    launch,
    rerun_of,
    serve,
    settled_screenshot,
    wait_until_idle,
)
from conftest import TODAY
from playwright.sync_api import expect

from turquesa_geo.cli import main as turquesa
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.store.connection import connect
from turquesa_ui.text import WORD_JOINER

ARTIFACTS = ROOT / "test-artifacts"
HOSTILE_SOURCE = "<img src=x onerror=alert(1)>"
HOSTILE_PLACE = "<script>alert('x')</script>"
MARKDOWN_SOURCE = "![seen](http://evil.example/track.png) [link](javascript:alert(2)) **bold**"
SERVED: dict[str, Path] = {}

if not CHROMIUM.exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError(
            f"the browser suite must run in CI, but there is no Chromium at {CHROMIUM} "
            "(make test installs Debian's chromium package)"
        )
    pytest.skip(f"no Chromium at {CHROMIUM}; `make test` installs it", allow_module_level=True)

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The dashboard on a 20,000-case demo store plus one file of hostile text."""
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "e2e.duckdb"
    assert turquesa(["demo", "--rows", "20000", "--db", str(db)]) == 0
    hostile = folder / "hostile.csv"
    hostile.write_text(
        "incident_id,source,date,crime_type,origin,destination,detection_country,place,victims_f_adult\n"
        f'H1,"{HOSTILE_SOURCE}",2024-01-10,trafficking,VEN,COL,COL,"{HOSTILE_PLACE}",6\n'
        f'H2,"{MARKDOWN_SOURCE}",2024-01-11,trafficking,VEN,COL,COL,Cúcuta,6\n',
        encoding="utf-8",
    )
    con = connect(db)
    import_file(con, hostile, today=TODAY)
    con.close()
    SERVED["db"] = folder / "served-copy.duckdb"
    shutil.copy(db, SERVED["db"])  # a closed copy, for tests that start a server of their own
    port = free_port()
    process = serve(db, port, log=folder / "streamlit.log")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser_context(server):
    from playwright.sync_api import sync_playwright

    egress = Egress()
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
        egress.watch(context)
        yield context, egress
        context.close()
        browser.close()
    # Checked once more after every page has run: nothing left the machine.
    assert egress.outside == []


@pytest.fixture
def page(browser_context):
    context, egress = browser_context
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    page.close()
    assert dialogs == [], f"a script ran: {dialogs}"
    assert egress.outside == [], f"requests left the machine: {egress.outside}"


def _open(page, server: str, path: str, query: str = "") -> None:
    page.goto(f"{server}/{path}{'?' + query if query else ''}")
    wait_until_idle(page)


def _errors(page) -> list[str]:
    return [e.inner_text() for e in page.locator(ERROR_SELECTORS).all()]


def _pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the sidebar multiselect labelled ``label``; return once the rerun it starts has ended."""
    box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(has_text=label)
    wait_until_idle(page)
    box.locator("input").click()
    with rerun_of(page):
        page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    expect(box).to_contain_text(option)
    wait_until_idle(page)


def _metric(page, label: str) -> str:
    metric = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return metric.locator("[data-testid='stMetricValue']").inner_text()


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_without_error_and_is_screenshotted(page, server, name):
    _open(page, server, PAGES[name])
    assert _errors(page) == []
    assert page.locator("h1").first.inner_text().strip() != ""
    ARTIFACTS.mkdir(exist_ok=True)
    settled_screenshot(page, path=str(ARTIFACTS / f"browser-{name}.png"), full_page=True)
    assert (ARTIFACTS / f"browser-{name}.png").stat().st_size > 10_000


# Page, the element whose drawing must change, and a metric whose value must change.
FILTERED = {
    "overview": ("[data-testid='stDataFrame']", "Cases"),
    "corridor_map": ("[data-testid='stDeckGlJsonChart']", "Cases"),
    "trends": ("[data-testid='stPlotlyChart']", None),
    "gender": ("[data-testid='stPlotlyChart']", None),
}


@pytest.mark.parametrize("name", list(FILTERED))
def test_a_sidebar_filter_changes_what_the_page_draws(page, server, name):
    drawing, metric = FILTERED[name]
    # The whole period: the planted corridors are all in view.
    _open(page, server, PAGES[name], "from=2016-01-01&to=2026-12-31")
    target = page.locator(drawing).first
    target.scroll_into_view_if_needed()
    # deck.gl and plotly draw after the script ends: the drawing is taken once it stops changing.
    before_image, before_value = settled_screenshot(target), metric and _metric(page, metric)
    _pick(page, "Crime type", "Smuggling of migrants")
    assert parse_qs(urlsplit(page.url).query)["crime"] == ["smuggling"]
    assert _errors(page) == []
    target = page.locator(drawing).first
    target.scroll_into_view_if_needed()
    assert settled_screenshot(target) != before_image
    if metric:
        assert _metric(page, metric) != before_value


def test_a_link_with_filters_reopens_the_same_view(page, server):
    _open(page, server, "corridor_map", "from=2016-01-01&to=2026-12-31&crime=smuggling")
    chips = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(has_text="Crime type")
    assert "Smuggling of migrants" in chips.inner_text()
    assert _errors(page) == []


def test_hostile_text_in_imported_data_shows_as_text(page, server):
    # The source name comes from an imported file; choosing it puts it in the page's caption
    # (markdown) and in the sidebar's chip. It must read as text and never run.
    _open(page, server, "", "from=2016-01-01&src=" + quote(HOSTILE_SOURCE))
    assert _errors(page) == []
    caption = (
        page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']")
        .filter(has_text="Reporting source")
        .first.inner_text()
    )
    assert f"Reporting source: {HOSTILE_SOURCE}" in caption
    chip = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(has_text="Reporting source")
    assert HOSTILE_SOURCE in chip.inner_text()
    assert page.locator("img[src='x']").count() == 0  # never an element


def test_markdown_in_imported_text_or_in_a_link_shows_as_text_and_fetches_nothing(browser_context, page, server):
    _, egress = browser_context
    # Markdown from the data (a source name) in the page caption ...
    _open(page, server, "", "from=2016-01-01&src=" + quote(MARKDOWN_SOURCE))
    caption = (
        page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']")
        .filter(has_text="Reporting source")
        .first
    )
    # (Web addresses carry an invisible word joiner, so the renderer does not link them.)
    assert f"Reporting source: {MARKDOWN_SOURCE}" in caption.inner_text().replace(WORD_JOINER, "")
    assert caption.locator("img, a, strong").count() == 0
    # ... and from a crafted link (a value the store lacks), in the toast that reports it.
    _open(page, server, "", "src=" + quote("![t](http://evil.example/t2.png)"))
    toast = page.locator("[data-testid='stToast']").first
    assert "![t](http://evil.example/t2.png) is not in the store" in toast.inner_text().replace(WORD_JOINER, "")
    assert toast.locator("img").count() == 0
    assert not [u for u in egress.requests if urlsplit(u).hostname == "evil.example"]


def test_upload_reconciles_and_the_quarantine_download_opens(page, server, tmp_path):
    upload = tmp_path / "upload.csv"
    upload.write_text(
        "incident_id,source,date,crime_type,origin,destination,victims_f_adult\n"
        "U1,Upload test,2024-02-01,trafficking,PRY,ARG,6\n"
        "U2,Upload test,2024-02-31,trafficking,PRY,ARG,2\n"
        "U3,Upload test,2024-02-03,trata,Atlantis,ARG,1\n",
        encoding="utf-8",
    )
    _open(page, server, "import_files")
    _upload(page, upload)
    with rerun_of(page):
        page.get_by_role("button", name="Import").click()
    assert _errors(page) == []
    # U2 has no such day (quarantined); U3's unknown origin is left unresolved and its case kept, flagged.
    assert _metric(page, "Read") == "3" and _metric(page, "Accepted") == "2" and _metric(page, "Quarantined") == "1"
    assert _metric(page, "Accepted with flags") == "1"
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the quarantined rows for correction (CSV)").click()
    download = download_info.value
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert [r["incident_id"] for r in rows] == ["U2"]
    # The download reruns the page: wait for it, or the screenshot catches the old block beside the new one.
    wait_until_idle(page)
    assert page.get_by_role("heading", name="upload.csv: import").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    settled_screenshot(page, path=str(ARTIFACTS / "browser-import-result.png"), full_page=True)


def _upload(page, path: Path) -> None:
    """Put ``path`` in the page's file uploader; return once it is listed there and the page is idle again."""
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    expect(page.locator("[data-testid='stFileUploader']")).to_contain_text(path.name, timeout=60_000)
    wait_until_idle(page)


def test_a_zip_bomb_upload_is_refused_with_a_message_and_the_app_stays_responsive(page, server, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as book:
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"\0" * (1 << 20)
            for _ in range(600):  # 600 MB that deflate to about 600 kB
                sheet.write(block)
    _open(page, server, "import_files")
    _upload(page, bomb)
    with rerun_of(page, timeout_ms=30_000):
        page.get_by_role("button", name="Import").click()
    assert "Not imported: bomb.xlsx" in " ".join(_errors(page))
    _open(page, server, "")  # another page still answers
    assert _errors(page) == []


def _choose(page, label: str, option: str, area: str = "stMain", reruns: bool = False) -> None:
    """Pick ``option`` in the selectbox labelled ``label``, waiting on what the page shows at each step.

    No rerun may be running when the list is opened (a rerun redraws the selectbox and closes
    its list, detaching the option being clicked); the option must be listed before it is
    clicked. A selectbox inside a form (the export panel) does not rerun: the choice must then
    show in the box. One outside a form (``reruns``) starts a rerun: it must have ended.
    The box shows the choice as the value of its combobox (an input).
    """
    # The box is found by the combobox it holds (a locator given to `has` is looked up inside the box).
    box = (
        page.locator(f"[data-testid='{area}'] [data-testid='stSelectbox']")
        .filter(has=page.get_by_role("combobox", name=label, exact=True))
        .first
    )
    combobox = box.get_by_role("combobox", name=label, exact=True)
    wait_until_idle(page)
    if combobox.input_value() == option:
        return  # already chosen: nothing changes
    combobox.click()
    choice = page.get_by_role("option", name=option, exact=True)
    expect(choice).to_be_visible()
    if reruns:
        with rerun_of(page):
            choice.click()
    else:
        choice.click()
        expect(combobox).to_have_value(option)


EXPORTS = {  # page: (what, format, check of the downloaded bytes)
    "corridor_map": ("Map snapshot", "PNG (screen)", "png"),
    "trends": ("Briefing pack (PDF)", "PDF (vector)", "pdf"),
    "gender": ("Data extract", "Excel (XLSX)", "xlsx"),
}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_an_export_downloads_a_file_that_opens(page, server, name):
    what, fmt, kind = EXPORTS[name]
    _open(page, server, PAGES[name], "from=2016-01-01&to=2026-12-31&crime=smuggling")
    page.get_by_text("Export this view").click()
    expect(page.get_by_role("button", name="Prepare the file")).to_be_visible()
    _choose(page, "What", what)
    _choose(page, "Format", fmt)
    _choose(page, "Handling (TLP 2.0)", "TLP:RED")
    with rerun_of(page, timeout_ms=120_000):
        page.get_by_role("button", name="Prepare the file").click()
    assert _errors(page) == []
    button = page.get_by_role("button", name=re.compile(r"^Download turquesa-"))
    expect(button).to_be_visible()
    with page.expect_download() as download_info:
        button.click()
    data = Path(download_info.value.path()).read_bytes()
    assert "TLP-RED" in download_info.value.suggested_filename
    if kind == "png":
        from PIL import Image

        image = Image.open(io.BytesIO(data))
        assert image.size == (1600, 1000)
        ARTIFACTS.mkdir(exist_ok=True)
        wait_until_idle(page)  # the download reruns the page
        settled_screenshot(page, path=str(ARTIFACTS / "browser-export-panel.png"), full_page=True)
    elif kind == "pdf":
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(data))
        assert len(reader.pages) == 8 and reader.metadata.subject == "TLP:RED"
    else:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data))
        assert book["about"]["A1"].value == "TLP:RED · INTERNAL"
        assert book["corridors"]["A1"].value == "rank"


def test_a_link_to_a_page_opened_first_after_a_server_start_gets_the_app_frame(browser_context, server, tmp_path):
    # A fresh server (on a copy of the store: one process per store file).
    db = tmp_path / "copy.duckdb"
    shutil.copy(SERVED["db"], db)
    port = free_port()
    process = serve(db, port)
    context, _ = browser_context
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{port}/corridor_map?crime=smuggling")
        wait_until_idle(page)
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Corridor map" in nav and "Store and imports" in nav
        assert "import files" not in nav  # the raw file names of Streamlit's own pages/ mode
        assert page.locator("h1").first.inner_text() == "Corridor map"
        assert _errors(page) == []
    finally:
        page.close()
        process.terminate()
        process.wait(timeout=30)


#: Each page's title in Spanish: the Spanish pass checks the page really is in Spanish.
SPANISH_TITLES = {
    "overview": "Resumen",
    "corridor_map": "Mapa de corredores",
    "trends": "Tendencias del modus operandi",
    "gender": "Género y edad",
    "cooperation": "Cooperación",
    "training": "Ejercicios de formación",
    "glossary": "Glosario",
    "store": "Turquesa: qué contienen los datos",
    "import": "Importar archivos de incidentes",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_in_spanish_is_screenshotted(page, server, name):
    _open(page, server, PAGES[name], "lang=es")
    assert _errors(page) == []
    assert page.locator("h1").first.inner_text().strip() == SPANISH_TITLES[name]
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "Mapa de corredores" in nav and "Corridor map" not in nav
    ARTIFACTS.mkdir(exist_ok=True)
    # Maps and charts draw after the script ends: the screenshot is taken once the page stops changing.
    settled_screenshot(page, path=str(ARTIFACTS / f"browser-es-{name}.png"), full_page=True)


def test_the_language_selector_translates_the_app_and_goes_into_the_url(page, server):
    _open(page, server, "corridor_map", "crime=smuggling")
    assert page.locator("h1").first.inner_text() == "Corridor map"
    _choose(page, "Language", "Français", area="stSidebar", reruns=True)
    expect(page.locator("h1").first).to_have_text("Carte des corridors", timeout=30_000)
    query = parse_qs(urlsplit(page.url).query)
    assert query["lang"] == ["fr"] and query["crime"] == ["smuggling"]
    assert _errors(page) == []
    with rerun_of(page):  # and on the next page
        page.locator("[data-testid='stSidebarNav']").get_by_text("Glossaire").click()
    expect(page.locator("h1").first).to_have_text("Glossaire", timeout=30_000)


def test_a_spanish_and_english_pack_downloads_from_the_spanish_panel(page, server):
    import pypdf

    _open(page, server, "corridor_map", "from=2016-01-01&to=2026-12-31&crime=smuggling&lang=es")
    page.get_by_text("Exportar esta vista").click()
    expect(page.get_by_role("button", name="Preparar el archivo")).to_be_visible()
    _choose(page, "Qué", "Informe (PDF)")
    _choose(page, "Formato", "PDF (vectorial)")
    _choose(page, "Leyendas", "Español + English")
    with rerun_of(page, timeout_ms=120_000):
        page.get_by_role("button", name="Preparar el archivo").click()
    assert _errors(page) == []
    button = page.get_by_role("button", name=re.compile(r"^Descargar turquesa-"))
    expect(button).to_be_visible()
    with page.expect_download() as download_info:
        button.click()
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(download_info.value.path()).pages)
    assert "Informe de corredores / Corridor briefing" in text and "Cifras clave / Key figures" in text
