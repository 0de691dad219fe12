"""The analyst's term map: raw terms of a field that no vocabulary knows, mapped to a code.

A field is a vocabulary's name (``recruitment_method``, ``transport_mode``...) or
:data:`COUNTRY_FIELD` for every country column and the transit route. A raw term is
matched by its key (:func:`turquesa_geo.vocab.term_key`). Importers consult the map
before calling a term unmapped.
"""

from __future__ import annotations

import duckdb

from turquesa_geo.store.queries.ingest_terms import mapped_terms_sql

__all__ = ["COUNTRY_FIELD", "mapped_terms"]

#: The field of the term map that holds country names (every country column and transit).
COUNTRY_FIELD = "country"


def mapped_terms(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """The store's term map: (field, term key) to code."""
    return {(field, key): code for field, key, code in con.execute(*mapped_terms_sql()).fetchall()}
