"""Import refusals in the four languages: English for logs and tests, the reader's language on screen and in the CLI."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from turquesa_geo import ImportRefused, connect, import_file
from turquesa_geo.cli import main
from turquesa_geo.i18n import N_, po_path
from turquesa_geo.store.connection import StoreBusy

FIXTURES = Path(__file__).parent / "fixtures"
TRANSLATED = ("es", "pt", "fr")


def _refusal(path: Path, profile: str = "flat") -> ImportRefused:
    con = connect(":memory:")
    try:
        with pytest.raises(ImportRefused) as caught:
            import_file(con, path, profile=profile)
    finally:
        con.close()
    return caught.value


@pytest.fixture
def refusals(tmp_path) -> dict[str, ImportRefused]:
    empty = tmp_path / "vacio.csv"
    empty.write_text("", encoding="utf-8")
    columns = tmp_path / "sin_columnas.csv"
    columns.write_text("incident_id,date\nA-1,2024-03-05\n", encoding="utf-8")
    return {
        "empty": _refusal(empty),
        "missing column": _refusal(columns),
        "wrong profile": _refusal(FIXTURES / "profiles" / "mmp_incidents.csv", profile="glotip"),
    }


def test_refusals_are_english_as_text_and_translated_on_demand(refusals):
    english = {
        "empty": "vacio.csv: the file is empty",
        "missing column": "sin_columnas.csv: missing required column(s) crime_type; found: incident_id, date",
        "wrong profile": "mmp_incidents.csv does not match the profile UNODC GLOTIP country data (dataUNODC export)",
    }
    for kind, exc in refusals.items():
        assert str(exc).startswith(english[kind]), kind
        assert exc.text("en") == str(exc)
        file_name = exc.params["file"]
        texts = {lang: exc.text(lang) for lang in TRANSLATED}
        for lang, text in texts.items():
            assert text != str(exc), (kind, lang)
            assert file_name in text, (kind, lang)
        assert len(set(texts.values())) == len(TRANSLATED), kind
    assert refusals["empty"].text("es") == "vacio.csv: el archivo está vacío"
    hint = refusals["wrong profile"]
    assert "--profile mmp" in hint.text("pt") and "IOM Missing Migrants Project" in hint.text("fr")


def test_a_refusal_keeps_its_message_id_and_params_through_pickling(refusals):
    again = pickle.loads(pickle.dumps(refusals["wrong profile"]))
    assert type(again) is ImportRefused and str(again) == str(refusals["wrong profile"])
    assert again.text("es") == refusals["wrong profile"].text("es")


def test_a_plain_refusal_is_translated_whole_or_kept():
    assert ImportRefused("already formatted: x.csv").text("fr") == "already formatted: x.csv"
    assert str(ImportRefused("a {brace} kept")) == "a {brace} kept"
    exc = ImportRefused(N_("the file has a header but no data rows"))
    assert exc.text("es") != str(exc) == "the file has a header but no data rows"


def test_store_busy_is_translated():
    exc = StoreBusy(
        N_(
            "store busy: {path} is open in another process, e.g. the dashboard or an import; "
            "wait for it to finish, or stop it, then try again"
        ),
        path="data/t.duckdb",
    )
    assert str(exc).startswith("store busy: data/t.duckdb is open")
    assert all(exc.text(lang) != str(exc) and "data/t.duckdb" in exc.text(lang) for lang in TRANSLATED)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(lang):
    with po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    placeholder = re.compile(r"\{[^{}]*\}")
    for message in catalog:
        if message.id and isinstance(message.id, str) and "python-brace-format" in message.flags and message.string:
            assert sorted(placeholder.findall(message.string)) == sorted(placeholder.findall(message.id)), message.id


def test_cli_prints_the_refusal_in_the_chosen_language(tmp_path, capsys):
    empty = tmp_path / "vacio.csv"
    empty.write_text("", encoding="utf-8")
    assert main(["--lang", "es", "import", str(empty), "--db", str(tmp_path / "s.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "vacio.csv: el archivo está vacío" in err and "the file is empty" not in err
    assert main(["--lang", "en", "import", str(empty), "--db", str(tmp_path / "s.duckdb")]) == 1
    assert "vacio.csv: the file is empty" in capsys.readouterr().err


def test_an_undecidable_date_order_is_explained_in_the_language(tmp_path):
    """The most common refusal in practice: its inner explanation is translated too, not only the frame."""
    path = tmp_path / "fechas.csv"
    path.write_text("incident_id,date,crime_type\nA,01/02/2024,smuggling\nB,03/04/2024,smuggling\n", encoding="utf-8")
    con = connect(tmp_path / "d.duckdb")
    with pytest.raises(ImportRefused) as caught:
        import_file(con, path)
    con.close()
    assert "cannot tell whether '01/02/2024' is day-first or month-first" in str(caught.value)
    assert caught.value.text("es").startswith("fechas.csv: no se puede saber si '01/02/2024'")
    assert "impossible de savoir si '01/02/2024'" in caught.value.text("fr")
    assert "não é possível saber se '01/02/2024'" in caught.value.text("pt")
