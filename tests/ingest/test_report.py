"""An import's report in words (turquesa_geo.ingest.report): rule meanings per format, unmapped terms."""

from __future__ import annotations

from turquesa_geo.ingest.flat import FLAG_RULES, QUARANTINE_RULES
from turquesa_geo.ingest.report import rule_meaning, suggestion_text, unmapped_rows


def test_every_flat_rule_has_its_meaning_in_each_language():
    for rule in (*QUARANTINE_RULES, *FLAG_RULES):
        assert rule_meaning(rule) == {**QUARANTINE_RULES, **FLAG_RULES}[rule]
        assert all(rule_meaning(rule, lang) != rule_meaning(rule) for lang in ("es", "pt", "fr")), rule
    assert rule_meaning("adjustment", "es") == (
        "un recuento negativo ajusta un informe anterior: se guarda y se descuenta de los totales"
    )


def test_a_rule_is_read_in_its_own_format_first():
    assert rule_meaning("bad_date", profile="htcds") == "hte_Date is not a date: the event is kept without a date"
    assert rule_meaning("bad_date") == "date is not a date, a month or a year in the file's date format"
    assert rule_meaning("bad_year", profile="glotip") == "Year is not a year"
    assert rule_meaning("undated_case") == "no event of the case has a valid date, so the case cannot be placed in time"
    assert rule_meaning("no_such_rule", "fr") == "no_such_rule"


def test_suggestions_read_as_labels_with_the_code_to_map_to():
    assert suggestion_text("transport_mode", "sea", "es") == "Marítimo (sea)"
    assert suggestion_text("country", "CRI", "fr") == "Costa Rica (CRI)"
    assert suggestion_text("transport_mode", "not_a_code") == "not_a_code"


def test_unmapped_rows_most_rows_first_then_by_field_and_text():
    terms = [
        {"field": "transport_mode", "column": "transport_mode", "text": "lancha", "rows": 2, "suggestions": ["sea"]},
        {"field": "country", "column": "origin", "text": "Venezuela (Rep.)", "rows": 5, "suggestions": ["VEN"]},
        {"field": "country", "column": "transit", "text": "Darién", "rows": 2, "suggestions": []},
    ]
    assert unmapped_rows(terms, "es") == [
        ("country", "origin", "Venezuela (Rep.)", 5, "Venezuela (VEN)"),
        ("country", "transit", "Darién", 2, ""),
        ("transport_mode", "transport_mode", "lancha", 2, "Marítimo (sea)"),
    ]
