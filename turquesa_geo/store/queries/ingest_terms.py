"""SQL of the analyst's term map: the mappings of raw terms the vocabularies do not know.

Every builder returns ``(sql, params)`` with DuckDB ``$name`` parameters in a dict.
"""

from __future__ import annotations

__all__ = ["mapped_terms_sql"]

Query = tuple[str, dict[str, object]]


def mapped_terms_sql() -> Query:
    """Query of (field, term key, code) of every mapping in ``term_map``.

    >>> mapped_terms_sql()
    ('SELECT field, term_key, code FROM term_map ORDER BY field, term_key', {})
    """
    return "SELECT field, term_key, code FROM term_map ORDER BY field, term_key", {}
