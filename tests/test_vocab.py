"""Controlled vocabularies and column conventions."""

from __future__ import annotations

import pytest

from turquesa_geo import columns as C
from turquesa_geo.vocab import MULTI_VALUED, VOCABULARIES, codes, label, normalize_key, resolve_term


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
            for text in (term.code, term.en, term.es):
                owners.setdefault(normalize_key(text), set()).add(term.code)
        clashes = {k: v for k, v in owners.items() if len(v) > 1}
        assert not clashes, (name, clashes)


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
