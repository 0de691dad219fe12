"""Files entering the store: readers, parsing, the import ledger, the flat, HTCDS and counts importers, profiles.

Imports the core and the store, never the analysis, maps or exports above it. Inside:
readers, parsing <- profiles.common <- profiles.mmp | glotip | ctdc <- profiles (the
registry); ledger <- counts, flat, htcds. Their SQL lives in ``turquesa_geo.store.ingest_*``.
"""
