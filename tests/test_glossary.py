"""The glossary: English message ids shown in every interface language, with their legal source."""

from __future__ import annotations

import pytest

from turquesa_geo.glossary import TERM_IDS, TERMS, term
from turquesa_geo.i18n import LANGUAGES


def test_term_ids_are_unique_and_in_order():
    assert TERM_IDS[:3] == ("trafficking", "smuggling", "exploitation")
    assert len(set(TERM_IDS)) == len(TERMS) == 12


def test_a_term_reads_in_each_language():
    smuggling = term("smuggling")
    assert smuggling.title == "Smuggling of migrants (SOM)"
    assert [smuggling.title_in(lang) for lang in LANGUAGES] == [
        "Smuggling of migrants (SOM)",
        "Tráfico ilícito de migrantes",
        "Contrabando de migrantes",
        "Trafic illicite de migrants",
    ]
    assert term("trafficking").text_in("es").startswith("La captación, el transporte, el traslado")


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_term_is_translated(lang):
    for entry in TERMS:
        assert entry.title_in(lang) != entry.title or entry.title.startswith("HTEG"), (lang, entry.id)
        assert entry.text_in(lang) != entry.text, (lang, entry.id)


def test_legal_sources_name_the_article():
    assert term("trafficking").source.endswith("Especially Women and Children (2000), article 3")
    assert term("migrant_rights").source.endswith("articles 5, 16 and 19")
    assert term("small_cells").source == ""


def test_an_unknown_term_names_the_choices():
    with pytest.raises(KeyError, match="unknown glossary term 'x'; expected one of trafficking, smuggling"):
        term("x")
