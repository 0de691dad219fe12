"""Controlled vocabularies and column conventions."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turquesa_geo import columns as C
from turquesa_geo.i18n import LANGUAGES
from turquesa_geo.vocab import (
    MULTI_VALUED,
    SUGGESTION_CUTOFF,
    VOCABULARIES,
    Term,
    _similarity,
    _suggestion_choices,
    ambiguous_keys,
    closest_codes,
    codes,
    comparable_text,
    label,
    normalize_key,
    resolve_term,
    suggest_terms,
)


def test_codes_are_unique_snake_case_and_labelled_in_two_languages():
    for name, terms in VOCABULARIES.items():
        assert len({t.code for t in terms}) == len(terms), name
        for term in terms:
            assert term.code == term.code.lower().replace(" ", "_"), term
            assert term.en and term.es, term


def test_no_key_resolves_to_two_codes_within_a_vocabulary():
    for name, terms in VOCABULARIES.items():
        owners: dict[str, set[str]] = {}
        for term in terms:
            labels = [label(name, term.code, lang) for lang in LANGUAGES]
            for text in (term.code, term.es, *labels, *term.aliases):
                owners.setdefault(normalize_key(text), set()).add(term.code)
        clashes = {k: v for k, v in owners.items() if len(v) > 1}
        assert not clashes, (name, clashes)


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_no_key_as_written_or_in_the_singular_names_two_codes(vocabulary):
    assert ambiguous_keys(vocabulary) == {}


@pytest.mark.parametrize(
    ("vocabulary", "text", "code"),
    [
        ("crime_type", "TRATA DE PERSONAS", "trafficking"),
        ("crime_type", "trafico ilicito de migrantes", "smuggling"),
        ("gender", "Transgender/NonConforming", "transgender_nonconforming"),
        ("exploitation_form", "Explotación sexual", "sexual"),
        ("control_method", "DebtBondage", "debt_bondage"),
        ("recruitment_method", "Internet (social media, online advertisement)", "internet"),
        ("transport_mode", "Aéreo", "air"),
        ("linked_crime", "Ciberdelito", "cybercrime"),
        ("network", "REDTRAM", "redtram"),
    ],
)
def test_resolve_term_accepts_codes_and_labels(vocabulary, text, code):
    assert resolve_term(vocabulary, text) == code


#: Agency wording in Spanish, Portuguese and French, and the code each must resolve to.
AGENCY_WORDING = [
    ("recruitment_method", "oferta de empleo", "job_offer"),
    ("recruitment_method", "Oferta de trabajo", "job_offer"),
    ("recruitment_method", "oferta laboral", "job_offer"),
    ("recruitment_method", "Falsa oferta de empleo", "job_offer"),
    ("recruitment_method", "oferta de emprego", "job_offer"),
    ("recruitment_method", "Offre d'emploi", "job_offer"),
    ("recruitment_method", "ofertas de empleo", "job_offer"),
    ("recruitment_method", "Redes sociales", "internet"),
    ("recruitment_method", "red social", "internet"),
    ("recruitment_method", "redes sociais", "internet"),
    ("recruitment_method", "réseaux sociaux", "internet"),
    ("recruitment_method", "pareja sentimental", "intimate_partner"),
    ("recruitment_method", "Novio", "intimate_partner"),
    ("recruitment_method", "Secuestro", "abduction"),
    ("recruitment_method", "Enlèvement", "abduction"),
    ("recruitment_method", "otra", "other"),
    ("recruitment_method", "Desconhecido", "unknown"),
    ("control_method", "Retención de documentos", "withholds_documents"),
    ("control_method", "retención de pasaportes", "withholds_documents"),
    ("control_method", "Confiscation des documents", "withholds_documents"),
    ("control_method", "servidumbre por deudas", "debt_bondage"),
    ("control_method", "Servidão por dívidas", "debt_bondage"),
    ("control_method", "amenazas", "threats"),
    ("control_method", "Amenaza", "threats"),
    ("control_method", "Ameaças", "threats"),
    ("control_method", "menaces", "threats"),
    ("exploitation_form", "explotación sexual", "sexual"),
    ("exploitation_form", "Exploração sexual", "sexual"),
    ("exploitation_form", "exploitation sexuelle", "sexual"),
    ("exploitation_form", "trabajos forzados", "forced_labour_other"),
    ("exploitation_form", "Trabalho escravo", "forced_labour_other"),
    ("exploitation_form", "Travail forcé", "forced_labour_other"),
    ("exploitation_form", "mendicidad", "begging"),
    ("exploitation_form", "Mendicité forcée", "begging"),
    ("exploitation_form", "Matrimonio forzado", "forced_marriage"),
    ("exploitation_form", "casamento forçado", "forced_marriage"),
    ("transport_mode", "terrestre", "land"),
    ("transport_mode", "Marítimo", "sea"),
    ("transport_mode", "marítima", "sea"),
    ("transport_mode", "aéreo", "air"),
    ("transport_mode", "Aérien", "air"),
    ("transport_mode", "fluvial", "river"),
    ("transport_mode", "a pie", "land"),
    ("transport_mode", "à pied", "land"),
    ("transport_mode", "lancha", "sea"),
    ("document_fraud", "pasaporte falso", "counterfeit"),
    ("document_fraud", "Pasaportes falsos", "counterfeit"),
    ("document_fraud", "documentos falsificados", "counterfeit"),
    ("document_fraud", "Document contrefait", "counterfeit"),
    ("document_fraud", "visa fraudulenta", "yes_unspecified"),
    ("document_fraud", "Sin fraude documental", "none"),
    ("platform", "WhatsApp", "whatsapp"),
    ("platform", "whats app", "whatsapp"),
    ("platform", "FACEBOOK", "facebook"),
    ("platform", "Instagram", "instagram"),
    ("platform", "Site de rencontre", "dating_site"),
    ("network", "Policía Nacional", "national_police"),
    ("network", "Polícia Nacional", "national_police"),
    ("network", "Police nationale", "national_police"),
    ("network", "Ministério Público", "prosecution"),
    ("network", "Ministère public", "prosecution"),
    ("network", "OIM", "international_org"),
    ("network", "Sociedad civil", "ngo"),
    ("network", "ONG", "ngo"),
    ("gender", "mujer", "female"),
    ("gender", "Mujeres", "female"),
    ("gender", "femenino", "female"),
    ("gender", "niña", "female"),
    ("gender", "Féminin", "female"),
    ("gender", "hombre", "male"),
    ("gender", "Hombres", "male"),
    ("gender", "masculino", "male"),
    ("gender", "niño", "male"),
    ("gender", "Homme", "male"),
    ("age_group", "menor de edad", "minor"),
    ("age_group", "Menores de edad", "minor"),
    ("age_group", "NNA", "minor"),
    ("age_group", "Menor de idade", "minor"),
    ("age_group", "mineur", "minor"),
    ("age_group", "adulto", "adult"),
    ("age_group", "Adultos", "adult"),
    ("age_group", "Adulte", "adult"),
    ("crime_type", "trata de personas", "trafficking"),
    ("crime_type", "tráfico de pessoas", "trafficking"),
    ("crime_type", "traite des personnes", "trafficking"),
    ("crime_type", "tráfico de migrantes", "smuggling"),
    ("crime_type", "tráfico ilícito de migrantes", "smuggling"),
    ("crime_type", "contrabando de migrantes", "smuggling"),
    ("crime_type", "trafic de migrants", "smuggling"),
    ("crime_type", "Trafic illicite de migrants", "smuggling"),
    ("date_precision", "Años", "year"),
    ("date_precision", "varios años", "period"),
    ("date_precision", "Fecha desconocida", "unknown"),
    ("date_precision", "sin fecha", "unknown"),
    ("date_precision", "desconhecido", "unknown"),
]


def test_a_date_unknown_reads_in_every_language():
    assert [label("date_precision", "unknown", lang) for lang in ("en", "es", "pt", "fr")] == [
        "Date unknown",
        "Fecha desconocida",
        "Data desconhecida",
        "Date inconnue",
    ]


@pytest.mark.parametrize(("vocabulary", "text", "code"), AGENCY_WORDING)
def test_agency_wording_in_three_languages_resolves(vocabulary, text, code):
    assert resolve_term(vocabulary, text) == code


def test_a_key_two_codes_claim_resolves_to_nothing(monkeypatch):
    # "red" and "rede" meet in the singular ("redes" -> "red"), so "Redes" names neither.
    monkeypatch.setitem(VOCABULARIES, "test_clash", [Term("red", "Red", "Red"), Term("rede", "Rede", "Rede")])
    assert ambiguous_keys("test_clash") == {"red": ["red", "rede"]}
    assert (resolve_term("test_clash", "Red"), resolve_term("test_clash", "REDE")) == ("red", "rede")
    assert resolve_term("test_clash", "Redes") is None


def test_every_code_resolves_to_itself():
    for name in VOCABULARIES:
        assert {code: resolve_term(name, code) for code in codes(name)} == {code: code for code in codes(name)}


def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


_LABELLED = sorted(
    {(name, term.code, lang) for name, terms in VOCABULARIES.items() for term in terms for lang in LANGUAGES}
)


@settings(max_examples=400, deadline=None)
@given(
    labelled=st.sampled_from(_LABELLED),
    upper=st.lists(st.booleans(), max_size=80),
    accents=st.booleans(),
    pad=st.tuples(st.sampled_from(["", " ", "  ", "\t"]), st.sampled_from(["", " ", " \n"])),
)
def test_every_label_in_every_language_resolves_to_its_code(labelled, upper, accents, pad):
    vocabulary, code, lang = labelled
    text = label(vocabulary, code, lang)
    assert resolve_term(vocabulary, text) == code
    variant = _strip_accents(text) if accents else text
    variant = "".join(ch.upper() if up else ch.lower() for ch, up in zip(variant, upper + [False] * len(variant)))
    variant = pad[0] + variant.replace(" ", "  ") + pad[1]
    assert resolve_term(vocabulary, variant) == code


def test_suggestions_come_from_every_language_best_first():
    assert suggest_terms("recruitment_method", "oferta d empleo")[0] == "job_offer"
    assert suggest_terms("recruitment_method", "ofertas de empleo falsas") == ["job_offer"]
    assert suggest_terms("recruitment_method", "ofre d'emploi") == ["job_offer"]
    assert suggest_terms("control_method", "amenazas de muerte") == ["threats"]
    assert suggest_terms("platform", "watsap") == ["whatsapp"]
    assert suggest_terms("gender", "mujeer") == ["female"]


def test_suggestions_are_never_applied():
    assert resolve_term("recruitment_method", "oferta d empleo") is None
    assert resolve_term("platform", "watsap") is None


@pytest.mark.parametrize("text", ["qqqqqq", "hello world", "martes", "", "  ", "de la"])
def test_nonsense_gets_no_suggestion(text):
    assert suggest_terms("recruitment_method", text) == []
    assert suggest_terms("transport_mode", text) == []


def test_suggestions_are_limited_and_checked():
    assert len(suggest_terms("recruitment_method", "oferta", n=2)) == 2
    with pytest.raises(ValueError, match="got 0"):
        suggest_terms("recruitment_method", "oferta", n=0)
    with pytest.raises(KeyError, match="'colour'"):
        suggest_terms("colour", "red")


def test_one_shared_word_is_not_a_match():
    choices = {comparable_text("Restriction de l'accès aux soins"): "restricts_medical_care", "amenazas": "threats"}
    assert closest_codes(comparable_text("amenazas de muerte"), choices) == ["threats"]
    assert closest_codes(comparable_text("acces muerte"), choices) == []


def test_unknown_vocabulary_is_named():
    with pytest.raises(KeyError, match="'colour'"):
        resolve_term("colour", "red")


def test_labels_and_multi_valued_dimensions():
    assert label("crime_type", "smuggling", "es") == "Tráfico ilícito de migrantes"
    assert set(MULTI_VALUED) == set(C.MULTI_VALUE_COLUMNS.values())
    assert codes("age_group") == ["adult", "minor", "unknown"]


def test_count_columns_cover_roles_genders_ages():
    assert len(C.COUNT_COLUMNS) == 3 * 4 * 3
    assert C.parse_count_column("suspects_x_u") == ("suspect", "transgender_nonconforming", "unknown")
    with pytest.raises(ValueError, match="age code 'old'"):
        C.parse_count_column("victims_f_old")


@pytest.mark.parametrize(
    "name",
    [
        "nombre",
        "Apellidos",
        "passport_number",
        "telefono",
        "E-mail",
        "dob",
        "date_of_birth",
        "Numero Documento",
        "cedula",
    ],
)
def test_personal_columns_are_recognised(name):
    assert C.looks_personal(name)


@pytest.mark.parametrize("name", ["place", "nationality", "destination", "platforms", "date", "source", "network"])
def test_model_columns_are_not_personal(name):
    assert not C.looks_personal(name)


def _closest_codes_slowly(text: str, choices: dict[str, str], n: int = 3) -> list[str]:
    """Reference: score every choice with the full similarity, no narrowing."""
    scored = [(-_similarity(text, choice), index) for index, choice in enumerate(choices) if text]
    ranked = [index for score, index in sorted(scored) if -score >= SUGGESTION_CUTOFF]
    return list(dict.fromkeys(list(choices.values())[index] for index in ranked))[:n]


_WORDS = sorted(
    {word for vocabulary in VOCABULARIES for text in _suggestion_choices(vocabulary) for word in text.split()}
)


@settings(max_examples=300, deadline=None)
@given(
    vocabulary=st.sampled_from(sorted(VOCABULARIES)),
    words=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4),
    typo=st.integers(min_value=0, max_value=30),
)
def test_narrowed_suggestions_equal_scoring_every_choice(vocabulary, words, typo):
    text = " ".join(words)
    text = text[:typo] + text[typo + 1 :]  # drop one letter, somewhere
    choices = _suggestion_choices(vocabulary)
    assert closest_codes(text, choices) == _closest_codes_slowly(text, choices)
