"""Interface languages: catalogs complete and compiling, locale formats, the selector and the URL, the CLI,
bilingual exports, and every page shown in Spanish, Portuguese and French without an untranslated string."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import re

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest
from test_app import APP, TIMEOUT, app_store  # noqa: F401  (fixture)

from turquesa_geo.countries import country_table
from turquesa_geo.i18n import (
    LANG_ENV,
    LANGUAGE_NAMES,
    LANGUAGES,
    bilingual,
    default_lang,
    format_date,
    format_number,
    po_path,
)
from turquesa_geo.vocab import VOCABULARIES, label

TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]

#: Proper names and codes: the same in every language.
PROPER_NAMES = {
    "Turquesa",
    "INTERPOL ISON",
    "INTERPOL HTEG",
    "HTEG",
    "ISON",
    "REDTRAM",
    "UNODC",
    "COVID-19",
    "CSV",
    "Excel (XLSX)",
    "GeoJSON",
    "GeoPackage",
    "Facebook",
    "Facebook Messenger",
    "Instagram",
    "WhatsApp",
    "Telegram",
    "Viber",
    "Snapchat",
    "LINE",
    "WeChat",
    "TikTok",
    "X (Twitter)",
    "Total",
    *LANGUAGE_NAMES.values(),
    "TLP:CLEAR",
    "TLP:GREEN",
    "TLP:AMBER",
    "TLP:AMBER+STRICT",
    "TLP:RED",
}
#: Words spelt the same in a language as in English: the explicit, short list of allowed identical texts.
SAME_IN = {
    "es": {"Modus operandi", "No", "error", "{file}: {error}"},  # a refusal wrapping another error's text
    "pt": {"Modus operandi", "via", "{file}: {error}"},
    "fr": {
        "Modus operandi",
        "Code",
        "Correct.",
        "Corridor",
        "Corridors",
        "Date",
        "Destination",
        "Dimension",
        "Exploitation",
        "Export",
        "Familial",
        "Format",
        "Incident",
        "Incidents",
        ("{n} incident", "{n} incidents"),
        "Interception",
        "Message",
        "Protection",
        "Route",
        "Route (ISO)",
        "Score",
        "Source",
        "Sources",
        "Suspect",
        "Suspects",
        "Transit",
        "destination",
        "direct",
        "transit",
        "via",
    },
}


def _catalog(lang: str):
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain="turquesa")


def _catalogs_script():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "catalogs.py"
    spec = importlib.util.spec_from_file_location("catalogs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- catalogs -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_compiles_with_no_fuzzy_entry(lang):
    catalog = _catalog(lang)
    assert not [m.id for m in catalog if m.id and m.fuzzy]
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    assert len(buffer.getvalue()) > 10_000


def test_every_message_of_the_code_is_translated_in_every_language():
    """Extracts the messages as `make catalogs` does (code, vocabularies, glossary, training, exports)."""
    script = _catalogs_script()
    template = script.extract()
    assert len(template) > 500
    assert script.untranslated(template) == {lang: [] for lang in TRANSLATED}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders_and_differ_from_english_unless_listed(lang):
    placeholders = re.compile(r"\{(\w*)\}")
    same = []
    for message in _catalog(lang):
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        for form in [message.string] if isinstance(message.string, str) else message.string:
            assert sorted(placeholders.findall(form)) == sorted(placeholders.findall(english)), english
        if message.string == message.id and message.id not in PROPER_NAMES | SAME_IN[lang]:
            same.append(message.id)
    assert same == []


def test_spanish_vocabulary_labels_are_the_ones_written_in_vocab_py():
    for name, terms in VOCABULARIES.items():
        for term in terms:
            assert label(name, term.code, "es") == term.es, (name, term.code)
    assert label("crime_type", "smuggling", "pt") == "Contrabando de migrantes"
    assert label("crime_type", "smuggling", "fr") == "Trafic illicite de migrants"
    assert label("crime_type", "unknown-code", "fr") == "unknown-code"


# --- formats and settings --------------------------------------------------------------


def test_numbers_and_dates_follow_the_language():
    assert [format_number(1234567, lang) for lang in LANGUAGES] == [
        "1,234,567",
        "1.234.567",
        "1.234.567",
        "1\u202f234\u202f567",
    ]
    day = dt.date(2024, 3, 5)
    assert [format_date(day, lang) for lang in LANGUAGES] == ["05 Mar 2024", "05/03/2024", "05/03/2024", "05/03/2024"]


def test_default_language_comes_from_the_setting(monkeypatch):
    monkeypatch.delenv(LANG_ENV, raising=False)
    assert default_lang() == "en"
    monkeypatch.setenv(LANG_ENV, "pt")
    assert default_lang() == "pt"
    monkeypatch.setenv(LANG_ENV, "fr_HT.UTF-8")
    assert default_lang() == "fr"
    monkeypatch.setenv(LANG_ENV, "de")
    assert default_lang() == "en"


def test_the_language_setting_is_documented_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert LANG_ENV in readme and "make catalogs" in readme


# --- exports ---------------------------------------------------------------------------


def test_exports_put_any_two_languages_side_by_side():
    from turquesa_geo.exports.marking import AUDIENCES, ExportContext, Marking
    from turquesa_geo.maps.static import TEXTS

    assert bilingual("Period", ("pt", "fr")) == "Período / Période"
    context = ExportContext(
        marking=Marking("TLP:AMBER"),
        audience=AUDIENCES["external"],
        langs=("fr", "pt"),
        period=(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    )
    assert context.banner == "TLP:AMBER · EXTERNE / EXTERNO"
    lines = context.footer_lines()
    assert lines[0].startswith("Filtres / Filtros: ") and lines[1].startswith("Période / Período: ")
    assert lines[-1].startswith("Public externe : les effectifs inférieurs à 11")
    assert bilingual(TEXTS["legend"], ("es", "pt")) == "Leyenda / Legenda"


def test_map_tooltips_and_legend_in_the_language():
    import pandas as pd

    from turquesa_geo.maps.deck import flow_records, map_legend

    legs = pd.DataFrame(
        {"from_iso3": ["VEN"], "to_iso3": ["COL"], "cases": [1234], "persons": [2000], "inferred": [True]}
    )
    assert flow_records(legs, "fr")[0]["tooltip"] == "VEN→COL: 1\u202f234 cas, 2\u202f000 personnes (déduit)"
    assert map_legend("es")["arrow"] == "Las puntas de flecha van del origen hacia el destino"


# --- command line ----------------------------------------------------------------------


def test_cli_speaks_the_language_asked_for(app_store, capsys, tmp_path):  # noqa: F811
    import os

    from turquesa_geo.cli import main
    from turquesa_geo.store.connection import DB_ENV

    db = os.environ[DB_ENV]
    assert main(["--lang", "es", "status", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Casos por tipo de delito y año:" in out and "Fuentes:" in out
    assert main(["corridors", "--lang", "fr", "--db", db]) == 0
    assert "Rang" in capsys.readouterr().out.splitlines()[0]
    assert (
        main(["--lang", "pt", "export", "snapshot", "--lang", "pt,fr", "--db", db, "--out", str(tmp_path / "s.png")])
        == 0
    )
    assert "público internal; registrado como" in capsys.readouterr().out
    assert (
        main(["--lang", "fr", "export", "snapshot", "--lang", "pt,de", "--db", db, "--out", str(tmp_path / "t.png")])
        == 1
    )
    assert "--lang accepte une ou deux valeurs" in capsys.readouterr().err


# --- the app ---------------------------------------------------------------------------


def _app(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def test_language_comes_from_the_url_and_holds_across_pages(app_store):  # noqa: F811
    """The selector itself is driven in the browser suite (AppTest reruns a page without app.py's frame)."""
    at = _app("pt")
    assert not at.exception
    assert at.title[0].value == "Visão geral"
    assert at.selectbox(key="lang_selector").value == "pt"
    assert at.query_params["lang"] in ("pt", ["pt"])
    at.switch_page("pages/corridor_map.py").run()
    assert at.title[0].value == "Mapa de corredores"
    at.multiselect(key="flt_crime_types").set_value(["smuggling"]).run()
    assert (at.query_params["crime"], at.query_params["lang"]) in (
        (["smuggling"], ["pt"]),
        ("smuggling", "pt"),
    )  # beside the filters
    assert _app("xx").title[0].value == "Overview"  # unknown: the setting's default (English here)
    assert _app().title[0].value == "Overview"


def _texts(at: AppTest) -> set[str]:
    """Every text a page shows: titles, headers, markdown, captions, alerts, widget labels, options, help,
    placeholders, metric labels, page links, expanders, tabs, table headings and plotly titles and legends."""
    found: set[str] = set()

    def add(value) -> None:
        if isinstance(value, str) and value.strip():
            found.add(value.strip())

    def walk(node) -> None:
        kind = type(node).__name__
        if kind in (
            "Title",
            "Header",
            "Subheader",
            "Markdown",
            "Caption",
            "Info",
            "Warning",
            "Error",
            "Success",
            "Text",
            "Toast",
        ):
            add(node.value)
        for attribute in ("label", "help", "placeholder"):
            add(getattr(node, attribute, None) if kind not in ("Markdown",) else None)
        if kind in ("Selectbox", "Multiselect", "Radio", "ButtonGroup", "SelectSlider"):
            for option in node.options:
                add(option)
        proto = getattr(node, "proto", None)
        if kind == "Dataframe":
            for column in json.loads(proto.columns or "{}").values():
                add(column.get("label"))
        if getattr(node, "type", "") == "plotly_chart" and proto is not None and proto.spec:
            _plotly_texts(json.loads(proto.spec), add)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def _plotly_texts(spec: dict, add) -> None:
    layout = spec.get("layout", {})
    for text in re.split(r"<br>|<sup>|</sup>", (layout.get("title") or {}).get("text", "")):
        add(text)
    for axis in ("xaxis", "yaxis"):
        add(((layout.get(axis) or {}).get("title") or {}).get("text"))
    for trace in spec.get("data", []):
        add(trace.get("name"))
        for node_label in (trace.get("node") or {}).get("label", []):
            add(node_label.rsplit(" (", 1)[-1].rstrip(")"))  # the stage word, e.g. "(via)"


def _allowed(text: str, lang: str, names: set[str]) -> bool:
    """Texts that may read the same in every language: numbers, codes, names of countries and of data."""
    if not re.search(r"[^\W\d_]", text):
        return True  # numbers, dates, marks
    if re.fullmatch(r"[A-Z]{3}(>[A-Z]{3})*|#|.*\.(csv|png|pdf)|[A-Z]+|PNC|<\d+|(%[a-zA-Z][/.-]?)+", text):
        return True  # ISO codes and routes, file names, acronyms, data sources, date formats
    if re.fullmatch(r"[a-z]+(_[a-z]+)+", text):
        return True  # rule codes (null_island), the names the URL and the command line take
    if all(part in names for part in text.split(" → ")):
        return True  # countries and corridors of countries
    return text in PROPER_NAMES or text in SAME_IN[lang]


def _country_names() -> set[str]:
    table = country_table()
    names = set()
    for column in ("name_en", "name_es", "name_pt", "name_fr"):
        names |= set(table[column])
    names |= {f"{name} ({code})" for code, name in zip(table["iso3"], table["name_en"])}
    return names


PAGES = ("overview", "corridor_map", "trends", "gender", "cooperation", "training", "glossary", "home", "import_files")


def _visit(page: str, lang: str | None, monkeypatch, result) -> set[str]:
    from turquesa_geo.demo.training import TRAINING_ENV
    from turquesa_ui.state import LAST_IMPORTS

    monkeypatch.setenv(TRAINING_ENV, "1")
    at = _app(lang)
    at.switch_page(f"pages/{page}.py").run()
    if page == "import_files":
        at.session_state[LAST_IMPORTS] = [result.to_dict()]
    if page == "corridor_map":
        at.toggle(key="show_linked").set_value(True)
    at.run()
    assert not at.exception, (page, lang, at.exception)
    return _texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_every_string_a_page_shows_is_translated(page, app_store, monkeypatch):  # noqa: F811
    """In Spanish, Portuguese and French, no text of the page is the English one (unless a name or a code),
    and no English message of the catalogs appears inside a longer text."""
    english = _visit(page, "en", monkeypatch, app_store)
    assert len(english) > 5
    names = _country_names()
    phrases = [m.id for m in _catalog("es") if isinstance(m.id, str) and " " in m.id and len(m.id) > 12]
    problems = []
    for lang in TRANSLATED:
        shown = _visit(page, lang, monkeypatch, app_store)
        problems += [(lang, text) for text in shown if text in english and not _allowed(text, lang, names)]
        same = {m.id for m in _catalog(lang) if m.string == m.id}
        problems += [
            (lang, phrase) for phrase in phrases if phrase not in same and any(phrase in text for text in shown)
        ]
    assert problems == []


def test_a_pack_in_portuguese_and_french_has_no_english_heading(app_store, tmp_path):  # noqa: F811
    import os

    import pypdf

    from turquesa_geo.cli import main
    from turquesa_geo.store.connection import DB_ENV

    out = tmp_path / "pack.pdf"
    assert main(["export", "pack", "--lang", "pt,fr", "--db", os.environ[DB_ENV], "--out", str(out)]) == 0
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    for heading in (
        "Relatório de corredores / Dossier sur les corridors",
        "Números-chave / Chiffres clés",
        "Notas sobre os dados / Notes sur les données",
        "Legenda / Légende",
    ):
        assert heading in text
    for english in ("Corridor briefing", "Key figures", "Data notes", "Legend", "How to read", "Handling", "Filters"):
        assert not re.search(rf"\b{english}\b", text), english
