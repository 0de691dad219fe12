"""Files entering the store: readers, parsing, the import ledger, the flat and HTCDS importers and public-data profiles.

Imports the core and the store, never the analysis, maps or exports above it.
"""
