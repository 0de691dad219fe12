"""An import's report in words: what each rule means, and the unmapped terms with their suggestions.

The command line, the import page and the Store page show the same rules and terms
through these functions, in the interface language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from turquesa_geo.countries import country_name
from turquesa_geo.i18n import gettext
from turquesa_geo.ingest.flat import FLAG_RULES, QUARANTINE_RULES
from turquesa_geo.ingest.htcds import HTCDS_RULES
from turquesa_geo.ingest.profiles import PROFILES
from turquesa_geo.ingest.profiles.glotip import RULES as GLOTIP_RULES
from turquesa_geo.ingest.terms import COUNTRY_FIELD
from turquesa_geo.vocab import VOCABULARIES, label

__all__ = ["UNMAPPED_COLUMNS", "rule_meaning", "suggestion_text", "unmapped_rows"]

#: Columns of :func:`unmapped_rows`, in order.
UNMAPPED_COLUMNS = ("field", "column", "text", "rows", "suggestions")

#: Where a rule's meaning is looked up, per profile (first dictionary that has it): two
#: formats may name a rule alike (``bad_date``) and word it for their own columns.
_RULE_TEXTS: dict[str, tuple[Mapping[str, str], ...]] = {
    "htcds": (HTCDS_RULES, QUARANTINE_RULES, FLAG_RULES),
    **{name: (p.rules, QUARANTINE_RULES, FLAG_RULES) for name, p in PROFILES.items() if p.rules},
}
_FLAT_TEXTS = (
    QUARANTINE_RULES,
    FLAG_RULES,
    HTCDS_RULES,
    GLOTIP_RULES,
    *(p.rules for p in PROFILES.values() if p.rules and p.rules is not GLOTIP_RULES),
)


def rule_meaning(rule: str, lang: str = "en", profile: str = "flat") -> str:
    """What a quarantine or flag rule means, in ``lang``; an unknown rule is returned as it is.

    >>> rule_meaning("rounded_coordinates")
    'lat and lon are whole degrees (about 100 km): drawn at the country, not at the point'
    >>> rule_meaning("missing_id"), rule_meaning("missing_id", profile="htcds")
    ('incident_id is empty', 'case_id is empty')
    >>> rule_meaning("no_such_rule")
    'no_such_rule'
    """
    for texts in _RULE_TEXTS.get(profile, _FLAT_TEXTS):
        if rule in texts:
            return gettext(lang, texts[rule])
    return rule


def suggestion_text(field: str, code: str, lang: str = "en") -> str:
    """A suggested code as the analyst reads it: its label and, in brackets, the code to map to (a code
    without a label: the code alone).

    >>> suggestion_text("recruitment_method", "job_offer"), suggestion_text("country", "PAN", "es")
    ('Job offer / advertisement (job_offer)', 'Panamá (PAN)')
    >>> suggestion_text("no_such_field", "x"), suggestion_text("country", "XKX")
    ('x', 'XKX')
    """
    if field == COUNTRY_FIELD:
        name = country_name(code, lang)
    elif field in VOCABULARIES:
        name = label(field, code, lang)
    else:
        name = code
    return f"{name} ({code})" if name != code else code


def unmapped_rows(terms: Sequence[Mapping[str, object]], lang: str = "en") -> list[tuple]:
    """One row per unmapped term of an import (``ImportResult.unmapped_terms``): field, column, text, rows,
    suggestions in words (see :func:`suggestion_text`), most rows first.

    >>> unmapped_rows([{"field": "recruitment_method", "column": "recruitment_method",
    ...                 "text": "oferta de empleo", "rows": 60, "suggestions": ["job_offer"]}])
    [('recruitment_method', 'recruitment_method', 'oferta de empleo', 60, 'Job offer / advertisement (job_offer)')]
    >>> unmapped_rows([])
    []
    """
    ordered = sorted(terms, key=lambda t: (-int(t["rows"]), str(t["field"]), str(t["text"])))
    return [
        (
            t["field"],
            t["column"],
            t["text"],
            int(t["rows"]),
            ", ".join(suggestion_text(str(t["field"]), str(c), lang) for c in t.get("suggestions") or ()),
        )
        for t in ordered
    ]
