"""Handling markings and audiences: banner text, colours, protection of counts and the notices, in any language."""

from __future__ import annotations

import datetime as dt

import pytest

from turquesa_geo.exports.marking import AUDIENCES, TLP_COLOURS, TLP_LEVELS, TLP_MEANING, ExportContext, Marking
from turquesa_geo.i18n import bilingual


def test_marking_text_and_colours():
    assert Marking().text == "TLP:AMBER"
    assert Marking("TLP:RED", "  UNIDAD   DE TRATA ").text == "TLP:RED · UNIDAD DE TRATA"
    assert Marking("TLP:GREEN").colours == ("#33FF00", "#000000")
    assert set(TLP_COLOURS) == set(TLP_LEVELS) == set(TLP_MEANING)


def test_bad_markings_name_the_value_and_the_choices():
    with pytest.raises(ValueError, match="unknown TLP label 'RED'; expected one of TLP:CLEAR, TLP:GREEN"):
        Marking("RED")
    with pytest.raises(ValueError, match="agency marking of 81 characters"):
        Marking("TLP:RED", "x" * 81)


def test_audiences_protect_counts():
    internal, external = AUDIENCES["internal"], AUDIENCES["external"]
    assert [internal.format(n) for n in (0, 3, 5, 1234)] == ["0", "<5", "5", "1,234"]
    assert [external.format(n) for n in (0, 10, 11, 17, 1234)] == ["0", "<11", "10", "15", "1,230"]
    assert [internal.format_total(n) for n in (3, 14, 1234)] == ["<5", "15", "1,235"]
    assert external.format(1234, grouping=False) == "1230"


def test_notices_name_the_threshold_in_each_language():
    assert (
        AUDIENCES["internal"].notice("en") == "Internal audience: counts under 5 persons or cases are not shown (<5)."
    )
    assert AUDIENCES["external"].notice("es") == (
        "Audiencia externa: no se muestran cifras de menos de 11 (<11); cada cifra se redondea hacia abajo a un "
        "múltiplo de 5."
    )
    assert AUDIENCES["external"].notice_in(("pt", "fr")).startswith("Público externo: números menores que 11 ")
    assert " / Public externe : les effectifs inférieurs à 11 " in AUDIENCES["external"].notice_in(("pt", "fr"))


def test_tlp_meanings_are_message_ids():
    assert (
        bilingual(TLP_MEANING["TLP:CLEAR"], ("es", "en"))
        == "La difusión no está limitada. / Disclosure is not limited."
    )


def test_export_context_banner_and_footer():
    context = ExportContext(
        marking=Marking("TLP:AMBER+STRICT", "MININT"),
        audience=AUDIENCES["internal"],
        filters_text="All cases",
        period=(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        data_version="abc123",
        exported_at=dt.datetime(2026, 1, 2, 3, 4),
        sources=("PNC", "OIM DTM"),
        langs=("es", "en"),
    )
    assert context.banner == "TLP:AMBER+STRICT · MININT · INTERNO / INTERNAL"
    assert context.footer_lines() == [
        "Filtros / Filters: All cases",
        "Período / Period: 01/01/2024 – 31/12/2024",
        "Versión de datos / Data version: abc123 · exportado / exported 02/01/2026 03:04",
        "Fuentes / Sources: PNC, OIM DTM",
        "Audiencia interna: no se muestran cifras de menos de 5 personas o casos (<5). / Internal audience: counts "
        "under 5 persons or cases are not shown (<5).",
    ]


def test_many_sources_are_counted_not_listed():
    context = ExportContext(sources=tuple(f"S{i}" for i in range(8)))
    assert context.footer_lines()[3] == "Sources: S0, S1, S2, S3, S4, S5 (+2)"
    assert ExportContext().period_text() == "—"
